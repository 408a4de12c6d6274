// Regenerates the oracle goldens of the conformance fixtures.
//
// usage: node dist/scripts/oracle-goldens.mjs [--check] [--jobs N] [--oracle PATH] [FIXTURE …]
//
// Every fixture is a directory fixtures/conformance/<NNN-name>/ holding a root
// profile (buildout.cfg, or case.json's "root") and case.json
// ({ description, spec, args, root?, modes? }). For each one this runs the
// reference zc.buildout (../shared/tools/buildout-oracle, or $BUILDOUT_ORACLE,
// or --oracle) three times with the fixture directory as working directory:
//
//   oracle.raw.json    buildout-oracle --raw <root> <args…>
//   oracle.all.json    buildout-oracle --all <root> <args…>
//   oracle.parts.json  buildout-oracle <root> <args…>
//
// and writes the outputs with the fixture's absolute path replaced by the
// token @FIXTURE@. FIXTURE arguments are fixture directory names (or paths to
// them); without any, every fixture is done. It reports which files are new
// or changed. --check writes nothing and exits with status 1 when a golden is
// missing or differs (a way to see that the installed zc.buildout still gives
// the committed answers). Both also check the shape of case.json and of the
// hand-written expect.<mode>.json files.

import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, realpathSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const FIXTURE_TOKEN = '@FIXTURE@';

export const GOLDENS: ReadonlyArray<{ file: string; flags: string[] }> = [
  { file: 'oracle.raw.json', flags: ['--raw'] },
  { file: 'oracle.all.json', flags: ['--all'] },
  { file: 'oracle.parts.json', flags: [] },
];

export interface CaseDescription {
  description: string;
  spec: string[];
  args: string[];
  root?: string;
  modes?: string[];
}

interface Options {
  check: boolean;
  jobs: number;
  oracle: string | undefined;
  names: string[];
}

function usage(message?: string): never {
  if (message) process.stderr.write(`oracle-goldens: ${message}\n`);
  process.stderr.write(
    'usage: node dist/scripts/oracle-goldens.mjs [--check] [--jobs N] [--oracle PATH] [FIXTURE …]\n',
  );
  process.exit(2);
}

function parseArgs(argv: string[]): Options {
  const options: Options = { check: false, jobs: 4, oracle: undefined, names: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--check') options.check = true;
    else if (arg === '--jobs' || arg === '-j') {
      const n = Number(argv[++i]);
      if (!Number.isInteger(n) || n < 1) usage('--jobs needs a positive integer');
      options.jobs = n;
    } else if (arg === '--oracle') {
      const p = argv[++i];
      if (!p) usage('--oracle needs a path');
      options.oracle = resolve(p);
    } else if (arg === '--help' || arg === '-h') usage();
    else if (arg.startsWith('-')) usage(`unknown option ${arg}`);
    else options.names.push(arg);
  }
  return options;
}

/** The directory holding fixtures/conformance: found upwards from this script (dist/scripts or scripts), else the CWD. */
function findProjectRoot(): string {
  const starts = [dirname(fileURLToPath(import.meta.url)), process.cwd()];
  for (const start of starts) {
    let dir = start;
    for (;;) {
      if (existsSync(join(dir, 'fixtures', 'conformance')) && existsSync(join(dir, 'package.json'))) return dir;
      const up = dirname(dir);
      if (up === dir) break;
      dir = up;
    }
  }
  throw new Error('cannot find the project root (a folder with package.json and fixtures/conformance)');
}

function findOracle(root: string, explicit: string | undefined): string {
  const candidates = [explicit, process.env['BUILDOUT_ORACLE'], join(root, '..', 'shared', 'tools', 'buildout-oracle')];
  for (const c of candidates) if (c && existsSync(c)) return c;
  throw new Error(
    'cannot find buildout-oracle: give --oracle PATH or set BUILDOUT_ORACLE (default ../shared/tools/buildout-oracle)',
  );
}

