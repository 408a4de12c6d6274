// Promises (docs/slapos-node.md#promises), run after a started partition's services:
// - legacy ones: every regular executable file of etc/promise, run from the
//   partition directory; exit status ≠ 0 is a failure, the output its
//   message ("Bad promise file" for anything else in the folder);
// - plugins: the etc/plugin/*.py files promise.plugin writes. tsbuildout
//   reads the module they import and their extra_config_dict and runs the
//   plugins of slapos.toolbox natively (promise-plugins.ts). Any other
//   plugin fails with a message saying so.
// Each promise has 20 s. Results are written as
// .slapgrid/promise/result/<name>.status.json and promise_status.json.
import { accessSync, constants, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parseLiteral, PyDict, type PyValue } from '../../python/index.ts';
import { NATIVE_PLUGINS, type PluginContext } from './promise-plugins.ts';
import { sweepTemporaries } from '../../recipes/lib/files.ts';
import { runGuarded, type GuardedRun } from '../../recipes/lib/process-guard.ts';

export const PROMISE_TIMEOUT_MS = 20_000;

export interface PromiseResult {
  name: string;
  path: string;
  kind: 'legacy' | 'plugin';
  failed: boolean;
  message: string;
  date: string;
  'execution-time': number;
}

export interface Plugin {
  module: string;
  config: Record<string, string>;
}

/** The module and configuration of a plugin file written by promise.plugin. */
export function readPlugin(text: string): Plugin | undefined {
  const m = /^from ([\w.]+) import (\w+)(?: as RunPromise)?\s*$/m.exec(text);
  const c = /^extra_config_dict = ([\s\S]*?)\n\n/m.exec(text);
  if (!m || !c) return undefined;
  let config: PyValue;
  try {
    config = parseLiteral(c[1]!);
  } catch {
    return undefined;
  }
  const out: Record<string, string> = {};
  if (config instanceof PyDict) for (const [k, v] of config.entries()) out[String(k)] = v === null ? '' : String(v);
  return { module: m[1]!, config: out };
}

/** Who runs a partition's promise commands: its user, when the node gave the partition away (root). */
export interface RunAs {
  uid: number;
  gid: number;
}

function run(command: string, args: string[], cwd: string, shell = false, user?: RunAs): Promise<GuardedRun> {
  // a promise never outlives the node that runs it
  return runGuarded(command, args, { cwd, shell, timeoutMs: PROMISE_TIMEOUT_MS, ...(user ? { user } : {}) });
}

async function withTimeout<T>(p: Promise<T> | T, fallback: T): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const t = new Promise<T>((res) => (timer = setTimeout(() => res(fallback), PROMISE_TIMEOUT_MS + 1000)));
  try {
    return await Promise.race([Promise.resolve(p), t]);
  } finally {
    clearTimeout(timer);
  }
}

function isExecutableFile(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Every promise of a partition, run (plugins concurrently, then legacy
 * ones); results recorded. `graceMs`: right after services were started,
 * failing promises are run again every 0.2 s for that long before
 * they count (services need a moment to listen; slapgrid would report the
 * failure and succeed on its next run), while `settling` says a service
 * may still begin to listen (none: the failures are final).
 */
export async function runPromises(dir: string, graceMs = 0, user?: RunAs, settling?: () => Promise<boolean>): Promise<PromiseResult[]> {
  const deadline = Date.now() + graceMs;
  for (;;) {
    const results = await runPromisesOnce(dir, user);
    if (!results.some((r) => r.failed) || Date.now() >= deadline || (settling && !(await settling()))) {
      recordResults(dir, results);
      return results;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function runPromisesOnce(dir: string, user?: RunAs): Promise<PromiseResult[]> {
  const results: PromiseResult[] = [];
  const list = (d: string) => {
    // a killed buildout's temporaries are no promises
    sweepTemporaries(d);
    try {
      return readdirSync(d).sort();
    } catch {
      return [];
    }
  };
  const date = () => new Date().toISOString();
  const pluginDir = join(dir, 'etc', 'plugin');
  const plugins = list(pluginDir).filter((f) => f.endsWith('.py') && !f.startsWith('__init__'));
  const pluginResults = await Promise.all(
    plugins.map(async (f): Promise<PromiseResult> => {
      const path = join(pluginDir, f);
      const started = Date.now();
      const plugin = readPlugin(readFileSync(path, 'utf8'));
      let ok: boolean;
      let message: string;
      if (!plugin) [ok, message] = [false, `Error: ${f} is not a promise plugin tsbuildout can read`];
      else if (!NATIVE_PLUGINS[plugin.module]) [ok, message] = [false, `Error: the promise plugin module ${plugin.module} is not one tsbuildout runs (${Object.keys(NATIVE_PLUGINS).map((m) => m.split('.').pop()).join(', ')})`];
      else {
        const ctx: PluginContext = { partition: dir, timeoutMs: PROMISE_TIMEOUT_MS, shell: (command) => run(command, [], dir, true, user) };
        try {
          [ok, message] = await withTimeout(NATIVE_PLUGINS[plugin.module]!(plugin.config, ctx), [false, `Error: Promise timed out after ${PROMISE_TIMEOUT_MS / 1000} seconds`] as [boolean, string]);
        } catch (e) {
          // what the plugin could not read (a missing file): its failure, as an exception in sense() is
          [ok, message] = [false, `${(e as NodeJS.ErrnoException).code ?? 'Error'}: ${(e as Error).message}`];
        }
      }
      return { name: f, path, kind: 'plugin', failed: !ok, message, date: date(), 'execution-time': (Date.now() - started) / 1000 };
    }),
  );
  results.push(...pluginResults);
  const legacyDir = join(dir, 'etc', 'promise');
  for (const f of list(legacyDir)) {
    const path = join(legacyDir, f);
    const started = Date.now();
    if (!isExecutableFile(path)) {
      results.push({ name: f, path, kind: 'legacy', failed: true, message: `Bad promise file at ${JSON.stringify(path)}.`, date: date(), 'execution-time': 0 });
      continue;
    }
    const r = await run(path, [], dir, false, user);
    const message = r.timedOut ? `Error: Promise timed out after ${PROMISE_TIMEOUT_MS / 1000} seconds` : r.output.trim() || (r.code === 0 ? 'OK' : `exited with status ${r.code}`);
    results.push({ name: f, path, kind: 'legacy', failed: r.code !== 0 || r.timedOut, message, date: date(), 'execution-time': (Date.now() - started) / 1000 });
  }
  return results;
}

export function recordResults(dir: string, results: PromiseResult[]): void {
  const base = join(dir, '.slapgrid', 'promise');
  const resultDir = join(base, 'result');
  mkdirSync(resultDir, { recursive: true });
  for (const r of results) {
    const title = basename(r.name).replace(/\.py$/, '');
    writeFileSync(join(resultDir, `${title}.status.json`), JSON.stringify({ name: r.name, title, path: r.path, 'execution-time': r['execution-time'], result: { failed: r.failed, message: r.message, date: r.date } }, null, 2) + '\n');
  }
  writeFileSync(join(base, 'promise_status.json'), JSON.stringify(Object.fromEntries(results.map((r) => [r.name, { failed: r.failed, message: r.message, date: r.date }])), null, 2) + '\n');
}

/** The last recorded results of a partition. */
export function lastResults(dir: string): Record<string, { failed: boolean; message: string; date: string }> {
  const f = join(dir, '.slapgrid', 'promise', 'promise_status.json');
  return existsSync(f) ? (JSON.parse(readFileSync(f, 'utf8')) as Record<string, { failed: boolean; message: string; date: string }>) : {};
}
