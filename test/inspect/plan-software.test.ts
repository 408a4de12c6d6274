// plan on software parts: a shared cmmi part another buildout built is
// reused, one with other options is built (and one left unfinished is built
// again), a download the cache holds comes from it, one it lacks is fetched
// into it (or, offline, cannot be had); the plan touches nothing (no
// download, no build, no file written), and the run then does what it said.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { plan, type Plan, type PlanItem } from '../../inspect/plan.ts';
import type { SoftwareStep } from '../../recipes/api.ts';
import { withTree } from '../helpers/files.ts';
import { actualRun, expectedRun, inspectIn, runCli, runIn } from './helpers.ts';

const CONFIGURE = `#!/bin/sh
prefix=/usr/local
for a; do case $a in --prefix=*) prefix=\${a#--prefix=};; esac; done
echo "PREFIX = $prefix" > config.mk
echo "built $prefix" >> "$BUILD_LOG"
`;
const MAKEFILE = 'include config.mk\nall:\n\ttrue\ninstall:\n\tmkdir -p $(PREFIX)/bin && echo hi > $(PREFIX)/bin/hello\n';

/** A tiny package: `hello-1.0.tar.gz` in `dir`. */
function writePackage(dir: string): string {
  const src = join(dir, 'src', 'hello-1.0');
  mkdirSync(src, { recursive: true });
  writeFileSync(join(src, 'configure'), CONFIGURE);
  chmodSync(join(src, 'configure'), 0o755);
  writeFileSync(join(src, 'Makefile'), MAKEFILE);
  const tar = spawnSync('tar', ['czf', join(dir, 'hello-1.0.tar.gz'), '-C', join(dir, 'src'), 'hello-1.0']);
  assert.equal(tar.status, 0, String(tar.stderr));
  return join(dir, 'hello-1.0.tar.gz');
}

const md5 = (text: string | Buffer) => createHash('md5').update(text).digest('hex');

/** Every path under `dir` (what a plan must leave as it is). */
function listing(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).sort();
}

function item(p: Plan, part: string): PlanItem {
  const i = p.items.find((x) => x.part === part);
  assert.ok(i, `no plan item for ${part}`);
  return i;
}

function steps(p: Plan, part: string): SoftwareStep[] {
  return item(p, part).software ?? [];
}

