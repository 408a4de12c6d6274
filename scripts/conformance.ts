// npm run conformance -- DIR [--timeout S] [--jobs N] [--no-cache] [--filter TEXT] [--quiet]
//
// Loads every .cfg profile under DIR with tsbuildout (buildout2 semantics)
// and with the real zc.buildout (../shared/tools/buildout-oracle), and
// compares the raw merged configuration and every section of `--all`.
// Prints one line per profile and the agreement counts. The oracle's
// answers are cached (see scripts/lib/live-oracle.ts); a profile the
// oracle cannot finish within the time limit is counted apart.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { resolveAll } from '../cli/commands/resolve.ts';
import { BuildoutError } from '../parser/diagnostic.ts';
import { loadBuildout } from '../profile/load.ts';
import { askOracle, defaultCacheDir, oracleMessage, type OracleAnswer } from './lib/live-oracle.ts';

const PYTHON = '/usr/bin/python3';

interface Options {
  dir: string;
  timeout: number;
  jobs: number;
  cache: boolean;
  filter?: string;
  quiet: boolean;
  oracle: string;
}

function parse(argv: string[]): Options {
  const here = resolve(dirname(new URL(import.meta.url).pathname), '../..');
  const o: Options = { dir: '', timeout: 60, jobs: 2, cache: true, quiet: false, oracle: resolve(here, '../shared/tools/buildout-oracle') };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--timeout') o.timeout = Number(argv[++i]);
    else if (a === '--jobs') o.jobs = Number(argv[++i]);
    else if (a === '--no-cache') o.cache = false;
    else if (a === '--filter') o.filter = argv[++i]!;
    else if (a === '--quiet') o.quiet = true;
    else if (a === '--oracle') o.oracle = argv[++i]!;
    else o.dir = a;
  }
  if (!o.dir) {
    process.stderr.write('usage: npm run conformance -- DIR [--timeout S] [--jobs N] [--no-cache] [--filter TEXT] [--quiet]\n');
    process.exit(2);
  }
  return o;
}

function profiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (name.endsWith('.cfg')) out.push(p);
    }
  };
  if (statSync(dir).isDirectory()) walk(dir);
  else out.push(dir);
  return out;
}

type Mine<T> = { ok: true; value: T } | { ok: false; message: string; buildoutMessage?: string };

async function mine<T>(profile: string, f: (b: Awaited<ReturnType<typeof loadBuildout>>) => T): Promise<Mine<T>> {
  try {
    const loaded = await loadBuildout({
      config: profile,
      cwd: dirname(profile),
      semantics: 'buildout2',
      userDefaults: false,
      assignments: [{ section: 'buildout', option: 'offline', value: 'true' }],
      executable: PYTHON,
    });
    return { ok: true, value: f(loaded) };
  } catch (e) {
    if (e instanceof BuildoutError) {
      const d = e.primary;
      return d.buildoutMessage !== undefined ? { ok: false, message: d.message, buildoutMessage: d.buildoutMessage } : { ok: false, message: d.message };
    }
    return { ok: false, message: `INTERNAL ${(e as Error).stack ?? e}` };
  }
}

interface Tally {
  profiles: number;
  oracleLoaded: number;
  rawAgree: number;
  rawDiffer: number;
  bothFailed: number;
  bothFailedSameMessage: number;
  oracleOnlyFailed: number;
  mineOnlyFailed: number;
  sectionsResolved: number;
  sectionsAgree: number;
  sectionErrorsOracle: number;
  sectionErrorsAgree: number;
  partsAgree: number;
  partsCompared: number;
  timeouts: number;
  crashes: number;
  internal: number;
}

function sameMessage(m: Mine<unknown>, oracleError: string): boolean {
  if (m.ok) return false;
  const o = oracleMessage(oracleError).message;
  return (m.buildoutMessage ?? m.message) === o;
}

