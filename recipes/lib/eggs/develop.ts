// zc.buildout 2.13's easy_install.develop: `setup.py -q develop -mN -d TMP`
// of a source tree with the buildout's Python, through its runsetup
// wrapper, the one `.egg-link` this leaves moved into develop-eggs-directory;
// with build_ext options (zc.recipe.egg:develop) the tree's setup.cfg gets
// them for the run and is restored after. The `develop` step of a run
// (executor/develop.ts) and zc.recipe.egg:develop both use it.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { UserError } from '../../../parser/diagnostic.ts';
import { strRepr } from '../../../python/index.ts';

/** Develop failed, in zc.buildout's words. */
export class DevelopError extends UserError {}

export interface DevelopOptions {
  /**
   * zc.buildout drops -q at its log level 0 exactly (easy_install.develop;
   * below 0 its `args[2] == '-v'` changes nothing: -q stays).
   */
  verbose?: boolean;
  /** Told the directory and the command before it runs (easy_install.develop's `in: …` debug line). */
  announce?: (directory: string, command: string[]) => void;
  /** Where setup.py's output goes (stdout, or stderr under --json). */
  toStdout?: boolean;
  buildExt?: Record<string, string>;
}

function isDirectory(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
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

/** setup.cfg with build_ext options for the run (setopt.edit_config through the buildout's Python); the undo. */
function withBuildExt(directory: string, python: string, buildExt: Record<string, string>): () => void {
  const cfg = join(directory, 'setup.cfg');
  const aside = cfg + '-develop-aside';
  const had = existsSync(cfg);
  if (had) renameSync(cfg, aside);
  writeFileSync(cfg, '');
  const code = `import json, sys\nimport setuptools.command.setopt as s\ns.edit_config(sys.argv[1], dict(build_ext=json.loads(sys.argv[2])))\n`;
  spawnSync(python, ['-c', code, cfg, JSON.stringify(buildExt)], { stdio: 'ignore' });
  return () => {
    rmSync(cfg, { force: true });
    if (had) renameSync(aside, cfg);
  };
}

/** Develop one source tree (or setup script) into `dest`; the path of its egg-link. */
export function developEgg(setup: string, dest: string, python: string, o: DevelopOptions = {}): string {
  let directory = setup;
  if (isDirectory(setup)) setup = join(setup, 'setup.py');
  else directory = dirname(setup);
  const undo = o.buildExt && Object.keys(o.buildExt).length ? withBuildExt(directory, python, o.buildExt) : undefined;
  const scriptDir = mkdtempSync(join(tmpdir(), 'tsbuildout-develop-'));
  const build = mkdtempSync(join(dest, 'tmp'));
  try {
    const script = join(scriptDir, 'setup.py');
    writeFileSync(script, runSetupScript(directory, setup));
    const args = [script, ...(o.verbose ? [] : ['-q']), 'develop', '-mN', '-d', build];
    o.announce?.(directory, [python, ...args]);
    const p = spawnSync(python, args, { stdio: ['ignore', o.toStdout === false ? 2 : 'inherit', 'inherit'] });
    if (p.status !== 0) throw failedCommand([python, ...args]);
    const links = readdirSync(build).filter((f) => f.endsWith('.egg-link'));
    if (links.length !== 1) throw new DevelopError(`setup.py develop in ${directory} left ${links.length} egg-links, expected one`);
    const link = links[0]!;
    rmSync(join(dest, link), { force: true });
    renameSync(join(build, link), join(dest, link));
    return join(dest, link);
  } finally {
    rmSync(build, { recursive: true, force: true });
    rmSync(scriptDir, { recursive: true, force: true });
    undo?.();
  }
}
