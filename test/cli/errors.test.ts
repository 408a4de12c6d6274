// Bad input ends with one clear `Error:` line holding a location, exit
// status 1, and never a stack trace.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { withTree } from '../helpers/files.ts';
import { repositoryRoot } from '../helpers/paths.ts';

const cli = join(repositoryRoot(), 'bin', 'tsbuildout.js');

function run(dir: string, args: string[]) {
  return spawnSync(process.execPath, [cli, '-U', '--python', '/usr/bin/python3', '--env', 'python=3.11', ...args], { cwd: dir, encoding: 'utf8' });
}

const cases: [string, Record<string, string>, RegExp][] = [
  ['an unterminated header', { 'buildout.cfg': '[buildout]\nparts =\n[broken\n' }, /^Error: buildout\.cfg:3:1: unterminated section header/],
  ['a bad reference', { 'buildout.cfg': '[buildout]\nparts = p\n[p]\nrecipe = r\nx = ${nosuch:opt}\n' }, /^Error: buildout\.cfg:5:5: The referenced section, 'nosuch', was not defined\./],
  ['a cycle', { 'buildout.cfg': '[buildout]\nparts = p\n[p]\nrecipe = r\na = ${:b}\nb = ${:a}\n' }, /^Error: buildout\.cfg:\d+:\d+: Circular reference in substitutions: \$\{p:/],
  ['a missing extends', { 'buildout.cfg': '[buildout]\nextends = base.cfg\n', 'base.cfg': '[buildout]\nextends = gone.cfg\n' }, /^Error: base\.cfg:2:11: extends file .*gone\.cfg not found/],
  ['an unreachable URL', { 'buildout.cfg': '[buildout]\nextends = http://127.0.0.1:9/x.cfg\n' }, /^Error: buildout\.cfg:2:11: Error downloading extends for URL http:\/\/127\.0\.0\.1:9\/x\.cfg/],
];

for (const [what, files, expected] of cases) {
  test(`${what} gives one located Error: line`, async () => {
    await withTree(files, async (dir) => {
      const r = run(dir, ['resolve']);
      assert.equal(r.status, 1);
      const first = r.stderr.split('\n')[0]!;
      assert.match(first, expected);
      assert.equal(r.stderr.split('\n').filter((l) => l.startsWith('Error:')).length, 1);
      assert.doesNotMatch(r.stderr, /\n\s+at |internal error/);
    });
  });
}

test('a binary file gives one located Error: line', async () => {
  await withTree({}, async (dir) => {
    writeFileSync(join(dir, 'buildout.cfg'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d]));
    const r = run(dir, ['resolve']);
    assert.equal(r.status, 1);
    assert.match(r.stderr.split('\n')[0]!, /^Error: buildout\.cfg:1:1: not UTF-8 text \(invalid byte 0x89\)$/);
    assert.doesNotMatch(r.stderr, /\n\s+at /);
  });
});

test('--json prints the error as data too', async () => {
  await withTree({ 'buildout.cfg': '[buildout]\nparts = p\n[p]\nrecipe = r\nx = ${nosuch:opt}\n' }, async (dir) => {
    const r = run(dir, ['resolve', '--json']);
    assert.equal(r.status, 0, 'resolve --json reports a failing part in the output');
    const out = JSON.parse(r.stdout) as { parts_error: string };
    assert.equal(out.parts_error, "The referenced section, 'nosuch', was not defined.");
    const q = run(dir, ['query', 'nosuch:x', '--json']);
    assert.equal(q.status, 1);
    const err = JSON.parse(q.stdout) as { ok: boolean; error: { message: string } };
    assert.equal(err.ok, false);
    assert.match(err.error.message, /Section not found: nosuch/);
  });
});

