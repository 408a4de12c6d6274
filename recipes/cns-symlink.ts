// cns.recipe.symlink 0.2.3 (docs/slapos-recipes.md#cnsrecipesymlink): each
// line of `symlink` is `SOURCE = LINK` (or SOURCE alone: the link is
// `<symlink_target>/<basename of SOURCE>`); with `symlink_base`, every entry
// of that directory is linked into `symlink_target`. `autocreate` creates
// the directory of the links. A link already there is replaced; a file or
// directory in the way is left alone, with a warning. Returns the links
// (buildout removes them on uninstall); update makes them again.
import { lstatSync, mkdirSync, readdirSync, readlinkSync, symlinkSync, unlinkSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { RecipeError, type RecipeModule } from './api.ts';
import { isTrue, willCreate } from './lib/files.ts';

export const cnsSymlink: RecipeModule = {
  names: ['cns.recipe.symlink'],
  pureInit: true,
  schema: {
    doc: 'Creates symbolic links: `symlink` lines `SOURCE = LINK` (or SOURCE, linked into symlink_target), or every entry of `symlink_base` linked into `symlink_target`.',
    options: {
      symlink: { doc: 'lines `SOURCE = LINK`, or SOURCE alone (the link goes to symlink_target)' },
      symlink_target: { doc: 'the directory of links given without a name, and of symlink_base links' },
      symlink_base: { doc: 'a directory whose every entry is linked into symlink_target' },
      autocreate: { doc: 'true: create the directories the links go to' },
    },
    generated: [],
  },
  init({ name, options, logger }) {
    const target = options.get('symlink_target')?.trim();
    const base = options.get('symlink_base')?.trim();
    const lines = (options.get('symlink') ?? '').split('\n').map((l) => l.trim()).filter(Boolean);
    const autocreate = isTrue(options.get('autocreate'));
    const intoTarget = (source: string) => {
      if (!target) throw new RecipeError(`[${name}] symlink: '${source}' names no link, and there is no symlink_target to put it in`);
      return join(target, basename(source));
    };
    const pairs = lines.map((line): [string, string] => {
      const eq = line.indexOf('=');
      return eq < 0 ? [line, intoTarget(line)] : [line.slice(0, eq).trim(), line.slice(eq + 1).trim()];
    });
    if (base && !target) throw new RecipeError(`[${name}] symlink_base needs symlink_target`);
    const install = () => {
      const all = [...pairs];
      if (base) for (const entry of readdirSync(base).sort()) all.push([join(base, entry), join(target!, entry)]);
      const links: string[] = [];
      for (const [source, link] of all) {
        if (autocreate) mkdirSync(dirname(link), { recursive: true });
        const there = lstatSync(link, { throwIfNoEntry: false });
        if (there?.isSymbolicLink()) {
          if (readlinkSync(link) === source) {
            links.push(link);
            continue;
          }
          unlinkSync(link);
        } else if (there) {
          logger.warning(`[${name}] ${link} exists and is not a link: left alone`);
          continue;
        }
        try {
          willCreate(link);
          symlinkSync(source, link);
        } catch (e) {
          throw new RecipeError(`[${name}] cannot link ${link} to ${source}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
        }
        logger.info(`Created symlink ${link} -> ${source}`);
        links.push(link);
      }
      return links;
    };
    return { install, update: install };
  },
};
