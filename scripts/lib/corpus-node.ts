// Every software release of a SlapOS tree deployed on a fresh temporary
// node, as a new user would (issue 14): `node software --stub-software`,
// `request` of its default software type with its default parameters,
// `node instance` (again when it fails, as the node's next run), `node
// stop`. Each release gets a level:
//   L0  the software release did not install
//   L1  software installed
//   L2  every partition's buildout ran to the end (`node instance` exits 0,
//       or 2 when only promises fail)
//   L3  its services running and its promises green
// and the first wall: the first `Error:` line (with its location) of the
// step that stopped it. Used by scripts/corpus-node.ts and bench/.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { runGuarded } from '../../recipes/lib/process-guard.ts';

export interface ReleaseStubs {
  /** Files of --stub-bin, relative to the software directory: {path: text}. */
  files?: Record<string, string>;
  /** Assignments of `node software`. */
  assignments?: string[];
  /** Parameters of the request (JSON). */
  parameters?: string;
  /** The software type requested (default: the release's default). */
  type?: string;
}

export interface ReleaseResult {
  release: string;
  level: 0 | 1 | 2 | 3;
  /** The first wall: `step: message`. */
  wall?: string;
  seconds: number;
  /** A stack trace was printed (an internal error). */
  internal?: boolean;
  partitions?: number;
}

/** Every `software/*\/software*.cfg` of a SlapOS tree, sorted. */
export function corpusReleases(tree: string): string[] {
  const dir = join(tree, 'software');
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const sub = join(dir, name);
    if (!statSync(sub).isDirectory()) continue;
    for (const f of readdirSync(sub).sort()) if (/^software.*\.cfg$/.test(f)) out.push(join(sub, f));
  }
  return out;
}

/**
 * The JSON description of a release (`<release>.json`); for a variant of
 * a release without one of its own (software/neoppod/software-py3.cfg: the
 * same software built another way), its directory's software.cfg.json.
 */
export function releaseDescription(release: string): string {
  const own = release + '.json';
  const main = join(dirname(release), 'software.cfg.json');
  return existsSync(own) || !existsSync(main) ? own : main;
}

/**
 * The software type requested by default: `default` when the release's
 * software.cfg.json lists it (or lists none), else its first type by
 * index, as the SlapOS panel offers it.
 */
export function defaultSoftwareType(release: string): string {
  try {
    const j = JSON.parse(readFileSync(releaseDescription(release), 'utf8')) as { 'software-type'?: Record<string, { index?: number; shared?: boolean }> };
    const types = Object.entries(j['software-type'] ?? {}).filter(([, t]) => !t.shared);
    if (!types.length || types.some(([k]) => k === 'default')) return 'default';
    types.sort((a, b) => (a[1].index ?? 1e9) - (b[1].index ?? 1e9));
    return types[0]![0];
  } catch {
    return 'default';
  }
}

type Schema = Record<string, unknown>;

