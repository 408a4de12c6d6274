// Benchmark of the Jinja2 engine: compiling and rendering a few real
// SlapOS templates (when ../shared/corpus is present) or a synthetic one.
// The lead's bench runner imports benchJinja(); running this file prints
// the timings.

import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Environment } from '../jinja/environment.ts';
import { builtins } from '../python/builtins.ts';
import { jsonModule } from '../python/json.ts';
import { PyList, type PyValue } from '../python/value.ts';
import { corpusRoot, repoRoot } from '../scripts/lib/jinja-corpus.ts';

/** Templates that render completely with ChainableUndefined and no variables. */
const CORPUS_TEMPLATES = [
  'stack/monitor/instance-monitor.cfg.jinja2.in',
  'stack/resilient/template-replicated.cfg.in',
  'software/rapidspace-vps/instance.cfg.in',
  'software/backupserver/instance-pullrdiffbackup.cfg.in',
];

const SYNTHETIC = `{%- set part_list = [] -%}
{% for i in range(n) -%}
{%   set name = 'service-%03d' % i -%}
{%   do part_list.append(name) -%}
[{{ name }}]
recipe = slapos.cookbook:wrapper
command-line = {{ bin }}/run --port {{ 8000 + i }} {{ options | join(' ') }}
{% if i is even %}even = {{ (i // 2) | string }}{% else %}odd = {{ i % 7 }}{% endif %}
{% endfor -%}
[buildout]
parts =
  {{ part_list | join('\\n  ') }}
`;

export interface BenchResult {
  name: string;
  bytes: number;
  /** Milliseconds to parse and compile once. */
  compileMs: number;
  /** Mean milliseconds per render. */
  renderMs: number;
  iterations: number;
}

function environment(): Environment {
  const globals = new Map<string, PyValue>(builtins);
  globals.set('json_module', jsonModule);
  return new Environment({ undefined: 'chainable', extensions: ['jinja2.ext.do', 'jinja2.ext.loopcontrols'], globals });
}

