// The corpus comparison of slapos.recipe.template:jinja2 parts: every
// jinja2 part of every software/*/software.cfg under a folder, its context
// as tsbuildout's resolution gives it, rendered by tsbuildout and by
// Python's Jinja2 configured as the recipe configures it
// (scripts/jinja-recipe-oracle.py), compared byte for byte.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { asBuildoutError, RecipeRuntime } from '../../executor/runtime.ts';
import { buildoutView, partOptions } from '../../executor/view.ts';
import type { Assignment } from '../../profile/assemble.ts';
import { BuildoutError } from '../../parser/diagnostic.ts';
import type { Buildout, RecipeHost } from '../../profile/buildout.ts';
import { loadBuildout } from '../../profile/load.ts';
import { pyJoin } from '../../profile/location.ts';
import type { Options } from '../../profile/options.ts';
import { consumerValue } from '../../profile/values.ts';
import { PyException } from '../../python/exceptions.ts';
import { repr } from '../../python/repr.ts';
import { pySplitWhitespace } from '../../python/text.ts';
import { RecipeError } from '../../recipes/api.ts';
import { defaultRegistry } from '../../recipes/index.ts';
import { encodeOutput, prepareJinja2, renderText, templateJinja2, templateSource, type Jinja2Part } from '../../recipes/jinja2/index.ts';
import { parseRecipeSpec } from '../../recipes/registry.ts';
import { repoRoot } from './jinja-corpus.ts';
import { PyRemote } from '../../pybridge/remote.ts';

export interface PartCase {
  /** The software profile, relative to the corpus root. */
  software: string;
  part: string;
  /** The buildout directory (relative paths of the part are relative to it). */
  directory: string;
  prepared?: Jinja2Part;
  /** Why the part's options or context could not be resolved. */
  unresolved?: string;
  /** Ends the Python bridge that holds modules the context imported (kept until the part is rendered). */
  release?: () => void;
}

/** Ends the Python bridges kept for rendering (see PartCase.release). */
export function releaseParts(cases: PartCase[]): void {
  for (const c of cases) c.release?.();
}

export type Answer = { ok: string } | { error: string };

const message = (e: unknown): string =>
  e instanceof BuildoutError ? e.primary.message : e instanceof PyException || e instanceof RecipeError ? e.toString().replace(/^Error: /, '') : String(e);

/**
 * Sections with a recipe: jinja2 parts are prepared by the recipe's init;
 * every other recipe's init runs as in a run with --stub-software (the
 * run's RecipeRuntime, so slapos.recipe.build code and recipe eggs run
 * through the Python bridge); where that fails, the part gets the
 * `location` most software recipes set (`${buildout:parts-directory}/NAME`),
 * so that templates referring to a component's location resolve.
 */
class CorpusHost implements RecipeHost {
  readonly found = new Map<string, PartCase>();
  /** The run's runtime, made for the buildout at its first section with a recipe. */
  runtime: RecipeRuntime | undefined;
  constructor(
    private readonly software: string,
    private readonly directory: () => string,
  ) {}