/** A JSON schema of the release, by path (a `$ref` may name another file), the fragment after `#` followed. */
function loadSchema(file: string, fragment = ''): Schema | undefined {
  let node: unknown;
  try {
    node = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
  for (const key of fragment.split('/').filter(Boolean)) node = (node as Record<string, unknown> | undefined)?.[decodeURIComponent(key)];
  return node && typeof node === 'object' ? (node as Schema) : undefined;
}

/** A schema with its `$ref` followed (relative to the file it is in). */
function deref(schema: Schema, file: string, depth = 0): [Schema, string] {
  const ref = schema.$ref;
  if (typeof ref !== 'string' || depth > 20) return [schema, file];
  const [path, fragment] = ref.split('#') as [string, string | undefined];
  const target = path ? join(dirname(file), path) : file;
  const s = loadSchema(target, fragment ?? '');
  return s ? deref(s, target, depth + 1) : [schema, file];
}

/** A placeholder for a required property that has no default. */
function placeholder(schema: Schema, file: string, name: string): unknown {
  const [s, f] = deref(schema, file);
  if (s.default !== undefined) return s.default;
  if (Array.isArray(s.examples) && s.examples.length) return s.examples[0];
  if (Array.isArray(s.enum) && s.enum.length) return s.enum[0];
  if (s.const !== undefined) return s.const;
  const type = Array.isArray(s.type) ? s.type[0] : s.type;
  switch (type) {
    case 'integer':
    case 'number':
      return typeof s.minimum === 'number' ? s.minimum : 1;
    case 'boolean':
      return false;
    case 'array':
      return [];
    case 'object':
      return minimalParameters(s, f);
    default:
      return s.format === 'uri' ? 'http://example.invalid/' : s.format === 'email' ? 'corpus@example.invalid' : `corpus-${name}`;
  }
}

/**
 * The least parameters a JSON schema accepts: every property it requires
 * (also through allOf and $ref) given its default, first example or enum
 * value, else a placeholder of its type; nothing else (the instance applies
 * the other defaults).
 */
export function minimalParameters(schema: Schema, file: string): Record<string, unknown> {
  const [s, f] = deref(schema, file);
  const out: Record<string, unknown> = {};
  const parts: [Schema, string][] = [[s, f], ...((Array.isArray(s.allOf) ? s.allOf : []) as Schema[]).map((x) => deref(x, f))];
  const properties: Record<string, Schema> = {};
  for (const [p] of parts) Object.assign(properties, (p.properties as Record<string, Schema> | undefined) ?? {});
  for (const [p, pf] of parts) {
    for (const name of Array.isArray(p.required) ? (p.required as string[]) : []) {
      if (!(name in out)) out[name] = placeholder(properties[name] ?? {}, pf, name);
    }
  }
  return out;
}

/** The parameters the corpus run requests a release with: those its default type's schema requires (JSON), or undefined. */
export function requiredParameters(release: string, type: string): string | undefined {
  const j = loadSchema(releaseDescription(release)) as { 'software-type'?: Record<string, { request?: string }> } | undefined;
  const request = j?.['software-type']?.[type]?.request;
  if (!request) return undefined;
  const file = join(dirname(release), request);
  const schema = loadSchema(file);
  if (!schema) return undefined;
  const p = minimalParameters(schema, file);
  return Object.keys(p).length ? JSON.stringify(p) : undefined;
}

/** An executable named `name` on the PATH, or undefined. */
function onPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '/usr/bin:/bin').split(':')) {
    const p = join(dir || '.', name);
    try {
      if (statSync(p).isFile() && (statSync(p).mode & 0o111) !== 0) return p;
    } catch {
      // not here
    }
  }
  return undefined;
}

/**
 * Stand-ins for the tools the components of a tree build and name in their
 * `[<component>-output]` sections (`cat = ${coreutils:location}/bin/cat`,
 * which instances run while buildout runs): the system's tool of the same
 * name where there is one, laid out where the component is built
 * (`parts/<component>/bin/<name>`), for --stub-bin. Only tools that are
 * the same program on the system (coreutils, findutils, grep, dash…):
 * a daemon or a tool with other options gets a stand-in of its own.
 */
export function systemToolStandIns(tree: string): Record<string, string> {
  const out: Record<string, string> = {};
  const dir = join(tree, 'component');
  if (!existsSync(dir)) return out;
  for (const component of readdirSync(dir).sort()) {
    let text: string;
    try {
      text = readFileSync(join(dir, component, 'buildout.cfg'), 'utf8');
    } catch {
      continue;
    }
    let section = '';
    for (const line of text.split('\n')) {
      const header = /^\[([^\]]+)\]/.exec(line);
      if (header) section = header[1]!;
      if (!section.endsWith('-output')) continue;
      const m = /^[\w.-]+\s*=\s*\$\{([\w.-]+):location\}\/(s?bin)\/([\w.+-]+)\s*$/.exec(line);
      if (!m || !SYSTEM_TOOLS.has(m[3]!)) continue;
      const system = onPath(m[3]!);
      if (system) out[`parts/${m[1]}/${m[2]}/${m[3]}`] = `#!/bin/sh\n# stands in for the ${m[1]} component's ${m[3]}: the system's\nexec ${system} "$@"\n`;
    }
  }
  return out;
}

