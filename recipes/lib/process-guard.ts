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
    if (done) return;
    done = true;
    guard?.stdin?.end(line);
  };
  return {
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
}