  init(options: Options, buildout: Buildout): void {
    const runtime = (this.runtime ??= new RecipeRuntime(buildout, defaultRegistry(), { stubSoftware: true, offline: true }, QUIET));
    const spec = parseRecipeSpec(consumerValue(buildout.semantics, options.require('recipe')));
    const module = spec ? defaultRegistry().find(spec) : undefined;
    if (module === templateJinja2) {
      const c: PartCase = { software: this.software, part: options.name, directory: this.directory() };
      try {
        const view = buildoutView(buildout, options, runtime.policy);
        c.prepared = prepareJinja2(options.name, partOptions(options, buildout, (expr) => runtime.python().evaluate(expr)), view, (module) => runtime.python().importModule(module));
      } catch (e) {
        const err = asBuildoutError(buildout, e);
        if (!(err instanceof BuildoutError)) throw e;
        c.unresolved = message(err);
      }
      this.found.set(options.name, c);
      return;
    }
    try {
      runtime.init(options, buildout);
      return;
    } catch {
      // what resolves: the stub below
    }
    const location = buildout.section('buildout').require('parts-directory') + '/' + options.name;
    if (!options.has('location')) options.set('location', location);
    if (spec?.project === 'slapos.recipe.build' && spec.entry === 'download' && !options.has('target')) {
      // the file the download would copy: a local source stands in for its copy
      const url = options.get('url') ?? '';
      const local = url.startsWith('file://') ? url.slice(7) : url;
      const name = options.get('filename') || url.split('/').pop() || options.name;
      options.set('target', !/^[a-z]+:\/\//i.test(local) && existsSync(local) ? local : location + '/' + name);
    }
  }
}

const QUIET = { info() {}, warning() {}, debug() {} };

/** The software profiles: software/*\/software.cfg. */
export function softwareProfiles(root: string): string[] {
  const dir = join(root, 'software');
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .sort()
    .map((name) => join(dir, name, 'software.cfg'))
    .filter((p) => existsSync(p));
}

/**
 * Every jinja2 part of one software profile, each prepared or with the
 * reason it is not. A template that another part makes during the build
 * (its `output`) is made first, as the build would, with that part's
 * output moved to `buildDir` (assignments never write into the corpus).
 */
export async function partsOf(root: string, profile: string, buildDir?: string, assignments: Assignment[] = [], build: string[] = []): Promise<PartCase[]> {
  const software = relative(root, profile);
  let dir = '';
  const host = new CorpusHost(software, () => dir);
  let buildout: Buildout;
  try {
    ({ buildout } = await loadBuildout({ config: profile, userDefaults: false, executable: '/usr/bin/python3', env: { python: '3.11' }, recipes: host, assignments }));
  } catch (e) {
    host.runtime?.close();
    if (!(e instanceof BuildoutError)) throw e;
    return [{ software, part: '(profile)', directory: '', unresolved: message(e) }];
  }
  try {
    dir = buildout.section('buildout').require('directory');
    for (const name of build) {
      try {
        mkdirSync(dirname(buildout.section(name).require('output')), { recursive: true });
        await host.runtime!.parts.get(name)!.recipe.install();
      } catch {
        // not made: the template stays missing, and unrenderable() says so
      }
    }
    const failed: PartCase[] = [];
    for (const p of pySplitWhitespace(buildout.section('buildout').require('parts'))) {
      try {
        buildout.section(p);
      } catch (e) {
        if (!(e instanceof BuildoutError)) throw e;
        // a jinja2 part whose own options failed before its recipe ran
        const recipe = buildout.sections.get(p)?.raw.get('recipe')?.value ?? '';
        if (recipe.startsWith('slapos.recipe.template:jinja2') && !host.found.has(p)) {
          failed.push({ software, part: p, directory: dir, unresolved: message(e) });
        }
      }
    }
    const cases = [...host.found.values(), ...failed];
    if (!buildDir || build.length) return cases;
    // templates made by another part of the build: that part's output moved, then installed
    const made = builtTemplates(cases, buildout, host.runtime?.parts.keys() ?? []);
    if (!made.length) return cases;
    const moved = made.map((name) => ({ section: name, option: 'output', value: join(buildDir, relative(root, dir), name) }));
    return await partsOf(root, profile, buildDir, [...assignments, ...moved], made);
  } finally {
    // a context holding modules of the bridge's Python needs it until rendered
    const holding = [...host.found.values()].filter((c) => c.prepared?.context.some((e) => e.value instanceof PyRemote));
    if (holding.length) for (const c of holding) c.release = () => host.runtime?.close();
    else host.runtime?.close();
  }
}

/** The parts whose output is the (missing) template of a jinja2 part. */
function builtTemplates(cases: PartCase[], buildout: Buildout, initialised: Iterable<string>): string[] {
  const missing = new Set<string>();
  for (const c of cases) {
    const t = c.prepared?.template;
    if (t?.kind === 'url' && !/^[a-z]+:\/\//i.test(t.url) && !existsSync(pyJoin(c.directory, t.url))) missing.add(pyJoin(c.directory, t.url));
  }
  if (!missing.size) return [];
  return [...initialised].filter((name) => {
    const output = buildout.section(name).get('output');
    return output !== undefined && missing.has(consumerValue(buildout.semantics, output));
  });
}

/** The template a part renders, for reports: a path relative to the corpus, a URL, or '<inline>'. */
export function templateName(root: string, c: PartCase): string {
  const t = c.prepared?.template;
  if (!t) return '?';
  if (t.kind === 'inline') return '<inline>';
  if (/^[a-z]+:\/\//i.test(t.url) && !t.url.startsWith('file://')) return t.url;
  return relative(root, pyJoin(c.directory, t.url.replace(/^file:\/\//, '')));
}

/** tsbuildout's answer: the output bytes (base64) or the error, as the oracle writes them. */
export async function ourAnswer(c: PartCase): Promise<Answer> {
  const part = c.prepared!;
  const here = process.cwd();
  process.chdir(c.directory);
  try {
    const { source, filename } = await templateSource(part, true, c.directory);
    return { ok: encodeOutput(renderText(part, source, filename), part.encoding).toString('base64') };
  } catch (e) {
    if (e instanceof PyException) return { error: `${e.pyType}: ${e.message}` };
    if (e instanceof RecipeError) return { error: `RecipeError: ${e.message}` };
    throw e;
  } finally {
    process.chdir(here);
  }
}

/** The job for scripts/jinja-recipe-oracle.py. */
export function oracleJob(id: string, c: PartCase): Record<string, unknown> {
  const p = c.prepared!;
  const job: Record<string, unknown> = {
    id,
    cwd: c.directory,
    encoding: p.encoding,
    extensions: p.extensions,
    delimiter: p.importDelimiter,
    imports: p.imports,
    context: p.context.map((e) => (e.module !== undefined ? { name: e.name, module: e.module } : { name: e.name, repr: repr(e.value) })),
  };
  if (p.template.kind === 'inline') job.source = p.template.text;
  else job.path = p.template.url.replace(/^file:\/\//, '');
  return job;
}

/** Python's answers, or null when /usr/bin/python3 with jinja2 and six is not there. */
export function pythonAnswers(jobs: Record<string, unknown>[]): Record<string, Answer> | null {
  const r = spawnSync('/usr/bin/python3', [join(repoRoot(), 'scripts', 'jinja-recipe-oracle.py')], {
    input: JSON.stringify(jobs),
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  if (r.status !== 0) {
    if (process.env.JINJA_ORACLE_DEBUG) process.stderr.write(r.stderr);
    return null;
  }
  return JSON.parse(r.stdout);
}

export interface PartResult {
  case: PartCase;
  template: string;
  status: 'identical' | 'different' | 'unresolved' | 'both-fail';
  detail?: string;
  bytes?: number;
  /** Python's answer, when the part was rendered. */
  python?: Answer;
}

/** First differing line of two outputs, for the report. */
function firstDifference(a: Buffer, b: Buffer): string {
  const x = a.toString('utf8').split('\n');
  const y = b.toString('utf8').split('\n');
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    if (x[i] !== y[i]) return `line ${i + 1}: jinja2 ${JSON.stringify(x[i] ?? '(end)')} / ours ${JSON.stringify(y[i] ?? '(end)')}`;
  }
  return 'same text, different bytes';
}

/**
 * A digest of an output that does not depend on where the corpus is: the
 * corpus path (in every path the context gives) is replaced first.
 */
export function outputDigest(root: string, output: Buffer): string {
  return createHash('sha256').update(output.toString('latin1').replaceAll(root, '<corpus>'), 'latin1').digest('hex');
}

/** Why a resolved part cannot be rendered from the corpus alone (its files are made by the build), or null. */
export function unrenderable(root: string, c: PartCase): string | null {
  const t = c.prepared!.template;
  if (t.kind === 'url' && /^[a-z]+:\/\//i.test(t.url) && !t.url.startsWith('file://')) return `the template ${t.url} is remote`;
  if (t.kind === 'url' && !existsSync(pyJoin(c.directory, t.url.replace(/^file:\/\//, '')))) return `the template ${t.url} does not exist before the build`;
  const missing = c.prepared!.imports.find((e) => !existsSync(pyJoin(c.directory, e.path)));
  if (missing) return `the import-list ${missing.kind} '${missing.alias}' (${relative(root, pyJoin(c.directory, missing.path))}) is not in the corpus`;
  return null;
}

/** Renders every part with both engines; null when Python's Jinja2 is missing. */
export async function compareParts(root: string, cases: PartCase[]): Promise<PartResult[] | null> {
  const resolved = cases.filter((c) => c.prepared);
  const jobs = resolved.map((c, i) => oracleJob(String(i), c));
  const python = pythonAnswers(jobs);
  if (!python) return null;
  const out: PartResult[] = [];
  for (const c of cases) {
    const template = templateName(root, c);
    if (!c.prepared) {
      out.push({ case: c, template, status: 'unresolved', detail: c.unresolved! });
      continue;
    }
    const want = python[String(resolved.indexOf(c))]!;
    // Python's zc.buildout cannot find an egg the corpus has not built: the render needs the build
    // (tsbuildout's --stub-software leaves such an egg out, with a warning, and renders)
    const why = unrenderable(root, c) ?? ('error' in want && /We don't have a distribution for /.test(want.error) ? `it needs eggs of the build (${want.error.split('\n')[0]})` : null);
    if (why) {
      out.push({ case: c, template, status: 'unresolved', detail: why });
      continue;
    }
    const got = await ourAnswer(c);
    if ('ok' in want && 'ok' in got) {
      const a = Buffer.from(want.ok, 'base64');
      const b = Buffer.from(got.ok, 'base64');
      out.push(a.equals(b) ? { case: c, template, status: 'identical', bytes: a.length, python: want } : { case: c, template, status: 'different', detail: firstDifference(a, b), python: want });
    } else if ('error' in want && 'error' in got && want.error === got.error) {
      out.push({ case: c, template, status: 'both-fail', detail: want.error, python: want });
    } else {
      const show = (x: Answer) => ('ok' in x ? `${Buffer.from(x.ok, 'base64').length} bytes` : x.error);
      out.push({ case: c, template, status: 'different', detail: `jinja2: ${show(want)} / ours: ${show(got)}`, python: want });
    }
  }
  releaseParts(cases);
  return out;
}
