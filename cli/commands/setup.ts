// `setup SCRIPT [ARGS …]` (also `runsetup`): zc.buildout's setup command
// (buildout.py Buildout.setup): runs a setup script, or the setup.py of a
// directory, with the buildout's Python and setuptools imported first,
// from the script's directory. Needs no configuration file.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { failedCommand, runSetupScript } from '../../executor/develop.ts';
import { UserError } from '../../parser/diagnostic.ts';
import { strRepr } from '../../python/index.ts';
import type { CommandContext } from '../context.ts';
import { consoleLogger } from '../logger.ts';

export async function setupCommand(ctx: CommandContext): Promise<number> {
  const [first, ...args] = ctx.args.args;
  if (first === undefined) throw new UserError('The setup command requires the path to a setup script or \ndirectory containing a setup script, and its arguments.');
  let setup = first;
  try {
    if (statSync(resolve(ctx.cwd, setup)).isDirectory()) setup = join(setup, 'setup.py');
  } catch {
    // a missing script is Python's error, as for zc.buildout
  }
  consoleLogger(ctx.args.verbosity, ctx.out).info(`Running setup script ${strRepr(setup)}.`);
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
