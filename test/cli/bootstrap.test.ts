// `tsbuildout bootstrap` and the entry file slapgrid runs
// (bin/slapgrid-buildout.py), without slapgrid: what they write, how
// slapgrid's own functions read bin/buildout
// (slapos/grid/utils.py getPythonExecutableFromSoftwarePath, launchBuildout),
// and the arguments slapgrid passes. test/slapos/slapgrid.test.ts runs them
// under the real slapgrid.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { withTree } from '../helpers/files.ts';
import { repositoryRoot } from '../helpers/paths.ts';

const root = repositoryRoot();
const cli = join(root, 'bin', 'tsbuildout.js');
const reference = join(root, '..', 'shared', 'tools', 'slapos-reference');
const hasReference = existsSync(reference) && spawnSync(reference, ['--python', '-c', 'import slapos.grid.utils'], { stdio: 'ignore' }).status === 0;

function tsbuildout(dir: string, args: string[], env: NodeJS.ProcessEnv = {}) {
  return spawnSync(process.execPath, [cli, ...args], { cwd: dir, encoding: 'utf8', env: { ...process.env, ...env } });
}

/** What launchBuildout runs: the first line's interpreter and arguments, the script, -U, the arguments. */
function launch(dir: string, script: string, args: string[], env: NodeJS.ProcessEnv = {}) {
  const first = readFileSync(script, 'utf8').split('\n')[0]!;
  const [command, ...rest] = first.slice(2).split(/\s+/).filter(Boolean);
  return spawnSync(command!, [...rest, script, '-U', ...args], { cwd: dir, encoding: 'utf8', env: { ...process.env, ...env } });
}

/** The interpreter slapgrid runs the promises with (the reference's own function). */
function slapgridPython(softwarePath: string): string {
  const r = spawnSync(reference, ['--python', '-c', 'import sys; from slapos.grid.utils import getPythonExecutableFromSoftwarePath as g; print(g(sys.argv[1]))', softwarePath], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim();
}

test('bootstrap: the directories and bin/buildout, a Python script naming --python; unchanged, it is not rewritten', async () => {
  await withTree({ 'buildout.cfg': '[buildout]\nparts =\n' }, async (dir) => {
    const r = tsbuildout(dir, ['--python', '/usr/bin/python3', 'bootstrap']);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(
      r.stdout,
      ['eggs', 'bin', 'parts', 'develop-eggs'].map((d) => `Creating directory '${join(dir, d)}'.\n`).join('') + `Generated script '${join(dir, 'bin', 'buildout')}'.\n`,
    );
    const script = join(dir, 'bin', 'buildout');
    assert.equal(statSync(script).mode & 0o7777, 0o755);
    const text = readFileSync(script, 'utf8');
    assert.equal(text.split('\n')[0], '#!/usr/bin/python3 -S');
    assert.match(text, new RegExp(`^tsbuildout = '${join(root, 'bin', 'tsbuildout.js')}'$`, 'm'));
    assert.match(text, new RegExp(`^node = '${process.execPath}'$`, 'm'));
    const again = tsbuildout(dir, ['--python', '/usr/bin/python3', 'bootstrap']);
    assert.equal(again.stdout, '');
  });
});

test("bin/buildout takes every argument slapgrid passes and runs tsbuildout with bin/buildout's interpreter", async () => {
  await withTree({ 'buildout.cfg': '[buildout]\nparts = out\n[out]\nrecipe = slapos.recipe.template\ninline = ${buildout:executable} ${networkcache:upload-cache-url}\noutput = ${buildout:directory}/out\n' }, async (dir) => {
    assert.equal(tsbuildout(dir, ['--python', '/usr/bin/python3', 'buildout:extends-cache=' + join(dir, 'cache'), `buildout:directory=${dir}`, '-N', '-c', 'buildout.cfg', 'bootstrap']).status, 0);
    assert.ok(existsSync(join(dir, 'cache')), 'bootstrap creates the extends-cache, as zc.buildout does');
    const r = launch(dir, join(dir, 'bin', 'buildout'), ['-D', `buildout:extends-cache=${join(dir, 'cache')}`, `buildout:directory=${dir}`, 'networkcache:upload-cache-url=http://cache', '-N', '-c', join(dir, 'buildout.cfg')]);
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /Installing out\./);
    assert.equal(readFileSync(join(dir, 'out'), 'utf8'), '/usr/bin/python3 http://cache');
  });
});

