// Wall and CPU time of a function (CPU time is steadier on a busy machine).
import { readFileSync } from 'node:fs';

export async function measure<T>(f: () => Promise<T> | T): Promise<{ wall: number; cpu: number; value: T }> {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const value = await f();
  const wall = performance.now() - t0;
  const c = process.cpuUsage(c0);
  return { wall, cpu: (c.user + c.system) / 1000, value };
}

/**
 * The CPU time (user + system, ms) of the children this process has waited
 * for so far (/proc/self/stat cutime + cstime, in clock ticks of 10 ms): the
 * difference around a spawnSync is that command's CPU time, which a loaded
 * machine skews less than its wall time. 0 where /proc is missing.
 */
export function childrenCpuMs(): number {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    // the fields after the command name, which is in parentheses and may hold spaces
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[13]) + Number(f[14])) * 10;
  } catch {
    return 0;
  }
}
