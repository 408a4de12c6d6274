// Parses every template of ../shared/corpus/slapos (*.in, *.jinja2) with
// this engine and with Python's Jinja2, and reports how many both parse.
//   node dist/scripts/jinja-parse-corpus.mjs [--all] [--render] [--list]
// --all takes every file that contains {{, {% or {#, not only *.in and *.jinja2.
// --render also renders each template with no variables and the default
// Undefined, comparing the output (SHA-256) or the error with Jinja2's.
// --write-goldens writes Jinja2's answers to test/jinja/corpus-goldens.json
// (read by test/jinja/corpus.test.ts when the corpus is present).

import { readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { compareCorpus, corpusRoot, corpusTemplates, parseWithPython, renderWithUs, repoRoot } from './lib/jinja-corpus.ts';

const paths = corpusTemplates(corpusRoot(), process.argv.includes('--all'));
if (paths.length === 0) {
  console.log(`no corpus at ${corpusRoot()}`);
  process.exit(0);
}
const python = parseWithPython(paths);
if (!python) {
  console.error('/usr/bin/python3 with jinja2 is needed for the comparison');
  process.exit(2);
}
const r = compareCorpus(paths, python);
console.log(`templates: ${r.total}`);
console.log(`parsed by Jinja2: ${r.parsedByJinja2}`);
console.log(`parsed by both: ${r.parsedByBoth}`);
console.log(`rejected by both with the same error: ${r.sameErrors}`);
console.log(`disagreements: ${r.mismatches.length}`);
for (const m of r.mismatches.slice(0, process.argv.includes('--list') ? Infinity : 20)) {
  console.log(`  ${m.path}\n    jinja2: ${m.python}\n    ours:   ${m.ours}`);
}
let failed = r.mismatches.length > 0;
if (process.argv.includes('--render')) {
  const pyRender = parseWithPython(paths, 'render-files')!;
  const rr = compareCorpus(paths, pyRender, renderWithUs);
  console.log(`rendered (empty context, default Undefined) by Jinja2: ${rr.parsedByJinja2}`);
  console.log(`rendered identically by both: ${rr.parsedByBoth}`);
  console.log(`failing with the same error in both: ${rr.sameErrors}`);
  console.log(`render disagreements: ${rr.mismatches.length}`);
  for (const m of rr.mismatches.slice(0, process.argv.includes('--list') ? Infinity : 20)) {
    console.log(`  ${m.path}\n    jinja2: ${m.python}\n    ours:   ${m.ours}`);
  }
  failed ||= rr.mismatches.length > 0;
  const pyChain = parseWithPython(paths, 'render-files-chainable')!;
  const rc = compareCorpus(paths, pyChain, (path) => renderWithUs(path, 'chainable'));
  console.log(`rendered with ChainableUndefined by Jinja2: ${rc.parsedByJinja2}`);
  console.log(`rendered identically by both: ${rc.parsedByBoth}`);
  console.log(`failing with the same error in both: ${rc.sameErrors}`);
  console.log(`render disagreements: ${rc.mismatches.length}`);
  for (const m of rc.mismatches.slice(0, process.argv.includes('--list') ? Infinity : 20)) {
    console.log(`  ${m.path}\n    jinja2: ${m.python}\n    ours:   ${m.ours}`);
  }
  failed ||= rc.mismatches.length > 0;
}
if (process.argv.includes('--write-goldens')) {
  const rendered = parseWithPython(paths, 'render-files')!;
  const chained = parseWithPython(paths, 'render-files-chainable')!;
  const files: Record<string, { parse: string; render: string; chainable: string }> = {};
  for (const path of paths) {
    files[relative(corpusRoot(), path)] = { parse: python[path]!, render: rendered[path]!, chainable: chained[path]! };
  }
  const source = readFileSync(join(corpusRoot(), 'SOURCE'), 'utf8').trim();
  const out = join(repoRoot(), 'test', 'jinja', 'corpus-goldens.json');
  writeFileSync(out, JSON.stringify({ source, files }, null, 1) + '\n');
  console.log(`wrote ${out}`);
}
process.exit(failed ? 1 : 0);
