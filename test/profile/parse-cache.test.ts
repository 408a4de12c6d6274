// The parse cache between runs (profile/parse-cache.ts): the same trees as
// parsing, invalidated by any byte of the file and by another build, a
// corrupt record ignored and written again, and every command that loads a
// profile going through it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseProfile } from '../../parser/parse.ts';
import { decode, encode, ParseCache } from '../../profile/parse-cache.ts';
import { repositoryRoot } from '../helpers/paths.ts';

const TEXT = `[buildout]
parts = a
extends = base.cfg

# a comment
[a:sys.platform == 'linux']
recipe = x ; kept
value = one
  two

    three
b += 1
=> c
 orphan line
not a buildout line
`;

function cfgFiles(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) cfgFiles(path, out);
    else if (name.endsWith('.cfg')) out.push(path);
  }
  return out;
}

test('a stored tree reads back as parseProfile makes it (keys in the same order), for every fixture', () => {
  const files = cfgFiles(join(repositoryRoot(), 'fixtures'));
  assert.ok(files.length > 100);
  for (const file of [...files, 'inline']) {
    const text = file === 'inline' ? TEXT : readFileSync(file, 'utf8');
    const tree = parseProfile(text, file);
    assert.equal(JSON.stringify(decode(JSON.parse(JSON.stringify(encode(tree))), file)), JSON.stringify(tree), file);
  }
});

/** Every file of the cache's directories; packs(): the packs (each has its index beside it). */
function cacheFiles(root: string): string[] {
  return readdirSync(root).flatMap((d) => readdirSync(join(root, d)).map((e) => join(root, d, e)));
}
const packs = (root: string) => cacheFiles(root).filter((f) => f.endsWith('/trees'));

