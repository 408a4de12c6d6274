// npm run jinja-conformance -- DIR [--list] [--json]
// 1. Parses every template under DIR (each file with `{{`, `{%` or `{#`)
//    with tsbuildout's Jinja2 and with Python's, and counts.
// 2. For every slapos.recipe.template:jinja2 part of every
//    software/*/software.cfg under DIR: resolves its options and context as
//    tsbuildout does, renders it with tsbuildout and with Python's Jinja2
//    configured as the recipe (scripts/jinja-recipe-oracle.py), compares
//    the bytes, and prints one line a part and the counts.
// Exit status 1 when a template or a part disagrees.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { compareCorpus, corpusRoot, corpusTemplates, parseWithPython, repoRoot } from './lib/jinja-corpus.ts';
import { compareParts, outputDigest, partsOf, softwareProfiles, type PartCase } from './lib/jinja-recipe-corpus.ts';

const args = process.argv.slice(2);
const root = resolve(args.find((a) => !a.startsWith('--')) ?? corpusRoot());
const list = args.includes('--list');
const log = (s: string) => process.stdout.write(s + '\n');

const paths = corpusTemplates(root, true);
const python = parseWithPython(paths);
if (!python) {
  console.error('/usr/bin/python3 with jinja2 (and six) is needed for the comparison');
  process.exit(2);
}
const parsed = compareCorpus(paths, python);
log(`Templates under ${root}: ${parsed.total}`);
log(`  parsed by Jinja2: ${parsed.parsedByJinja2}; parsed by both: ${parsed.parsedByBoth}; rejected by both alike: ${parsed.sameErrors}; disagreements: ${parsed.mismatches.length}`);
for (const m of parsed.mismatches.slice(0, list ? Infinity : 20)) log(`  ${relative(root, m.path)}\n    jinja2: ${m.python}\n    ours:   ${m.ours}`);

const cases: PartCase[] = [];
const buildDir = mkdtempSync(join(tmpdir(), 'tsbuildout-jinja-corpus-'));
for (const profile of softwareProfiles(root)) cases.push(...(await partsOf(root, profile, buildDir)));
const results = (await compareParts(root, cases))!;
log(`\njinja2 parts of software/*/software.cfg:`);
for (const r of results) {
  const where = `${r.case.software} [${r.case.part}] ${r.template}`;
  if (r.status === 'identical') log(`  identical   ${where} (${r.bytes} bytes)`);
  else log(`  ${r.status.padEnd(11)} ${where}\n      ${r.detail}`);
}
const count = (s: string) => results.filter((r) => r.status === s).length;
const rendered = results.length - count('unresolved');
log(`\nparts: ${results.length}; context resolved: ${rendered}; byte-identical: ${count('identical')}; failing alike in both: ${count('both-fail')}; different: ${count('different')}; unresolved: ${count('unresolved')}`);
if (rendered) log(`identical or failing alike: ${(((count('identical') + count('both-fail')) / rendered) * 100).toFixed(1)}% of the resolved parts, ${((count('identical') / results.length) * 100).toFixed(1)}% of all parts`);
if (args.includes('--write-goldens')) {
  // Python's answers for test/recipes/jinja2-corpus.test.ts (which needs no Python)
  const parts: Record<string, { template: string; sha256?: string; error?: string; unresolved?: string }> = {};
  for (const r of results) {
    const key = `${r.case.software} [${r.case.part}]`;
    if (r.status === 'unresolved') parts[key] = { template: r.template, unresolved: r.detail! };
    else if (r.python && 'ok' in r.python) parts[key] = { template: r.template, sha256: outputDigest(root, Buffer.from(r.python.ok, 'base64')) };
    else if (r.python) parts[key] = { template: r.template, error: r.python.error };
  }
  const source = readFileSync(join(root, 'SOURCE'), 'utf8').trim();
  const out = join(repoRoot(), 'test', 'recipes', 'jinja2-corpus-goldens.json');
  writeFileSync(out, JSON.stringify({ source, parts }, null, 1) + '\n');
  log(`wrote ${out}`);
}
if (args.includes('--json')) log(JSON.stringify({ templates: { ...parsed, mismatches: parsed.mismatches.length }, parts: results.map((r) => ({ software: r.case.software, part: r.case.part, template: r.template, status: r.status, detail: r.detail })) }));
rmSync(buildDir, { recursive: true, force: true });
process.exit(parsed.mismatches.length || count('different') ? 1 : 0);
