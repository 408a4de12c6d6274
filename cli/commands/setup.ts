// `setup SCRIPT [ARGS …]` (also `runsetup`): zc.buildout's setup command
// (buildout.py Buildout.setup): runs a setup script, or the setup.py of a
// directory, with the buildout's Python and setuptools imported first,
// from the script's directory. Needs no configuration file.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { failedCommand, runSetupScript } from '../../recipes/lib/eggs/develop.ts';
import { createCaches } from '../../executor/directories.ts';
import { pyJoin } from '../../profile/location.ts';
import { loadBuildout } from '../../profile/load.ts';
import { UserError } from '../../parser/diagnostic.ts';
import { strRepr } from '../../python/index.ts';
import type { CommandContext } from '../context.ts';
import { consoleLogger } from '../logger.ts';

export async function setupCommand(ctx: CommandContext): Promise<number> {
  const log = consoleLogger(ctx.args.verbosity, ctx.out);
  // zc.buildout starts as for any command (its caches made), without a configuration file if there is none
  const config = resolve(ctx.cwd, ctx.load.config ?? 'buildout.cfg');
  const load = existsSync(config) ? { ...ctx.load, config } : { ...ctx.load, config: null, assignments: [{ section: 'buildout', option: 'directory', value: ctx.cwd }, ...(ctx.load.assignments ?? [])] };
  const { buildout } = await loadBuildout(load);
  createCaches(buildout.section('buildout'), log);
  const [first, ...args] = ctx.args.args;
  if (first === undefined) throw new UserError('The setup command requires the path to a setup script or \ndirectory containing a setup script, and its arguments.');
  let setup = first;
  try {
    if (statSync(resolve(ctx.cwd, setup)).isDirectory()) setup = pyJoin(setup, 'setup.py');
  } catch {
    // a missing script is Python's error, as for zc.buildout
  }
  log.info(`Running setup script ${strRepr(setup)}.`);
  setup = resolve(ctx.cwd, setup);
  const dir = mkdtempSync(join(tmpdir(), 'tsbuildout-setup-'));
  try {
    const script = join(dir, 'setup.py');
    writeFileSync(script, runSetupScript(dirname(setup), setup));
    const p = spawnSync(ctx.load.executable, [script, ...args], { stdio: ['inherit', 'inherit', 'inherit'] });
    if (p.status !== 0) throw failedCommand([ctx.load.executable, script, ...args]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return 0;
}
