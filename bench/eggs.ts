// The egg installer on a profile of 20 zc.recipe.egg parts over 30 eggs
// (unpacked eggs in a find-links directory, so that no Python build is
// timed: the resolution, the copies, the scripts), first install and no-op
// re-runs, with and without `newest`, as whole CLI calls; then the no-op
// re-run with `find-links` and the index served over HTTP (zipped eggs, a
// 404 for each project page), where each page read is a request.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serveDirectory } from '../test/helpers/eggs.ts';
import { median, table } from './lib/stats.ts';

const EGGS = 30;
const PARTS = 20;
const PARTS_TEXT = Array.from({ length: PARTS }, (_, p) => `[p${p}]\nrecipe = zc.recipe.egg\neggs = egg${p}\ninterpreter = py${p}\n`);

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
  writeProfile(dir, PARTS_TEXT, 'links', 'no-index');
}

function writeProfile(dir: string, parts: string[], links: string, index: string): void {
  writeFileSync(join(dir, 'buildout.cfg'), `[buildout]\nparts = ${parts.map((_, p) => `p${p}`).join(' ')}\nfind-links = ${links}\nindex = ${index}\n\n${parts.join('\n')}`);
}

/** The eggs of `links/` zipped into `www/links/`, served over HTTP by Python's http.server. */
async function serveZipped(dir: string): Promise<{ url: string; stop: () => void }> {
  const zip = `
import os, shutil, sys
src, dst = sys.argv[1:]
os.makedirs(dst)
for n in os.listdir(src):
    os.rename(shutil.make_archive(os.path.join(dst, n), 'zip', os.path.join(src, n)), os.path.join(dst, n))
`;
  const z = spawnSync('/usr/bin/python3', ['-c', zip, join(dir, 'links'), join(dir, 'www', 'links')], { encoding: 'utf8' });
  if (z.status !== 0) throw new Error(`zipping the eggs failed: ${z.stderr}`);
  return serveDirectory(join(dir, 'www'));
}

interface Timing {
  ms: number;
  cpu: number;
}

/** A whole CLI call: its wall time and the CPU time (user + sys) of it and its children (bash's `times`), in ms. */
function cli(cwd: string, root: string, ...args: string[]): Timing {
  const t0 = performance.now();
  const argv = [process.execPath, join(root, 'bin', 'tsbuildout.js'), '-U', '--python', '/usr/bin/python3', ...args];
  const r = spawnSync('bash', ['-c', '"$@" >/dev/null || exit; times', '-', ...argv], { cwd, encoding: 'utf8' });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`install failed: ${r.stderr}`);
  // `times`' second line: the children's user and system time, as 0m1.234s
  const secs = [...(r.stdout.trim().split('\n').pop() ?? '').matchAll(/(\d+)m([\d.]+)s/g)].map((m) => Number(m[1]) * 60 + Number(m[2]));
  return { ms, cpu: secs.reduce((a, b) => a + b, 0) * 1000 };
}

export async function eggsBench(root: string, runs: number): Promise<string> {
  const first: Timing[] = [];
  const noop: Timing[] = [];
  const noopN: Timing[] = [];
  const noopHttp: Timing[] = [];
  for (let i = 0; i < runs; i++) {
    const dir = mkdtempSync(join(tmpdir(), 'tsbuildout-bench-eggs-'));
    try {
      tree(dir);
      first.push(cli(dir, root));
      noop.push(cli(dir, root));
      noopN.push(cli(dir, root, '-N'));
      // the same eggs installed, the pages over HTTP: the first run installs the parts again (their find-links changed)
      const http = join(dir, 'http');
      cpSync(join(dir, 'eggs'), join(http, 'eggs'), { recursive: true });
      const server = await serveZipped(dir);
      try {
        writeProfile(http, PARTS_TEXT, `${server.url}/links/`, `${server.url}/simple`);
        cli(http, root);
        noopHttp.push(cli(http, root));
      } finally {
        server.stop();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  return (
    `\nEggs (${PARTS} zc.recipe.egg parts over ${EGGS} unpacked eggs from a find-links directory, each with its scripts and an interpreter), whole CLI calls\n` +
    table(
      ['run', `median wall ms (${runs} runs)`, 'median CPU ms (user + sys, with children)'],
      ([['first install', first], ['no-op re-run (newest)', noop], ['no-op re-run (-N)', noopN], ['no-op re-run (newest), find-links and index over HTTP', noopHttp]] as const).map(([name, t]) => [name, median(t.map((x) => x.ms)).toFixed(0), median(t.map((x) => x.cpu)).toFixed(0)]),
    )
  );
}
