// The SlapOS template corpus (../shared/corpus/slapos, when present): every
// template parses as with Jinja2, and renders (no variables, default
// Undefined, then ChainableUndefined) to the same output or the same error.
// Jinja2's answers are in
// corpus-goldens.json (scripts/jinja-parse-corpus.ts --write-goldens).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { corpusRoot, parseWithUs, renderWithUs, repoRoot } from '../../scripts/lib/jinja-corpus.ts';

const root = corpusRoot();
const goldens = JSON.parse(readFileSync(join(repoRoot(), 'test', 'jinja', 'corpus-goldens.json'), 'utf8')) as {
  source: string;
  files: Record<string, { parse: string; render: string; chainable: string }>;
};
const present = existsSync(join(root, 'SOURCE')) && readFileSync(join(root, 'SOURCE'), 'utf8').trim() === goldens.source;

test('corpus: every template parses and renders as with Jinja2', { skip: present ? false : 'corpus not present (or another commit)' }, () => {
  const failures: string[] = [];
  let parsed = 0;
  for (const [rel, want] of Object.entries(goldens.files)) {
    const path = join(root, rel);
    const p = parseWithUs(path);
    if (p === 'ok') parsed++;
    if (p !== want.parse) failures.push(`${rel} parse\n    jinja2: ${want.parse}\n    ours:   ${p}`);
    const r = renderWithUs(path);
    if (r !== want.render) failures.push(`${rel} render\n    jinja2: ${want.render}\n    ours:   ${r}`);
    const c = renderWithUs(path, 'chainable');
    if (c !== want.chainable) failures.push(`${rel} render (chainable)\n    jinja2: ${want.chainable}\n    ours:   ${c}`);
  }
  assert.equal(failures.length, 0, failures.join('\n'));
  assert.equal(parsed, Object.values(goldens.files).filter((f) => f.parse === 'ok').length);
});
