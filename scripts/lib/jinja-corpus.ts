// Parsing the SlapOS template corpus with this engine and with Python's
// Jinja2, for scripts/jinja-parse-corpus.ts and test/jinja/corpus.test.ts.

import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PyException } from '../../python/exceptions.ts';
import { TemplateSyntaxError } from '../../jinja/errors.ts';
import { Parser, EXTENSION_TAGS, type TagParser } from '../../jinja/parser.ts';
import { Environment } from '../../jinja/environment.ts';
import { recipeBuiltinGlobals } from '../../jinja/globals.ts';
import { jsonModule } from '../../python/json.ts';
import { importModule } from '../../python/modules/index.ts';

/** The repository root: the nearest folder up with tsbuildout's package.json. */
export function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && JSON.parse(readFileSync(pkg, 'utf8')).name === 'tsbuildout') return dir;
    const up = dirname(dir);
    if (up === dir) return process.cwd();
    dir = up;
  }
}

export const corpusRoot = () => join(repoRoot(), '..', 'shared', 'corpus', 'slapos');

/**
 * The corpus templates: files named *.in or *.jinja2 (the set the brief
 * counts), or with `all`, every file that contains `{{`, `{%` or `{#`.
 */
export function corpusTemplates(root = corpusRoot(), all = false): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (all ? /\{[{%#]/.test(readFileSync(path, 'latin1')) : name.endsWith('.in') || name.endsWith('.jinja2')) {
        out.push(path);
      }
    }
  };
  if (existsSync(root)) walk(root);
  return out;
}

const tags = new Map<string, TagParser>(
  Object.values(EXTENSION_TAGS).flatMap((t) => Object.entries(t)),
);

/** 'ok' or '!Class: message @line N', as scripts/jinja-oracle.py writes it. */
export function parseWithUs(path: string): string {
  const source = readFileSync(path, 'utf8');
  try {
    new Parser(source, null, { extensions: tags }).parse();
    return 'ok';
  } catch (e) {
    if (e instanceof TemplateSyntaxError) return `!${e.pyType}: ${e.message} @line ${e.lineno}`;
    if (e instanceof PyException) return `!${e.pyType}: ${e.message}`;
    return `!JavaScript ${(e as Error).stack}`;
  }
}

/** Renders a whole template with no variables and the default Undefined: the output's SHA-256, or the error. */
export function renderWithUs(path: string, undefined: 'default' | 'chainable' = 'default'): string {
  const source = readFileSync(path, 'utf8');
  const hide = (t: string) => t.replace(/ at 0x[0-9a-f]+>/g, ' at 0x?>').replace(/memory:[0-9a-f]+/g, 'memory:?');
  try {
    const env = new Environment({
      undefined,
      extensions: ['jinja2.ext.do', 'jinja2.ext.loopcontrols'],
      globals: recipeGlobals(),
    });
    const text = env.fromString(source).render();
    return createHash('sha256').update(hide(text), 'utf8').digest('hex');
  } catch (e) {
    if (e instanceof TemplateSyntaxError) return hide(`!${e.pyType}: ${e.message} @line ${e.lineno}`);
    if (e instanceof PyException) return hide(`!${e.pyType}: ${e.message}`);
    return `!JavaScript ${(e as Error).stack}`;
  }
}

/** The globals of the oracle: the Python builtins and six, as slapos.recipe.template gives them, and json_module. */
function recipeGlobals(): ReturnType<typeof recipeBuiltinGlobals> {
  const m = recipeBuiltinGlobals();
  m.set('json_module', jsonModule);
  m.set('six', importModule('six')!);
  return m;
}

/** Python's answers for the files, or null when /usr/bin/python3 with jinja2 is not there. */
export function parseWithPython(
  paths: string[],
  mode: 'parse' | 'render-files' | 'render-files-chainable' = 'parse',
): Record<string, string> | null {
  const r = spawnSync('/usr/bin/python3', [join(repoRoot(), 'scripts', 'jinja-oracle.py'), mode], {
    input: paths.join('\n'),
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.status !== 0) return null;
  return JSON.parse(r.stdout);
}

export interface CorpusReport {
  total: number;
  parsedByJinja2: number;
  parsedByBoth: number;
  sameErrors: number;
  mismatches: { path: string; python: string; ours: string }[];
}

export function compareCorpus(
  paths: string[],
  python: Record<string, string>,
  ours: (path: string) => string = parseWithUs,
): CorpusReport {
  const report: CorpusReport = { total: paths.length, parsedByJinja2: 0, parsedByBoth: 0, sameErrors: 0, mismatches: [] };
  const root = corpusRoot();
  for (const path of paths) {
    const want = python[path] ?? '(missing)';
    const got = ours(path);
    const ok = (x: string) => !x.startsWith('!');
    if (ok(want)) report.parsedByJinja2++;
    if (ok(want) && want === got) report.parsedByBoth++;
    else if (want === got) report.sameErrors++;
    else report.mismatches.push({ path: relative(root, path), python: want, ours: got });
  }
  return report;
}