test("buildout2 semantics: zc.buildout 2.13's While: block and Error: line, then tsbuildout's marked lines", async () => {
  await withTree({ 'buildout.cfg': '[buildout]\nparts = p\n[p]\nrecipe = r\nx = ${nosuch:opt}\n' }, async (dir) => {
    const r = run(dir, ['--semantics', 'buildout2', 'install']);
    assert.equal(r.status, 1);
    assert.equal(
      r.stderr,
      "While:\n  Installing.\n  Getting section p.\n  Initializing section p.\n  Getting option p:x.\n  Getting section nosuch.\nError: The referenced section, 'nosuch', was not defined.\n  | at buildout.cfg:5:5\n",
    );
  });
});

test("buildout2 semantics: an exception in a recipe is zc.buildout's internal error with its traceback", async () => {
  const files = {
    'r/setup.py': "from setuptools import setup\nsetup(name='r', py_modules=['r'], entry_points={'zc.buildout': ['default = r:R']})\n",
    'r/r.py': 'class R:\n    def __init__(self, buildout, name, options):\n        pass\n    def install(self):\n        return 1 / 0\n',
    'buildout.cfg': '[buildout]\ndevelop = r\nparts = p\n[p]\nrecipe = r\n',
  };
  await withTree(files, async (dir) => {
    const r = spawnSync(process.execPath, [cli, '-U', '--python', '/usr/bin/python3', '--semantics', 'buildout2', 'install'], { cwd: dir, encoding: 'utf8', env: { ...process.env, PYTHONWARNINGS: 'ignore' } });
    assert.equal(r.status, 1);
    assert.match(
      r.stderr,
      /^While:\n  Installing p\.\n\nAn internal error occurred due to a bug in either zc\.buildout or in a\nrecipe being used:\nTraceback \(most recent call last\):\n  File ".*r\.py", line 5, in install\n    return 1 \/ 0\nZeroDivisionError: division by zero\n/m,
    );
  });
});

test("buildout2 semantics: install-from-cache without a download-cache ends the run at zc.buildout's upgrade check, as its internal error", async () => {
  await withTree({ 'buildout.cfg': '[buildout]\nparts =\ninstall-from-cache = true\n' }, async (dir) => {
    const r = run(dir, ['--semantics', 'buildout2', 'install']);
    assert.equal(r.status, 1);
    assert.equal(
      r.stderr,
      'While:\n  Installing.\n  Checking for upgrades.\n\nAn internal error occurred due to a bug in either zc.buildout or in a\nrecipe being used:\nValueError: install_from_cache set to true with no download cache\n',
    );
    // not newest: no upgrade check; the fork's semantics: none either
    assert.equal(run(dir, ['--semantics', 'buildout2', '-N', 'install']).status, 0);
    assert.equal(run(dir, ['install']).status, 0);
  });
});

test("buildout2 semantics: -h and --version are zc.buildout 2.13's (buildout.py _help, _version), tsbuildout's own marked after them", () => {
  const h = spawnSync(process.execPath, [cli, '--semantics', 'buildout2', '-h'], { encoding: 'utf8' });
  assert.equal(h.status, 0);
  assert.match(h.stdout, /^Usage: buildout \[options\] \[assignments\] \[command \[command arguments\]\]\n\nOptions:\n\n {2}-c config_file\n/);
  assert.match(h.stdout, /\n {2}query section:key\n {4}\n {4}Display value of given section key pair\.\n\n {2}\| /);
  const v = spawnSync(process.execPath, [cli, '--semantics', 'buildout2', '--version'], { encoding: 'utf8' });
  assert.match(v.stdout, /^buildout version 2\.13\.2\n {2}\| tsbuildout \S+\n$/);
  // the fork's semantics (the default): tsbuildout's own
  assert.match(spawnSync(process.execPath, [cli, '--version'], { encoding: 'utf8' }).stdout, /^tsbuildout /);
  assert.match(spawnSync(process.execPath, [cli, '--semantics', 'buildout2', 'install', '--help'], { encoding: 'utf8' }).stdout, /^Usage: tsbuildout /);
});
