// diff (two variants and what the difference rebuilds) and
// plan --inventory.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DiffResult } from '../../inspect/diff.ts';
import { inventory } from '../../inspect/inventory.ts';
import { append, inspectIn, runCli, withFixture } from './helpers.ts';

function diffJson(dir: string, args: string[]): DiffResult {
  const r = runCli(dir, ['diff', '--json', ...args], !args.includes('--env'));
  assert.equal(r.status, 0, r.stderr);
  return (JSON.parse(r.stdout) as { diff: DiffResult }).diff;
}

const actions = (d: DiffResult) => Object.fromEntries(d.rebuild.items.map((i) => [i.part, i.action]));

test('diff section:option=value: the values that differ and what they rebuild', async () => {
  await withFixture('plan', async (dir) => {
    const d = diffJson(dir, ['ports:app=9000']);
    assert.equal(d.b, 'ports:app=9000');
    const changed = Object.fromEntries(d.sections.map((s) => [s.section, s.options.map((o) => [o.option, o.a, o.b, o.origin?.kind])]));
    assert.deepEqual(changed, {
      config: [['inline', 'listen = 8080\nworkers = 2', 'listen = 9000\nworkers = 2', 'file']],
      ports: [['app', '8080', '9000', 'command-line']],
    });
    assert.deepEqual(actions(d), { dirs: 'unchanged', config: 'reinstall', service: 'reinstall' });
    // an unread option of a data section: its old and new values are known here
    const e = diffJson(dir, ['ports:admin=1']);
    const config = e.rebuild.items.find((i) => i.part === 'config')!;
    const dep = config.reasons.find((r) => r.kind === 'dependency-changed');
    assert.ok(dep && dep.kind === 'dependency-changed');
    assert.deepEqual(
      dep.changes?.map((c) => [c.option, c.old, c.new]),
      [['admin', '9090', '1']],
    );
    const text = runCli(dir, ['diff', 'ports:admin=1']);
    assert.match(text.stdout, /^ {6}\[ports\] option admin: '9090' → '1' {2}\(command line\)$/m);
  });
});

test('diff --semantics A --semantics B, and --env', async () => {
  await withFixture('plan', async (dir) => {
    const d = diffJson(dir, ['--semantics', 'slapos', '--semantics', 'buildout2']);
    assert.deepEqual([d.a, d.b], ['--semantics slapos', '--semantics buildout2']);
    // buildout2 signatures have no dependency hashes: parts with dependencies reinstall
    assert.deepEqual(actions(d), { dirs: 'unchanged', config: 'reinstall', service: 'reinstall' });
    assert.ok(d.rebuild.items.find((i) => i.part === 'config')!.reasons.every((r) => r.kind === 'dependency-changed' && r.change === 'removed'));
    // conditional sections under two target environments
    append(dir, 'buildout.cfg', '\n[ports:python_version < "3.12"]\napp = 3011\n');
    const e = diffJson(dir, ['--env', 'python=3.11', '--env', 'python=3.12']);
    assert.deepEqual(
      e.sections.find((s) => s.section === 'ports')?.options.map((o) => [o.option, o.a, o.b]),
      [['app', '3011', '8080']],
    );
    const usage = runCli(dir, ['diff'], false);
    assert.equal(usage.status, 1);
    assert.match(usage.stderr, /diff needs two variants/);
  });
});

test('diff --against GIT-REV: the profile at a revision, read at the same paths', async () => {
  await withFixture('plan', async (dir) => {
    const git = (...args: string[]) => {
      const r = spawnSync('git', ['-C', dir, '-c', 'user.email=t@example.invalid', '-c', 'user.name=t', ...args], { encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
      return r.stdout;
    };
    git('init', '-q');
    git('add', '.');
    git('commit', '-qm', 'one');
    // nothing changed: nothing differs, nothing is rebuilt (paths are the working tree's)
    let d = diffJson(dir, ['--against', 'HEAD']);
    assert.deepEqual(d.sections, []);
    assert.ok(d.rebuild.items.every((i) => i.action === 'unchanged'));
    // a changed file, a new file
    writeFileSync(join(dir, 'more.cfg'), '[buildout]\nparts += extra\n[extra]\nrecipe = slapos.cookbook:mkdirectory\nd = ${buildout:directory}/d\n');
    writeFileSync(join(dir, 'buildout.cfg'), '[buildout]\nextends = base.cfg more.cfg\n[ports]\napp = 8081\n');
    d = diffJson(dir, ['--against', 'HEAD']);
    assert.match(d.a, /^HEAD \([0-9a-f]{12}\)$/);
    assert.deepEqual(actions(d), { dirs: 'unchanged', config: 'reinstall', service: 'reinstall', extra: 'install' });
    assert.deepEqual(
      d.sections.map((s) => [s.section, s.status]),
      [
        ['buildout', 'changed'],
        ['config', 'changed'],
        ['extra', 'added'],
        ['ports', 'changed'],
      ],
    );
    // the revision's files are untouched, and the overlay is gone afterwards
    assert.equal(git('status', '--porcelain').trim(), 'M buildout.cfg\n?? more.cfg');
    const bad = runCli(dir, ['diff', '--against', 'nosuchrev']);
    assert.equal(bad.status, 1);
    assert.match(bad.stderr, /unknown revision 'nosuchrev'/);
  });
});

test('plan --inventory: downloads, md5sums, duplicates, remote extends, shared parts', async () => {
  await withFixture('inventory', async (dir) => {
    const inv = inventory(await inspectIn(dir));
    assert.deepEqual(
      inv.downloads.map((d) => [d.section, d.url.replace(dir, '.'), d.remote, d.md5sum ?? null]),
      [
        ['bar', 'https://downloads.example.invalid/foo-1.0.tar.gz', true, 'fedcba9876543210fedcba9876543210'],
        ['baz', 'https://downloads.example.invalid/baz.zip', true, null],
        ['foo', 'https://downloads.example.invalid/foo-1.0.tar.gz', true, '0123456789abcdef0123456789abcdef'],
        ['template', './t.in', false, '042d2a104413ea9f416bf99df0f3dd81'],
      ],
    );
    assert.equal(inv.missingMd5sum, 1);
    assert.deepEqual(inv.duplicates, [
      {
        url: 'https://downloads.example.invalid/foo-1.0.tar.gz',
        sections: ['bar', 'foo'],
        md5sums: ['fedcba9876543210fedcba9876543210', '0123456789abcdef0123456789abcdef'],
        conflict: true,
      },
    ]);
    assert.deepEqual(
      inv.remoteExtends.map((r) => [r.url, r.from?.endsWith('buildout.cfg'), r.at?.line, r.cached]),
      [['https://profiles.example.invalid/versions.cfg', true, 5, true]],
    );
    assert.deepEqual(inv.sharedPartList, [join(dir, 'shared')]);
    assert.deepEqual(
      inv.sharedParts.map((p) => [p.part, p.exists, p.builds.map((b) => b.replace(dir, '.'))]),
      [
        ['foo', true, ['./shared/foo/5f2b3c0e9a']],
        ['baz', false, []],
      ],
    );
    const r = runCli(dir, ['plan', '--inventory']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^Downloads: 4 \(3 remote, 1 remote without md5sum\)$/m);
    assert.match(r.stdout, /CONFLICTING md5sums/);
    assert.match(r.stdout, /^ {2}https:\/\/profiles\.example\.invalid\/versions\.cfg {2}\(named at buildout\.cfg:5\) {2}cached$/m);
  });
});
