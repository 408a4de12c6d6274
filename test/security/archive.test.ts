// Archives that try to escape (fixtures/security/make-archives.py: tar,
// tar.gz and zip × `../`, absolute paths, a link then a file through it, a
// hard or symbolic link to a host file, setuid bits), unpacked by every path
// that unpacks: recipes/lib/archive.ts itself, compared entry by entry with
// setuptools.archive_util (what slapos.recipe.build calls), then
// slapos.recipe.build:download-unpacked and inline Python's `self.extract()`
// in one run. Nothing may be written outside, no host file read, no link
// made, no setuid bit kept.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { extractArchive } from '../../recipes/lib/archive.ts';
import { repositoryRoot } from '../helpers/paths.ts';

const root = repositoryRoot();
const CASES = ['dotdot', 'absolute', 'symlink', 'hardlink', 'setuid'];
const FORMATS = ['tar', 'tar.gz', 'zip'];
const SECRET = 'SECRET-HOST-DATA';
/** A zip link is unpacked as a file holding the link's text: a file then goes inside it, which setuptools refuses too. */
const REFUSED = new Set(['symlink.zip']);

interface Node {
  type: 'file' | 'dir' | 'link' | 'other';
  mode: number;
  content?: string;
}

/** Every path under `dir` with its type, mode and content. */
function snapshot(dir: string): Map<string, Node> {
  const out = new Map<string, Node>();
  const walk = (d: string, rel: string) => {
    for (const name of readdirSync(d).sort()) {
      const path = join(d, name);
      const r = rel ? `${rel}/${name}` : name;
      const st = lstatSync(path);
      const mode = st.mode & 0o7777;
      if (st.isSymbolicLink()) out.set(r, { type: 'link', mode });
      else if (st.isDirectory()) {
        out.set(r, { type: 'dir', mode });
        walk(path, r);
      } else if (st.isFile()) out.set(r, { type: 'file', mode, content: readFileSync(path, 'latin1') });
      else out.set(r, { type: 'other', mode });
    }
  };
  walk(dir, '');
  return out;
}

function assertSafe(tree: Map<string, Node>, where: string): void {
  for (const [path, node] of tree) {
    assert.notEqual(node.type, 'link', `${where}: ${path} is a link`);
    assert.notEqual(node.type, 'other', `${where}: ${path} is a special file`);
    assert.equal(node.mode & 0o7000, 0, `${where}: ${path} has mode ${node.mode.toString(8)}`);
    assert.ok(!node.content?.includes(SECRET), `${where}: ${path} holds the host file's content`);
  }
}

const setuptools = spawnSync('python3', ['-c', 'import setuptools.archive_util'], { encoding: 'utf8' }).status === 0;

