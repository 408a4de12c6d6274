// Lint benchmarks: a cold lint of software/erp5/software.cfg (its whole
// extends tree, in process) and a lint of the whole corpus in one process.
// Called by bench/run.ts; `node dist/bench/lint.mjs` runs it alone.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { discoverProfiles } from '../lint/discover.ts';
import { lint } from '../lint/engine.ts';
import type { LintOptions } from '../lint/types.ts';
import { repositoryRoot } from './lib/paths.ts';
import { median, table } from './lib/stats.ts';

const options = (cwd: string, rules: LintOptions['rules'] = {}): LintOptions => ({
  semantics: 'slapos',
  executable: '/usr/bin/python3',
  env: { python: '3.11' },
  rules,
  cwd,
});

export async function lintBench(runs = Number(process.env.BENCH_RUNS ?? 7)): Promise<void> {
  const corpus = join(repositoryRoot(), '..', 'shared', 'corpus', 'slapos');
  if (!existsSync(corpus)) {
    process.stdout.write(`(no corpus at ${corpus}: lint benchmark skipped)\n`);
    return;
  }
  const rows: string[][] = [];
  for (const [label, rules] of [
    ['default rules', {}],
    ['with semantics-divergence', { 'semantics-divergence': 'info' }],
  ] as const) {
    if (label !== 'default rules' && process.env.BENCH_LINT_QUICK === '1') continue;
    const profile = join(corpus, 'software/erp5/software.cfg');
    const times: number[] = [];
    const cpu: number[] = [];
    let files = 0;
    let findings = 0;
    for (let i = 0; i < runs; i++) {
      const t0 = performance.now();
      const c0 = process.cpuUsage();
      const r = await lint([profile], { options: options(corpus, rules) });
      const c = process.cpuUsage(c0);
      cpu.push((c.user + c.system) / 1000);
      times.push(performance.now() - t0);
      files = r.files;
      findings = r.findings.length;
    }
    rows.push([`software/erp5/software.cfg (${label})`, `${files} files, ${findings} findings`, times[0]!.toFixed(1), median(times).toFixed(1), median(cpu).toFixed(1)]);
  }
  const roots = process.env.BENCH_LINT_CORPUS === '0' ? [] : discoverProfiles(corpus);
  for (const [label, rules] of [
    ['default rules', {}],
  ] as const) {
    if (!roots.length) break;
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    const r = await lint(roots, { options: options(corpus, rules) });
    const c = process.cpuUsage(c0);
    const ms = performance.now() - t0;
    rows.push([`whole corpus, ${roots.length} profiles (${label})`, `${r.files} files, ${r.findings.length} findings`, ms.toFixed(0), '', ((c.user + c.system) / 1000).toFixed(0)]);
  }
  process.stdout.write('\nLint (in process, each run with a fresh workspace: files read and parsed again)\n');
  process.stdout.write(table(['what', 'size', 'first run ms', `median of ${runs} ms`, 'CPU ms (median)'], rows) + '\n');
}

if (import.meta.url === `file://${process.argv[1]}`) await lintBench();

