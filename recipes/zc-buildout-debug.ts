// zc.buildout's own test recipe, `zc.buildout:debug` (zc/buildout/testrecipes.py
// Debug, the `debug` entry point of zc.buildout's egg): install and update
// print each option of the part, sorted, as `  name=repr(value)`, and
// return nothing. Its suite's examples use it to show what options hold.
import type { RecipeModule } from './api.ts';
import { strRepr } from '../python/index.ts';

export const zcBuildoutDebug: RecipeModule = {
  names: ['zc.buildout:debug'],
  pureInit: true,
  schema: {
    doc: "Prints the part's options, sorted (zc.buildout's test recipe).",
    options: {},
    anyOptions: true,
    generated: [],
  },
  init({ options }) {
    const install = () => {
      const names = options.keys().sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      // print_, on stdout with buildout's own lines
      for (const name of names) process.stdout.write(`  ${name}=${strRepr(options.require(name))}\n`);
      return [];
    };
    return { install, update: install };
  },
};