test('the cache: a hit for the same text, a miss for any changed byte or another version, a corrupt record ignored and the pack rewritten', () => {
  const root = mkdtempSync(join(tmpdir(), 'tsbuildout-parse-cache-'));
  try {
    let cache = new ParseCache(root, '1.0+abc');
    const expected = JSON.stringify(parseProfile(TEXT, '/p/a.cfg'));
    assert.equal(JSON.stringify(cache.parse(TEXT, '/p/a.cfg')), expected);
    assert.deepEqual(cache.stats, { hits: 0, misses: 1, corrupt: 0 });
    cache.flush();
    cache = new ParseCache(root, '1.0+abc');
    assert.equal(JSON.stringify(cache.parse(TEXT, '/p/a.cfg')), expected);
    assert.deepEqual(cache.stats, { hits: 1, misses: 0, corrupt: 0 });
    // the same bytes elsewhere: the record, with the reader's file in its spans
    assert.equal(JSON.stringify(cache.parse(TEXT, '/q/b.cfg')), JSON.stringify(parseProfile(TEXT, '/q/b.cfg')));
    assert.equal(cache.stats.hits, 2);
    // any byte changed: another record
    const changed: string[] = [];
    for (let i = 0; i < TEXT.length; i += 7) changed.push(TEXT.slice(0, i) + (TEXT[i] === 'x' ? 'y' : 'x') + TEXT.slice(i + 1));
    for (const text of changed) assert.equal(JSON.stringify(cache.parse(text, '/p/a.cfg')), JSON.stringify(parseProfile(text, '/p/a.cfg')));
    assert.equal(cache.stats.misses, changed.length);
    cache.flush();
    cache = new ParseCache(root, '1.0+abc');
    for (const text of [TEXT, ...changed]) assert.equal(JSON.stringify(cache.parse(text, '/p/a.cfg')), JSON.stringify(parseProfile(text, '/p/a.cfg')));
    assert.deepEqual(cache.stats, { hits: 1 + changed.length, misses: 0, corrupt: 0 });

    // another version: nothing read from the old one, which stays while it is used, then goes
    const next = new ParseCache(root, '1.1+abc');
    assert.equal(JSON.stringify(next.parse(TEXT, '/p/a.cfg')), expected);
    assert.deepEqual(next.stats, { hits: 0, misses: 1, corrupt: 0 });
    next.flush();
    const old = packs(root).find((p) => p.includes('parse-2-1.0+abc'))!;
    assert.ok(old);
    const weekAgo = new Date(Date.now() - 8 * 24 * 3600 * 1000);
    utimesSync(old, weekAgo, weekAgo);
    const third = new ParseCache(root, '1.1+abc');
    third.parse('[x]\n', '/p/x.cfg');
    third.flush();
    const [pack, ...others] = packs(root);
    assert.deepEqual(others, []);
    assert.match(pack!, /parse-2-1\.1\+abc/);
    const third2 = new ParseCache(root, '1.1+abc');
    third2.parse(TEXT, '/p/a.cfg');
    assert.equal(third2.stats.hits, 1);
    writeFileSync(pack!, readFileSync(pack!, 'utf8').split('\n').slice(0, 2).join('\n') + '\n');

    // a corrupt record (its payload, its header, the pack cut short in a record, garbage): ignored, the pack written again
    const good = readFileSync(pack!, 'utf8');
    const header = good.slice(0, good.indexOf('\n') + 1);
    const payload = good.slice(header.length, -1);
    const wrongShape = JSON.stringify([1, [[1, 'x']], []]);
    const damaged = [
      header + payload.replace('[', '{') + '\n',
      header.replace(' ', '  ') + payload + '\n',
      `${header.split(' ')[0]} ${Buffer.byteLength(wrongShape)}\n${wrongShape}\n`,
      header + payload.slice(0, -3) + '\n' + header + payload + '\n',
      'garbage\n',
    ];
    for (const bad of damaged) {
      writeFileSync(pack!, bad);
      const c = new ParseCache(root, '1.1+abc');
      assert.equal(JSON.stringify(c.parse(TEXT, '/p/a.cfg')), expected);
      c.flush();
      assert.equal(readFileSync(pack!, 'utf8'), good, JSON.stringify(bad.slice(0, 80)));
      const again = new ParseCache(root, '1.1+abc');
      again.parse(TEXT, '/p/a.cfg');
      assert.deepEqual(again.stats, { hits: 1, misses: 0, corrupt: 0 });
    }
    // a record cut short at the end (a writer at work) is no damage: left alone
    writeFileSync(pack!, good + good.slice(0, 90));
    const c = new ParseCache(root, '1.1+abc');
    c.parse(TEXT, '/p/a.cfg');
    c.flush();
    assert.deepEqual(c.stats, { hits: 1, misses: 0, corrupt: 0 });
    assert.equal(readFileSync(pack!, 'utf8'), good + good.slice(0, 90));
    // no temporary file left
    assert.deepEqual(cacheFiles(root).filter((e) => e.endsWith('.tmp')), []);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('runs appending in turn, each unaware of the others\' trees: every tree read back through the index; a cut index entry is damage, both files written again', () => {
  const root = mkdtempSync(join(tmpdir(), 'tsbuildout-parse-cache-'));
  try {
    const texts = ['[a]\nx = 1\n', '[b]\ny = 2\n', TEXT];
    const runs = texts.map(() => new ParseCache(root, '1.0+abc'));
    runs.forEach((c, i) => c.parse(texts[i]!, `/p/${i}.cfg`));
    for (const c of runs) c.flush();
    const [pack] = packs(root);
    const index = join(pack!, '..', 'index');
    assert.equal(statSync(index).size, 40 * texts.length);
    const reader = new ParseCache(root, '1.0+abc');
    for (const [i, t] of texts.entries()) assert.equal(JSON.stringify(reader.parse(t, `/q/${i}.cfg`)), JSON.stringify(parseProfile(t, `/q/${i}.cfg`)));
    assert.deepEqual(reader.stats, { hits: 3, misses: 0, corrupt: 0 });
    reader.flush();
    const before = readFileSync(pack!, 'utf8');
    writeFileSync(index, Buffer.concat([readFileSync(index), Buffer.from('cut')]));
    const cut = new ParseCache(root, '1.0+abc');
    cut.parse(texts[0]!, '/p/0.cfg');
    cut.flush();
    assert.equal(statSync(index).size, 40 * texts.length);
    assert.equal(readFileSync(pack!, 'utf8'), before);
    const again = new ParseCache(root, '1.0+abc');
    for (const t of texts) again.parse(t, '/p/x.cfg');
    assert.deepEqual(again.stats, { hits: 3, misses: 0, corrupt: 0 });
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('commands that load a profile use the user cache ($XDG_CACHE_HOME); TSBUILDOUT_PARSE_CACHE=0 turns it off', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tsbuildout-parse-cache-cli-'));
  try {
    writeFileSync(join(dir, 'buildout.cfg'), '[buildout]\nextends = base.cfg\nparts =\n');
    writeFileSync(join(dir, 'base.cfg'), '[x]\ny = 1\n');
    const cli = (cache: string, ...env: [string, string][]) =>
      spawnSync(process.execPath, [join(repositoryRoot(), 'bin', 'tsbuildout.js'), '-c', join(dir, 'buildout.cfg'), 'query', 'x:y'], {
        cwd: dir,
        encoding: 'utf8',
        env: { ...process.env, XDG_CACHE_HOME: join(dir, cache), TSBUILDOUT_PARSE_CACHE: '', ...Object.fromEntries(env) },
      });
    for (let i = 0; i < 2; i++) {
      const r = cli('cache');
      assert.equal(r.status, 0, r.stderr);
      assert.equal(r.stdout.trim(), '1');
      const [version, ...others] = readdirSync(join(dir, 'cache', 'tsbuildout')).filter((d) => d.startsWith('parse-'));
      assert.equal(others.length, 0);
      // one record per file
      const pack = readFileSync(join(dir, 'cache', 'tsbuildout', version!, 'trees'), 'utf8');
      assert.equal(pack.split('\n').filter((l) => /^[0-9a-f]{64} \d+$/.test(l)).length, 2);
    }
    const off = cli('off', ['TSBUILDOUT_PARSE_CACHE', '0']);
    assert.equal(off.stdout.trim(), '1', off.stderr);
    assert.ok(!existsSync(join(dir, 'off', 'tsbuildout')) || !readdirSync(join(dir, 'off', 'tsbuildout')).some((d) => d.startsWith('parse-')));
    // no $XDG_CACHE_HOME and a home that does not exist (a service user's): runs uncached, makes no home
    const homeless = cli('unused', ['XDG_CACHE_HOME', ''], ['HOME', join(dir, 'no-home')]);
    assert.equal(homeless.status, 0, homeless.stderr);
    assert.equal(homeless.stdout.trim(), '1');
    assert.equal(existsSync(join(dir, 'no-home')), false);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
