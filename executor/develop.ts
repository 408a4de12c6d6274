// The develop step of a run, as zc.buildout 2.13 does it (buildout.py
// Buildout._develop, easy_install.py develop): each path of
// `${buildout:develop}` (relative to the buildout directory, shell patterns
// expanded and sorted) is a source tree or its setup script; the
// buildout's Python runs `setup.py -q develop -mN -d TMP` in it, and the one
// `.egg-link` this leaves in TMP moves into develop-eggs-directory. Runs
// before any recipe is initialised, so develop eggs serve as recipes
// (recipes/python-egg.ts reads their egg-links). The egg-links a run
// created are recorded (installed_develop_eggs) and removed at the start of
// the next run, which develops the list again.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Buildout } from '../profile/buildout.ts';
import { pyJoin } from '../profile/location.ts';
import { pySplitWhitespace, strRepr } from '../python/index.ts';
import type { Logger } from '../recipes/api.ts';
import { developEgg } from '../recipes/lib/eggs/develop.ts';
import { pyGlob } from './glob.ts';
import { removePaths } from './paths.ts';

/**
 * Remove the egg-links the last run created, then develop `${buildout:develop}`.
 * Returns the new entries of develop-eggs-directory, one a line (installed_develop_eggs).
 */
export function developEggs(buildout: Buildout, previous: string, python: string, log: Logger, toStdout: boolean): string {
  const b = buildout.section('buildout');
  const directory = b.require('directory');
  removePaths(directory, previous.split('\n').filter(Boolean));
  const develop = b.get('develop');
  if (!develop) return '';
  const dest = b.require('develop-eggs-directory');
  const before = new Set(readdirSync(dest));
  const created = () => readdirSync(dest).filter((f) => !before.has(f));
  const level = buildout.logLevel();
  // easy_install.develop: below DEBUG, the directory and the command at debug level
  const announce = (dir: string, command: string[]) => log.debug(`in: ${strRepr(dir)}\n${command.join(' ')}`);
  try {
    for (const word of pySplitWhitespace(develop)) {
      const pattern = pyJoin(directory, expandUser(word));
      const files = pyGlob(pattern).sort();
      if (!files.length) log.warning(`Couldn't develop ${strRepr(pattern)} (not found)`);
      for (const setup of files) {
        log.info(`Develop: ${strRepr(setup)}`);
        developEgg(setup, dest, python, { verbose: level === 0, toStdout, ...(level < 10 ? { announce } : {}) });
      }
    }
  } catch (e) {
    // roll back: what this run added goes
    sanityCheck(dest, before, log);
    removePaths(directory, created().map((f) => join(dest, f)));
    throw e;
  }
  sanityCheck(dest, before, log);
  return created()
    .map((f) => join(dest, f))
    .join('\n');
}

/** Buildout._sanity_check_develop_eggs_files: develop-eggs should hold egg-links only. */
function sanityCheck(dest: string, before: Set<string>, log: Logger): void {
  for (const f of readdirSync(dest)) {
    if (before.has(f)) continue;
    let file = false;
    try {
      file = statSync(join(dest, f)).isFile();
    } catch {
      // gone
    }
    if (!(file && f.endsWith('.egg-link'))) log.warning(`Unexpected entry, ${strRepr(f)}, in develop-eggs directory.`);
  }
}

function expandUser(p: string): string {
  if (!p.startsWith('~')) return p;
  const slash = p.indexOf('/');
  const user = slash < 0 ? p.slice(1) : p.slice(1, slash);
  if (user) return p;
  const home = process.env.HOME;
  return home ? home + (slash < 0 ? '' : p.slice(slash)) : p;
}
