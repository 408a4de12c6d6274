// Differential tests of the Jinja2 engine: every case of
// test/jinja/cases/*.json is rendered here and compared byte for byte with
// what Python's Jinja2 3.1 rendered (test/jinja/goldens, written by
// scripts/jinja-oracle.py --write). JINJA_LIVE=1 asks /usr/bin/python3.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../python/repo.ts';
import { hideAddresses, readCases, render } from './harness.ts';

const root = repoRoot();
const casesDir = join(root, 'test', 'jinja', 'cases');
const live = process.env.JINJA_LIVE === '1';

function expected(file: string): Record<string, string> {
  if (live) {
    const r = spawnSync('/usr/bin/python3', [join(root, 'scripts', 'jinja-oracle.py'), 'render'], {
      input: readFileSync(join(casesDir, file), 'utf8'),
      encoding: 'utf8',
    });
    assert.equal(r.status, 0, r.stderr);
    return JSON.parse(r.stdout);
  }
  return JSON.parse(readFileSync(join(root, 'test', 'jinja', 'goldens', file), 'utf8'));
}

for (const file of readdirSync(casesDir).filter((f) => f.endsWith('.json')).sort()) {
  test(`jinja differential: ${file}`, () => {
    const cases = readCases(join(casesDir, file));
    const want = expected(file);
    const ids = new Set<string>();
    const failures: string[] = [];
    for (const c of cases) {
      assert.ok(!ids.has(c.id), `duplicate case id ${c.id}`);
      ids.add(c.id);
      assert.ok(c.id in want, `no golden for ${c.id} (run scripts/jinja-oracle.py --write)`);
      const got = render(c);
      const w = hideAddresses(want[c.id]!);
      if (got !== w) {
        failures.push(`${c.id}: ${JSON.stringify(c.template)}\n    jinja2: ${JSON.stringify(w)}\n    ours:   ${JSON.stringify(got)}`);
      }
    }
    assert.equal(failures.length, 0, `${failures.length}/${cases.length} cases differ:\n` + failures.join('\n'));
  });
}
