// The recipe differential suite (README, "Recipes proven against the real
// ones"): each fixture of fixtures/recipe-conformance/ runs in two fresh
// directories with the real slapos.cookbook under zc.buildout
// (../shared/tools/cookbook-oracle) and in two with tsbuildout, each run
// twice; what they leave is compared: paths, kinds, modes, link targets,
// contents with the directory written DIR and random values (what differs
// between the two fresh directories of one side) replaced by a marker whose
// length and alphabet are checked, the options of .installed.cfg, and what
// each executable written does when run (exit status, output).
import { spawnSync, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { readInstalled } from '../../executor/installed.ts';
import { runBuildout } from '../../executor/run.ts';
import { RECIPES } from '../../recipes/index.ts';
import { parseRecipeSpec } from '../../recipes/registry.ts';
import { HttpMaster } from '../../slap/client.ts';
import { pyToJs } from '../../slap/marshal.ts';
import { startMaster } from '../../test/helpers/node.ts';

/** Eggs whose code ../shared/reference holds (cookbook-oracle runs them). */
const REFERENCE_EGGS = new Set(['slapos.cookbook', 'plone.recipe.command']);

/**
 * Deliberate differences (README, "Recipes proven against the real ones"):
 * a path (`run:` + path for what it does when run), what differs, why.
 */
export const DELIBERATE: { path: RegExp; only?: RegExp; what: string; why: string }[] = [
  {
    path: /^installed:(req|req-ser|opt|opt-ser)$/,
    only: /^instance[-_]guid differs$/,
    what: 'instance-guid and instance_guid: the GUID as text',
    why: "the real request.py stores getInstanceGuid().encode('UTF-8'), bytes under Python 3 (`!py!b'…'`, a Python 2 leftover); tsbuildout keeps the text, so that `${request:instance_guid}` (stack/resilient passes it on as sla-instance_guid) is the GUID itself",
  },
  {
    path: /^out\/(wrapper-(pidfile|wait|reserve|redirect|tmpfs)|ca-req|neo-storage-tmpfs)\/wrapper$/,
    what: 'generic_exec wrapper: a self-contained Python script',
    why: "the real one puts slapos.cookbook's egg on sys.path and imports generic_exec; a node has no slapos.cookbook (nor psutil, inotify_simple), so tsbuildout writes the same behaviour inline (wrapper.test.ts runs it)",
  },
  {
    path: /^out\/(http|http-unix|logger)\/wrapper$/,
    what: 'a self-contained Python or shell script',
    why: "the real one is a console script importing slapos.cookbook's module, which a node does not have",
  },
  {
    path: /^(run:)?out\/(ooo\/ooo-service|ooo-test\/run-(unit-test|test-suite))$/,
    what: 'a shell exec (a missing program: exit 127 and the shell\'s message, where Python exits 1 with FileNotFoundError)',
    why: "the real one is a Python script calling slapos.cookbook's execute functions",
  },
  {
    path: /^out\/mysql-up\/update-mysql$/,
    what: 'a shell retry loop (not run here: it retries for ever)',
    why: "the real one is a Python script calling slapos.cookbook's generic_mysql.updateMysql",
  },
  {
    path: /^out\/ca\/(wrapper|openssl\.cnf)$/,
    what: "tsbuildout's own CA service (shell) and openssl.cnf",
    why: "the real service is slapos.cookbook's Python runCertificateAuthority with its openssl.cnf template; tsbuildout's does the same with Debian's openssl (test/slapos/recipes.test.ts issues a certificate)",
  },
  {
    path: /^run:out\/wrapper-wait\/wrapper$/,
    what: "not comparable: the reference's inotify_simple is a stub, so the real wrapper cannot wait here",
    why: 'wrapper.test.ts checks waiting, as generic_exec does it',
  },
];

export interface Item {
  kind: 'file' | 'dir' | 'link';
  mode: number;
  /** File text (DIR for the directory) or link target. */
  text: string;
}
export type Snapshot = Map<string, Item>;

const SKIP = new Set(['develop-eggs', 'eggs', 'bin', 'buildout.cfg', 'master.cfg', '.installed.cfg', '.installed.cfg.journal']);

/** What a run's texts are normalised by: its directory, written DIR, and its master's URL, written MASTER. */
export interface Places {
  dir: string;
  master?: string;
  /** main's timestamp on the master (a float whose repr varies in length), written TIMESTAMP. */
  timestamp?: string;
}

const normalise = (text: string, at: Places) => {
  let t = text.replaceAll(at.dir, 'DIR');
  if (at.master) t = t.replaceAll(at.master, 'MASTER');
  return at.timestamp ? t.replaceAll(at.timestamp, 'TIMESTAMP') : t;
};

export function snapshot(at: Places): Snapshot {
  const dir = at.dir;
  const out: Snapshot = new Map();
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      const rel = relative(dir, p);
      if (SKIP.has(rel) || name.startsWith('.tsbuildout')) continue;
      const st = lstatSync(p);
      const mode = st.mode & 0o7777;
      if (st.isSymbolicLink()) out.set(rel, { kind: 'link', mode: 0, text: normalise(readlinkSync(p), at) });
      else if (st.isDirectory()) {
        out.set(rel, { kind: 'dir', mode, text: '' });
        walk(p);
      } else out.set(rel, { kind: 'file', mode, text: normalise(readFileSync(p, 'latin1'), at) });
    }
  };
  walk(dir);
  return out;
}

