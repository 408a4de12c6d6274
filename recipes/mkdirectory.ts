// slapos.cookbook:mkdirectory and slapos.recipe.build:mkdirectory
// (docs/slapos-recipes.md#mkdirectory): every
// option but `recipe` and `mode` is a directory to create (sorted order).
// Nothing is returned: directories may hold user data and are never removed.
import { mkdirSync, statSync } from 'node:fs';
import type { RecipeModule } from './api.ts';
import { modeOption } from './lib/files.ts';

export const mkdirectory: RecipeModule = {
  // slapos.recipe.build's entry is the same recipe, so software profiles need no slapos.cookbook
  names: ['slapos.cookbook:mkdirectory', 'slapos.recipe.build:mkdirectory'],
  pureInit: true,
  schema: {
    doc: 'Creates every directory given as an option.',
    options: { mode: { doc: 'octal mode of the directories created (masked by the umask)', default: '0777' } },
    anyOptions: true,
    generated: [],
  },
  init({ options }) {
    const mode = modeOption(options, options.name, '0777')!;
    const paths = options
      .keys()
      .filter((k) => k !== 'recipe' && k !== 'mode')
      .sort()
      .map((k) => options.require(k));
    const install = () => {
      for (const path of paths) {
        if (!path) continue;
        let isDir = false;
        try {
          isDir = statSync(path).isDirectory();
        } catch {
          // missing
        }
        if (!isDir) mkdirSync(path, { recursive: true, mode });
      }
      return [];
    };
    return { install, update: install };
  },
};
