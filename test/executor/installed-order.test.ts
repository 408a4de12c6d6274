// The order of parts in .installed.cfg after runs that install, update,
// uninstall, install some parts only and fail an update: under buildout2
// semantics the same as the real zc.buildout 2.13 writes it (each part
// installed or updated moves to the end; ../shared/tools/cookbook-oracle runs
// the real recipes), under slapos semantics the fork's stable order
// (docs/slapos-fork.md).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readInstalled } from '../../executor/installed.ts';
import { run, writeProfile } from '../recipes/run.ts';
import { cookbookOracle, cookbookOracleSkip } from '../helpers/cookbook-oracle.ts';

const oracle = cookbookOracle;
const skip = cookbookOracleSkip();

function dirPart(name: string, extra = ''): string {
  return `[${name}]\nrecipe = slapos.cookbook:mkdirectory\nd = \${buildout:directory}/srv/${name}${extra}\n`;
}

// `f` fails its update once its directory is replaced by a file (an update that raises: the part leaves the record)
const failing = dirPart('f');

function breakF(dir: string): void {
  rmSync(join(dir, 'srv', 'f'), { recursive: true });
  writeFileSync(join(dir, 'srv', 'f'), '');
}

function profile(parts: string, sections: string[]): string {
  return `[buildout]\nparts = ${parts}\n\n${sections.join('\n')}`;
}

/** The runs: a profile, the install arguments, and whether `fail` exists. */
const STEPS: { profile: string; args: string[]; fail?: boolean }[] = [
  { profile: profile('a b c f d e', ['a', 'b', 'c', 'd', 'e'].map((p) => dirPart(p)).concat(failing)), args: [] },
  // c leaves, a changes, x is new, the others are updated in a new order
  { profile: profile('e b x f a d', [dirPart('a', '-2'), dirPart('b'), dirPart('d'), dirPart('e'), dirPart('x'), failing]), args: [] },
  // only b: it moves to the end upstream
  { profile: profile('e b x f a d', [dirPart('a', '-2'), dirPart('b'), dirPart('d'), dirPart('e'), dirPart('x'), failing]), args: ['b'] },
  // a no-op run in a new order
  { profile: profile('d a f x b e', [dirPart('a', '-2'), dirPart('b'), dirPart('d'), dirPart('e'), dirPart('x'), failing]), args: [] },
  // f's update fails: it is forgotten, the parts updated before it moved
  { profile: profile('x f b e d a', [dirPart('a', '-2'), dirPart('b'), dirPart('d'), dirPart('e'), dirPart('x'), failing]), args: [], fail: true },
];

function recorded(dir: string): string[] {
  return readInstalled(join(dir, '.installed.cfg')).parts;
}

async function tsbuildoutOrders(semantics: 'buildout2' | 'slapos'): Promise<string[][]> {
  const dir = mkdtempSync(join(tmpdir(), 'tsbuildout-order-'));
  try {
    const out: string[][] = [];
    for (const step of STEPS) {
      writeProfile(dir, step.profile);
      if (step.fail) breakF(dir);
      await run(dir, { semantics, installArgs: step.args }).catch((e: unknown) => assert.ok(step.fail, String(e)));
      out.push(recorded(dir));
    }
    return out;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('the record order after each run is zc.buildout 2.13\'s under buildout2 semantics', { skip }, async () => {
  const real = mkdtempSync(join(tmpdir(), 'tsbuildout-order-real-'));
  try {
    const expected: string[][] = [];
    for (const step of STEPS) {
      writeProfile(real, step.profile);
      if (step.fail) breakF(real);
      const r = spawnSync(oracle, ['-U', ...(step.args.length ? ['install', ...step.args] : [])], { cwd: real, encoding: 'utf8' });
      assert.equal(r.status, step.fail ? 1 : 0, r.stdout + r.stderr);
      expected.push(recorded(real));
    }
    // the steps exercise the moves: the orders differ from the profiles' own
    assert.deepEqual(expected[2], ['e', 'x', 'f', 'a', 'd', 'b']);
    assert.deepEqual(await tsbuildoutOrders('buildout2'), expected);
  } finally {
    rmSync(real, { recursive: true, force: true });
  }
});

test('the record order is stable under slapos semantics: a part keeps its place when updated', async () => {
  assert.deepEqual(await tsbuildoutOrders('slapos'), [
    ['a', 'b', 'c', 'f', 'd', 'e'],
    ['b', 'f', 'd', 'e', 'x', 'a'],
    ['b', 'f', 'd', 'e', 'x', 'a'],
    ['b', 'f', 'd', 'e', 'x', 'a'],
    ['b', 'd', 'e', 'x', 'a'],
  ]);
});

test('a no-op run leaves the record as it is, in either order model', async () => {
  for (const semantics of ['buildout2', 'slapos'] as const) {
    const dir = mkdtempSync(join(tmpdir(), 'tsbuildout-order-'));
    try {
      writeProfile(dir, STEPS[1]!.profile);
      await run(dir, { semantics });
      const before = statSync(join(dir, '.installed.cfg'));
      const { report } = await run(dir, { semantics });
      assert.deepEqual(report.updated, ['e', 'b', 'x', 'f', 'a', 'd']);
      const after = statSync(join(dir, '.installed.cfg'));
      assert.deepEqual([after.ino, after.mtimeMs], [before.ino, before.mtimeMs], semantics);
      assert.ok(!existsSync(join(dir, '.installed.cfg.journal')));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
});
