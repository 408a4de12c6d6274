// The build steps of slapos.recipe.cmmi (docs/slapos-recipes.md#slaposrecipecmmi),
// in the original's order: patches, pre-configure-hook, pre-configure,
// configure, pre-make-hook, pre-build, make, pre-install, make install,
// post-make-hook, post-install. Commands are the option values Python-%
// formatted with the part's options (`%(prefix)s`), run as `/bin/sh -c
// 'set -e;' + command` in the source directory with the environment plus
// the part's (`environment`, `%(VAR)s` taken from the environment), in a
// guarded process group (process-guard.ts: a killed tsbuildout leaves no
// make running). Also the original's fix_shebang, the read-only shared
// tree and the env script left when a build fails.
import { spawn } from 'node:child_process';
import { chmodSync, lstatSync, openSync, readSync, closeSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { percentFormat, PyDict, PyException } from '../../python/index.ts';
import { RecipeError, type Logger, type PartOptions } from '../api.ts';
import { guardGroup } from './process-guard.ts';
import { shellQuote } from './shlex.ts';

export interface BuildEnv {
  part: string;
  options: PartOptions;
  /** The part's environment (environment-section, then environment lines), unformatted. */
  environ: ReadonlyMap<string, string>;
  logger: Logger;
  /** The environment once computed (buildEnvironment). */
  computed?: Map<string, string>;
}

export type Step = { kind: 'hook'; option: string; value: string } | { kind: 'command'; label?: string; command: string };

export interface BuildSteps {
  patches: string[];
  patchCommand: string;
  configure: string;
  make: string;
  install: string;
  sequence: Step[];
}

/** Python's `text % options` (a missing option is the original's KeyError). */
function formatWithOptions(env: BuildEnv, option: string, text: string, values?: ReadonlyMap<string, string>): string {
  if (!text.includes('%')) return text;
  const d = new PyDict();
  if (values) for (const [k, v] of values) d.set(k, v);
  else for (const k of env.options.keys()) d.set(k, env.options.get(k) ?? '');
  try {
    return percentFormat(text, d);
  } catch (e) {
    if (e instanceof PyException) throw new RecipeError(`[${env.part}] ${option}: ${e.toString()} formatting ${JSON.stringify(text)}`);
    throw e;
  }
}

const words = (text: string | undefined) => (text ?? '').split(/\s+/).filter(Boolean);

/** The commands, as the original composes them from the options. */
export function buildSteps(env: BuildEnv): BuildSteps {
  const o = env.options;
  const makeBinary = (o.get('make-binary') ?? 'make').trim();
  const makeOptions = words(o.get('make-options')).join(' ');
  let makeTargets = words(o.get('make-targets') ?? 'install').join(' ');
  const configureOptions = words(o.get('configure-options'));
  let configure = (o.get('configure-command') ?? '').trim();
  const prefix = o.get('prefix') ?? '';
  if (!configure) {
    configure = './configure';
    if (!configureOptions.join(' ').includes('--prefix')) configureOptions.unshift(`--prefix="${prefix}"`);
  } else if (makeBinary === 'make' && makeTargets === 'install') makeTargets += ` prefix="${prefix}"`;
  const fmt = (option: string, text: string) => formatWithOptions(env, option, text);
  const configureCommand = fmt('configure-command', `${configure} ${configureOptions.join(' ')}`);
  const make = fmt('make-options', `${makeBinary} ${makeOptions}`);
  const install = fmt('make-targets', `${makeBinary} ${makeOptions} ${makeTargets}`);
  const patchCommand = `${(o.get('patch-binary') ?? 'patch').trim()} ${words(o.get('patch-options') ?? '-p0').join(' ')}`;
  const sequence: Step[] = [];
  const hook = (option: string) => {
    const v = o.get(option);
    if (v?.trim()) sequence.push({ kind: 'hook', option, value: v });
  };
  const shell = (option: string) => {
    const v = fmt(option, (o.get(option) ?? '').trim());
    if (v) sequence.push({ kind: 'command', label: option, command: v });
  };
  hook('pre-configure-hook');
  shell('pre-configure');
  sequence.push({ kind: 'command', command: configureCommand });
  hook('pre-make-hook');
  shell('pre-build');
  sequence.push({ kind: 'command', command: make });
  shell('pre-install');
  sequence.push({ kind: 'command', command: install });
  hook('post-make-hook');
  shell('post-install');
  return { patches: words(o.get('patches')), patchCommand, configure: configureCommand, make, install, sequence };
}

/** The environment of the build: tsbuildout's, plus the part's with `%(VAR)s` from it (computed and logged once, sorted, as the original does). */
export function buildEnvironment(env: BuildEnv): Map<string, string> {
  if (env.computed) return env.computed;
  const base = new Map<string, string>();
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined) base.set(k, v);
  const out = new Map(base);
  const keys = [...env.environ.keys()].sort();
  for (const k of keys) out.set(k, formatWithOptions(env, 'environment', env.environ.get(k)!, base));
  for (const k of keys) env.logger.info(`[ENV] ${k} = ${out.get(k)}`);
  env.computed = out;
  return out;
}