describe('archive matrix', () => {
  let work: string;
  let archives: string;
  let outside: string;
  let outsideBefore: Map<string, Node>;
  let setuptoolsFailures: Record<string, string> = {};

  before(() => {
    work = mkdtempSync(join(tmpdir(), 'tsbuildout-security-'));
    archives = join(work, 'archives');
    // what the archives aim at: a sibling of everything they are unpacked into
    outside = join(work, 'outside');
    const r = spawnSync('python3', [join(root, 'fixtures', 'security', 'make-archives.py'), archives, outside], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    outsideBefore = snapshot(outside);
    // setuptools unpacks every archive once (one Python: its start-up is most of the time)
    if (setuptools) {
      const script = [
        'import json, os, sys, setuptools.archive_util as a',
        'out = {}',
        'for name in sorted(os.listdir(sys.argv[1])):',
        '    d = os.path.join(sys.argv[2], name, "x", "y"); os.makedirs(d)',
        '    try: a.unpack_archive(os.path.join(sys.argv[1], name), d)',
        '    except Exception as e: out[name] = type(e).__name__',
        'print(json.dumps(out))',
      ].join('\n');
      const r = spawnSync('python3', ['-c', script, archives, join(work, 'theirs')], { encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
      setuptoolsFailures = JSON.parse(r.stdout) as Record<string, string>;
    }
  });
  after(() => rmSync(work, { recursive: true, force: true }));

  for (const format of FORMATS) {
    for (const c of CASES) {
      it(`${c}.${format}: unpacked as setuptools unpacks it, less the setuid bits, and nothing escapes`, (t) => {
        const archive = join(archives, `${c}.${format}`);
        const mine = join(work, 'mine', `${c}.${format}`, 'x', 'y');
        mkdirSync(mine, { recursive: true });
        const warned: string[] = [];
        const theirs = join(work, 'theirs', `${c}.${format}`, 'x', 'y');
        if (REFUSED.has(`${c}.${format}`)) {
          assert.throws(() => extractArchive(archive, mine, { part: 'p' }), /^Error: \[p\] cannot unpack '.*': 'link' is a file, and an entry goes inside it$/);
          assertSafe(snapshot(mine), archive);
          assert.deepEqual(snapshot(outside), outsideBefore, 'the outside folder changed');
          if (setuptools) assert.equal(setuptoolsFailures[`${c}.${format}`], 'FileExistsError');
          return;
        }
        const report = extractArchive(archive, mine, { part: 'p', warn: (m) => warned.push(m) });
        const tree = snapshot(mine);
        assertSafe(tree, archive);
        assert.deepEqual(snapshot(outside), outsideBefore, 'the outside folder changed');
        assert.equal(tree.get('ok.txt')?.content, 'data\n');
        // every entry that was not unpacked is told
        assert.equal(warned.length, report.skipped.length);
        if (c !== 'setuid') assert.ok(report.skipped.length > 0 || c === 'symlink' || c === 'hardlink', `${archive}: nothing skipped`);
        if (!setuptools) return t.skip('python3 has no setuptools: not compared with setuptools.archive_util');
        assert.equal(setuptoolsFailures[`${c}.${format}`], undefined);
        const expected = new Map([...snapshot(theirs)].map(([p, n]) => [p, { ...n, mode: n.mode & 0o777 }]));
        assert.deepEqual(new Map([...tree].map(([p, n]) => [p, { ...n, mode: n.mode & 0o777 }])), expected);
      });
    }
  }

  it('through slapos.recipe.build:download-unpacked and inline Python self.extract(), in one run', () => {
    const dir = join(work, 'buildout');
    mkdirSync(dir);
    const lines = ['[buildout]', 'parts ='];
    const parts: string[] = [];
    for (const format of FORMATS) {
      for (const c of CASES) {
        if (REFUSED.has(`${c}.${format}`)) continue;
        const id = `${c}-${format.replace('.', '')}`;
        const archive = join(archives, `${c}.${format}`);
        parts.push(`unpacked-${id}`, `extract-${id}`);
        lines.push(`[unpacked-${id}]`, 'recipe = slapos.recipe.build:download-unpacked', `url = ${archive}`, 'strip-top-level-dir = false');
        lines.push(`[extract-${id}]`, 'recipe = slapos.recipe.build', `archive = ${archive}`, 'install =', "  shutil.copytree(self.extract(options['archive']), location, symlinks=True)");
      }
    }
    lines[1] = `parts = ${parts.join(' ')}`;
    writeFileSync(join(dir, 'buildout.cfg'), lines.join('\n') + '\n');
    const r = spawnSync(process.execPath, [join(root, 'bin', 'tsbuildout.js'), '-U', '--python', 'python3'], { cwd: dir, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr + r.stdout);
    assert.doesNotMatch(r.stderr, /^\s+at /m, 'a stack trace');
    const tree = snapshot(dir);
    assertSafe(tree, dir);
    assert.deepEqual(snapshot(outside), outsideBefore, 'the outside folder changed');
    for (const p of parts) assert.equal(tree.get(`parts/${p}/ok.txt`)?.content, 'data\n', p);
    // the skipped entries are told
    assert.match(r.stderr + r.stdout, /skipped '\.\.\/dotdot\.txt': its path is absolute or goes up with \.\./);
  });

  it('an archive that cannot be unpacked fails its part with one located error, through both paths', () => {
    for (const recipe of ['slapos.recipe.build:download-unpacked', 'slapos.recipe.build']) {
      const dir = join(work, `refused-${recipe.replace(/\W/g, '')}`);
      mkdirSync(dir);
      const archive = join(archives, 'symlink.zip');
      const body = recipe === 'slapos.recipe.build' ? [`archive = ${archive}`, 'install =', "  self.extract(options['archive'])"] : [`url = ${archive}`];
      writeFileSync(join(dir, 'buildout.cfg'), ['[buildout]', 'parts = p', '[p]', `recipe = ${recipe}`, ...body].join('\n') + '\n');
      const r = spawnSync(process.execPath, [join(root, 'bin', 'tsbuildout.js'), '-U', '--python', 'python3'], { cwd: dir, encoding: 'utf8' });
      assert.equal(r.status, 1, r.stderr);
      assert.match(r.stderr, /^Error: \[p\] cannot unpack '.*symlink\.zip': 'link' is a file, and an entry goes inside it$/m);
      assert.equal(r.stderr.match(/^Error:/gm)?.length, 1, r.stderr);
      assert.doesNotMatch(r.stderr, /^\s+at |Traceback/m, r.stderr);
      assertSafe(snapshot(dir), dir);
    }
    assert.deepEqual(snapshot(outside), outsideBefore, 'the outside folder changed');
  });
});
