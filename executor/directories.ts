// The directories a buildout creates: its caches when it starts
// (buildout.py Buildout.__init__: download-cache, extends-cache,
// eggs-directory, relative to the buildout directory, with parents), then
// bin, parts and develop-eggs before a run or a bootstrap
// (Buildout._setup_directories).
import { existsSync, mkdirSync } from 'node:fs';
import type { Options } from '../profile/options.ts';
import { pyJoin } from '../profile/location.ts';
import { strRepr } from '../python/index.ts';
import type { Logger } from '../recipes/api.ts';

export function setupDirectories(b: Options, log: Logger): void {
  createCaches(b, log);
  for (const name of ['bin', 'parts', 'develop-eggs']) {
    const d = b.require(`${name}-directory`);
    if (!existsSync(d)) {
      log.info(`Creating directory ${strRepr(d)}.`);
      mkdirSync(d);
    }
  }
}

/** The caches, made when zc.buildout starts, whatever the command. */
export function createCaches(b: Options, log: Logger): void {
  const directory = b.require('directory');
  for (const name of ['download-cache', 'extends-cache', 'eggs-directory']) {
    const v = b.get(name);
    if (!v) continue;
    const d = pyJoin(directory, v);
    if (!existsSync(d)) {
      log.info(`Creating directory ${strRepr(d)}.`);
      mkdirSync(d, { recursive: true });
    }
  }
}