// ---- random values: the spans where two fresh runs of one side differ ----

// words of the alphabets random values use (base64, crypt's ./): one token each
const tokenize = (s: string) => s.match(/[A-Za-z0-9./+]+|[^A-Za-z0-9./+]/gs) ?? [];

const MARK = '¤';

export interface Template {
  /** The text with every random span replaced by ¤ (one token). */
  text: string;
  /** Per span: its texts in the two runs. */
  spans: [string, string][];
}

type Segment = { same: string } | { a: string; b: string };

// text that is only short words (hex octets `72:` of two MAC addresses): where
// two random values can match by chance
const shortWords = (same: string) => {
  const words = same.match(/[A-Za-z0-9./+]+/g) ?? [];
  return words.length > 0 && words.every((w) => w.length <= 2);
};

/** One line of each text aligned by tokens (a longest common subsequence): what they share and where they differ. */
function align(line: string, other: string): Segment[] {
  const x = tokenize(line);
  const y = tokenize(other);
  const n = x.length;
  const m = y.length;
  const lcs: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let p = n - 1; p >= 0; p--) for (let q = m - 1; q >= 0; q--) lcs[p]![q] = x[p] === y[q] ? lcs[p + 1]![q + 1]! + 1 : Math.max(lcs[p + 1]![q]!, lcs[p]![q + 1]!);
  const segments: Segment[] = [];
  const push = (s: Segment) => {
    const last = segments[segments.length - 1];
    if (last && 'same' in last && 'same' in s) last.same += s.same;
    else if (last && 'a' in last && 'a' in s) {
      last.a += s.a;
      last.b += s.b;
    } else segments.push(s);
  };
  let p = 0;
  let q = 0;
  while (p < n || q < m) {
    if (p < n && q < m && x[p] === y[q]) {
      push({ same: x[p]! });
      p++;
      q++;
    } else if (q >= m || (p < n && lcs[p + 1]![q]! >= lcs[p]![q + 1]!)) push({ a: x[p++]!, b: '' });
    else push({ a: '', b: y[q++]! });
  }
  return segments;
}

