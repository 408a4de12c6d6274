// The whole corpus on a node (issue 14): `npm run corpus-node` over every
// software release of ../shared/corpus/slapos — node software
// --stub-software, request, node instance, node stop, two at a time — timed
// whole, with the count of releases at each level (scripts/corpus-node.ts).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { table } from './lib/stats.ts';

export function corpusNodeBench(root: string, corpus: string): string {
  if (!existsSync(join(corpus, 'software'))) return '\n(no corpus: corpus-node benchmark skipped)';
  if (spawnSync('supervisord', ['--version']).status !== 0) return "\n(no supervisord, Debian's supervisor: corpus-node benchmark skipped)";
  const dir = mkdtempSync(join(tmpdir(), 'tsbuildout-bench-corpus-'));
  try {
    const json = join(dir, 'results.json');
    const t0 = performance.now();
    const r = spawnSync(process.execPath, [join(root, 'dist', 'scripts', 'corpus-node.mjs'), corpus, '--json', json], { cwd: root, encoding: 'utf8' });
    const seconds = (performance.now() - t0) / 1000;
    if (r.status !== 0 || !existsSync(json)) return `\ncorpus-node failed (exit ${r.status}): ${(r.stderr || r.stdout).split('\n').slice(-3).join(' ')}`;
    const results = JSON.parse(readFileSync(json, 'utf8')) as { level: number }[];
    const at = (l: number) => results.filter((x) => x.level >= l).length;
    return (
      '\nThe whole corpus on a node (npm run corpus-node, 2 releases at a time)\n' +
      table(['releases', 'time', 'L1', 'L2', 'L3'], [[String(results.length), `${seconds.toFixed(0)} s`, String(at(1)), String(at(2)), String(at(3))]])
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
