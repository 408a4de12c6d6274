// The conformance fixtures (fixtures/conformance/*): each profile loaded by
// tsbuildout in buildout2 semantics must give what the real zc.buildout
// gave (the committed oracle goldens); where the slapos and upstream
// semantics differ, the hand-checked expectations must hold.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { resolveAll, type ResolveResult } from '../../cli/commands/resolve.ts';
import { BuildoutError } from '../../parser/diagnostic.ts';
import type { Assignment } from '../../profile/assemble.ts';
import { loadBuildout } from '../../profile/load.ts';
import type { SemanticsMode } from '../../profile/semantics.ts';
import { repositoryRoot } from '../helpers/paths.ts';

const root = join(repositoryRoot(), 'fixtures', 'conformance');

interface CaseJson {
  description: string;
  spec: string[];
  args: string[];
  root?: string;
  modes?: string[];
}

interface Expectation {
  raw?: Record<string, Record<string, string>>;
  resolved?: Record<string, Record<string, string>>;
  parts?: string[];
  error?: string;
  notes?: string;
}

/** Errors whose text zc.buildout defines and tsbuildout reproduces word for word. */
const EXACT_ERRORS = new Set(['UserError', 'MissingSection', 'MissingOption']);

/** The oracle's reading of an assignment: split at the first `=`, then the first `:`, nothing stripped. */
function assignments(args: string[]): Assignment[] {
  return args.map((a) => {
    const eq = a.indexOf('=');
    const key = a.slice(0, eq);
    const colon = key.indexOf(':');
    return { section: key.slice(0, colon), option: key.slice(colon + 1), value: a.slice(eq + 1) };
  });
}

type Outcome<T> = { ok: true; value: T } | { ok: false; error: BuildoutError };

async function run<T>(dir: string, c: CaseJson, semantics: SemanticsMode, f: (l: Awaited<ReturnType<typeof loadBuildout>>) => T): Promise<Outcome<T>> {
  try {
    const loaded = await loadBuildout({
      config: join(dir, c.root ?? 'buildout.cfg'),
      cwd: dir,
      semantics,
      userDefaults: false,
      assignments: [{ section: 'buildout', option: 'offline', value: 'true' }, ...assignments(c.args)],
      executable: '/usr/bin/python3',
      env: { python: '3.11.2', machine: 'x86_64', platform: 'linux', bits: '64', byteorder: 'little' },
    });
    return { ok: true, value: f(loaded) };
  } catch (e) {
    if (e instanceof BuildoutError) return { ok: false, error: e };
    throw e;
  }
}

function rawOf(l: Awaited<ReturnType<typeof loadBuildout>>): Record<string, Record<string, string>> {
  const out: Record<string, Record<string, string>> = {};
  for (const [name, section] of l.assembled.raw) {
    out[name] = {};
    for (const [k, e] of section) out[name]![k] = e.value;
  }
  return out;
}

function golden(dir: string, file: string): Record<string, unknown> {
  return JSON.parse(readFileSync(join(dir, file), 'utf8').replaceAll('@FIXTURE@', dir)) as Record<string, unknown>;
}

function checkError(mine: Outcome<unknown>, oracleError: string, what: string): void {
  assert.equal(mine.ok, false, `${what}: zc.buildout fails (${oracleError}) but tsbuildout succeeds`);
  const m = /^(\w+): ([\s\S]*)$/.exec(oracleError);
  if (m && EXACT_ERRORS.has(m[1]!) && !mine.ok) {
    const d = mine.error.primary;
    assert.equal(d.buildoutMessage ?? d.message, m[2], `${what}: message`);
  }
}

