// librecipe's createWrapper (docs/slapos-recipes.md#wrapper-scripts): the
// shell script that replaces itself with a command. The plain form is
// byte-exact to slapos.cookbook's: `#!/bin/sh -e`, an optional `trap '' SIG`,
// sorted `export` lines, then `exec` and the shell-quoted arguments with
// `"$@"` last, folded at 40 columns (a line of 40 characters or more ends with
// ` \` and the next argument starts a new line after a TAB).
//
// With wait-for-files, pidfile, reserve-cpu, private-tmpfs or redirect-*,
// slapos.cookbook writes a zc.buildout console script (0755) calling
// librecipe.execute.generic_exec with the buildout's Python. tsbuildout
// writes a Python script too, with the same interpreter and mode, but
// self-contained: generic_exec.py (the same behaviour, standard library
// only) followed by the call, since a node has neither slapos.cookbook nor
// its eggs (psutil, inotify_simple) to put on sys.path.
import { strLen } from '../../python/index.ts';
import { createFile } from './files.ts';
import { shellQuote } from './shlex.ts';
import genericExec from './generic_exec.py';

export interface WrapperExtras {
  /** Files that must all exist before the command starts. */
  waitFor?: readonly string[];
  pidfile?: string;
  reserveCpu?: boolean;
  /** `<size> <path>` pairs: tmpfs mounts in a private user and mount namespace. */
  privateTmpfs?: ReadonlyArray<readonly [string, string]>;
  /** [signal, stdout file, stderr file] (empty: not given): output copied to files reopened on sig-ign. */
  redirect?: readonly [string | null, string | null, string | null];
  /** The interpreter of the Python form (`${buildout:executable}`). */
  python?: string;
}

export interface WrapperSpec extends WrapperExtras {
  args: readonly string[];
  env?: ReadonlyMap<string, string>;
  /** A signal name (`USR1`, `RTMIN+1`) ignored by the wrapper and inherited by the command. */
  sigIgn?: string;
}

/** Append `words` to the last line, folding as librecipe does. */
function fold(lines: string[], words: readonly string[]): void {
  for (const word of words) {
    if (strLen(lines[lines.length - 1]!) < 40) lines[lines.length - 1] += ' ' + word;
    else {
      lines[lines.length - 1] += ' \\';
      lines.push('\t' + word);
    }
  }
}

function sortedCodePoints(keys: Iterable<string>): string[] {
  return [...keys].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

export function hasExtras(spec: WrapperExtras): boolean {
  return !!(spec.waitFor?.length || spec.pidfile || spec.reserveCpu || spec.privateTmpfs?.length || spec.redirect);
}

/** A Python string literal (JSON's escapes are Python's; the source is UTF-8). */
const pyStr = (s: string): string => JSON.stringify(s);

/** The shell form: librecipe's createWrapper, byte for byte. */
function shellText(spec: WrapperSpec): string {
  const lines = ['#!/bin/sh -e'];
  if (spec.sigIgn) lines.push(`trap '' ${spec.sigIgn}`);
  if (spec.env) for (const k of sortedCodePoints(spec.env.keys())) lines.push(`export ${k}=${shellQuote(spec.env.get(k)!)}`);
  lines.push('exec');
  fold(lines, [...spec.args.map(shellQuote), '"$@"']);
  lines.push('');
  return lines.join('\n');
}

/** The Python form: generic_exec.py and the call with the arguments the recipe gives it. */
function pythonText(spec: WrapperSpec): string {
  const list = (xs: readonly string[]) => `[${xs.map(pyStr).join(', ')}]`;
  const call = [list(spec.args)];
  if (spec.env?.size) call.push(`{${sortedCodePoints(spec.env.keys()).map((k) => `${pyStr(k)}: ${pyStr(spec.env!.get(k)!)}`).join(', ')}}`);
  if (spec.waitFor?.length) call.push(`wait_list=${list(spec.waitFor)}`);
  if (spec.pidfile) call.push(`pidfile=${pyStr(spec.pidfile)}`);
  if (spec.privateTmpfs?.length) call.push(`private_tmpfs=[${spec.privateTmpfs.map(([a, b]) => `(${pyStr(a)}, ${pyStr(b)})`).join(', ')}]`);
  if (spec.reserveCpu) call.push('reserve_cpu=True');
  if (spec.redirect) call.push(`redirect=(${spec.redirect.map((x) => (x === null ? 'None' : pyStr(x))).join(', ')})`);
  if (spec.sigIgn) call.push(`sig_ign=${pyStr(spec.sigIgn)}`);
  return `#!${spec.python ?? '/usr/bin/python3'}\n${genericExec}\n\nif __name__ == '__main__':\n    sys.exit(generic_exec(${call.join(', ')}))\n`;
}

/** The text of the wrapper. */
export function wrapperText(spec: WrapperSpec): string {
  if (!spec.args.length) throw new Error('internal: a wrapper needs a command');
  return hasExtras(spec) ? pythonText(spec) : shellText(spec);
}

/** Write the wrapper (0700 shell, 0755 Python as easy_install's scripts; rewritten only when its text changes); returns its path. */
export function createWrapper(path: string, spec: WrapperSpec): string {
  return createFile(path, wrapperText(spec), hasExtras(spec) ? 0o755 : 0o700);
}
