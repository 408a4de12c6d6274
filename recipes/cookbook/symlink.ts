// slapos.cookbook:symbolic.link (docs/slapos-recipes.md#symboliclink): for
// each path of `link-binary`, a symbolic link `<target-directory>/<basename>`
// → path. An existing link is replaced (left alone when it already points
// there); any other file in the way is an error. Returns the links; update =
// install.
import { lstatSync, readlinkSync, symlinkSync, unlinkSync } from 'node:fs';
import { willCreate } from '../lib/files.ts';
import { basename, join } from 'node:path';
import { pySplitWhitespace, strRepr } from '../../python/index.ts';
import { RecipeError, type RecipeModule } from '../api.ts';

export const symbolicLink: RecipeModule = {
  names: ['slapos.cookbook:symbolic.link'],
  pureInit: true,
  schema: {
    options: {
      'target-directory': { doc: 'the directory where the links are made (the recipe fails without it)' },
      'link-binary': { doc: 'the paths to link to, whitespace separated (the recipe fails without it)' },
    },
    // not `required`: the linter has never reported them missing, and
    // would then report macro bases it does not recognise as such
    generated: [],
  },
  init({ options, logger }) {
    const target = options.require('target-directory');
    const paths = pySplitWhitespace(options.require('link-binary'));
    const install = () => {
      const links: string[] = [];
      for (const path of paths) {
        const link = join(target, basename(path));
        let stat;
        try {
          stat = lstatSync(link);
        } catch {
          // nothing there
        }
        if (stat) {
          if (!stat.isSymbolicLink()) throw new RecipeError(`Target link already ${strRepr(link)} exists but it is not link`);
          if (readlinkSync(link) !== path) unlinkSync(link);
          else {
            links.push(link);
            continue;
          }
        }
        willCreate(link);
        symlinkSync(path, link);
        logger.debug(`Created link ${strRepr(link)} -> ${strRepr(path)}`);
        links.push(link);
      }
      return links;
    };
    return { install, update: install };
  },
};
