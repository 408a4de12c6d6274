// librecipe's createWrapper (docs/slapos-recipes.md#wrapper-scripts): the
// shell script that replaces itself with a command. The plain form is
// byte-exact to slapos.cookbook's: `#!/bin/sh -e`, an optional `trap '' SIG`,
// sorted `export` lines, then `exec` and the shell-quoted arguments with
// `"$@"` last, folded at 40 columns (a line of 40 characters or more ends with
// ` \` and the next argument starts a new line after a TAB).
//
// Where slapos.cookbook generates a *Python* script instead (wait-for-files,
// pidfile, reserve-cpu: zc.buildout console scripts that call
// librecipe.execute.generic_exec with the software release's Python),
// tsbuildout writes an equivalent POSIX sh script: it ignores the signal,
// refuses to start when the pidfile names a live process whose command line
// holds the same arguments ("Already running with pid N.", exit 1), writes its
// pid (kept across exec), appends it to ~/.slapos-cpu-exclusive, waits (by
// polling, where generic_exec uses inotify) until every listed file exists,
// then execs the command with the environment. Its text is tsbuildout's own.
import { strLen } from '../../python/index.ts';
import { createFile } from './files.ts';
import { shellQuote } from './shlex.ts';

export interface WrapperExtras {
  /** Files that must all exist before the command starts. */
  waitFor?: readonly string[];
  pidfile?: string;
  reserveCpu?: boolean;
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
  return !!(spec.waitFor?.length || spec.pidfile || spec.reserveCpu);
}

/** The text of the wrapper. */
export function wrapperText(spec: WrapperSpec): string {
  if (!spec.args.length) throw new Error('internal: a wrapper needs a command');
  const lines = ['#!/bin/sh -e'];
  if (spec.sigIgn) lines.push(`trap '' ${spec.sigIgn}`);
  if (hasExtras(spec)) lines.push(...extrasLines(spec));
  if (spec.env) for (const k of sortedCodePoints(spec.env.keys())) lines.push(`export ${k}=${shellQuote(spec.env.get(k)!)}`);
  lines.push('exec');
  fold(lines, [...spec.args.map(shellQuote), '"$@"']);
  lines.push('');
  return lines.join('\n');
}

function extrasLines(spec: WrapperSpec): string[] {
  const out = ['# tsbuildout: the POSIX sh equivalent of slapos.cookbook\'s generic_exec wrapper'];
  if (spec.pidfile) {
    out.push(
      `pidfile=${shellQuote(spec.pidfile)}`,
      `args=${shellQuote(spec.args.join('\n'))}`,
      'nl=\'',
      "'",
      'if pid=`cat "$pidfile" 2>/dev/null` && [ -r "/proc/$pid/cmdline" ]; then',
      '  running=`tr \'\\000\' \'\\n\' < "/proc/$pid/cmdline"`',
      '  case "$nl$running$nl" in',
      '  *"$nl$args$nl"*) echo "Already running with pid $pid." >&2; exit 1;;',
      '  esac',
      'fi',
      'echo $$ > "$pidfile"',
    );
  }
  if (spec.reserveCpu) out.push('echo $$ >> "$HOME/.slapos-cpu-exclusive"');
  if (spec.waitFor?.length) {
    out.push('exists() { for f; do [ -e "$f" ] || [ -L "$f" ] || return 1; done; }');
    const call = ['until exists'];
    fold(call, spec.waitFor.map(shellQuote));
    call[call.length - 1] += '; do';
    out.push(...call, '  sleep 0.1 2>/dev/null || sleep 1', 'done');
  }
  return out;
}

/** Write the wrapper (mode 0700, rewritten only when its text changes); returns its absolute path. */
export function createWrapper(path: string, spec: WrapperSpec): string {
  return createFile(path, wrapperText(spec), 0o700);
}