/** Tools whose system build takes the options the components' build takes (GNU coreutils, findutils, grep, patch; dash). */
const SYSTEM_TOOLS = new Set(['basename', 'cat', 'date', 'echo', 'md5sum', 'rm', 'sort', 'tail', 'test', 'find', 'xargs', 'grep', 'patch', 'dash', 'openssl']);

interface Ran {
  code: number;
  out: string;
  timedOut: boolean;
}

/** `node CLI ARGS…` (or COMMAND ARGS… with `command`), killed with its process group after timeoutMs. */
async function run(cli: string, args: string[], timeoutMs: number, env: NodeJS.ProcessEnv = {}, command = false): Promise<Ran> {
  const r = await runGuarded(command ? cli : process.execPath, command ? args : [cli, ...args], { timeoutMs, env: { ...process.env, ...env } });
  return { code: r.code ?? -1, out: r.output, timedOut: r.timedOut };
}

/** The first `Error:` line of a run's output (with the next line when it ends with a colon); else a failed promise; else its last line. */
export function firstWall(out: string): string {
  const lines = out.split('\n');
  const i = lines.findIndex((l) => /^\s*Error:|\bError: /.test(l));
  if (i >= 0) {
    const line = lines[i]!.trim().replace(/^.*?Error: /, '');
    // "Invalid parameters:" and the like: what follows on the next line
    return line.endsWith(':') && lines[i + 1]?.trim() ? `${line} ${lines[i + 1]!.trim()}` : line;
  }
  const failed = lines.find((l) => /: failed|promise .* failed|FAILED/i.test(l));
  if (failed) return failed.trim();
  return lines.filter((l) => l.trim()).slice(-1)[0]?.trim() ?? '';
}

const STACK = /^\s+at .+:\d+:\d+\)?$/m;

/** A child's connection parameters not there yet: the requester waits for the child (not a wall of its own). */
const WAITING = /not published yet|not ready yet|partially published/;

/**
 * The wall of `--json node instance`: from the last outcome of each
 * partition (the report closing its output), the first that failed (or
 * whose promises failed, with `promise-failed`) on its
 * own (not waiting for a child it requested), as `slappartN (title):
 * message`; undefined when the report cannot be read.
 */
export function instanceWall(out: string, status: 'failed' | 'promise-failed' = 'failed'): string | undefined {
  const at = out.lastIndexOf('\n{\n');
  let report: { processed?: { partition: string; title: string; status: string; message?: string }[] };
  try {
    report = JSON.parse(at >= 0 ? out.slice(at + 1) : out);
  } catch {
    return undefined;
  }
  const last = new Map((report.processed ?? []).map((p) => [p.partition, p]));
  const failed = [...last.values()].filter((p) => p.status === status);
  const wall = failed.find((p) => !WAITING.test(p.message ?? '')) ?? failed[0];
  if (!wall) return undefined;
  return `${wall.partition} (${wall.title}): ${firstWall(wall.message ?? '')}`;
}

export interface CorpusNodeOptions {
  /** bin/tsbuildout.js */
  cli: string;
  tree: string;
  stubs?: (release: string) => ReleaseStubs | undefined;
  /** Where stub trees are written: a function returning the directory. */
  writeStubs?: (dir: string, files: Record<string, string>) => string;
  timeoutMs?: number;
  keep?: boolean;
  /**
   * The Python the node runs (the bridge, promises): first as `python3` on
   * the PATH of every command, as on a Debian node (default /usr/bin/python3
   * when there is one).
   */
  python?: string;
  /**
   * Taken while a release's services may run (`node instance` to `node
   * stop`): releases listen on fixed ports, so two must not run at once,
   * on this machine (test/helpers/node.ts fixedPortsLock).
   */
  servicesLock?: () => Promise<{ release(): void }>;
  /** Where each release's temporary node is made (default: the temporary directory); cleanUpNodes stops what is left there. */
  base?: string;
}

