// The corpus's component/zstd profile (with zlib, xz-utils, lz4: four
// shared slapos.recipe.cmmi parts) built unchanged, only its `url`s and
// md5sums pointed at Debian's source packages by command-line assignments
// (.ci/run fetches them with `apt-get source --download-only`). A first run
// is killed at a random moment, the next one must finish the build (never
// take a half-built part for finished); then a run that reinstalls
// nothing, and a second buildout that reuses every shared part.
// Opt-in (about two minutes of compiling): TSBUILDOUT_TEST_CMMI_FULL=1;
// the sources are in TSBUILDOUT_DEBSRC (default /var/tmp/tsbuildout-debsrc).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { withTree } from '../helpers/files.ts';
import { corpusRoot, repositoryRoot } from '../helpers/paths.ts';
import { MARK_VARIABLE, newMark, waitForNone } from '../helpers/processes.ts';

const cli = join(repositoryRoot(), 'bin', 'tsbuildout.js');
const debsrc = process.env.TSBUILDOUT_DEBSRC || '/var/tmp/tsbuildout-debsrc';
const corpus = corpusRoot();
const PARTS: [string, string][] = [
  ['zlib', 'zlib_'],
  ['xz-utils', 'xz-utils_'],
  ['lz4', 'lz4_'],
  ['zstd', 'libzstd_'],
];

function sources(): Map<string, string> | undefined {
  if (!existsSync(debsrc)) return undefined;
  const files = readdirSync(debsrc);
  const out = new Map<string, string>();
  for (const [part, prefix] of PARTS) {
    const f = files.find((x) => x.startsWith(prefix) && /\.orig\.tar\.(gz|bz2|xz)$/.test(x));
    if (!f) return undefined;
    out.set(part, join(debsrc, f));
  }
  return out;
}

const skip = !process.env.TSBUILDOUT_TEST_CMMI_FULL
  ? 'opt-in: TSBUILDOUT_TEST_CMMI_FULL=1 (.ci/run sets it)'
  : !corpus
    ? 'the corpus (../shared/corpus/slapos) is absent'
    : !sources()
      ? `Debian's source packages of zlib, xz-utils, lz4, libzstd are not in ${debsrc} (apt-get source --download-only, as .ci/run does)`
      : false;
if (skip) console.log(`# skipped: component/zstd build (${skip})`);

interface Outcome {
  status: number | null;
  output: string;
  ms: number;
}

/** The CLI on the zstd profile in `dir` (make with 2 jobs); `killAfterMs`: SIGKILL then. */
function build(dir: string, assignments: string[], mark: string, killAfterMs?: number): Promise<Outcome> {
  const start = Date.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cli, '-U', '--python', '/usr/bin/python3', '-c', join(corpus!, 'component', 'zstd', 'buildout.cfg'), `buildout:directory=${dir}`, ...assignments, 'install'], {
      cwd: dir,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, MAKEFLAGS: '-j2', [MARK_VARIABLE]: mark },
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const timer = killAfterMs === undefined ? undefined : setTimeout(() => child.kill('SIGKILL'), killAfterMs);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, output, ms: Date.now() - start });
    });
  });
}

test('component/zstd (zlib, xz-utils, lz4 shared) builds from Debian sources unchanged: killed and rebuilt, linked to the shared parts, reused', { skip }, async (t) => {
  await withTree({}, async (dir) => {
    const src = sources()!;
    const shared = join(dir, 'shared');
    mkdirSync(shared);
    const assignments = [`buildout:shared-part-list=${shared}`];
    for (const [part, file] of src) assignments.push(`${part}:url=${file}`, `${part}:md5sum=${createHash('md5').update(readFileSync(file)).digest('hex')}`);
    const one = join(dir, 'one');
    mkdirSync(one);
    const mark = newMark();

    // killed at a random moment of the build
    const killAt = 1000 + Math.floor(Math.random() * 20000);
    const killed = await build(one, assignments, mark, killAt);
    assert.deepEqual(await waitForNone(mark, 10000), [], 'the killed build left no process behind');
    const signedAfterKill = new Set<string>();
    for (const [part] of PARTS) {
      for (const d of existsSync(join(shared, part)) ? readdirSync(join(shared, part)) : []) if (existsSync(join(shared, part, d, '.buildout-shared.json'))) signedAfterKill.add(part);
    }
    t.diagnostic(`killed after ${killAt} ms (status ${killed.status}); signed then: ${[...signedAfterKill].join(' ') || 'none'}`);

    const full = await build(one, assignments, mark);
    assert.equal(full.status, 0, full.output.slice(-3000));
    t.diagnostic(`build after the kill: ${full.ms} ms`);
    const locations = new Map<string, string>();
    for (const [part] of PARTS) {
      const digests = readdirSync(join(shared, part)).filter((d) => !d.endsWith('__compile__'));
      assert.equal(digests.length, 1, `${part}: ${digests}`);
      const location = join(shared, part, digests[0]!);
      assert.ok(existsSync(join(location, '.buildout-shared.json')), `${part} signed`);
      assert.equal(existsSync(`${location}__compile__`), false);
      locations.set(part, location);
      // a part signed before the kill is reused, any other built now
      if (signedAfterKill.has(part)) assert.match(full.output, new RegExp(`Updating ${part}\\.|Installing ${part}\\.\\nChecking whether package is installed at shared path: .*\\nThis shared package has been installed by other package`));
    }
    const zstd = join(locations.get('zstd')!, 'bin', 'zstd');
    const version = spawnSync(zstd, ['--version'], { encoding: 'utf8' });
    assert.equal(version.status, 0);
    assert.match(version.stdout, /Zstandard CLI .* v\d+\.\d+\.\d+/);
    const ldd = spawnSync('ldd', [zstd], { encoding: 'utf8' }).stdout;
    assert.match(ldd, new RegExp(`libz\\.so\\.1 => ${locations.get('zlib')}/lib/libz\\.so\\.1`));
    assert.match(ldd, new RegExp(`liblzma\\.so\\.5 => ${locations.get('xz-utils')}/lib/liblzma\\.so\\.5`));
    assert.match(ldd, new RegExp(`liblz4\\.so\\.1 => ${locations.get('lz4')}/lib/liblz4\\.so\\.1`));

    // a second run reinstalls nothing
    const again = await build(one, assignments, mark);
    assert.equal(again.status, 0, again.output);
    assert.doesNotMatch(again.output, /Installing/);
    assert.equal(again.output.match(/^Updating /gm)?.length, 4);

    // another software release sharing the parts reuses them all
    const two = join(dir, 'two');
    mkdirSync(two);
    const reuse = await build(two, assignments, mark);
    assert.equal(reuse.status, 0, reuse.output);
    assert.equal(reuse.output.match(/This shared package has been installed by other package/g)?.length, 4);
    assert.doesNotMatch(reuse.output, /__compile__/);
    t.diagnostic(`second software release reusing the four shared parts: ${reuse.ms} ms`);
  });
});