function checkResolved(mine: ResolveResult, oracle: Record<string, unknown>, what: string): void {
  assert.deepEqual(mine.parts, oracle.parts, `${what}: parts`);
  assert.equal(mine.parts_error === null, oracle.parts_error === null, `${what}: parts error (${oracle.parts_error ?? mine.parts_error})`);
  const sections = oracle.sections as Record<string, Record<string, string>>;
  assert.deepEqual(Object.keys(mine.sections), Object.keys(sections), `${what}: sections`);
  for (const [name, theirs] of Object.entries(sections)) {
    const ours = mine.sections[name]!;
    if ('__error__' in theirs) {
      assert.ok('__error__' in ours, `${what}: [${name}] fails in zc.buildout (${theirs.__error__}) but resolves in tsbuildout`);
      const m = /^(\w+): ([\s\S]*)$/.exec(theirs.__error__!);
      if (m && EXACT_ERRORS.has(m[1]!)) assert.equal(ours.__error__, m[2], `${what}: [${name}] error message`);
    } else {
      assert.deepEqual(ours, theirs, `${what}: [${name}]`);
    }
  }
}

function checkExpectation(mine: Outcome<{ raw: Record<string, Record<string, string>>; all: ResolveResult }>, e: Expectation, mode: string): void {
  if (e.error !== undefined) {
    assert.equal(mine.ok, false, `${mode}: expected an error containing '${e.error}'`);
    if (!mine.ok) {
      const d = mine.error.primary;
      assert.ok(d.message.includes(e.error) || (d.buildoutMessage ?? '').includes(e.error), `${mode}: error '${d.message}' should contain '${e.error}'`);
    }
    return;
  }
  if (!mine.ok) assert.fail(`${mode}: unexpected error ${mine.error.primary.message}`);
  for (const [section, options] of Object.entries(e.raw ?? {})) {
    for (const [k, v] of Object.entries(options)) assert.equal(mine.value.raw[section]?.[k], v, `${mode}: raw [${section}] ${k}`);
  }
  for (const [section, options] of Object.entries(e.resolved ?? {})) {
    for (const [k, v] of Object.entries(options)) {
      const s = mine.value.all.sections[section] as Record<string, string> | undefined;
      assert.equal(s?.[k], v, `${mode}: resolved [${section}] ${k}`);
    }
  }
  if (e.parts) assert.deepEqual(mine.value.all.parts, e.parts, `${mode}: parts`);
}

for (const name of readdirSync(root).sort()) {
  const dir = join(root, name);
  if (!existsSync(join(dir, 'case.json'))) continue;
  const c = JSON.parse(readFileSync(join(dir, 'case.json'), 'utf8')) as CaseJson;
  const modes = c.modes ?? ['buildout2', 'slapos', 'upstream'];
  test(`${name}: ${c.description}`, async () => {
    if (modes.includes('buildout2')) {
      const raw = golden(dir, 'oracle.raw.json');
      const mineRaw = await run(dir, c, 'buildout2', rawOf);
      if (raw.ok) {
        if (!mineRaw.ok) assert.fail(`raw: tsbuildout fails: ${mineRaw.error.primary.message}`);
        assert.deepEqual(mineRaw.value, raw.raw, 'raw configuration');
        const all = await run(dir, c, 'buildout2', (l) => resolveAll(l.buildout, true));
        if (!all.ok) assert.fail(`--all: tsbuildout fails: ${all.error.primary.message}`);
        checkResolved(all.value, golden(dir, 'oracle.all.json'), '--all');
        const parts = await run(dir, c, 'buildout2', (l) => resolveAll(l.buildout, false));
        if (!parts.ok) assert.fail('parts mode failed');
        checkResolved(parts.value, golden(dir, 'oracle.parts.json'), 'parts');
      } else {
        checkError(mineRaw, raw.error as string, 'raw');
      }
    }
    for (const mode of ['slapos', 'upstream'] as const) {
      const file = join(dir, `expect.${mode}.json`);
      if (!existsSync(file) || !modes.includes(mode)) continue;
      const e = JSON.parse(readFileSync(file, 'utf8').replaceAll('@FIXTURE@', dir)) as Expectation;
      const mine = await run(dir, c, mode, (l) => ({ raw: rawOf(l), all: resolveAll(l.buildout, true) }));
      checkExpectation(mine, e, mode);
    }
  });
}
