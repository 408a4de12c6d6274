// `plan` and `graph` on software/erp5/software.cfg as whole CLI calls
// (goal: each under 400 ms), beside the calls they build on (start-up
// alone, `query`, which only assembles), and the in-process phases.
// The plan compares against a record of every part (written from the
// inspection itself), so every part's options and signature are compared.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatInstalled } from '../executor/installed.ts';
import { buildGraph } from '../inspect/graph.ts';
import { graphDot } from '../inspect/graph-render.ts';
import { inspectProfile } from '../inspect/model.ts';
import { plan, stateOf } from '../inspect/plan.ts';
import { measure } from './lib/measure.ts';
import { median, table } from './lib/stats.ts';

const PROFILE = 'software/erp5/software.cfg';

function cliOnce(root: string, args: string[]): number {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [join(root, 'bin', 'tsbuildout.js'), '-U', '--python', '/usr/bin/python3', '--env', 'python=3.11', ...args], { encoding: 'utf8', maxBuffer: 1 << 28 });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`tsbuildout ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return ms;
}

export async function inspectBench(root: string, corpus: string, runs: number): Promise<string> {
  const profile = join(corpus, PROFILE);
  if (!existsSync(profile)) return `(no ${profile}: inspect benchmark skipped)`;
  const load = { config: profile, userDefaults: false, executable: '/usr/bin/python3', env: { python: '3.11' } };
  const dir = mkdtempSync(join(tmpdir(), 'tsbuildout-bench-inspect-'));
  try {
    const installed = join(dir, '.installed.cfg');
    const record = stateOf(await inspectProfile(load));
    // options kept as `k +` (a `+=` in a section new to the merge) would be
    // written `k + = …`, which no .installed.cfg reader accepts (zc.buildout
    // issue 63): left out of this synthetic record
    for (const options of record.options.values()) for (const k of [...options.keys()]) if (/[+-]$/.test(k)) options.delete(k);
    writeFileSync(installed, formatInstalled(record));
    const assign = `buildout:installed=${installed}`;

    // in process: CPU time of each phase (median of `runs`)
    const phases: Record<string, number[]> = { 'inspect (load, resolve, recipe inits, edges)': [], 'plan against the record': [], 'graph model + DOT': [] };
    let parts = 0;
    let edges = 0;
    for (let i = 0; i < runs; i++) {
      const a = await measure(() => inspectProfile({ ...load, assignments: [{ section: 'buildout', option: 'installed', value: installed }] }));
      phases['inspect (load, resolve, recipe inits, edges)']!.push(a.cpu);
      const p = await measure(() => plan(a.value));
      phases['plan against the record']!.push(p.cpu);
      const b = await inspectProfile(load);
      const g = await measure(() => graphDot(buildGraph(b)));
      phases['graph model + DOT']!.push(g.cpu);
      parts = p.value.items.length;
      edges = b.edges.length;
    }

    const calls: [string, string[]][] = [
      ['--version (start-up only)', ['--version']],
      ['query buildout:parts (assemble only)', ['-c', profile, 'query', 'buildout:parts']],
      ['plan', ['-c', profile, assign, 'plan']],
      ['plan --json', ['-c', profile, assign, 'plan', '--json']],
      ['graph', ['-c', profile, 'graph']],
      ['graph --format dot', ['-c', profile, 'graph', '--format', 'dot']],
      ['graph --format html', ['-c', profile, 'graph', '--format', 'html']],
    ];
    const rows: string[][] = [];
    for (const [name, args] of calls) {
      cliOnce(root, args);
      const times: number[] = [];
      for (let i = 0; i < runs; i++) times.push(cliOnce(root, args));
      rows.push([name, median(times).toFixed(0), Math.min(...times).toFixed(0)]);
    }
    return [
      '',
      `Inspection of ${PROFILE} (${parts} parts, ${edges} edges; goal: plan and graph under 400 ms as whole CLI calls)`,
      table(['CLI call', `wall ms (median of ${runs})`, 'best ms'], rows),
      '',
      table(
        ['in-process phase', `CPU ms (median of ${runs})`],
        Object.entries(phases).map(([k, v]) => [k, median(v).toFixed(1)]),
      ),
    ].join('\n');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
