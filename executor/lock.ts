// One run at a time per buildout directory: a lock file holding the pid of
// the run. A second run waits (saying so) until the first ends or the
// timeout passes; a lock left by a dead process is taken over.
import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { BuildoutError } from '../parser/diagnostic.ts';
import { processAlive } from '../recipes/lib/files.ts';

export const LOCK_NAME = '.tsbuildout.lock';

export interface Lock {
  path: string;
  /** The lock was taken over from a process that is gone: that run was killed. */
  recovered: boolean;
  release(): void;
}

/** null: taken; -1: a dead holder's lock was removed, try again; else the live holder's pid. */
function tryTake(path: string): number | null {
  try {
    const fd = openSync(path, 'wx', 0o644);
    writeSync(fd, `${process.pid}\n`);
    closeSync(fd);
    return null;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  }
  let holder = NaN;
  try {
    holder = Number.parseInt(readFileSync(path, 'utf8'), 10);
  } catch {
    // removed in between: try again
    return -1;
  }
  if (!Number.isFinite(holder) || !processAlive(holder)) {
    rmSync(path, { force: true });
    return -1;
  }
  return holder;
}

export async function lockDirectory(directory: string, opts: { timeoutSeconds?: number; say?: (m: string) => void } = {}): Promise<Lock> {
  const path = join(directory, LOCK_NAME);
  const deadline = opts.timeoutSeconds === undefined ? Infinity : Date.now() + opts.timeoutSeconds * 1000;
  let told = false;
  let recovered = false;
  for (;;) {
    const holder = tryTake(path);
    if (holder === null) break;
    if (holder === -1) {
      recovered = true;
      continue;
    }
    if (Date.now() >= deadline) {
      throw new BuildoutError({
        severity: 'error',
        rule: 'locked',
        message: `another run (pid ${holder}) holds ${path}`,
        hint: 'wait for it to finish; a lock whose process is gone is taken over automatically',
      });
    }
    if (!told) {
      opts.say?.(`Waiting for the run of pid ${holder} to finish (lock ${path}).`);
      told = true;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  let released = false;
  return {
    path,
    recovered,
    release() {
      if (released) return;
      released = true;
      rmSync(path, { force: true });
    },
  };
}