test('bootstrap into another bin-directory, as slapgrid does for a partition (buildout:bin-directory=…/sbin)', async () => {
  await withTree({ 'buildout.cfg': '[buildout]\nparts =\n' }, async (dir) => {
    const r = tsbuildout(dir, ['--python', '/usr/bin/python3', `buildout:bin-directory=${join(dir, 'sbin')}`, 'bootstrap']);
    assert.equal(r.status, 0, r.stderr);
    assert.ok(existsSync(join(dir, 'sbin', 'buildout')));
    assert.ok(!existsSync(join(dir, 'bin')));
  });
});

test('an interpreter path too long for #! (or with spaces) goes through /bin/sh, as slapgrid reads it', async () => {
  await withTree({ 'buildout.cfg': '[buildout]\nparts = out\n[out]\nrecipe = slapos.recipe.template\ninline = ${buildout:executable}\noutput = ${buildout:directory}/out\n' }, async (dir) => {
    const long = join(dir, 'a directory with spaces', 'x'.repeat(120));
    mkdirSync(long, { recursive: true });
    const python = join(long, 'python3');
    symlinkSync('/usr/bin/python3', python);
    assert.equal(tsbuildout(dir, ['--python', python, 'bootstrap']).status, 0);
    const script = join(dir, 'bin', 'buildout');
    const lines = readFileSync(script, 'utf8').split('\n');
    assert.deepEqual(lines.slice(0, 2), ['#!/bin/sh', `"exec" "${python}" "-S" "$0" "$@"`]);
    const r = launch(dir, script, []);
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.equal(readFileSync(join(dir, 'out'), 'utf8'), python);
    if (hasReference) assert.equal(slapgridPython(dir), python);
  });
});

test("slapgrid's getPythonExecutableFromSoftwarePath reads the interpreter bootstrap names", { skip: !hasReference && 'no ../shared/tools/slapos-reference' }, async () => {
  await withTree({ 'buildout.cfg': '[buildout]\nparts =\n' }, async (dir) => {
    assert.equal(tsbuildout(dir, ['--python', '/usr/bin/python3', 'bootstrap']).status, 0);
    assert.equal(slapgridPython(dir), '/usr/bin/python3');
  });
});

test('the entry file runs bootstrap with the interpreter running it, as slapgrid calls it (python3 -S FILE ARGS bootstrap)', async () => {
  await withTree({ 'buildout.cfg': '[buildout]\nparts =\n' }, async (dir) => {
    const r = spawnSync('/usr/bin/python3', ['-S', join(root, 'bin', 'slapgrid-buildout.py'), `buildout:directory=${dir}`, '-c', join(dir, 'buildout.cfg'), 'bootstrap'], {
      cwd: dir,
      encoding: 'utf8',
      env: { PATH: `/nonexistent:${process.execPath.replace(/\/node$/, '')}:/usr/bin:/bin`, HOME: '/nonexistent' },
    });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(readFileSync(join(dir, 'bin', 'buildout'), 'utf8').split('\n')[0], '#!/usr/bin/python3 -S');
    const none = spawnSync('/usr/bin/python3', ['-S', join(root, 'bin', 'slapgrid-buildout.py'), 'bootstrap'], { cwd: dir, encoding: 'utf8', env: { PATH: '/nonexistent' } });
    assert.equal(none.status, 1);
    assert.match(none.stderr, /^Error: no Node\.js \(node\) on PATH that uid \d+ may run \(PATH=\/nonexistent\); set TSBUILDOUT_NODE\n$/);
  });
});

