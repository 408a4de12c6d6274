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

/** generic_exec's `redirect`: the command's output appended to files, reopened on the ignored signal (log rotation). */
export interface WrapperRedirect {
  /** A signal sent to the command after the files are reopened ('' : none). */
  signal: string;
  /** '' : not redirected. */
  stdout: string;
  /** '' : not redirected; the same path as stdout: both into one file. */
  stderr: string;
  /** The Python that runs the redirection (buildout's, as the original's Python wrapper). */
  python: string;
}

export interface WrapperSpec extends WrapperExtras {
  args: readonly string[];
  env?: ReadonlyMap<string, string>;
  /** A signal name (`USR1`, `RTMIN+1`) ignored by the wrapper and inherited by the command. */
  sigIgn?: string;
  redirect?: WrapperRedirect;
}

// The redirection, run by Python where the command would be exec'd (argv:
// the ignored signal, the signal to send, stdout, stderr, then the command):
// the command's output goes through pipes into the files, opened for
// appending; on the ignored signal the files are reopened and the signal is
// sent to the command; the command ignores that signal until it sets a
// handler (the ignored one is reset for it); the exit status is the
// command's once its outputs are closed.
const REDIRECT = `import os, select, signal, subprocess, sys
def num(name):
  base, _, n = name.partition('+')
  return getattr(signal, 'SIG' + base) + int(n or 0)
ign, fwd, out, err = sys.argv[1:5]
args = sys.argv[5:]
ign = num(ign)
fwd = fwd and num(fwd)
signal.signal(ign, signal.SIG_IGN)
logs = []
kw = {}
def pipe(path):
  r, w = os.pipe()
  logs.append([r, path, None])
  return w
if out:
  kw['stdout'] = pipe(out)
if err:
  kw['stderr'] = subprocess.STDOUT if err == out else pipe(err)
def reopen():
  for log in logs:
    if log[2] is not None:
      os.close(log[2])
    log[2] = os.open(log[1], os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o666)
def child():
  signal.signal(ign, signal.SIG_DFL)
  if fwd and fwd != ign:
    signal.signal(fwd, signal.SIG_IGN)
reopen()
trigger_r, trigger_w = os.pipe()
process = subprocess.Popen(args, preexec_fn=child, **kw)
for fd in kw.values():
  if fd != subprocess.STDOUT:
    os.close(fd)
def handler(*_):
  if fwd:
    process.send_signal(fwd)
  os.write(trigger_w, b'\\0')
signal.signal(ign, handler)
while logs:
  for r in select.select([trigger_r] + [log[0] for log in logs], (), ())[0]:
    if r == trigger_r:
      os.read(r, 1024)
      reopen()
      continue
    log = next(log for log in logs if log[0] == r)
    data = os.read(r, 65536)
    if data:
      os.write(log[2], data)
    else:
      os.close(log[2])
      os.close(r)
      logs.remove(log)
sys.exit(process.wait())
`;

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
  const sigIgn = spec.sigIgn ?? (spec.redirect ? 'USR1' : undefined);
  if (sigIgn) lines.push(`trap '' ${sigIgn}`);
  if (hasExtras(spec)) lines.push(...extrasLines(spec));
  if (spec.env) for (const k of sortedCodePoints(spec.env.keys())) lines.push(`export ${k}=${shellQuote(spec.env.get(k)!)}`);
  const redirect = spec.redirect;
  if (redirect) {
    lines.push('# tsbuildout: slapos.cookbook\'s generic_exec redirection, run by Python');
    lines.push(`exec ${shellQuote(redirect.python)} -c ${shellQuote(REDIRECT)} ${[spec.sigIgn ?? 'USR1', redirect.signal, redirect.stdout, redirect.stderr].map(shellQuote).join(' ')}`);
  } else lines.push('exec');
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