/** Mark where two runs' texts differ, line by line; a chance match inside a random value does not split it. */
export function template(a: string, b: string): Template {
  if (a === b) return { text: a, spans: [] };
  const la = a.split('\n');
  const lb = b.split('\n');
  if (la.length !== lb.length) return { text: a, spans: [[a, b]] };
  const spans: [string, string][] = [];
  const lines = la.map((line, i) => {
    if (line === lb[i]) return line;
    const segments = align(line, lb[i]!);
    const merged: Segment[] = [];
    for (let k = 0; k < segments.length; k++) {
      const s = segments[k]!;
      const prev = merged[merged.length - 1];
      const next = segments[k + 1];
      if ('same' in s && prev && 'a' in prev && next && 'a' in next && shortWords(s.same)) {
        prev.a += s.same + next.a;
        prev.b += s.same + next.b;
        k++;
      } else merged.push({ ...s });
    }
    return merged
      .map((s) => {
        if ('same' in s) return s.same;
        spans.push([s.a, s.b]);
        return MARK;
      })
      .join('');
  });
  return { text: lines.join('\n'), spans };
}

/**
 * Whether two templates differ in fixed text: a place where both have text and
 * neither a random value, unless one side only has short words there, right next
 * to a random value (`fe:29:¤` and `fe:¤`: one side's random value began with a
 * chance match).
 */
function fixedTextDiffers(real: string, mine: string): boolean {
  const la = real.split('\n');
  const lb = mine.split('\n');
  if (la.length !== lb.length) return true;
  const punct = new RegExp(`^[^A-Za-z0-9./+${MARK}]*`);
  return la.some((line, i) => {
    if (line === lb[i]) return false;
    const segments = align(line, lb[i]!);
    return segments.some((s, k) => {
      if ('same' in s || s.a.includes(MARK) || s.b.includes(MARK)) return false;
      const before = segments[k - 1];
      const after = segments[k + 1];
      const nextToMark =
        (before && 'same' in before && [...before.same].reverse().join('').replace(punct, '').startsWith(MARK)) ||
        (after && 'same' in after && after.same.replace(punct, '').startsWith(MARK));
      // one side only: both sides matching by chance, differently, at one place is too rare to excuse
      return !(nextToMark && (s.a === '' || s.b === '') && shortWords(s.a + s.b));
    });
  });
}

/** The letter and digit classes of a value (punctuation is too rare in short random samples to compare). */
function alphabet(s: string): string {
  return (/[0-9]/.test(s) ? '0' : '') + (/[a-z]/.test(s) ? 'a' : '') + (/[A-Z]/.test(s) ? 'A' : '');
}

/**
 * Whether tsbuildout's text agrees with the real one's, random values aside:
 * the same template, or templates that differ only next to a random span
 * (two small random values may agree by chance on one side: `5:¤` and
 * `¤:¤`); then the random values: the same lengths where the real one's
 * are all of one length (of FIXED_LENGTH_FROM or more), no letter or digit
 * class the real ones never use.
 */
// a random value's length is taken as fixed from this many characters on
// (passwords, keys); shorter ones are numbers whose width varies, which
// four samples often miss (random.time's hour: `15:48` and `12:16`, then `5:07`)
const FIXED_LENGTH_FROM = 4;

export function agree(real: Template, mine: Template): string | undefined {
  if (real.text !== mine.text) {
    if (!real.spans.length && !mine.spans.length) return 'differs';
    if (fixedTextDiffers(real.text, mine.text)) return 'differs';
  } else if (real.spans.length !== mine.spans.length) return `${mine.spans.length} random values where the real recipe has ${real.spans.length}`;
  const rs = real.spans.flat();
  const ms = mine.spans.flat();
  if (!rs.length) return undefined;
  const lengths = new Set(rs.map((x) => x.length));
  if (real.text === mine.text && lengths.size === 1 && rs[0]!.length >= FIXED_LENGTH_FROM && ms.some((x) => x.length !== rs[0]!.length)) return `random value of ${ms.find((x) => x.length !== rs[0]!.length)!.length} characters where the real one has ${rs[0]!.length}`;
  const allowed = new Set(alphabet(rs.join('')));
  const bad = [...alphabet(ms.join(''))].filter((c) => !allowed.has(c));
  if (bad.length) return `random value with characters the real one never has (class ${bad.join('')})`;
  return undefined;
}

