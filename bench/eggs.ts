// The egg installer on a profile of 20 zc.recipe.egg parts over 30 eggs
// (unpacked eggs in a find-links directory, so that no Python build is
// timed: the resolution, the copies, the scripts), first install and no-op
// re-runs, with and without `newest`, as whole CLI calls.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { median, table } from './lib/stats.ts';

const EGGS = 30;
const PARTS = 20;

function tree(dir: string): void {
  for (let i = 0; i < EGGS; i++) {
    const egg = join(dir, 'links', `egg${i}-1.0-py3.11.egg`);
    mkdirSync(join(egg, 'EGG-INFO'), { recursive: true });
    mkdirSync(join(egg, `egg${i}`));
    writeFileSync(join(egg, 'EGG-INFO', 'PKG-INFO'), `Metadata-Version: 1.0\nName: egg${i}\nVersion: 1.0\n`);
    // each egg requires the next two: long chains, shared requirements
    writeFileSync(join(egg, 'EGG-INFO', 'requires.txt'), [i + 1, i + 2].filter((j) => j < EGGS).map((j) => `egg${j}\n`).join(''));
    writeFileSync(join(egg, 'EGG-INFO', 'entry_points.txt'), `[console_scripts]\nrun${i} = egg${i}:main\n`);
    writeFileSync(join(egg, `egg${i}`, '__init__.py'), 'def main():\n    pass\n');
  }
  const parts = Array.from({ length: PARTS }, (_, p) => `[p${p}]\nrecipe = zc.recipe.egg\neggs = egg${p}\ninterpreter = py${p}\n`);
  writeFileSync(join(dir, 'buildout.cfg'), `[buildout]\nparts = ${parts.map((_, p) => `p${p}`).join(' ')}\nfind-links = links\nindex = no-index\n\n${parts.join('\n')}`);
}

function cli(cwd: string, root: string, ...args: string[]): number {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [join(root, 'bin', 'tsbuildout.js'), '-U', '--python', '/usr/bin/python3', ...args], { cwd, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`install failed: ${r.stderr}`);
  return performance.now() - t0;
}

export function eggsBench(root: string, runs: number): string {
  const first: number[] = [];
  const noop: number[] = [];
  const noopN: number[] = [];
  for (let i = 0; i < runs; i++) {
    const dir = mkdtempSync(join(tmpdir(), 'tsbuildout-bench-eggs-'));
    try {
      tree(dir);
      first.push(cli(dir, root));
      noop.push(cli(dir, root));
      noopN.push(cli(dir, root, '-N'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  return (
    `\nEggs (${PARTS} zc.recipe.egg parts over ${EGGS} unpacked eggs from a find-links directory, each with its scripts and an interpreter), whole CLI calls\n` +
    table(['run', `median wall ms (${runs} runs)`], [['first install', median(first).toFixed(0)], ['no-op re-run (newest)', median(noop).toFixed(0)], ['no-op re-run (-N)', median(noopN).toFixed(0)]])
  );
}