/** Run one command as the original's run(): `set -e;` + command through /bin/sh; a failure is the part's error. */
export async function runCommand(env: BuildEnv, command: string, cwd: string): Promise<void> {
  const environment = Object.fromEntries(buildEnvironment(env));
  const outcome = await new Promise<{ code: number | null; signal: NodeJS.Signals | null; error?: Error }>((resolve) => {
    const child = spawn('/bin/sh', ['-c', 'set -e;' + command], { cwd, env: environment, stdio: ['ignore', 'inherit', 'inherit'], detached: true });
    const guard = child.pid ? guardGroup(child.pid) : undefined;
    child.on('error', (error) => {
      guard?.release();
      resolve({ code: null, signal: null, error });
    });
    child.on('close', (code, signal) => {
      guard?.release();
      resolve({ code, signal });
    });
  });
  if (outcome.code === 0) return;
  const why = outcome.error ? `could not start: ${outcome.error.message}` : outcome.signal ? `killed by ${outcome.signal}` : `exit status ${outcome.code}`;
  throw new RecipeError(`[${env.part}] command failed (${why}): ${command.trim()}`);
}

/** slapos.recipe.build.env.sh in the build directory: the environment and the commands, to reproduce a failed build by hand. */
export function writeEnvScript(env: BuildEnv, dir: string, steps: BuildSteps): void {
  let text = '';
  for (const [k, v] of [...buildEnvironment(env)].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (v === process.env[k]) continue;
    text += `${['TEMP', 'TMP', 'TMPDIR'].includes(k) ? '#' : ''}export ${k}=${shellQuote(v)}\n`;
  }
  text += 'echo "If this recipe does not use pre/post hooks or commands, you can re-run as below."\n';
  text += `echo configure with:\necho ${shellQuote('  ' + steps.configure)}\necho\n`;
  text += `echo make with:\necho ${shellQuote('  ' + steps.make)}\necho\n`;
  text += `echo install with:\necho ${shellQuote('  ' + steps.install)}\n`;
  try {
    writeFileSync(join(dir, 'slapos.recipe.build.env.sh'), text);
  } catch {
    // the directory is gone: nothing to inspect
  }
}

const SHEBANG_WRAPPER = `#!/bin/sh -e
read -r EXE ARG < "$0.shebang"
EXE=\${EXE#\\#!}
[ "$EXE" ] || read -r _ EXE ARG < "$0.shebang"
exec $EXE \${ARG:+"$ARG"} "$0.shebang" "$@"
`;

/**
 * The original's fix_shebang: a script in bin/ or sbin/ whose `#!` line is
 * longer than the kernel reads (128 bytes without its newline) is renamed
 * `<name>.shebang` and replaced by a shell wrapper that runs it.
 */
export function fixShebangs(location: string): void {
  for (const sub of ['bin', 'sbin']) {
    const dir = join(location, sub);
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      continue;
    }
    for (const name of names) {
      const path = join(dir, name);
      const st = lstatSync(path);
      if (!st.isFile()) continue;
      const head = Buffer.alloc(128);
      const fd = openSync(path, 'r');
      let n: number;
      try {
        n = readSync(fd, head, 0, 128, 0);
      } finally {
        closeSync(fd);
      }
      const line = head.subarray(0, n);
      const nl = line.indexOf(10);
      const firstLine = nl < 0 ? line : line.subarray(0, nl + 1);
      if (firstLine.subarray(0, 2).toString('latin1') !== '#!' || firstLine[firstLine.length - 1] === 10) continue;
      renameSync(path, path + '.shebang');
      writeFileSync(path, SHEBANG_WRAPPER, { mode: st.mode & 0o7777 });
      chmodSync(path, st.mode & 0o7777);
    }
  }
}

/** make_read_only_recursively: no write bit anywhere (links untouched). */
export function makeReadOnly(path: string): void {
  const st = lstatSync(path);
  if (st.isSymbolicLink()) return;
  if (st.isDirectory()) for (const entry of readdirSync(path)) makeReadOnly(join(path, entry));
  chmodSync(path, st.mode & 0o555);
}

/** Remove a tree, read-only directories included (a shared part is made read-only). */
export function removeTree(path: string): void {
  try {
    rmSync(path, { recursive: true, force: true });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EACCES' && (e as NodeJS.ErrnoException).code !== 'EPERM') throw e;
    makeWritable(path);
    rmSync(path, { recursive: true, force: true });
  }
}

function makeWritable(path: string): void {
  const st = lstatSync(path, { throwIfNoEntry: false });
  if (!st || !st.isDirectory()) return;
  chmodSync(path, (st.mode & 0o7777) | 0o700);
  for (const entry of readdirSync(path)) makeWritable(join(path, entry));
}