/** A PATH whose `python3` is `python` (a directory with the link, under `root`). */
function pathWithPython(root: string, python: string | undefined): NodeJS.ProcessEnv {
  if (!python) return {};
  const bin = join(root, 'python-bin');
  mkdirSync(bin, { recursive: true });
  symlinkSync(python, join(bin, 'python3'));
  return { PATH: `${bin}:${process.env.PATH ?? '/usr/bin:/bin'}` };
}

/** One release on a fresh node. */
export async function deployRelease(release: string, o: CorpusNodeOptions): Promise<ReleaseResult> {
  const t0 = performance.now();
  const root = mkdtempSync(join(o.base ?? tmpdir(), 'tsbuildout-corpus-node-'));
  const node = join(root, 'node');
  const name = relative(o.tree, release);
  const stubs = o.stubs?.(release);
  const timeout = o.timeoutMs ?? 300_000;
  let internal = false;
  let lock: { release(): void } | undefined;
  const env = pathWithPython(root, o.python ?? (existsSync('/usr/bin/python3') ? '/usr/bin/python3' : undefined));
  const step = async (args: string[]): Promise<Ran> => {
    const r = await run(o.cli, [...args, '--root', node], timeout, env);
    if (STACK.test(r.out)) internal = true;
    return r;
  };
  const done = (level: ReleaseResult['level'], wall?: string): ReleaseResult => ({ release: name, level, ...(wall ? { wall } : {}), seconds: (performance.now() - t0) / 1000, ...(internal ? { internal } : {}) });
  try {
    const stubArgs = stubs?.files && o.writeStubs ? ['--stub-bin', o.writeStubs(join(root, 'stubs'), stubs.files)] : [];
    const sw = await step(['node', 'software', release, '--stub-software', ...stubArgs, ...(stubs?.assignments ?? [])]);
    if (sw.code !== 0) return done(0, `software: ${sw.timedOut ? 'timed out' : firstWall(sw.out)}`);
    const type = stubs?.type ?? defaultSoftwareType(release);
    const parameters = stubs?.parameters ?? requiredParameters(release, type);
    const rq = await step(['request', 'corpus', release, '--type', type, ...(parameters ? ['--parameters', parameters] : [])]);
    if (rq.code !== 0) return done(1, `request: ${firstWall(rq.out)}`);
    lock = await o.servicesLock?.();
    // a second run when the first fails, as slapos node instance runs again a minute later
    // (software/seleniumserver's fingerprint check fails on the first run by design)
    let inst = await step(['--json', 'node', 'instance']);
    if (inst.code === 1 && !inst.timedOut) inst = await step(['--json', 'node', 'instance']);
    if (inst.timedOut) return done(1, 'instance: timed out');
    if (inst.code !== 0 && inst.code !== 2) return done(1, `instance: ${instanceWall(inst.out) ?? firstWall(inst.out)}`);
    const st = await step(['--json', 'node', 'status']);
    let level: ReleaseResult['level'] = 2;
    // the last outcome of each partition: the promises that failed at first may have passed since
    let wall = inst.code === 2 ? `promises: ${instanceWall(inst.out, 'promise-failed') ?? firstWall(inst.out)}` : undefined;
    let partitions = 0;
    try {
      const states = JSON.parse(st.out) as { partition: string; title: string; services: { name: string; state: string }[]; promises: Record<string, { failed: boolean; message: string }> }[];
      partitions = states.length;
      // a program of etc/run runs once (supervisord's autorestart false): EXITED is its end, not a fault
      const runOnce = (partition: string, name: string) => existsSync(join(node, 'instance', partition, 'etc', 'run', name));
      const down = states.flatMap((s) => s.services.filter((x) => x.state !== 'RUNNING' && !(x.state === 'EXITED' && runOnce(s.partition, x.name))).map((x) => `${x.name} ${x.state}`));
      const failed = states.flatMap((s) => Object.entries(s.promises).filter(([, p]) => p.failed).map(([k, p]) => `${k}: ${p.message.split('\n')[0]}`));
      if (!down.length && !failed.length && inst.code === 0) level = 3;
      else wall ??= down.length ? `services: ${down.slice(0, 3).join(', ')}` : `promises: ${failed[0]}`;
    } catch {
      wall ??= `status: ${firstWall(st.out)}`;
    }
    return { ...done(level, wall), partitions };
  } finally {
    await run(o.cli, ['node', 'stop', '--root', node], 60_000, env);
    lock?.release();
    if (!o.keep) rmSync(root, { recursive: true, force: true });
    else if (existsSync(root)) process.stderr.write(`kept ${root}\n`);
  }
}