test('plan says which software parts build, reuse a shared part, or take their download from the cache, and why, touching nothing', async () => {
  await withTree({}, async (dir) => {
    const archive = writePackage(dir);
    const shared = join(dir, 'shared');
    const cache = join(dir, 'cache');
    mkdirSync(shared);
    mkdirSync(cache);
    const log = join(dir, 'builds.log');
    writeFileSync(log, '');
    const cmmi = (name: string, extra = '') =>
      `[${name}]\nrecipe = slapos.recipe.cmmi\nshared = true\nurl = ${archive}\nlocation = @@LOCATION@@\nconfigure-options = --prefix=@@LOCATION@@${extra}\nenvironment = BUILD_LOG=${log}\n`;
    // a remote archive the cache holds already (the server does not exist: the run must not need it)
    const hitUrl = 'http://127.0.0.1:9/hit/hello-1.0.tar.gz';
    copyFileSync(archive, join(cache, md5(hitUrl)));
    // built for real by another buildout: the shared part to reuse
    mkdirSync(join(dir, 'one'));
    writeFileSync(join(dir, 'one', 'buildout.cfg'), `[buildout]\nparts = zlib\nshared-part-list = ${shared}\n\n${cmmi('zlib')}`);
    await runIn(join(dir, 'one'));
    const [zlibDigest] = readdirSync(join(shared, 'zlib'));
    const zlibLocation = join(shared, 'zlib', zlibDigest!);
    assert.equal(readFileSync(log, 'utf8'), `built ${zlibLocation}\n`);

    const two = join(dir, 'two');
    mkdirSync(two);
    writeFileSync(
      join(two, 'buildout.cfg'),
      `[buildout]\nparts = zlib zstd hit miss\nshared-part-list = ${shared}\ndownload-cache = ${cache}\n\n${cmmi('zlib')}\n${cmmi('zstd', ' --with-zstd')}\n` +
        `[hit]\nrecipe = slapos.recipe.cmmi\nurl = ${hitUrl}\nmd5sum = ${md5(readFileSync(archive))}\nenvironment = BUILD_LOG=${log}\n\n` +
        `[miss]\nrecipe = hexagonit.recipe.download\nurl = ${archive}\nstrip-top-level-dir = true\n`,
    );
    const before = { shared: listing(shared), cache: listing(cache) };
    const p = plan(await inspectIn(two));
    assert.deepEqual(steps(p, 'zlib'), [{ action: 'reuse', what: 'zlib', path: zlibLocation, reason: 'signature matches' }]);
    const [zstdBuild, zstdSource] = steps(p, 'zstd');
    assert.equal(zstdBuild!.action, 'build');
    assert.equal(zstdBuild!.reason, 'no shared part with this signature');
    const zstdLocation = zstdBuild!.path!;
    assert.match(zstdLocation, new RegExp(`^${shared}/zstd/[0-9a-f]{32}$`));
    // without the shared build, its archive goes through the cache: a local file is copied into it
    assert.deepEqual(zstdSource, { action: 'fetch', what: archive, path: join(cache, md5(archive)), reason: 'copied into the download cache' });
    assert.deepEqual(steps(p, 'hit'), [
      { action: 'build', what: 'hit', path: join(two, 'parts', 'hit'), reason: 'not shared' },
      { action: 'cached', what: hitUrl, path: join(cache, md5(hitUrl)), reason: 'in the download cache' },
    ]);
    assert.deepEqual(steps(p, 'miss'), [{ action: 'fetch', what: archive, path: join(cache, md5(archive)), reason: 'copied into the download cache' }]);
    // nothing downloaded, built or written
    assert.deepEqual({ shared: listing(shared), cache: listing(cache) }, before);
    assert.equal(existsSync(join(two, 'parts')), false);

    // the same, as text and as JSON
    const text = runCli(two, ['plan']);
    assert.equal(text.status, 0, text.stderr);
    assert.ok(text.stdout.includes(`    software: reuse shared ${zlibLocation} (signature matches)\n`), text.stdout);
    assert.ok(text.stdout.includes(`    software: build ${zstdLocation} (no shared part with this signature)\n`), text.stdout);
    assert.ok(text.stdout.includes(`    software: download from cache ${join(cache, md5(hitUrl))}: ${hitUrl}\n`), text.stdout);
    assert.ok(text.stdout.includes(`    software: download ${archive} → ${join(cache, md5(archive))} (copied into the download cache)\n`), text.stdout);
    const json = runCli(two, ['plan', '--json']);
    assert.equal(json.status, 0, json.stderr);
    const jp = (JSON.parse(json.stdout) as { plan: Plan }).plan;
    for (const part of ['zlib', 'zstd', 'hit', 'miss']) assert.deepEqual(steps(jp, part), steps(p, part), part);

    // offline, a remote archive the cache lacks cannot be had
    const offline = plan(await inspectIn(two, { assignments: [{ section: 'buildout', option: 'offline', value: 'true' }, { section: 'hit', option: 'url', value: 'http://127.0.0.1:9/other.tar.gz' }] }));
    const missing = steps(offline, 'hit')[1]!;
    assert.equal(missing.action, 'missing');
    assert.match(missing.reason, /Couldn't download 'http:\/\/127\.0\.0\.1:9\/other\.tar\.gz' in offline mode\./);

    // a shared location without its signature file (an unfinished build) is built again
    mkdirSync(zstdLocation, { recursive: true });
    const unfinished = plan(await inspectIn(two));
    assert.equal(steps(unfinished, 'zstd')[0]!.action, 'build');
    assert.match(steps(unfinished, 'zstd')[0]!.reason, /\.buildout-shared\.json is missing or differs \(an unfinished build\): removed and built again/);

    // the run does what the plan said: zlib not built, zstd and hit built, the cache filled
    const r = await runIn(two);
    assert.deepEqual(actualRun(r), expectedRun(p));
    assert.deepEqual(readFileSync(log, 'utf8').trim().split('\n'), [`built ${zlibLocation}`, `built ${zstdLocation}`, `built ${join(two, 'parts', 'hit')}`]);
    assert.ok(existsSync(join(zstdLocation, '.buildout-shared.json')));
    assert.ok(existsSync(join(cache, md5(archive))));
    // and then nothing is left to do: no software step
    const again = plan(await inspectIn(two));
    assert.deepEqual(again.items.map((i) => [i.part, i.action, i.software]), ['zlib', 'zstd', 'hit', 'miss'].map((n) => [n, 'unchanged', undefined]));
  });
});
