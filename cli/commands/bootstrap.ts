// `bootstrap`: zc.buildout's bootstrap command (buildout.py
// Buildout.bootstrap) for tsbuildout, so the real slapgrid can use it as its
// buildout (slapos.cfg `buildout =` bin/slapgrid-buildout.py, which runs
// this). It loads the configuration, creates the bin, parts and
// develop-eggs directories, and writes ${buildout:bin-directory}/buildout:
// a Python script that runs this tsbuildout with its arguments.
//
// Why a Python script: slapgrid runs bin/buildout with the interpreter of
// its first line (slapos/grid/utils.py launchBuildout) and runs the
// partitions' promise plugins with that interpreter
// (getPythonExecutableFromSoftwarePath: `#!PYTHON`, or `#!/bin/sh` then
// `exec PYTHON …`), so the first line names Python, the interpreter of
// `--python` (the entry file passes the one running it), never Node.
//
// zc.buildout's bootstrap also empties develop-eggs (it then develops
// zc.buildout and setuptools there); tsbuildout keeps it: a run removes
// the egg-links it recorded and develops the list again anyway.
import { accessSync, constants, readFileSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { setupDirectories } from '../../executor/directories.ts';
import { UserError } from '../../parser/diagnostic.ts';
import { loadBuildout } from '../../profile/load.ts';
import { strRepr } from '../../python/index.ts';
import { writeAtomically } from '../../recipes/lib/files.ts';
import type { CommandContext } from '../context.ts';
import { consoleLogger } from '../logger.ts';

/** Longest `#!` line the kernel reads whole (older Linux: 127 bytes); longer ones go through /bin/sh. */
const SHEBANG_MAX = 127;

export async function bootstrapCommand(ctx: CommandContext): Promise<number> {
  const log = consoleLogger(ctx.args.verbosity, ctx.out);
  const python = ctx.load.executable;
  if (!python.includes('/')) throw new UserError(`bootstrap names a Python interpreter in bin/buildout (slapgrid runs the promises with it) and found none: give one with --python PATH`);
  try {
    accessSync(python, constants.X_OK);
  } catch {
    throw new UserError(`--python ${python}: not an executable file (bin/buildout names it: slapgrid runs bin/buildout and the promises with it)`);
  }
  const { buildout } = await loadBuildout(ctx.load);
  const b = buildout.section('buildout');
  // a --semantics given here is the script's too: bin/buildout stands in for that buildout
  const semantics = ctx.args.semanticsList.length ? ['--semantics', ctx.args.semantics] : [];
  const text = buildoutScript(python, process.execPath, tsbuildoutScript(), semantics);
  const dest = join(b.require('bin-directory'), 'buildout');
  try {
    setupDirectories(b, log);
    let old: string | undefined;
    try {
      old = readFileSync(dest, 'utf8');
    } catch {
      // not written yet
    }
    if (old !== text) {
      writeAtomically(dest, text, 0o755, { exact: true, owned: false });
      log.info(`Generated script ${strRepr(dest)}.`);
    }
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code) throw new UserError(`bootstrap: ${(e as Error).message}`);
    throw e;
  }
  return 0;
}

/** The command that runs this tsbuildout (bin/tsbuildout.js, or the bundle itself). */
function tsbuildoutScript(): string {
  const script = process.argv[1];
  if (!script) throw new UserError('bootstrap: cannot tell which script runs tsbuildout (process.argv[1] is empty)');
  return realpathSync(script);
}

/** bin/buildout: a Python script that execs Node.js on tsbuildout with its arguments. */
export function buildoutScript(python: string, node: string, tsbuildout: string, extra: string[] = []): string {
  const body = `# Written by \`tsbuildout bootstrap\`, as zc.buildout's bootstrap writes
# bin/buildout: it runs tsbuildout with this script's arguments. slapgrid
# runs this script with the interpreter named above, and the partitions'
# promises with it too.
import os
import sys

node = ${strRepr(node)}
tsbuildout = ${strRepr(tsbuildout)}
python = ${strRepr(python)}
try:
    os.execv(node, [node, tsbuildout, '--python', python${extra.map((a) => ', ' + strRepr(a)).join('')}] + sys.argv[1:])
except OSError as e:
    sys.stderr.write('Error: cannot run %s %s: %s\\n' % (node, tsbuildout, e))
    sys.exit(1)
`;
  const direct = `#!${python} -S`;
  if (!/\s/.test(python) && Buffer.byteLength(direct) <= SHEBANG_MAX) return `${direct}\n${body}`;
  // `"exec" "PYTHON" "$0" "$@"` is a command for sh and a string statement for Python
  if (/["\\$`]/.test(python)) throw new UserError(`--python ${python}: a path this long or with spaces is written for /bin/sh, which cannot quote ", \\, $ or \``);
  return `#!/bin/sh\n"exec" "${python}" "-S" "$0" "$@"\n${body}`;
}
