// slapos.cookbook:mkdirectory and slapos.recipe.build:mkdirectory
// (docs/slapos-recipes.md#mkdirectory): every
// option but `recipe` and `mode` is a directory to create, in the order of
// the sorted paths, with Python's os.makedirs(path, mode): `mode` is given to
// the last directory of the path only, the parents it creates get 0777
// (both masked by the umask), so other users can still traverse them.
// Nothing is returned: directories may hold user data and are never removed.
import { existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
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
      .map((k) => options.require(k))
      // the recipe sorts the paths, not the option names: a parent given
      // under a later name is still created first, with `mode`
      .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const install = () => {
      for (const path of paths) {
        // os.path.isdir: a path with a trailing slash resolves only to a directory
        // (symbolic links followed), and asking costs no Stats object or exception
        if (!path || existsSync(path + '/')) continue;
        mkdirSync(dirname(path), { recursive: true });
        mkdirSync(path, { mode });
      }
      return [];
    };
    return { install, update: install };
  },
};