// ---- the runs ----

export interface SideRun {
  dirs: [string, string];
  /** Per directory: the snapshot after the first and the second run. */
  snaps: [Snapshot, Snapshot][];
  installed: Map<string, Map<string, string>>[];
  /** Per executable (relative path): per directory, "exit N\nstdout\nlast line of stderr". */
  runs: Map<string, string[]>;
  error?: string;
}

export function oraclePath(root: string): string {
  return join(root, '..', 'shared', 'tools', 'cookbook-oracle');
}

/** The environment the real recipes' Python scripts need to import slapos.cookbook (what the oracle sets for buildout). */
function oracleEnv(root: string): NodeJS.ProcessEnv {
  const r = join(root, '..', 'shared', 'reference');
  return { PYTHONPATH: ['zc.buildout-2.13-shim', 'slapos.core', 'stubs', 'pylib', 'zc.recipe.egg_/src'].map((x) => join(r, x)).join(':') };
}

/** A fresh directory with the fixture and the egg links cookbook-oracle makes (the same inputs for both: promise.plugin's sys.path lists them). */
function freshCopy(root: string, fixture: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'tsbuildout-rc-'));
  cpSync(fixture, dir, { recursive: true });
  mkdirSync(join(dir, 'develop-eggs'));
  const r = join(root, '..', 'shared', 'reference');
  for (const [egg, from] of [['slapos.cookbook', 'slapos.cookbook'], ['plone.recipe.command', 'plone.recipe.command'], ['slapos.toolbox', 'slapos.toolbox-stand-in']]) {
    writeFileSync(join(dir, 'develop-eggs', `${egg}.egg-link`), `${join(r, from!)}\n.`);
  }
  return dir;
}

/**
 * A fixture's master (`# master: {"parameters": {…}, "shared": […], "show": ["child", …]}`):
 * for each fresh directory, a `tsbuildout master` of its own (the same
 * state for the four directories, kept between a directory's two runs;
 * the real slapos.slap and tsbuildout's clients both speak to it), the
 * root instance `main` requested there with `parameters` on slappart0 (and
 * the `shared` instances, hosted by it: each publisher can write to its own), and
 * `master.cfg` written beside the profile with its [slap-connection]. After
 * each run, what the master knows of `main` and of each instance named in
 * `show` (parameters, connection parameters, state, error) is written to
 * `master/<name>.json`, so what publish and request leave on the master is
 * compared as a file.
 */
interface MasterSpec {
  parameters: Record<string, string>;
  /** Shared instances requested on main's partition (slave_reference `_<name>`), shown too. */
  shared?: string[];
  show?: string[];
}

function masterSpec(profile: string): MasterSpec | undefined {
  const m = /^# master:(.*)$/m.exec(profile);
  return m ? (JSON.parse(m[1]!) as MasterSpec) : undefined;
}

interface Master {
  url: string;
  child: ChildProcess;
  home: string;
  /** main's timestamp, as `show` gives it. */
  timestamp?: string;
}

function cli(root: string, args: string[]): string {
  const r = spawnSync(process.execPath, [join(root, 'bin', 'tsbuildout.js'), '-U', ...args], { encoding: 'utf8', timeout: 60_000 });
  if (r.status !== 0) throw new Error(`tsbuildout ${args[0]} failed: ${(r.stderr || r.stdout).trim().split('\n').pop()}`);
  return r.stdout;
}

