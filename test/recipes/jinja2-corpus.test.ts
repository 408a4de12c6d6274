// The jinja2 parts of the corpus's software profiles (../shared/corpus/slapos,
// when present): each part tsbuildout resolves renders to the bytes Python's
// Jinja2 gave (test/recipes/jinja2-corpus-goldens.json, written by
// `npm run jinja-conformance -- --write-goldens`), and no part that
// resolved then stops resolving.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { corpusRoot, repoRoot } from '../../scripts/lib/jinja-corpus.ts';
import { ourAnswer, outputDigest, partsOf, releaseParts, softwareProfiles, unrenderable, type PartCase } from '../../scripts/lib/jinja-recipe-corpus.ts';

const root = corpusRoot();
const goldens = JSON.parse(readFileSync(join(repoRoot(), 'test', 'recipes', 'jinja2-corpus-goldens.json'), 'utf8')) as {
  source: string;
  parts: Record<string, { template: string; sha256?: string; error?: string; unresolved?: string }>;
};
const present = existsSync(join(root, 'SOURCE')) && readFileSync(join(root, 'SOURCE'), 'utf8').trim() === goldens.source;

test('corpus: jinja2 parts of software/*/software.cfg render as with Python\'s Jinja2', { skip: present ? false : 'corpus not present (or another commit)' }, async () => {
  const cases: PartCase[] = [];
  const buildDir = mkdtempSync(join(tmpdir(), 'tsbuildout-jinja-corpus-'));
  // templates another part makes during the build are made there (see partsOf)
  after(() => {
    releaseParts(cases);
    rmSync(buildDir, { recursive: true, force: true });
  });
  for (const profile of softwareProfiles(root)) cases.push(...(await partsOf(root, profile, buildDir)));
  const byKey = new Map(cases.map((c) => [`${c.software} [${c.part}]`, c]));
  const failures: string[] = [];
  let identical = 0;
  for (const [key, want] of Object.entries(goldens.parts)) {
    if (want.unresolved) continue;
    const c = byKey.get(key);
    if (!c?.prepared) {
      failures.push(`${key}: no longer resolves: ${c?.unresolved ?? 'not found'}`);
      continue;
    }
    const why = unrenderable(root, c);
    if (why) {
      failures.push(`${key}: ${why}`);
      continue;
    }
    const got = await ourAnswer(c);
    const ok = 'ok' in got ? want.sha256 === outputDigest(root, Buffer.from(got.ok, 'base64')) : want.error === got.error;
    if (ok) identical++;
    else failures.push(`${key} (${want.template}): ${'ok' in got ? 'different output' : got.error}`);
  }
  assert.equal(failures.length, 0, failures.join('\n'));
  assert.ok(identical >= 150, `${identical} parts identical`);
});
