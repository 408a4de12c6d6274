// The Python bridge: start-up (worker thread + interpreter + the bridge
// module, until it answers), the cost of a round trip (a call, a callback
// from Python into the resolver) and a whole CLI install of a profile of
// slapos.recipe.build parts beside the same profile without code.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PythonProcess } from '../pybridge/process.ts';
import { median, table } from './lib/stats.ts';

const PYTHON = '/usr/bin/python3';

function profile(parts: number, code: boolean): string {
  const lines = ['[buildout]', 'parts =', ...Array.from({ length: parts }, (_, i) => `  p${i}`), ''];
  for (let i = 0; i < parts; i++) {
    lines.push(`[p${i}]`, 'recipe = slapos.recipe.build', `value = ${i}`);
    if (code) lines.push('init =', `  options['double'] = str(2 * int(options['value']))`, ...(i ? [`  options['previous'] = self.buildout['p${i - 1}']['double']`] : []));
    lines.push('');
  }
  return lines.join('\n');
}

function cli(cwd: string, root: string): number {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [join(root, 'bin', 'tsbuildout.js'), '-U', '--python', PYTHON, '--env', 'python=3.11'], { cwd, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`install failed: ${r.stderr}`);
  return performance.now() - t0;
}

export function pybridgeBench(root: string, runs: number): string {
  const start: number[] = [];
  const calls: number[] = [];
  const callbacks: number[] = [];
  const N = 500;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const p = PythonProcess.start({ python: PYTHON, cwd: tmpdir() });
    start.push(performance.now() - t0);
    let t = performance.now();
    for (let k = 0; k < N; k++) p.call('eval', ['1'], () => null);
    calls.push(((performance.now() - t) * 1000) / N);
    t = performance.now();
    p.call('exec', [`for i in range(${N}): callback('x')`, 'bench'], () => null);
    callbacks.push(((performance.now() - t) * 1000) / N);
    p.close();
  }
  const rows = [
    ['start-up (worker, interpreter, bridge module ready)', `${median(start).toFixed(0)} ms`],
    ['call round trip (TS → Python → TS)', `${median(calls).toFixed(0)} µs`],
    ['callback round trip (Python → resolver → Python)', `${median(callbacks).toFixed(0)} µs`],
  ];
  const installs: Record<string, number[]> = { code: [], data: [] };
  for (let i = 0; i < runs; i++) {
    for (const kind of ['code', 'data'] as const) {
      const dir = mkdtempSync(join(tmpdir(), 'tsbuildout-bench-'));
      try {
        writeFileSync(join(dir, 'buildout.cfg'), profile(50, kind === 'code'));
        installs[kind]!.push(cli(dir, root));
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
  }
  rows.push(['CLI install, 50 slapos.recipe.build parts with init code', `${median(installs.code!).toFixed(0)} ms`]);
  rows.push(['CLI install, the same 50 parts without code (no bridge)', `${median(installs.data!).toFixed(0)} ms`]);
  return `\nPython bridge (${PYTHON}, median of ${runs})\n` + table(['what', 'time'], rows);
}