async function startFixtureMaster(root: string, dir: string, spec: MasterSpec): Promise<Master> {
  const home = mkdtempSync(join(tmpdir(), 'tsbuildout-rc-master-'));
  const { child, url } = await startMaster(['--db', join(home, 'master.db'), '--listen', '127.0.0.1:0', '--partitions', '4', '--root', join(home, 'node'), '--access', 'open']);
  const master = { url, child, home };
  try {
    cli(root, ['request', 'main', '/sr/software.cfg', '--master-url', url, '--parameters', JSON.stringify(spec.parameters)]);
    for (const name of spec.shared ?? []) cli(root, ['request', name, '/sr/software.cfg', '--master-url', url, '--shared']);
  } catch (e) {
    stopMaster(master);
    throw e;
  }
  writeFileSync(join(dir, 'master.cfg'), `[slap-connection]\ncomputer-id = local\npartition-id = slappart0\nserver-url = ${url}\nsoftware-release-url = /sr/software.cfg\nkey-file =\ncert-file =\n`);
  return master;
}

function stopMaster(m: Master): void {
  m.child.kill('SIGKILL');
  rmSync(m.home, { recursive: true, force: true });
}

/**
 * JSON-in-XML (`_`, what .serialised recipes send) decoded, its keys sorted:
 * publish's keys come from a Python set of sections, so the real one's
 * order changes with the hash seed from run to run.
 */
function decoded(d: unknown): unknown {
  const sorted = (v: unknown): unknown =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(
          Object.keys(v)
            .sort()
            .map((k) => [k, sorted((v as Record<string, unknown>)[k])]),
        )
      : v;
  const o = d as Record<string, unknown>;
  if (o && typeof o === 'object' && Object.keys(o).length === 1 && typeof o._ === 'string') {
    try {
      return { _: sorted(JSON.parse(o._)) };
    } catch {
      // not JSON: as it is
    }
  }
  return d;
}

/** `master/<name>.json`: an instance as the master knows it (as `tsbuildout show --json`), its times left out. */
async function dumpMaster(dir: string, m: Master, spec: MasterSpec): Promise<void> {
  mkdirSync(join(dir, 'master'), { recursive: true });
  const api = new HttpMaster(m.url);
  for (const name of ['main', ...(spec.shared ?? []), ...(spec.show ?? [])]) {
    const found = await api.instanceInformation(name);
    const shown: Record<string, unknown> = found ? { ...found, parameters: decoded(pyToJs(found.parameters)), connection: decoded(pyToJs(found.connection)) } : { missing: true };
    if (name === 'main' && typeof shown.timestamp === 'number') m.timestamp = String(shown.timestamp);
    for (const k of ['timestamp', 'error-at', 'bang-at']) delete shown[k];
    writeFileSync(join(dir, 'master', `${name}.json`), JSON.stringify(shown, null, 1) + '\n');
  }
}

/** `# real-runs-once: why`: the real side runs once per directory (what a second run of the oracle cannot do). */
const realRunsOnce = (profile: string) => /^# real-runs-once:/m.test(profile);

async function runOnce(side: 'real' | 'mine', root: string, dir: string): Promise<string | undefined> {
  if (side === 'real') {
    const r = spawnSync(oraclePath(root), [], { cwd: dir, encoding: 'utf8', timeout: 300_000 });
    return r.status === 0 ? undefined : `cookbook-oracle failed (${r.status ?? r.signal}): ${(r.stdout + r.stderr).trim().split('\n').slice(-3).join(' | ')}`;
  }
  try {
    await runBuildout({ config: join(dir, 'buildout.cfg'), cwd: dir, userDefaults: false, executable: '/usr/bin/python3', env: { python: '3.11' }, logger: { info: () => undefined, warning: () => undefined, debug: () => undefined } });
    return undefined;
  } catch (e) {
    return `tsbuildout failed: ${(e as Error).message.split('\n').slice(0, 3).join(' | ')}`;
  }
}

