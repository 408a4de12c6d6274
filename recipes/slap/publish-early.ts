// slapos.cookbook:publish-early (docs/slapos-recipes.md#publish-early). `-init` lines `<key>
// <section>:<option>`, each for a key this section does not set itself (a
// key it sets is forced as given, and its line ignored). With no such line
// the recipe does nothing at all. Else, at init, it reads the connection
// parameters already published (registerComputerPartition, JSON-in-XML
// unwrapped); a key already published is injected into its section before
// that section initialises (generate.password then keeps it as `passwd`);
// then each key takes the value of its section:option, which is removed
// from that section (read only through `${publish-early:key}`), and where
// the values differ from the published ones they alone are published
// (setConnectionDict(wrap(...)), replacing what was). The keys are volatile
// options of this section, and `-publish` (volatile too) lists this
// section's own keys then the `-init` ones, so that `[publish] -extends =
// publish-early` publishes them again with the rest. install = update = nothing.
import { PyDict, pySplitLines, pySplitWhitespace } from '../../python/index.ts';
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
    // section -> key -> option, in the order of first appearance
    const init = new Map<string, Map<string, string>>();
    for (const line of pySplitLines(options.require('-init'))) {
      if (!line) continue;
      const words = pySplitWhitespace(line);
      const [key, ref] = words;
      if (words.length !== 2 || ref!.split(':').length !== 2) throw new RecipeError(`[${name}] -init: expected '<key> <section>:<option>', got ${JSON.stringify(line)}`);
      if (options.has(key!)) continue;
      const [section, option] = ref!.split(':') as [string, string];
      const keys = init.get(section) ?? new Map<string, string>();
      keys.set(key!, option);
      init.set(section, keys);
    }
    const nothing = { install: () => [], update: () => [] };
    if (!init.size) return nothing;
    const master = slapConnection(buildout);
    let published = new PyDict();
    if (master) {
      const cp = masterCall(`[${name}] cannot read the published parameters`, () => master.slap.register(master.computer, master.partition));
      const d = unwrap(cp.attr('_connection_dict') ?? new PyDict());
      if (d instanceof PyDict) published = d;
    }
    const publishDict = new PyDict();
    let publish = false;
    for (const [section, keys] of init) {
      const override = new Map<string, string>();
      for (const [key, option] of keys) {
        const before = published.get(key);
        if (before === undefined) continue;
        override.set(option, String(before));
        // the section's value before its recipe initialises
        if (typeof before === 'string') buildout.presetOption(section, option, before.replaceAll('${', () => '$${'));
      }
      const target = buildout.section(section);
      const values = new Map<string, string>();
      for (const [key, option] of keys) {
        if (!target.has(option)) continue;
        const value = target.typed(option) ?? '';
        options.setVolatile(key, value);
        publishDict.set(key, value);
        values.set(option, String(value));
        target.remove(option);
      }
      if (values.size !== override.size || [...values].some(([k, v]) => override.get(k) !== v)) publish = true;
    }
    if (publish && master) masterCall(`[${name}] cannot publish`, () => master.slap.setConnection(master.computer, master.partition, wrap(publishDict)));
    const own = [...options.keys()].filter((k) => k !== 'recipe' && !k.startsWith('-'));
    options.setVolatile('-publish', [...own, ...[...publishDict.keys()].map(String)].join(' '));
    return nothing;
  },
};
