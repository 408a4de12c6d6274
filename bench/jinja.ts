// Benchmark of the Jinja2 engine: compiling and rendering a few real
// SlapOS templates (when ../shared/corpus is present) or a synthetic one.
// The lead's bench runner imports benchJinja(); running this file prints
// the timings.

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Environment } from '../jinja/environment.ts';
import { builtins } from '../python/builtins.ts';
import { jsonModule } from '../python/json.ts';
import { PyList, type PyValue } from '../python/value.ts';
import { corpusRoot } from '../scripts/lib/jinja-corpus.ts';

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

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  for (const r of await benchJinja()) {
    console.log(`${r.name}: ${r.bytes} bytes, compile ${r.compileMs.toFixed(3)} ms, render ${r.renderMs.toFixed(3)} ms (${r.iterations}×)`);
  }
}