/** The fixture's `# no-run: path…` lines: executables not run (servers, what waits for files no part writes). */
function noRun(profile: string): Set<string> {
  return new Set([...profile.matchAll(/^# no-run:(.*)$/gm)].flatMap((m) => m[1]!.trim().split(/\s+/)));
}

function runExecutables(snap: Snapshot, at: Places, env: NodeJS.ProcessEnv): Map<string, string> {
  const dir = at.dir;
  const out = new Map<string, string>();
  const skip = noRun(readFileSync(join(dir, 'buildout.cfg'), 'utf8'));
  for (const [rel, item] of snap) {
    if (item.kind !== 'file' || !(item.mode & 0o100) || rel.startsWith('parts/') || skip.has(rel)) continue;
    const r = spawnSync(join(dir, rel), [], { cwd: dir, encoding: 'utf8', timeout: 30_000, killSignal: 'SIGKILL', env: { ...process.env, HOME: dir, ...env } });
    const lastErr = r.stderr.trim().split('\n').pop() ?? '';
    out.set(rel, normalise(`exit ${r.status ?? r.signal}\n${r.stdout}\n${lastErr}`, at));
  }
  return out;
}

export async function runSide(side: 'real' | 'mine', root: string, fixture: string, keep = false): Promise<SideRun> {
  const dirs = [freshCopy(root, fixture), freshCopy(root, fixture)] as [string, string];
  const profile = readFileSync(join(fixture, 'buildout.cfg'), 'utf8');
  const once = side === 'real' && realRunsOnce(profile);
  const spec = masterSpec(profile);
  const run: SideRun = { dirs, snaps: [], installed: [], runs: new Map() };
  const masters: Master[] = [];
  try {
    for (const dir of dirs) {
      const master = spec ? await startFixtureMaster(root, dir, spec) : undefined;
      if (master) masters.push(master);
      const error = (await runOnce(side, root, dir)) ?? undefined;
      if (error) {
        run.error = error;
        return run;
      }
      if (master) await dumpMaster(dir, master, spec!);
      const at: Places = { dir, ...(master ? { master: master.url } : {}), ...(master?.timestamp ? { timestamp: master.timestamp } : {}) };
      const first = snapshot(at);
      const installed = new Map<string, Map<string, string>>();
      for (const [part, o] of readInstalled(join(dir, '.installed.cfg')).options) {
        installed.set(part, new Map([...o].filter(([k]) => k !== '__buildout_signature__').map(([k, v]) => [k, normalise(v, at)])));
      }
      const again = once ? undefined : await runOnce(side, root, dir);
      if (again) {
        run.error = 'second run: ' + again;
        return run;
      }
      if (master) await dumpMaster(dir, master, spec!);
      run.snaps.push([first, snapshot(at)]);
      run.installed.push(installed);
      for (const [rel, text] of runExecutables(first, at, side === 'real' ? oracleEnv(root) : {})) {
        run.runs.set(rel, [...(run.runs.get(rel) ?? []), text]);
      }
    }
    return run;
  } finally {
    for (const m of masters) stopMaster(m);
    if (!keep) for (const d of dirs) rmSync(d, { recursive: true, force: true });
  }
}

// ---- the comparison ----

export interface Difference {
  path: string;
  what: string;
  deliberate?: string;
}

export interface Comparison {
  /** Paths (files, links, directories, executables run, installed parts) compared, by part. */
  compared: Map<string, number>;
  identical: Map<string, number>;
  deliberate: Map<string, number>;
  differences: Difference[];
}

/** The part a path belongs to: out/<part>/…, parts/<part>…, run:out/<part>/…, installed:<part> (else none: the fixture's inputs). */
export function partOf(path: string): string | undefined {
  // out/<part> itself is made by the fixture's [dirs] (mkdirectory)
  if (/^out(\/[^/]+)?$/.test(path)) return 'dirs';
  const m = /^(?:run:|installed:)?(?:out|parts)\/([^/]+)/.exec(path) ?? /^installed:(.+)$/.exec(path);
  return m?.[1];
}

function sameItem(a: Item, b: Item, ta: Template, tb: Template): string | undefined {
  if (a.kind !== b.kind) return `a ${b.kind} where the real recipe leaves a ${a.kind}`;
  if (a.mode !== b.mode) return `mode ${b.mode.toString(8)} where the real one is ${a.mode.toString(8)}`;
  const why = agree(ta, tb);
  return why === 'differs' ? `${a.kind === 'link' ? 'target' : 'content'} differs` : why;
}

export function compare(real: SideRun, mine: SideRun): Comparison {
  const c: Comparison = { compared: new Map(), identical: new Map(), deliberate: new Map(), differences: [] };
  const count = (m: Map<string, number>, path: string) => {
    const part = partOf(path) ?? '(none)';
    m.set(part, (m.get(part) ?? 0) + 1);
  };
  const judge = (path: string, why: string | undefined) => {
    count(c.compared, path);
    if (!why) return count(c.identical, path);
    // `only`: every difference found at the path is the declared one
    const d = DELIBERATE.find((x) => x.path.test(path) && (!x.only || why.split('; ').every((w) => x.only!.test(w))));
    if (d) count(c.deliberate, path);
    c.differences.push({ path, what: why, ...(d ? { deliberate: d.what } : {}) });
  };
  const [[ra1, ra2], [rb1]] = real.snaps as [[Snapshot, Snapshot], [Snapshot, Snapshot]];
  const [[ma1, ma2], [mb1]] = mine.snaps as [[Snapshot, Snapshot], [Snapshot, Snapshot]];
  const paths = new Set([...ra1.keys(), ...ma1.keys()]);
  for (const path of [...paths].sort()) {
    const a = ra1.get(path);
    const b = ma1.get(path);
    if (!a || !b) {
      judge(path, a ? 'missing in tsbuildout' : 'written by tsbuildout only');
      continue;
    }
    const ta = template(a.text, rb1.get(path)?.text ?? a.text);
    const tb = template(b.text, mb1.get(path)?.text ?? b.text);
    let why = sameItem(a, b, ta, tb);
    if (!why && ma2.get(path)?.text !== b.text) why = 'changed by the second run (a random value not kept)';
    if (!why && ra2.get(path)?.text !== a.text) why = 'the real recipe changes it on the second run, tsbuildout does not';
    judge(path, why);
  }
  const [ri1, ri2] = real.installed as [Map<string, Map<string, string>>, Map<string, Map<string, string>>];
  const [mi1, mi2] = mine.installed as [Map<string, Map<string, string>>, Map<string, Map<string, string>>];
  for (const part of new Set([...ri1.keys(), ...mi1.keys()])) {
    const a = ri1.get(part);
    const b = mi1.get(part);
    const path = `installed:${part}`;
    if (!a || !b) {
      judge(path, a ? 'not recorded by tsbuildout' : 'recorded by tsbuildout only');
      continue;
    }
    const keys = new Set([...a.keys(), ...b.keys()]);
    const bad: string[] = [];
    for (const k of [...keys].sort()) {
      const va = a.get(k);
      const vb = b.get(k);
      if (va === undefined || vb === undefined) {
        bad.push(`${k} ${va === undefined ? 'recorded by tsbuildout only' : 'not recorded'}`);
        continue;
      }
      const ta = template(va, ri2.get(part)?.get(k) ?? va);
      const tb = template(vb, mi2.get(part)?.get(k) ?? vb);
      const why = agree(ta, tb);
      if (why) bad.push(`${k} ${why}`);
    }
    judge(path, bad.length ? bad.join('; ') : undefined);
  }
  for (const path of new Set([...real.runs.keys(), ...mine.runs.keys()])) {
    const a = real.runs.get(path);
    const b = mine.runs.get(path);
    if (!a || !b) continue; // the file itself is counted above
    const ta = template(a[0]!, a[1] ?? a[0]!);
    const tb = template(b[0]!, b[1] ?? b[0]!);
    const verdict = agree(ta, tb);
    const why = verdict === 'differs' ? `when run: ${JSON.stringify(tb.text)} where the real one gives ${JSON.stringify(ta.text)}` : verdict;
    judge(`run:${path}`, why);
  }
  return c;
}

// ---- options: what the corpus uses, what the fixtures cover ----

export interface EntryPoint {
  /** `egg:entry` as the registry keys it (`plone.recipe.command:default` for plone.recipe.command). */
  key: string;
  name: string;
  proven: boolean;
  schemaOptions: Set<string>;
  anyOptions: boolean;
}

export function entryPoints(): EntryPoint[] {
  const out: EntryPoint[] = [];
  for (const m of RECIPES) {
    for (const name of m.names) {
      const s = parseRecipeSpec(name)!;
      out.push({
        key: `${s.project}:${s.entry}`,
        name,
        proven: REFERENCE_EGGS.has(s.project),
        schemaOptions: new Set(Object.keys(m.schema?.options ?? {})),
        anyOptions: !!m.schema?.anyOptions,
      });
    }
  }
  return out.sort((a, b) => (a.name < b.name ? -1 : 1));
}

/** A crude reading of a profile or template: per section with a literal `recipe`, its option names and the part name. */
export function sectionOptions(text: string): { section: string; recipe: string; options: string[] }[] {
  const out: { section: string; recipe: string; options: string[] }[] = [];
  let cur: { section: string; recipe: string; options: string[] } | undefined;
  for (const line of text.split('\n')) {
    const head = /^\[([^\]]+)\]/.exec(line);
    if (head) {
      cur = { section: head[1]!, recipe: '', options: [] };
      out.push(cur);
      continue;
    }
    const opt = /^([A-Za-z0-9_.\-][^\s=:{}%]*)\s*[+-]?[=:]/.exec(line);
    if (!cur || !opt) continue;
    const key = opt[1]!;
    if (key === 'recipe') cur.recipe = line.slice(line.search(/[=:]/) + 1).trim();
    else cur.options.push(key);
  }
  return out.filter((s) => s.recipe && !/[{$%]/.test(s.recipe));
}

function walkFiles(dir: string, f: (path: string) => void): void {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) {
      if (e.name !== '.git') walkFiles(p, f);
    } else if (/\.(cfg|in|jinja2|j2)$|\.cfg\./.test(e.name)) f(p);
  }
}

/** Per entry point key: the options corpus sections with that recipe set which the recipe reads (its schema's; all of them for recipes that take any option, only the schema's). */
export function optionsUsed(files: string[], entries: EntryPoint[]): Map<string, Set<string>> {
  const byKey = new Map(entries.map((e) => [e.key, e]));
  const out = new Map<string, Set<string>>();
  for (const path of files) {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch {
      continue;
    }
    for (const s of sectionOptions(text)) {
      const spec = parseRecipeSpec(s.recipe);
      const e = spec && byKey.get(`${spec.project}:${spec.entry}`);
      if (!e) continue;
      const set = out.get(e.key) ?? new Set<string>();
      for (const o of s.options) if (e.schemaOptions.has(o)) set.add(o);
      out.set(e.key, set);
    }
  }
  return out;
}

export function corpusFiles(corpus: string): string[] {
  const files: string[] = [];
  if (existsSync(corpus)) walkFiles(corpus, (p) => files.push(p));
  return files;
}

/** Per fixture section: the part name and its entry point. */
export function fixtureParts(profile: string, entries: EntryPoint[]): Map<string, string> {
  const keys = new Set(entries.map((e) => e.key));
  const out = new Map<string, string>();
  for (const s of sectionOptions(profile)) {
    const spec = parseRecipeSpec(s.recipe);
    if (spec && keys.has(`${spec.project}:${spec.entry}`)) out.set(s.section, `${spec.project}:${spec.entry}`);
  }
  return out;
}
