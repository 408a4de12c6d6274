// npm run recipe-conformance [-- --filter TEXT] [--keep]
//
// Runs every fixture of fixtures/recipe-conformance/ with the real
// slapos.cookbook (../shared/tools/cookbook-oracle) and with tsbuildout
// (scripts/lib/recipe-conformance.ts says how), then prints, per recipe
// entry point tsbuildout implements: the options the fixtures cover of those
// the corpus (../shared/corpus/slapos) uses, and the paths compared and
// identical (files, links, directories, .installed.cfg, what executables do
// when run). The corpus options no fixture covers are listed; so are the
// differences, deliberate ones (README) marked. Exit status 1 on an
// undeclared difference or a failed run.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { compare, corpusFiles, entryPoints, fixtureParts, optionsUsed, oraclePath, partOf, runSide, sectionOptions, type Difference } from './lib/recipe-conformance.ts';

const root = resolve(dirname(new URL(import.meta.url).pathname), '../..');
const argv = process.argv.slice(2);
const filter = argv.includes('--filter') ? argv[argv.indexOf('--filter') + 1] : undefined;
const keep = argv.includes('--keep');

async function main(): Promise<number> {
  const oracle = oraclePath(root);
  if (!existsSync(oracle) || spawnSync('/usr/bin/python3', ['-c', 'import zc.buildout, passlib'], { stdio: 'ignore' }).status !== 0) {
    console.log('recipe-conformance: skipped (no ../shared/tools/cookbook-oracle, or no python3-zc.buildout/python3-passlib)');
    return 0;
  }
  const entries = entryPoints();
  const corpus = join(root, '..', 'shared', 'corpus', 'slapos');
  const files = corpusFiles(corpus);
  if (!files.length) console.log('recipe-conformance: ../shared/corpus/slapos is absent: options the corpus uses are not counted');
  const used = optionsUsed(files, entries);

  const fixturesDir = join(root, 'fixtures', 'recipe-conformance');
  const fixtures = readdirSync(fixturesDir).filter((f) => existsSync(join(fixturesDir, f, 'buildout.cfg')) && (!filter || f.includes(filter))).sort();
  const covered = new Map<string, Set<string>>();
  const compared = new Map<string, number>();
  const identical = new Map<string, number>();
  const deliberate = new Map<string, number>();
  const differences: (Difference & { fixture: string; entry: string })[] = [];
  const errors: string[] = [];
  const byKey = new Map(entries.map((e) => [e.key, e]));
  for (const fixture of fixtures) {
    const dir = join(fixturesDir, fixture);
    const profile = readFileSync(join(dir, 'buildout.cfg'), 'utf8');
    const parts = fixtureParts(profile, entries);
    for (const s of sectionOptions(profile)) {
      const key = parts.get(s.section);
      if (!key) continue;
      const set = covered.get(key) ?? new Set<string>();
      for (const o of s.options) if (byKey.get(key)!.schemaOptions.has(o)) set.add(o);
      covered.set(key, set);
    }
    const started = Date.now();
    const real = await runSide('real', root, dir, keep);
    const mine = await runSide('mine', root, dir, keep);
    if (keep) console.log(`${fixture}: real in ${real.dirs.join(' ')}, tsbuildout in ${mine.dirs.join(' ')}`);
    if (real.error || mine.error) {
      errors.push(`${fixture}: ${real.error ?? mine.error}`);
      continue;
    }
    const c = compare(real, mine);
    const add = (to: Map<string, number>, from: Map<string, number>) => {
      for (const [part, n] of from) {
        const key = parts.get(part) ?? `(${fixture}: ${part})`;
        to.set(key, (to.get(key) ?? 0) + n);
      }
    };
    add(compared, c.compared);
    add(identical, c.identical);
    add(deliberate, c.deliberate);
    for (const d of c.differences) differences.push({ ...d, fixture, entry: parts.get(partOf(d.path) ?? '') ?? '?' });
    console.log(`${fixture}: ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }

  console.log('\nentry point                                   options covered/used   compared identical deliberate');
  let totals = [0, 0, 0, 0, 0];
  const documentation: string[] = [];
  const uncovered: string[] = [];
  for (const e of entries) {
    if (!e.proven) {
      documentation.push(e.name);
      continue;
    }
    const u = used.get(e.key) ?? new Set<string>();
    const cov = [...u].filter((o) => covered.get(e.key)?.has(o));
    const missing = [...u].filter((o) => !covered.get(e.key)?.has(o)).sort();
    if (missing.length) uncovered.push(`  ${e.name}: ${missing.join(', ')}`);
    const [n, i, d] = [compared.get(e.key) ?? 0, identical.get(e.key) ?? 0, deliberate.get(e.key) ?? 0];
    totals = [totals[0]! + cov.length, totals[1]! + u.size, totals[2]! + n, totals[3]! + i, totals[4]! + d];
    console.log(`${e.name.padEnd(46)} ${`${cov.length}/${u.size}`.padStart(20)} ${String(n).padStart(10)} ${String(i).padStart(9)} ${String(d).padStart(10)}`);
  }
  console.log(`${'total'.padEnd(46)} ${`${totals[0]}/${totals[1]}`.padStart(20)} ${String(totals[2]).padStart(10)} ${String(totals[3]).padStart(9)} ${String(totals[4]).padStart(10)}`);
  for (const [k, n] of compared) if (!byKey.has(k)) console.log(`  ${k}: ${n} compared, ${identical.get(k) ?? 0} identical (paths of no part: the fixture's inputs)`);
  if (uncovered.length) console.log(`\ncorpus options with no fixture:\n${uncovered.join('\n')}`);
  console.log(`\nchecked against their documentation only (not in ../shared/reference): ${documentation.join(', ')}`);
  const undeclared = differences.filter((d) => !d.deliberate);
  if (differences.length) {
    console.log('\ndifferences:');
    for (const d of differences) console.log(`  ${d.deliberate ? 'deliberate' : 'DIFFERENT '} ${d.fixture}: ${d.path} (${d.entry}): ${d.deliberate ?? d.what}`);
  }
  for (const e of errors) console.log(`ERROR ${e}`);
  return undeclared.length || errors.length ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (e) => {
    console.error(`Error: ${(e as Error).message}`);
    process.exit(1);
  },
);
