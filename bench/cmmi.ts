// Building software (slapos.recipe.cmmi): tsbuildout's overhead over the
// same unpack, configure, make, make install of zlib run by hand (both with
// MAKEFLAGS=-j2); a download-cache hit; a no-op `node software` on a built
// release. zlib's source is Debian's (TSBUILDOUT_DEBSRC, default
// /var/tmp/tsbuildout-debsrc, as .ci/run fetches it).
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { downloadFile } from '../recipes/lib/download.ts';
import { md5Hex } from '../recipes/lib/files.ts';
import { median, table } from './lib/stats.ts';

const env = { ...process.env, MAKEFLAGS: '-j2' };

function timed(f: () => void): number {
  const t0 = performance.now();
  f();
  return performance.now() - t0;
}

function check(r: ReturnType<typeof spawnSync>, what: string): void {
  if (r.status !== 0) throw new Error(`${what} failed: ${String(r.stderr).slice(-2000)}`);
}

export function cmmiBench(root: string, runs: number): string {
  const debsrc = process.env.TSBUILDOUT_DEBSRC || '/var/tmp/tsbuildout-debsrc';
  const zlib = existsSync(debsrc) ? readdirSync(debsrc).find((f) => /^zlib_.*\.orig\.tar\./.test(f)) : undefined;
  if (!zlib) return `\n(no zlib source in ${debsrc}: cmmi benchmark skipped; apt-get source --download-only zlib there)\n`;
  const archive = join(debsrc, zlib);
  const cli = join(root, 'bin', 'tsbuildout.js');
  const byHand: number[] = [];
  const tsb: number[] = [];
  const noop: number[] = [];
  const work = mkdtempSync(join(tmpdir(), 'tsbuildout-bench-cmmi-'));
  try {
    for (let i = 0; i < runs; i++) {
      // by hand: unpack, configure, make, make install, as the recipe runs them
      const hand = join(work, `hand${i}`);
      mkdirSync(hand);
      byHand.push(
        timed(() => {
          check(spawnSync('tar', ['xf', archive, '-C', hand]), 'tar');
          const [top] = readdirSync(hand);
          const prefix = join(hand, 'prefix');
          check(spawnSync('/bin/sh', ['-c', `set -e; ./configure --prefix="${prefix}"; make; make install`], { cwd: join(hand, top!), env, stdio: ['ignore', 'ignore', 'pipe'] }), 'zlib by hand');
        }),
      );
      const b = join(work, `tsb${i}`);
      mkdirSync(b);
      writeFileSync(join(b, 'buildout.cfg'), `[buildout]\nparts = zlib\n\n[zlib]\nrecipe = slapos.recipe.cmmi\nurl = ${archive}\n`);
      tsb.push(timed(() => check(spawnSync(process.execPath, [cli, '-U'], { cwd: b, env, stdio: ['ignore', 'ignore', 'pipe'] }), 'zlib with tsbuildout')));
    }
    // a no-op node software on a release that built zlib
    const release = join(work, 'software.cfg');
    writeFileSync(release, `[buildout]\nparts = zlib\n\n[zlib]\nrecipe = slapos.recipe.cmmi\nurl = ${archive}\n`);
    const node = () => check(spawnSync(process.execPath, [cli, 'node', '--root', join(work, 'node'), 'software', release], { env, stdio: ['ignore', 'ignore', 'pipe'] }), 'node software');
    node();
    for (let i = 0; i < Math.max(3, runs); i++) noop.push(timed(node));
    // a download-cache hit: zc.buildout's <cache>/<md5 of the URL>, its md5sum checked
    const cache = join(work, 'cache');
    mkdirSync(cache);
    const url = 'https://zlib.net/fossils/zlib-1.3.1.tar.gz';
    copyFileSync(archive, join(cache, md5Hex(url)));
    const md5 = md5Hex(readFileSync(archive));
    const settings = { directory: work, offline: true, part: 'zlib', downloadCache: cache };
    const hits: number[] = [];
    for (let i = 0; i < 50; i++) hits.push(timed(() => downloadFile(url, settings, md5)));
    const h = median(byHand);
    const t = median(tsb);
    return (
      `\nBuilding software (slapos.recipe.cmmi), zlib from ${zlib}, MAKEFLAGS=-j2\n` +
      table(
        ['what', `median (${runs} runs)`],
        [
          ['unpack + configure + make + make install by hand', `${h.toFixed(0)} ms`],
          ['the same part installed by tsbuildout (CLI)', `${t.toFixed(0)} ms`],
          ['tsbuildout overhead', `${(((t - h) / h) * 100).toFixed(1)} % (${(t - h).toFixed(0)} ms)`],
          ['download-cache hit (md5 checked), in process', `${median(hits).toFixed(2)} ms`],
          ['no-op `node software` on the built release (CLI)', `${median(noop).toFixed(0)} ms`],
        ],
      )
    );
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
