// Installing a generated profile of 200 parts, and no-op re-runs of it and
// of larger ones (BENCH_NOOP_PARTS, default 1,000 and 5,000 parts), as
// whole CLI calls.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { childrenCpuMs } from './lib/measure.ts';
import { median, table } from './lib/stats.ts';

export function generatedProfile(parts: number): string {
  const lines = ['[buildout]', 'parts =', ...Array.from({ length: parts }, (_, i) => `  part${i}`), '', '[base]', 'etc = ${buildout:directory}/etc', ''];
  for (let i = 0; i < parts; i++) {
    if (i % 2 === 0) lines.push(`[part${i}]`, 'recipe = slapos.cookbook:mkdirectory', `dir = \${base:etc}/d${i}`, `log = \${buildout:directory}/var/log/d${i}`, '');
    else lines.push(`[part${i}]`, 'recipe = plone.recipe.command', 'stop-on-error = true', `command = echo ${i} > \${part${i - 1}:dir}/file`, `location = \${part${i - 1}:dir}/file`, 'update-command =', '');
  }
  return lines.join('\n');
}

/** One CLI call: its wall and CPU time (ms). */
function cli(cwd: string, root: string): { wall: number; cpu: number } {
  const c0 = childrenCpuMs();
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [join(root, 'bin', 'tsbuildout.js'), '-U', '--python', '/usr/bin/python3', '--env', 'python=3.11'], { cwd, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`install failed: ${r.stderr}`);
  return { wall: performance.now() - t0, cpu: childrenCpuMs() - c0 };
}

const row = (what: string, xs: { wall: number; cpu: number }[]): string[] => [what, median(xs.map((x) => x.wall)).toFixed(0), median(xs.map((x) => x.cpu)).toFixed(0)];

export function installBench(root: string, runs: number): string {
  const first: { wall: number; cpu: number }[] = [];
  const noop: { wall: number; cpu: number }[] = [];
  for (let i = 0; i < runs; i++) {
    const dir = mkdtempSync(join(tmpdir(), 'tsbuildout-bench-'));
    try {
      writeFileSync(join(dir, 'buildout.cfg'), generatedProfile(200));
      first.push(cli(dir, root));
      noop.push(cli(dir, root));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  // no-op re-runs at more parts (installed once each): the run's bookkeeping must stay linear
  const sizes = (process.env.BENCH_NOOP_PARTS ?? '1000,5000').split(',').filter(Boolean).map(Number);
  const larger = sizes.map((parts) => {
    const dir = mkdtempSync(join(tmpdir(), 'tsbuildout-bench-'));
    try {
      writeFileSync(join(dir, 'buildout.cfg'), generatedProfile(parts));
      cli(dir, root);
      const times = Array.from({ length: runs }, () => cli(dir, root));
      return row(`no-op re-run, ${parts} parts`, times);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
  return '\nInstall (generated profile of 200 parts: 100 mkdirectory, 100 plone.recipe.command), whole CLI calls\n' +
    table(['run', `median wall ms (${runs} runs)`, 'median CPU ms (user + sys)'], [row('first install', first), row('no-op re-run', noop), ...larger]);
}
