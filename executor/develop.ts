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
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { UserError } from '../parser/diagnostic.ts';
import type { Buildout } from '../profile/buildout.ts';
import { pyJoin } from '../profile/location.ts';
import { pySplitWhitespace, strRepr } from '../python/index.ts';
import type { Logger } from '../recipes/api.ts';
import { pyGlob } from './glob.ts';
import { removePaths } from './paths.ts';

/** Develop failed, in zc.buildout's words. */
export class DevelopError extends UserError {}

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
  const verbosity = Number(b.get('verbosity') ?? '0') || 0;
  try {
    for (const word of pySplitWhitespace(develop)) {
      const pattern = pyJoin(directory, expandUser(word));
      const files = pyGlob(pattern).sort();
      if (!files.length) log.warning(`Couldn't develop ${strRepr(pattern)} (not found)`);
      for (const setup of files) {
        log.info(`Develop: ${strRepr(setup)}`);
        developOne(setup, dest, python, verbosity, toStdout);
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

/** easy_install.develop: setup.py develop into a temporary directory of dest, then its egg-link into dest. */
function developOne(setup: string, dest: string, python: string, verbosity: number, toStdout: boolean): void {
  let directory = setup;
  if (isDirectory(setup)) setup = join(setup, 'setup.py');
  else directory = dirname(setup);
  const scriptDir = mkdtempSync(join(tmpdir(), 'tsbuildout-develop-'));
  const build = mkdtempSync(join(dest, 'tmp'));
  try {
    const script = join(scriptDir, 'setup.py');
    // easy_install.runsetup_template: the setup script run as __main__ from its directory
    writeFileSync(script, runSetupScript(directory, setup));
    // zc.buildout drops -q when its log level is 0 or lower (-vvv and more)
    const args = [script, ...(verbosity >= 30 ? [] : ['-q']), 'develop', '-mN', '-d', build];
    // what setup.py prints goes where zc.buildout's subprocess prints it (stderr under --json)
    const p = spawnSync(python, args, { stdio: ['ignore', toStdout ? 'inherit' : 2, 'inherit'] });
    if (p.status !== 0) {
      throw failedCommand([python, ...args]);
    }
    const links = readdirSync(build).filter((f) => f.endsWith('.egg-link'));
    if (links.length !== 1) throw new DevelopError(`setup.py develop in ${directory} left ${links.length} egg-links, expected one`);
    const link = links[0]!;
    rmSync(join(dest, link), { force: true });
    renameSync(join(build, link), join(dest, link));
  } finally {
    rmSync(build, { recursive: true, force: true });
    rmSync(scriptDir, { recursive: true, force: true });
  }
}

/** easy_install.runsetup_template: a setup script run as __main__ from its directory, setuptools imported first. */
export function runSetupScript(directory: string, setup: string): string {
  const [d, s] = [strRepr(directory), strRepr(setup)];
  return `import sys\nsys.path.insert(0, ${d})\nimport os, setuptools\n__file__ = ${s}\nos.chdir(${d})\nsys.argv[0] = ${s}\nwith open(${s}) as f:\n    exec(compile(f.read(), ${s}, 'exec'))\n`;
}

/** easy_install.call_subprocess's error. */
export function failedCommand(args: string[]): DevelopError {
  return new DevelopError(`Failed to run command:\n${args.map((a) => strRepr(a)).join(', ')}`);
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

function isDirectory(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}
