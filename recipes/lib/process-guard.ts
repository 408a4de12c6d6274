// A child process group that cannot outlive this process: the child runs
// in its own process group (spawned `detached`), and a guard — a tiny
// shell in its own session, deaf to INT, TERM and HUP — reads a pipe whose
// other end only this process holds. When this process ends, however it
// ends (SIGKILL included, or blocked in Atomics.wait when a signal comes),
// the pipe closes and the guard kills the whole group: the child and what
// it started. That is Linux's PR_SET_PDEATHSIG, for a whole group and
// without a native module. `release()` lets the group live on (its child
// ended normally); `kill()` ends it now.
import { spawn, type ChildProcess } from 'node:child_process';
import type { Socket } from 'node:net';

export interface GroupGuard {
  /** The child ended on its own: let what it left run. */
  release(): void;
  /** End the group now (SIGKILL). */
  kill(): void;
}

// POSIX sh (dash: no `kill --`); `read` ends on a line ("release") or at the end of the pipe (this process gone, or kill())
const GUARD = 'trap "" INT TERM HUP; if read -r line && [ "$line" = release ]; then exit 0; fi; kill -9 "-$1" 2>/dev/null; exit 0';

// the groups guarded and not yet released or killed (killGuardedGroups)
const live = new Set<GroupGuard>();

/**
 * End now every group this process guards: for a signal handler that must
 * stop what its children run before it cleans up and exits (the guards
 * would kill them only once this process is gone).
 */
export function killGuardedGroups(): void {
  for (const g of [...live]) g.kill();
}

/** Guard the process group `pgid` (a child spawned with `detached: true`). */
export function guardGroup(pgid: number): GroupGuard {
  let guard: ChildProcess | undefined;
  try {
    guard = spawn('/bin/sh', ['-c', GUARD, 'tsbuildout-guard', String(pgid)], { stdio: ['pipe', 'ignore', 'ignore'], detached: true });
  } catch {
    guard = undefined;
  }
  // the guard never keeps this process running
  guard?.on('error', () => {});
  guard?.stdin?.on('error', () => {});
  guard?.unref();
  (guard?.stdin as Socket | null | undefined)?.unref?.();
  let done = false;
  const end = (line: string) => {
    live.delete(handle);
    if (done) return;
    done = true;
    guard?.stdin?.end(line);
  };
  const handle: GroupGuard = {
    release: () => end('release\n'),
    kill: () => {
      end('');
      // the guard may not have started yet: the group is killed from here too
      try {
        process.kill(-pgid, 'SIGKILL');
      } catch {
        // already gone
      }
    },
  };
  live.add(handle);
  return handle;
}

export interface GuardedRun {
  /** The exit status (null when killed by a signal); 127 when it could not start. */
  code: number | null;
  /** Standard output and error, interleaved as they came. */
  output: string;
  timedOut: boolean;
}

/**
 * Run a command in its own guarded process group, collecting its output;
 * after `timeoutMs` the whole group is killed (what the command started too).
 */
export function runGuarded(
  command: string,
  args: readonly string[],
  opts: { timeoutMs: number; cwd?: string; env?: NodeJS.ProcessEnv; shell?: boolean; user?: { uid: number; gid: number } },
): Promise<GuardedRun> {
  return new Promise((resolve) => {
    const child = spawn(command, args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
      ...(opts.cwd ? { cwd: opts.cwd } : {}),
      ...(opts.env ? { env: opts.env } : {}),
      ...(opts.shell ? { shell: true } : {}),
      ...(opts.user ? { uid: opts.user.uid, gid: opts.user.gid } : {}),
    });
    const guard = child.pid ? guardGroup(child.pid) : undefined;
    let output = '';
    child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      if (guard) guard.kill();
      else child.kill('SIGKILL');
    }, opts.timeoutMs);
    const end = (code: number | null, extra = '') => {
      clearTimeout(timer);
      guard?.release();
      resolve({ code, output: output + extra, timedOut });
    };
    child.on('error', (e) => end(127, e.message));
    child.on('close', (code) => end(code));
  });
}