async function compare(profile: string, o: Options, t: Tally, salt: string): Promise<string> {
  const base = { oracle: o.oracle, profile, args: [] as string[], timeoutSeconds: o.timeout, cacheDir: o.cache ? defaultCacheDir() : null, salt };
  const rawAnswer = await askOracle({ ...base, flags: ['--raw'] });
  if (rawAnswer.status !== 'ok') return tallyFailure(rawAnswer, t);
  const rawMine = await mine(profile, (l) => {
    const out: Record<string, Record<string, string>> = {};
    for (const [name, section] of l.assembled.raw) {
      out[name] = {};
      for (const [k, e] of section) out[name]![k] = e.value;
    }
    return out;
  });
  if (!rawMine.ok && rawMine.message.startsWith('INTERNAL')) t.internal++;
  const oracleRaw = rawAnswer.json as { ok: boolean; raw?: unknown; error?: string };
  const problems: string[] = [];
  if (oracleRaw.ok) {
    t.oracleLoaded++;
    if (!rawMine.ok) {
      t.mineOnlyFailed++;
      return `DIFF   raw: tsbuildout failed: ${rawMine.message}`;
    }
    if (!isDeepStrictEqual(rawMine.value, oracleRaw.raw)) {
      t.rawDiffer++;
      problems.push('raw: ' + firstDifference(rawMine.value, oracleRaw.raw as Record<string, Record<string, string>>));
    } else t.rawAgree++;
  } else {
    if (rawMine.ok) {
      t.oracleOnlyFailed++;
      return `DIFF   zc.buildout failed (${oracleRaw.error}) but tsbuildout loaded it`;
    }
    t.bothFailed++;
    if (sameMessage(rawMine, oracleRaw.error!)) t.bothFailedSameMessage++;
    return `BOTH-FAILED  zc.buildout: ${oneLine(oracleRaw.error!)} | tsbuildout: ${oneLine(rawMine.message)}`;
  }

  const allAnswer = await askOracle({ ...base, flags: ['--all'] });
  if (allAnswer.status !== 'ok') return tallyFailure(allAnswer, t);
  const all = allAnswer.json as { ok: boolean; parts: string[] | null; parts_error: string | null; sections?: Record<string, Record<string, string>> };
  const allMine = await mine(profile, (l) => resolveAll(l.buildout, true));
  if (!allMine.ok) return `DIFF   --all: tsbuildout failed: ${allMine.message}`;
  t.partsCompared++;
  if (isDeepStrictEqual(allMine.value.parts, all.parts)) t.partsAgree++;
  else problems.push(`parts: tsbuildout ${JSON.stringify(allMine.value.parts)} zc.buildout ${JSON.stringify(all.parts)} (${all.parts_error ?? allMine.value.parts_error})`);
  for (const [name, theirs] of Object.entries(all.sections ?? {})) {
    const ours = allMine.value.sections[name];
    if ('__error__' in theirs) {
      t.sectionErrorsOracle++;
      if (ours && '__error__' in ours) t.sectionErrorsAgree++;
      else problems.push(`[${name}]: zc.buildout: ${oneLine(theirs.__error__!)}; tsbuildout resolved it`);
      continue;
    }
    t.sectionsResolved++;
    if (isDeepStrictEqual(ours, theirs)) t.sectionsAgree++;
    else if (ours && '__error__' in ours) problems.push(`[${name}]: tsbuildout: ${oneLine(String(ours.__error__))}`);
    else problems.push(`[${name}]: ${firstDifference({ [name]: ours as Record<string, string> }, { [name]: theirs })}`);
  }
  return problems.length ? `DIFF   ${problems.slice(0, 3).join('; ')}${problems.length > 3 ? ` (+${problems.length - 3} more)` : ''}` : 'OK';
}

function tallyFailure(a: OracleAnswer, t: Tally): string {
  if (a.status === 'timeout') {
    t.timeouts++;
    return `TIMEOUT zc.buildout did not finish within ${a.seconds} s`;
  }
  t.crashes++;
  return `ORACLE-CRASH ${a.status === 'crash' ? oneLine(a.stderr).slice(0, 300) : ''}`;
}

function firstDifference(a: Record<string, Record<string, string>>, b: Record<string, Record<string, string>>): string {
  for (const s of new Set([...Object.keys(a), ...Object.keys(b)])) {
    const x = a[s];
    const y = b[s];
    if (!x) return `section [${s}] missing in tsbuildout`;
    if (!y) return `section [${s}] only in tsbuildout`;
    for (const k of new Set([...Object.keys(x), ...Object.keys(y)])) {
      if (x[k] !== y[k]) return `[${s}] ${k}: tsbuildout ${JSON.stringify(x[k])} zc.buildout ${JSON.stringify(y[k])}`;
    }
  }
  return 'differ';
}

function oneLine(s: string): string {
  return s.replace(/\s*\n\s*/g, ' ').slice(0, 240);
}

async function mainScript(): Promise<void> {
  const o = parse(process.argv.slice(2));
  const dir = resolve(o.dir);
  let list = profiles(dir);
  if (o.filter) list = list.filter((p) => p.includes(o.filter!));
  let salt = '';
  try {
    salt = readFileSync(join(dir, 'SOURCE'), 'utf8');
  } catch {
    // not the corpus
  }
  const t: Tally = {
    profiles: list.length, oracleLoaded: 0, rawAgree: 0, rawDiffer: 0, bothFailed: 0, bothFailedSameMessage: 0, oracleOnlyFailed: 0,
    mineOnlyFailed: 0, sectionsResolved: 0, sectionsAgree: 0, sectionErrorsOracle: 0, sectionErrorsAgree: 0, partsAgree: 0, partsCompared: 0,
    timeouts: 0, crashes: 0, internal: 0,
  };
  let next = 0;
  const results: string[] = new Array(list.length);
  const worker = async () => {
    while (next < list.length) {
      const i = next++;
      const p = list[i]!;
      const line = await compare(p, o, t, salt);
      results[i] = line;
      if (!o.quiet || !line.startsWith('OK')) process.stdout.write(`${line.startsWith('OK') ? 'OK    ' : ''}${relative(dir, p) || p}  ${line === 'OK' ? '' : line}\n`);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, o.jobs) }, worker));
  process.stdout.write(
    [
      '',
      `profiles:                         ${t.profiles}`,
      `loaded by zc.buildout:            ${t.oracleLoaded}`,
      `  raw configuration agrees:       ${t.rawAgree}`,
      `  raw configuration differs:      ${t.rawDiffer}`,
      `  tsbuildout failed to load:      ${t.mineOnlyFailed}`,
      `rejected by both:                 ${t.bothFailed} (same message: ${t.bothFailedSameMessage})`,
      `rejected by zc.buildout only:     ${t.oracleOnlyFailed}`,
      `parts order agrees:               ${t.partsAgree}/${t.partsCompared}`,
      `sections resolved by zc.buildout: ${t.sectionsResolved}, agreeing: ${t.sectionsAgree}`,
      `sections failing in zc.buildout:  ${t.sectionErrorsOracle}, failing in tsbuildout too: ${t.sectionErrorsAgree}`,
      `zc.buildout timed out:            ${t.timeouts} (limit ${o.timeout} s)`,
      `zc.buildout crashed:              ${t.crashes}`,
      `tsbuildout internal errors:       ${t.internal}`,
      '',
    ].join('\n'),
  );
}

await mainScript();
