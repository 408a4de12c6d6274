// The npm package: its tarball, `npm install` of it into an empty
// directory with a warm npm cache (a first install fills the cache with the
// tarball; `npm ci` filled it with the dependencies), and what that install
// puts on disk. The SQLite binding's download is stood in as in the tests
// (scripts/lib/package.ts prebuiltBindingEnv); compiling it instead takes
// minutes.
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { copyCheckout, npmEnv, pack, prebuiltBindingEnv, run } from '../scripts/lib/package.ts';
import { median, table } from './lib/stats.ts';

function disk(dir: string): { bytes: number; files: number; packages: number } {
  let bytes = 0;
  let files = 0;
  let packages = 0;
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile()) {
        files++;
        bytes += statSync(p).size;
        if (e.name === 'package.json' && /node_modules\/(@[^/]+\/)?[^/]+$/.test(d)) packages++;
      }
    }
  };
  walk(dir);
  return { bytes, files, packages };
}

const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;

export function packageBench(root: string, runs: number): string {
  const work = mkdtempSync(join(tmpdir(), 'tsbuildout-bench-package-'));
  try {
    const packed = pack(copyCheckout(root, join(work, 'checkout')), work);
    const env = npmEnv(prebuiltBindingEnv(root, join(work, 'prebuilds')));
    const install = (i: number) => {
      const dir = join(work, `app${i}`);
      mkdirSync(dir);
      const t0 = performance.now();
      run('npm', ['install', '--no-audit', '--no-fund', packed.tarball], { cwd: dir, env });
      return { ms: performance.now() - t0, dir };
    };
    const first = install(0);
    const times: number[] = [];
    for (let i = 1; i <= runs; i++) times.push(install(i).ms);
    const all = disk(join(first.dir, 'node_modules'));
    const own = disk(join(first.dir, 'node_modules', 'tsbuildout'));
    return (
      '\nThe npm package: `npm install` of its tarball into an empty directory\n' +
      table(
        ['what', 'figure'],
        [
          ['tarball', `${packed.files.length} files, ${(packed.size / 1e3).toFixed(0)} kB (${mb(packed.unpackedSize)} unpacked)`],
          ['first install (the tarball not cached yet)', `${(first.ms / 1000).toFixed(1)} s`],
          [`install, warm cache (median of ${runs}; min–max)`, `${(median(times) / 1000).toFixed(1)} s; ${(Math.min(...times) / 1000).toFixed(1)}–${(Math.max(...times) / 1000).toFixed(1)} s`],
          ['installed: node_modules', `${mb(all.bytes)}, ${all.files} files, ${all.packages} packages`],
          ['of which tsbuildout itself', `${mb(own.bytes)}, ${own.files} files`],
        ],
      )
    );
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
