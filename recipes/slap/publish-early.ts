// slapos.cookbook:publish-early (docs/slapos-recipes.md#publish-early). `-init` lines `<key>
// <section>:<option>`; other options are static values forced as given.
// At init it reads the connection parameters already published
// (registerComputerPartition, JSON-in-XML unwrapped); a key already
// published keeps that value; any other key takes the value of its
// section:option (a password generated on this run, say) and the new values
// are published at once (setConnectionDict(wrap(...))). Every key is
// written back as a volatile option of this section (`${publish-early:key}`)
// and `-publish` lists them, so `[publish] -extends = publish-early`
// publishes them again with the rest. install = update = nothing.
// A value already published is injected into its target section before
// that section initialises (generate.password then keeps it as `passwd`).
import { PyDict, pySplitLines, pySplitWhitespace, pyStrip } from '../../python/index.ts';
import { RecipeError, type RecipeModule } from '../api.ts';
import { masterCall, slapConnection, unwrap, wrap } from './connection.ts';

export const publishEarly: RecipeModule = {
  names: ['slapos.cookbook:publish-early'],
  initEffect: 'its init reads and publishes parameters through the SlapOS master',
  schema: {
    doc: 'Publishes values at initialisation and injects published values into other sections.',
    options: { '-init': { doc: 'lines <key> <section>:<option>' } },
    required: ['-init'],
    anyOptions: true,
    // -publish: the keys
    generated: ['-publish'],
    generatesUnknown: 'publish-early sets the options named by its -init lines from what the master returns',
  },
  init({ name, options, buildout }) {
    const lines = pySplitLines(options.require('-init')).map(pyStrip).filter(Boolean);
    const master = slapConnection(buildout);
    let published = new PyDict();
    if (master) {
      const cp = masterCall(`[${name}] cannot read the published parameters`, () => master.slap.register(master.computer, master.partition));
      const d = unwrap(cp.attr('_connection_dict') ?? new PyDict());
      if (d instanceof PyDict) published = d;
    }
    const values = new PyDict();
    const fresh = new PyDict();
    for (const line of lines) {
      const [key, ref] = pySplitWhitespace(line);
      if (!key || !ref || !ref.includes(':')) throw new RecipeError(`[${name}] -init: expected '<key> <section>:<option>', got ${JSON.stringify(line)}`);
      const i = ref.indexOf(':');
      const [section, option] = [ref.slice(0, i), ref.slice(i + 1)];
      const before = published.get(key);
      // an already published value is injected into its section before that initialises (a password kept)
      if (typeof before === 'string') buildout.presetOption(section, option, before.replaceAll('${', () => '$${'));
      const value = before ?? buildout.section(section).typed(option) ?? '';
      if (!published.has(key)) fresh.set(key, value);
      values.set(key, value);
    }
    for (const k of options.keys()) {
      if (k === 'recipe' || k.startsWith('-')) continue;
      const v = options.typed(k) ?? '';
      values.set(k, v);
      if (published.get(k) !== v) fresh.set(k, v);
    }
    if (master && fresh.size) {
      const all = published.copy();
      for (const [k, v] of fresh.entries()) all.set(k, v);
      masterCall(`[${name}] cannot publish`, () => master.slap.setConnection(master.computer, master.partition, wrap(all)));
    }
    for (const [k, v] of values.entries()) options.setVolatile(String(k), v);
    options.set('-publish', [...values.keys()].map(String).join(' '));
    return { install: () => [], update: () => [] };
  },
};
