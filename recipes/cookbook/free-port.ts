// slapos.cookbook:free_port (docs/slapos-recipes.md#free_port): at init,
// `port` is the port this part recorded in .installed.cfg by the previous run
// (unless 0), else the first port of [minimum, maximum) that binds on `ip`
// (`minimum` when minimum == maximum; 0 when ip is neither IPv4 nor IPv6, or
// no port is free). Install and update do nothing.
import { isIPv4, isIPv6 } from 'node:net';
import { spawnSync } from 'node:child_process';
import { RecipeError, type RecipeModule } from '../api.ts';

// Binding is asynchronous in Node; recipes initialise synchronously, so a
// child Node process probes the ports and prints the first free one.
const PROBE = `
const net = require('node:net');
const [ip, min, max] = [process.argv[1], Number(process.argv[2]), Number(process.argv[3])];
const tryPort = (port) => {
  if (port >= max) { process.stdout.write('0'); return; }
  const s = net.createServer();
  s.once('error', () => tryPort(port + 1));
  s.listen({ host: ip, port, exclusive: true }, () => s.close(() => process.stdout.write(String(port))));
};
tryPort(min);
`;

export function findFreePort(ip: string, minimum: number, maximum: number): number {
  const r = spawnSync(process.execPath, ['-e', PROBE, ip, String(minimum), String(maximum)], { encoding: 'utf8', timeout: 120_000 });
  if (r.status !== 0) throw new RecipeError(`free_port: probing ports on ${ip} failed: ${r.stderr || r.error?.message}`);
  return Number(r.stdout.trim());
}

function intOption(text: string, part: string, option: string): number {
  if (!/^\s*[+-]?\d+\s*$/.test(text)) throw new RecipeError(`[${part}] ${option}: invalid literal for int() with base 10: '${text}'`);
  return Number(text);
}

export const freePort: RecipeModule = {
  names: ['slapos.cookbook:free_port'],
  pureInit: true,
  inspect({ buildout }) {
    const previous = buildout.previous()?.get('port');
    return previous === undefined || previous === '0' ? { skip: 'its init probes for a free port' } : undefined;
  },
  schema: {
    doc: 'Finds a free port at initialisation; sets `port`.',
    options: {
      ip: { doc: 'the address the port must bind on (IPv4 or IPv6)' },
      minimum: { doc: 'first port tried', default: '1024' },
      maximum: { doc: 'end of the range (excluded)', default: '49151' },
    },
    // kept from the previous run
    generated: ['port'],
  },
  init({ name, options, buildout }) {
    const previous = buildout.previous()?.get('port');
    const minimum = intOption(options.get('minimum') ?? '1024', name, 'minimum');
    const maximum = intOption(options.get('maximum') ?? '49151', name, 'maximum');
    const ip = options.get('ip') ?? '';
    let port: number;
    if (previous !== undefined && previous !== '0') {
      options.set('port', previous);
      return { install: () => [], update: () => [] };
    }
    if (minimum === maximum) port = minimum;
    else if (!isIPv4(ip) && !isIPv6(ip)) port = 0;
    else port = findFreePort(ip, minimum, maximum);
    options.set('port', String(port));
    return { install: () => [], update: () => [] };
  },
};