test('bootstrap without an interpreter to name is one Error: line', async () => {
  await withTree({ 'buildout.cfg': '[buildout]\nparts =\n' }, async (dir) => {
    const r = tsbuildout(dir, ['--python', join(dir, 'nosuch'), 'bootstrap']);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /^Error: --python .*nosuch: not an executable file \(bin\/buildout names it: slapgrid runs bin\/buildout and the promises with it\)\n$/);
  });
});

/** A software release directory as slapgrid makes it: <software_root>/<md5 of URL>/buildout.cfg extending URL. */
function release(dir: string, url: string): string {
  const sw = join(dir, 'software', createHash('md5').update(url).digest('hex'));
  mkdirSync(sw, { recursive: true });
  writeFileSync(join(sw, 'buildout.cfg'), `[buildout]\nextends = ${url}\nshared-part-list = \nbuild-time-part-list = \n\n`);
  return sw;
}

const SOFTWARE = `[buildout]
parts = gcc instance-profile

[gcc]
recipe = slapos.recipe.cmmi
url = http://example.invalid/gcc.tar.gz

[instance-profile]
recipe = slapos.recipe.template
inline = gcc is in \${gcc:location}
output = \${buildout:directory}/instance.cfg
`;

test('TSBUILDOUT_STUB_SOFTWARE / TSBUILDOUT_STUB_BIN stub the run of a software release as node software --stub-software --stub-bin does', async () => {
  await withTree({ 'software.cfg': SOFTWARE, 'stubs/bin/gcc': '#!/bin/sh\n' }, async (dir) => {
    const sw = release(dir, join(dir, 'software.cfg'));
    const env = { TSBUILDOUT_STUB_SOFTWARE: '1', TSBUILDOUT_STUB_BIN: join(dir, 'stubs') };
    const r = tsbuildout(sw, ['--python', '/usr/bin/python3', '-U', `buildout:directory=${sw}`, '-N', '-c', join(sw, 'buildout.cfg')], env);
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.equal(readFileSync(join(sw, 'instance.cfg'), 'utf8'), `gcc is in ${join(sw, 'parts', 'gcc')}`);
    assert.ok(existsSync(join(sw, 'parts', 'gcc', 'bin')));
    assert.ok(existsSync(join(sw, 'bin', 'gcc')));
    // without them, the release runs for real: the build downloads its source (which is not there)
    const real = release(join(dir, 'real'), join(dir, 'software.cfg'));
    const fails = tsbuildout(real, ['--python', '/usr/bin/python3', '-U', '-c', join(real, 'buildout.cfg')]);
    assert.equal(fails.status, 1);
    assert.match(fails.stderr, /Error downloading 'http:\/\/example\.invalid\/gcc\.tar\.gz'/);
  });
});

test('TSBUILDOUT_STUB_SOFTWARE leaves any other buildout alone (a partition, whose run inherits the environment)', async () => {
  await withTree({ 'partition/buildout.cfg': SOFTWARE.replace('[buildout]', `[buildout]\nextends = ../software.cfg`), 'software.cfg': '' }, async (dir) => {
    const r = tsbuildout(join(dir, 'partition'), ['--python', '/usr/bin/python3', '-U'], { TSBUILDOUT_STUB_SOFTWARE: '1' });
    assert.equal(r.status, 1);
    assert.match(r.stderr, /Error downloading 'http:\/\/example\.invalid\/gcc\.tar\.gz'/);
  });
});

test('bootstrap --semantics: bin/buildout runs tsbuildout in those semantics', async () => {
  await withTree({ 'buildout.cfg': '[buildout]\nparts =\nfoo = bar\n' }, async (dir) => {
    assert.equal(tsbuildout(dir, ['--python', '/usr/bin/python3', '--semantics', 'buildout2', 'bootstrap']).status, 0);
    const r = spawnSync(join(dir, 'bin', 'buildout'), [], { cwd: dir, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    // 2.13's wording of the unused-option warning, not the fork's
    assert.match(r.stdout + r.stderr, /Unused options for buildout: 'foo'\./);
  });
});
