// Parses every template of ../shared/corpus/slapos (*.in, *.jinja2) with
// this engine and with Python's Jinja2, and reports how many both parse.
//   node dist/scripts/jinja-parse-corpus.mjs [--all] [--list]
// --all takes every file that contains {{, {% or {#, not only *.in and *.jinja2.

import { compareCorpus, corpusRoot, corpusTemplates, parseWithPython } from './lib/jinja-corpus.ts';

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
process.exit(r.mismatches.length ? 1 : 0);
