// slapos.cookbook:readline (slapos/recipe/readline.py): `readline` is the
// first line of `storage-path` (its newline kept), read at init; when the
// file does not exist, `when-absent` (and install fails without it);
// update does nothing.
import { readFileSync } from 'node:fs';
import { RecipeError, type RecipeModule } from '../api.ts';

export const readline: RecipeModule = {
  names: ['slapos.cookbook:readline'],
  pureInit: true,
  schema: {
    doc: 'Sets `readline`, the first line of a file (or `when-absent` when it does not exist).',
    options: { 'storage-path': { doc: 'the file to read' }, 'when-absent': { doc: 'the value when the file does not exist' } },
    required: ['storage-path'],
    generated: ['readline'],
  },
  init({ name, options }) {
    const path = options.require('storage-path');
    let line: string | undefined;
    try {
      const text = readFileSync(path, 'utf8');
      const nl = text.indexOf('\n');
      line = nl < 0 ? text : text.slice(0, nl + 1);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw new RecipeError(`[${name}] cannot read ${path}: ${(e as NodeJS.ErrnoException).code}`);
      line = options.get('when-absent');
    }
    // Python's None when absent without when-absent: the fork stores it typed
    options.set('readline', line ?? null);
    const install = () => {
      if (line === undefined) throw new RecipeError(`[${name}] Unable to read the file content.`);
      return [];
    };
    return { install, update: () => [] };
  },
};
