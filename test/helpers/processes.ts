// Finding the processes a test started, wherever they were reparented: each
// test run gets a marker in its environment, which every descendant
// inherits; /proc tells which processes still carry it.
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';

export const MARK_VARIABLE = 'TSBUILDOUT_TEST_MARK';

/** A fresh marker, to put in a child's environment as MARK_VARIABLE. */
export function newMark(): string {
  return randomBytes(8).toString('hex');
}

/** The processes alive with this marker: pid and command line. */
export function markedProcesses(mark: string): { pid: number; command: string }[] {
  const needle = Buffer.from(`${MARK_VARIABLE}=${mark}\0`);
  const out: { pid: number; command: string }[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      if (!readFileSync(`/proc/${name}/environ`).includes(needle)) continue;
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      // a zombie has ended: its parent just has not reaped it yet
      if (stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z')) continue;
      out.push({ pid: Number(name), command: readFileSync(`/proc/${name}/cmdline`, 'utf8').replace(/\0/g, ' ').slice(0, 120) });
    } catch {
      // gone meanwhile, or not ours to read
    }
  }
  return out;
}

/** Wait until no process carries the marker (or the time is up); returns those left. */
export async function waitForNone(mark: string, ms = 5000): Promise<{ pid: number; command: string }[]> {
  const deadline = Date.now() + ms;
  for (;;) {
    const left = markedProcesses(mark);
    if (!left.length || Date.now() > deadline) return left;
    await new Promise((r) => setTimeout(r, 50));
  }
}
