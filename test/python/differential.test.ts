// Differential tests of the Python value model against CPython: every case
// file under test/python/cases is evaluated here and compared byte for
// byte with the answers CPython gave (test/python/goldens, written by
// scripts/python-oracle.py). PYTHON_LIVE=1 asks /usr/bin/python3 instead.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PyException, PySyntaxError } from '../../python/exceptions.ts';
import { evaluateExpression } from '../../python/expr/evaluate.ts';
import { jsonModule } from '../../python/json.ts';
import { evaluatePyBang, parseLiteral } from '../../python/literal.ts';
import { repr } from '../../python/repr.ts';
import { importModule } from '../../python/modules/index.ts';
import type { PyValue } from '../../python/value.ts';
import { repoRoot } from './repo.ts';

const root = repoRoot();
const casesDir = join(root, 'test', 'python', 'cases');
const live = process.env.PYTHON_LIVE === '1';
const namespace = new Map<string, PyValue>([['json', jsonModule]]);
const moduleNamespace = new Map<string, PyValue>(
  ['json', 'six', 'urllib', 'itertools', 'functools', 'operator', 'hashlib', 'base64'].map((m) => [m, importModule(m)!]),
);

function readCases(file: string): string[] {
  return readFileSync(join(casesDir, file), 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '' && !line.trimStart().startsWith('#'));
}

function expected(file: string): Record<string, string> {
  if (live) {
    const r = spawnSync('/usr/bin/python3', [join(root, 'scripts', 'python-oracle.py'), join(casesDir, file)], {
      encoding: 'utf8',
    });
    assert.equal(r.status, 0, r.stderr);
    return JSON.parse(r.stdout);
  }
  return JSON.parse(readFileSync(join(root, 'test', 'python', 'goldens', file.replace(/\.txt$/, '.json')), 'utf8'));
}

/** Object addresses differ between runs and engines (the oracle hides them too). */
const hideAddresses = (text: string) => text.replace(/ at 0x[0-9a-f]+>/g, ' at 0x?>');

function answer(expr: string, mode: string): string {
  return hideAddresses(rawAnswer(expr, mode));
}

function rawAnswer(expr: string, mode: string): string {
  try {
    const v = mode === 'literal' ? parseLiteral(expr, { calls: false })
      : mode === 'pybang' ? evaluatePyBang(expr)
      : evaluateExpression(expr, mode === 'modules' ? moduleNamespace : namespace);
    return repr(v);
  } catch (e) {
    if (e instanceof PySyntaxError) return '!SyntaxError';
    if (e instanceof PyException) return `!${e.pyType}: ${e.message}`;
    return `!JavaScript ${(e as Error).stack}`;
  }
}

for (const file of readdirSync(casesDir).filter((f) => f.endsWith('.txt')).sort()) {
  const mode = file.startsWith('literal-') ? 'literal' : file.startsWith('pybang-') ? 'pybang'
    : file.startsWith('modules-') ? 'modules' : 'eval';
  test(`python differential: ${file}`, () => {
    const want = expected(file);
    const cases = readCases(file);
    const failures: string[] = [];
    for (const expr of cases) {
      assert.ok(expr in want, `no golden for ${expr} (run scripts/python-oracle.py --write)`);
      const got = answer(expr, mode);
      if (got !== want[expr]) failures.push(`${expr}\n    python: ${want[expr]}\n    ours:   ${got}`);
    }
    assert.equal(failures.length, 0, `${failures.length}/${cases.length} cases differ:\n` + failures.join('\n'));
  });
}
