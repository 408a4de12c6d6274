// explain and why: how a value was built, line by line; what pulls a
// section into the build.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { explain } from '../../inspect/explain.ts';
import { formatExplanation } from '../../inspect/explain-format.ts';
import { formatWhy, why } from '../../inspect/why.ts';
import { inspectIn, runCli, withFixture } from './helpers.ts';

const name = (f: string | undefined) => f?.split('/').pop();

test('explain: a value built by += across three files lists the three steps with their lines', async () => {
  await withFixture('explain', async (dir) => {
    const x = explain(await inspectIn(dir), 'flags', 'cflags');
    assert.equal(x.value, '-O2\n-g\n-I/srv/app/include\n-Wall');
    assert.equal(x.raw, '-O2\n-g\n-I${paths:root}/include\n-Wall');
    assert.deepEqual(
      x.steps.map((s) => [s.op, name(s.file), s.line, s.value]),
      [
        ['SET', 'base.cfg', 9, '-O2'],
        ['ADD', 'middle.cfg', 5, '-g\n-I${paths:root}/include'],
        ['ADD', 'buildout.cfg', 5, '-Wall'],
      ],
    );
    // each line of a multi-line step, with its own line
    assert.deepEqual(
      x.steps[1]!.lines?.map((l) => [l.text, l.line, l.column]),
      [
        ['-g', 6, 3],
        ['-I${paths:root}/include', 7, 3],
      ],
    );
    assert.ok(x.steps.every((s) => !s.superseded));
    // the reference it expanded, where it is written, and where its value comes from
    assert.equal(x.references.length, 1);
    const r = x.references[0]!;
    assert.deepEqual([r.ref, r.value, name(r.at?.file), r.at?.line, r.at?.column], ['${paths:root}', '/srv/app', 'middle.cfg', 7, 5]);
    assert.deepEqual(
      r.explain?.steps.map((s) => [s.op, name(s.file), s.line]),
      [['SET', 'base.cfg', 6]],
    );
    const text = formatExplanation(x, dir);
    assert.match(text, /^ {4}1\. +set +base\.cfg:9 +cflags = -O2$/m);
    assert.match(text, /^ {4}2\. +\+= +middle\.cfg:5 +cflags \+=$/m);
    assert.match(text, /^ +middle\.cfg:7 +\| -I\$\{paths:root\}\/include$/m);
    assert.match(text, /^ {4}3\. +\+= +buildout\.cfg:5 +cflags \+= -Wall$/m);
    assert.match(text, /^ {4}\$\{paths:root\} at middle\.cfg:7:5 → '\/srv\/app'$/m);
  });
});

test('explain: command-line steps, overrides, macros and recipe-set values', async () => {
  await withFixture('explain', async (dir) => {
    // a command-line += is one more step
    let x = explain(await inspectIn(dir, { assignments: [{ section: 'flags', option: 'cflags+', value: '-DNDEBUG' }] }), 'flags', 'cflags');
    assert.deepEqual(
      x.steps.map((s) => [s.op, s.kind]),
      [
        ['SET', 'file'],
        ['ADD', 'file'],
        ['ADD', 'file'],
        ['ADD', 'command-line'],
      ],
    );
    assert.equal(x.value, '-O2\n-g\n-I/srv/app/include\n-Wall\n-DNDEBUG');
    // a plain assignment replaces what came before: the older steps are marked
    x = explain(await inspectIn(dir, { assignments: [{ section: 'flags', option: 'cflags', value: '-O0' }] }), 'flags', 'cflags');
    assert.deepEqual(
      x.steps.map((s) => [s.op, s.kind, !!s.superseded]),
      [
        ['SET', 'file', true],
        ['ADD', 'file', true],
        ['ADD', 'file', true],
        ['OVERRIDE', 'command-line', false],
      ],
    );
    // a value copied from a macro
    x = explain(await inspectIn(dir), 'app', 'home');
    assert.deepEqual(x.macros, ['app-base']);
    assert.deepEqual(
      x.steps.map((s) => [s.op, name(s.file), s.line, s.macro]),
      [['SET', 'base.cfg', 14, 'app-base']],
    );
    assert.match(formatExplanation(x, dir), /from macro \[app-base\]/);
    // a default, and a value a recipe sets at init
    x = explain(await inspectIn(dir), 'buildout', 'parts-directory');
    assert.deepEqual(
      x.steps.map((s) => s.kind),
      ['default'],
    );
    const r = runCli(dir, ['explain', 'app:nope']);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /\[app\] has no option nope/);
  });
});

test('explain --json through the CLI', async () => {
  await withFixture('explain', async (dir) => {
    const r = runCli(dir, ['explain', 'app:env', '--json']);
    assert.equal(r.status, 0, r.stderr);
    const x = JSON.parse(r.stdout).explain;
    assert.equal(x.value, 'CFLAGS=-O2\n-g\n-I/srv/app/include\n-Wall');
    assert.equal(x.references[0].ref, '${flags:cflags}');
    assert.equal(x.references[0].explain.steps.length, 3);
  });
});

test('why: the chains from [buildout] parts that pull a section in', async () => {
  await withFixture('graph', async (dir) => {
    const insp = await inspectIn(dir);
    let w = why(insp, 'config');
    assert.equal(w.isPart, false);
    const chains = w.chains.map((c) => c.map((e) => `${e.from}→${e.to}:${e.kind === 'reference' ? `${e.ref} in ${e.option}` : e.kind}`).join(' '));
    assert.deepEqual(chains, [
      'buildout→app:parts app→config:${config:port} in command-line',
      'buildout→config-file:parts config-file→config:template',
      'buildout→publish:parts publish→connection:recipe connection→config:${config:port} in url',
      'buildout→config-file:parts config-file→connection:template connection→config:${config:port} in url',
    ]);
    // an implicit part: pulled in by <part-dependencies>
    w = why(insp, 'log');
    assert.equal(w.isPart, true);
    assert.deepEqual(
      w.chains.map((c) => c.map((e) => e.kind)),
      [['parts', 'part-dependencies']],
    );
    const text = formatWhy(insp, w, dir);
    assert.match(text, /^\[log\] is part 2 of 5 \(slapos\.cookbook:mkdirectory\); 1 chain from \[buildout\]:$/m);
    assert.match(text, /→ \[log\] {2}<part-dependencies> {2}\(buildout\.cfg:20\)/);
    // a macro section is not in the build
    assert.throws(() => why(insp, 'base'), /\[base\] is not part of the build/);
    assert.throws(() => why(insp, 'bases'), (e: Error & { primary?: { hint?: string } }) => /did you mean 'base'/.test(e.primary?.hint ?? ''));
    const r = runCli(dir, ['why', 'directory', '--json']);
    assert.equal(r.status, 0, r.stderr);
    const j = JSON.parse(r.stdout).why;
    assert.deepEqual(
      j.chains.map((c: { label: string }[]) => c.map((e) => e.label).join(' ')).sort(),
      ['parts ${directory:bin}', 'parts ${directory:etc}', 'parts <part-dependencies> ${directory:etc}'],
    );
  });
});
