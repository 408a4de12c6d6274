// Real SlapOS profiles (../shared/corpus/slapos, when present): lint runs
// without internal errors and reports no error on profiles zc.buildout
// runs (the helloworld software release and its instance template).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { lint } from '../../lint/engine.ts';
import { corpusRoot } from '../helpers/paths.ts';

const corpus = corpusRoot();

test('corpus: software/helloworld lints without errors', { skip: corpus ? false : 'no corpus' }, async () => {
  const dir = join(corpus!, 'software', 'helloworld');
  const r = await lint([join(dir, 'software.cfg'), join(dir, 'instance.cfg.in')], {
    options: { semantics: 'slapos', executable: '/usr/bin/python3', env: { python: '3.11' }, rules: {}, cwd: dir },
  });
  const bad = r.findings.filter((f) => f.severity === 'error');
  assert.deepEqual(bad.map((f) => `${f.span?.file}:${f.span?.line} [${f.rule}] ${f.message}`), []);
  assert.ok(r.files > 20);
});
