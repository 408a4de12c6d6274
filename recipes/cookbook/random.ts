// slapos.cookbook's random recipes (slapos/recipe/random.py,
// docs/slapos-recipes.md#random-values) but generate.password
// (password.ts): random.integer sets `value` (an int) in [minimum, maximum]
// and random.time `time` ("H:MM", 24h clock), both only when the profile
// does not set them, at init, and install nothing; generate.mac sets
// `mac-address`: the option's, else the one kept in `storage-path`, else a
// new locally administered address (first octet fe) that install writes
// there.
import { randomInt } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { intType, callValue, PyException, type PyValue } from '../../python/index.ts';
import { RecipeError, type RecipeModule } from '../api.ts';
import { writeAsOpen } from '../lib/files.ts';

/** Python's int(value) of an option (a `!py!` int, or a numeral). */
function pyInt(value: PyValue | undefined, part: string, key: string): bigint {
  if (value === undefined) throw new RecipeError(`Missing option: ${part}:${key}`);
  try {
    return callValue(intType, [value]) as bigint;
  } catch (e) {
    if (e instanceof PyException) throw new RecipeError(`[${part}] ${key}: ${e.toString()}`);
    throw e;
  }
}

/** A uniform integer in [lo, hi] (random.randint), for bounds beyond 2**48 too. */
function randint(lo: bigint, hi: bigint): bigint {
  const span = hi - lo + 1n;
  if (span <= 0n) throw new RecipeError(`empty range for randint(${lo}, ${hi})`);
  if (span <= 0xffffffffffffn) return lo + BigInt(randomInt(Number(span)));
  let r = 0n;
  for (let bits = 0n; 1n << bits < span * 2n; bits += 32n) r = (r << 32n) | BigInt(randomInt(0x100000000));
  return lo + (r % span);
}

export const randomInteger: RecipeModule = {
  names: ['slapos.cookbook:random.integer'],
  pureInit: true,
  inspect: ({ options }) => (options.has('value') ? undefined : { unknown: ['value'] }),
  schema: {
    doc: 'Sets `value`, a random integer between minimum and maximum (both included), unless given.',
    options: { minimum: { doc: 'the lowest value' }, maximum: { doc: 'the highest value' }, value: { doc: 'the value (set by the recipe unless given)' } },
    required: ['minimum', 'maximum'],
    generated: ['value'],
  },
  init({ name, options }) {
    if (!options.has('value')) options.set('value', randint(pyInt(options.typed('minimum'), name, 'minimum'), pyInt(options.typed('maximum'), name, 'maximum')));
    return { install: () => [], update: () => [] };
  },
};

export const randomTime: RecipeModule = {
  names: ['slapos.cookbook:random.time'],
  pureInit: true,
  inspect: ({ options }) => (options.has('time') ? undefined : { unknown: ['time'] }),
  schema: { doc: 'Sets `time`, a random time of day (H:MM), unless given.', options: { time: { doc: 'the time (set by the recipe unless given)' } }, generated: ['time'] },
  init({ options }) {
    if (!options.has('time')) options.set('time', `${randomInt(24)}:${String(randomInt(60)).padStart(2, '0')}`);
    return { install: () => [], update: () => [] };
  },
};

export const generateMac: RecipeModule = {
  names: ['slapos.cookbook:generate.mac'],
  pureInit: true,
  inspect: ({ options }) => (options.get('mac-address') ? undefined : { unknown: ['mac-address'] }),
  schema: {
    doc: 'Sets `mac-address`: the given one, else the one kept in storage-path, else a new locally administered one (kept there at install).',
    options: { 'storage-path': { doc: 'the file that keeps the address' }, 'mac-address': { doc: 'the address (set by the recipe unless given)' } },
    required: ['storage-path'],
    generated: ['mac-address'],
  },
  init({ options }) {
    const storage = options.require('storage-path');
    let mac = options.get('mac-address');
    let fresh = false;
    if (!mac) {
      try {
        mac = readFileSync(storage, 'utf8');
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw new RecipeError(`cannot read ${storage}: ${(e as NodeJS.ErrnoException).code}`);
      }
      if (!mac) {
        mac = [0xfe, ...Array.from({ length: 5 }, () => randomInt(256))].map((x) => x.toString(16).padStart(2, '0')).join(':');
        fresh = true;
      }
      options.set('mac-address', mac);
    }
    const install = () => {
      writeAsOpen(storage, mac!);
      return [storage];
    };
    // an address drawn in this run is kept by update too
    return { install, update: fresh ? install : () => undefined };
  },
};