function time(f: () => void): number {
  const t0 = process.hrtime.bigint();
  f();
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

/** Compiles and renders each benchmark template; `iterations` renders per template. */
export async function benchJinja(iterations = 200): Promise<BenchResult[]> {
  const sources: [string, string, Record<string, PyValue>][] = [];
  const root = corpusRoot();
  for (const rel of CORPUS_TEMPLATES) {
    const path = join(root, rel);
    if (existsSync(path)) sources.push([rel, readFileSync(path, 'utf8'), {}]);
  }
  sources.push(['synthetic (100 sections)', SYNTHETIC, { n: 100n, bin: '/srv/bin', options: new PyList(['--verbose', '--log=-']) }]);
  const results: BenchResult[] = [];
  for (const [name, source, vars] of sources) {
    const env = environment();
    let template = env.fromString(source);
    for (let i = 0; i < 5; i++) template = env.fromString(source); // warm up the JIT
    const compileMs = time(() => {
      for (let i = 0; i < 20; i++) template = env.fromString(source);
    }) / 20;
    const context = new Map(Object.entries(vars));
    for (let i = 0; i < 20; i++) template.render(context); // warm up
    const total = time(() => {
      for (let i = 0; i < iterations; i++) template.render(context);
    });
    results.push({ name, bytes: source.length, compileMs, renderMs: total / iterations, iterations });
  }
  return results;
}


export interface RecipeBenchRow {
  part: string;
  template: string;
  bytes: number;
  oursCompileMs: number;
  oursRenderMs: number;
  pythonCompileMs?: number;
  pythonRenderMs?: number;
}

/** Software profiles whose jinja2 parts the recipe benchmark renders. */
const BENCH_SOFTWARE = ['helloworld', 'caucase', 'llamacpp', 'neotest', 'system-audit', 're6stnet'];

/**
 * Real jinja2 parts of the corpus, with the context tsbuildout resolves for
 * them, rendered by tsbuildout and by Python's Jinja2 configured as the
 * recipe: the time to compile once, and the mean time of one warm render.
 */
export async function benchRecipeParts(iterations = 200): Promise<RecipeBenchRow[]> {
  const { partsOf, oracleJob, unrenderable, templateName } = await import('../scripts/lib/jinja-recipe-corpus.ts');
  const { recipeEnvironment } = await import('../recipes/jinja2/environment.ts');
  const { importLoader } = await import('../recipes/jinja2/loader.ts');
  const { encodeOutput, renderVariables, templateSource } = await import('../recipes/jinja2/index.ts');
  const root = corpusRoot();
  const cases = [];
  for (const sw of BENCH_SOFTWARE) {
    const profile = join(root, 'software', sw, 'software.cfg');
    if (!existsSync(profile)) continue;
    for (const c of await partsOf(root, profile)) if (c.prepared && !unrenderable(root, c)) cases.push(c);
  }
  // one row per template and context: the monitor template is in every profile
  const seen = new Set<string>();
  const unique = cases.filter((c) => {
    const key = templateName(root, c) + '\0' + c.part;
    return seen.has(key) ? false : (seen.add(key), true);
  });
  const rows: RecipeBenchRow[] = [];
  for (const c of unique) {
    const part = c.prepared!;
    const here = process.cwd();
    process.chdir(c.directory);
    try {
      const { source } = await templateSource(part, true, c.directory);
      let template = recipeEnvironment(part.extensions, importLoader(part.imports, part.importDelimiter, part.encoding)).fromString(source);
      const compileMs = time(() => {
        for (let i = 0; i < 10; i++) template = recipeEnvironment(part.extensions, importLoader(part.imports, part.importDelimiter, part.encoding)).fromString(source);
      }) / 10;
      const vars = renderVariables(part);
      const once = () => encodeOutput(template.render(vars), part.encoding).length;
      const bytes = once();
      // warm: at least `iterations` renders and 1 s; then the median of 5 rounds of 100 ms
      let warm = 0;
      const t0 = performance.now();
      while (warm < iterations || performance.now() - t0 < 1000) (once(), warm++);
      const rounds: number[] = [];
      for (let r = 0; r < 5; r++) {
        let n = 0;
        const t1 = performance.now();
        while (n < iterations / 5 || performance.now() - t1 < 100) (once(), n++);
        rounds.push((performance.now() - t1) / n);
      }
      rounds.sort((a, b) => a - b);
      rows.push({ part: `${c.software.split('/')[1]} [${c.part}]`, template: templateName(root, c), bytes, oursCompileMs: compileMs, oursRenderMs: rounds[2]! });
    } finally {
      process.chdir(here);
    }
  }
  const jobs = unique.map((c, i) => oracleJob(String(i), c));
  const r = spawnSync('/usr/bin/python3', [join(repoRoot(), 'scripts', 'jinja-recipe-oracle.py'), '--bench', String(iterations)], {
    input: JSON.stringify(jobs),
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.status === 0) {
    const py = JSON.parse(r.stdout) as Record<string, { compile_ms: number; render_ms: number }>;
    rows.forEach((row, i) => {
      row.pythonCompileMs = py[String(i)]!.compile_ms;
      row.pythonRenderMs = py[String(i)]!.render_ms;
    });
  }
  return rows;
}

/** The recipe benchmark as a table (for npm run bench). */
export async function recipeBenchReport(iterations = 200): Promise<string> {
  const { table } = await import('./lib/stats.ts');
  const rows = await benchRecipeParts(iterations);
  if (!rows.length) return '(no corpus: jinja2 recipe benchmark skipped)';
  const f = (x: number | undefined) => (x === undefined ? '-' : x.toFixed(3));
  const body = rows.map((r) => [
    r.part,
    r.template,
    String(r.bytes),
    f(r.oursCompileMs),
    f(r.pythonCompileMs),
    f(r.oursRenderMs),
    f(r.pythonRenderMs),
    r.pythonRenderMs === undefined ? '-' : (r.pythonRenderMs / r.oursRenderMs).toFixed(2) + '×',
  ]);
  const sum = (k: 'oursRenderMs' | 'pythonRenderMs') => rows.reduce((a, r) => a + (r[k] ?? NaN), 0);
  body.push(['total', '', '', '', '', f(sum('oursRenderMs')), f(sum('pythonRenderMs')), (sum('pythonRenderMs') / sum('oursRenderMs')).toFixed(2) + '×']);
  return (
    `Jinja2 recipe rendering: real parts with the context tsbuildout resolves; one render once warm (median of 5 rounds of 100 ms after 1 s of warm-up), tsbuildout and /usr/bin/python3's Jinja2\n` +
    table(['part', 'template', 'bytes', 'compile ms', 'py compile ms', 'render ms', 'py render ms', 'speed-up'], body)
  );
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  for (const r of await benchJinja()) {
    console.log(`${r.name}: ${r.bytes} bytes, compile ${r.compileMs.toFixed(3)} ms, render ${r.renderMs.toFixed(3)} ms (${r.iterations}×)`);
  }
  console.log(await recipeBenchReport());
}