/**
 * After an interruption: stop the node of every release under `base`
 * (their supervisord and services outlive the commands that started them,
 * by design), then remove them unless `keep`.
 */
export function cleanUpNodes(base: string, cli: string, keep = false): void {
  if (!existsSync(base)) return;
  for (const entry of readdirSync(base)) {
    const node = join(base, entry, 'node');
    if (existsSync(node)) spawnSync(process.execPath, [cli, 'node', 'stop', '--root', node], { stdio: 'ignore', timeout: 60_000 });
  }
  if (!keep) rmSync(base, { recursive: true, force: true });
}

/** How `--one` prints its result. */
export const RESULT = 'corpus-node result: ';

/**
 * Can each release run in a network namespace of its own (root, with
 * util-linux's unshare)? Its services then listen on the ports they want
 * without meeting another release's or another test's, on this machine.
 */
export function canIsolateNetwork(): boolean {
  return process.getuid?.() === 0 && spawnSync('unshare', ['--net', 'true'], { stdio: 'ignore' }).status === 0;
}

/**
 * A release deployed by `node SCRIPT --one RELEASE ARGS…` in a network
 * namespace of its own (its loopback brought up), which prints the result
 * as JSON on a line starting with RESULT.
 */
export function isolatedDeploy(script: string, args: string[], timeoutMs: number): (release: string) => Promise<ReleaseResult> {
  return async (release) => {
    const t0 = performance.now();
    const r = await run('unshare', ['--net', '/bin/sh', '-c', 'ip link set lo up && exec "$@"', 'sh', process.execPath, script, '--one', release, ...args], timeoutMs * 6, {}, true);
    const last = r.out.split('\n').find((l) => l.startsWith(RESULT)) ?? r.out.trim().split('\n').pop() ?? '';
    try {
      return JSON.parse(last.slice(RESULT.length)) as ReleaseResult;
    } catch {
      return { release, level: 0, wall: `the isolated run failed: ${r.timedOut ? 'timed out' : last}`, seconds: (performance.now() - t0) / 1000 };
    }
  };
}

/** Every release, `jobs` at a time, `each` hearing each result as it comes. */
export async function deployCorpus(releases: string[], o: CorpusNodeOptions & { jobs?: number; each?: (r: ReleaseResult) => void; deploy?: (release: string) => Promise<ReleaseResult> }): Promise<ReleaseResult[]> {
  const results: ReleaseResult[] = new Array(releases.length);
  let next = 0;
  const worker = async () => {
    while (next < releases.length) {
      const i = next++;
      results[i] = await (o.deploy ? o.deploy(releases[i]!) : deployRelease(releases[i]!, o));
      o.each?.(results[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, o.jobs ?? 2) }, worker));
  return results;
}
