// slapos.cookbook:copyfilelist (slapos/recipe/copyfilelist.py): each path
// of `file-list` (whitespace separated) is copied into `target-directory`
// under its base name, replacing what is there. Returns the copies;
// update = install.
import { copyFileSync, rmSync } from 'node:fs';
import { willCreate } from '../lib/files.ts';
import { basename, join } from 'node:path';
import { pySplitWhitespace } from '../../python/index.ts';
import { RecipeError, type RecipeModule } from '../api.ts';

export const copyfilelist: RecipeModule = {
  names: ['slapos.cookbook:copyfilelist'],
  pureInit: true,
  schema: {
    doc: 'Copies files into a directory.',
    options: { 'file-list': { doc: 'the files to copy, whitespace separated' }, 'target-directory': { doc: 'where they go' } },
    required: ['file-list', 'target-directory'],
    generated: [],
  },
  init({ name, options, logger }) {
    const target = options.require('target-directory');
    const files = pySplitWhitespace(options.require('file-list'));
    const install = () =>
      files.map((file) => {
        const copy = join(target, basename(file));
        rmSync(copy, { force: true });
        willCreate(copy);
        try {
          copyFileSync(file, copy);
        } catch (e) {
          throw new RecipeError(`[${name}] cannot copy ${file} to ${copy}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
        }
        logger.debug(`Created copy '${file}' -> '${copy}'`);
        return copy;
      });
    return { install, update: install };
  },
};