export function readCase(dir: string): CaseDescription {
  const file = join(dir, 'case.json');
  const data = JSON.parse(readFileSync(file, 'utf8')) as Partial<CaseDescription>;
  const where = `${file}:`;
  if (typeof data.description !== 'string' || !data.description) throw new Error(`${where} missing "description"`);
  // the docs/ headings the case checks (test/architecture/docs-links.test.ts checks they exist)
  if (!Array.isArray(data.spec) || !data.spec.every((s) => typeof s === 'string' && /^docs\/[\w.-]+\.md#[\w-]+$/.test(s)))
    throw new Error(`${where} "spec" must be a list of docs/<file>.md#<anchor> references`);
  if (!Array.isArray(data.args) || !data.args.every((s) => typeof s === 'string'))
    throw new Error(`${where} "args" must be a list of strings`);
  for (const a of data.args) {
    const eq = a.indexOf('=');
    if (eq < 0 || !a.slice(0, eq).includes(':')) throw new Error(`${where} argument ${JSON.stringify(a)} is not section:option=value`);
  }
  if (data.root !== undefined && typeof data.root !== 'string') throw new Error(`${where} "root" must be a string`);
  if (data.modes !== undefined && (!Array.isArray(data.modes) || !data.modes.every((m) => ['slapos', 'buildout2', 'upstream'].includes(m))))
    throw new Error(`${where} "modes" must list some of slapos, buildout2, upstream`);
  const root = data.root ?? 'buildout.cfg';
  if (!existsSync(join(dir, root))) throw new Error(`${where} root profile ${root} does not exist`);
  return data as CaseDescription;
}

const EXPECT_KEYS = new Set(['raw', 'resolved', 'parts', 'error', 'notes']);

/** Checks the shape of the hand-written expect.<mode>.json files of a fixture (they are not generated). */
export function checkExpectations(dir: string): void {
  for (const mode of ['slapos', 'upstream']) {
    const file = join(dir, `expect.${mode}.json`);
    if (!existsSync(file)) continue;
    const data = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    const where = `${file}:`;
    if (typeof data !== 'object' || data === null || Array.isArray(data)) throw new Error(`${where} not an object`);
    for (const [key, value] of Object.entries(data)) {
      if (!EXPECT_KEYS.has(key)) throw new Error(`${where} unknown field "${key}"`);
      if (key === 'raw' || key === 'resolved') {
        const ok =
          typeof value === 'object' && value !== null && !Array.isArray(value) &&
          Object.values(value).every(
            (sec) => typeof sec === 'object' && sec !== null && !Array.isArray(sec) &&
              Object.values(sec).every((v) => typeof v === 'string'),
          );
        if (!ok) throw new Error(`${where} "${key}" must be {section: {option: string}}`);
      } else if (key === 'parts') {
        if (!Array.isArray(value) || !value.every((v) => typeof v === 'string'))
          throw new Error(`${where} "parts" must be a list of strings`);
      } else if (typeof value !== 'string') throw new Error(`${where} "${key}" must be a string`);
    }
  }
}

function runOracle(oracle: string, cwd: string, args: string[]): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    execFile(oracle, args, { cwd, maxBuffer: 64 * 1024 * 1024, encoding: 'utf8' }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${oracle} ${args.join(' ')} (in ${cwd}) failed: ${error.message}\n${stderr}`));
      else resolvePromise(stdout);
    });
  });
}

/** Replaces every spelling of the fixture's absolute path with the token. */
export function normalise(output: string, dir: string): string {
  const spellings = new Set([dir, realpathSync(dir)]);
  let text = output;
  // longest first, so that one spelling never leaves part of another behind
  for (const s of [...spellings].sort((a, b) => b.length - a.length)) text = text.split(s).join(FIXTURE_TOKEN);
  return text;
}

type Status = 'new' | 'changed' | 'same';

async function regenerate(oracle: string, dir: string, check: boolean): Promise<Array<{ file: string; status: Status }>> {
  const c = readCase(dir);
  checkExpectations(dir);
  const root = c.root ?? 'buildout.cfg';
  const results: Array<{ file: string; status: Status }> = [];
  for (const g of GOLDENS) {
    const out = normalise(await runOracle(oracle, dir, [...g.flags, root, ...c.args]), dir);
    JSON.parse(out); // the oracle must have printed JSON
    const path = join(dir, g.file);
    const old = existsSync(path) ? readFileSync(path, 'utf8') : undefined;
    const status: Status = old === undefined ? 'new' : old === out ? 'same' : 'changed';
    if (status !== 'same' && !check) writeFileSync(path, out);
    results.push({ file: g.file, status });
  }
  return results;
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  const root = findProjectRoot();
  const oracle = findOracle(root, options.oracle);
  const base = join(root, 'fixtures', 'conformance');
  let dirs: string[];
  if (options.names.length) {
    dirs = options.names.map((n) => {
      const asPath = resolve(n);
      const d = existsSync(join(asPath, 'case.json')) ? asPath : join(base, basename(n));
      if (!existsSync(join(d, 'case.json'))) throw new Error(`no fixture ${n} (looked for ${d}/case.json)`);
      return d;
    });
  } else {
    dirs = readdirSync(base)
      .filter((n) => statSync(join(base, n)).isDirectory() && existsSync(join(base, n, 'case.json')))
      .sort()
      .map((n) => join(base, n));
  }

  const counts: Record<Status, number> = { new: 0, changed: 0, same: 0 };
  const failures: string[] = [];
  const report: string[] = new Array(dirs.length);
  let next = 0;
  async function worker(): Promise<void> {
    while (next < dirs.length) {
      const i = next++;
      const dir = dirs[i]!;
      try {
        const results = await regenerate(oracle, dir, options.check);
        const lines: string[] = [];
        for (const r of results) {
          counts[r.status]++;
          if (r.status !== 'same') lines.push(`${r.status.padEnd(7)} ${basename(dir)}/${r.file}`);
        }
        report[i] = lines.join('\n');
      } catch (e) {
        failures.push(`${basename(dir)}: ${(e as Error).message}`);
        report[i] = '';
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(options.jobs, dirs.length) }, worker));

  for (const r of report) if (r) process.stdout.write(r + '\n');
  for (const f of failures) process.stderr.write(`error   ${f}\n`);
  const verb = options.check ? 'differ' : 'written';
  process.stdout.write(
    `${dirs.length} fixtures: ${counts.same} goldens unchanged, ${counts.changed} changed, ${counts.new} new` +
      (counts.changed + counts.new ? ` (${verb})` : '') +
      (failures.length ? `, ${failures.length} fixtures failed` : '') +
      '\n',
  );
  if (failures.length || (options.check && counts.changed + counts.new)) process.exitCode = 1;
}

main().catch((e: unknown) => {
  process.stderr.write(`oracle-goldens: ${(e as Error).message}\n`);
  process.exit(2);
});
