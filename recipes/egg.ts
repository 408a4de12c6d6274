// zc.recipe.egg 2.0 (its egg.py and custom.py): `:eggs` installs eggs and
// their requirements into eggs-directory; `:scripts` (the default) also
// writes their console scripts, the `entry-points`, and an `interpreter`
// (recipes/lib/eggs/scripts.ts, byte for byte as zc.buildout's);
// `:custom` builds one egg from its source distribution with build_ext
// options into develop-eggs-directory; `:develop` runs `setup.py develop`
// of a source tree with them. All through the one installer
// (recipes/lib/eggs/installer.ts). Under --stub-software nothing is
// installed (stand-in).
import { join } from 'node:path';
import { pyJoin } from '../profile/location.ts';
import { pySplitWhitespace, strRepr } from '../python/index.ts';
import { RecipeError, type PartOptions, type RecipeContext, type RecipeModule, type SoftwarePlanContext, type SoftwareStep } from './api.ts';
import { developDists, type Dist } from './lib/eggs/dists.ts';
import { InstallError, Installer } from './lib/eggs/installer.ts';
import { writeScripts, type ScriptRequest } from './lib/eggs/scripts.ts';
import { installSettings, type PartSources, type RunView } from './lib/eggs/settings.ts';
import { developEgg } from './lib/eggs/develop.ts';
import { readAllOptions } from './lib/options.ts';
import type { RecipeSchema } from './schema.ts';

/** Eggs.__init__ / Custom.__init__: find-links and index written back, the directories. */
function sources(ctx: RecipeContext): PartSources {
  const { options } = ctx;
  const b = ctx.buildout.section('buildout');
  const links = options.get('find-links') ?? b.get('find-links') ?? '';
  const split = pySplitWhitespace(links);
  if (split.length) options.set('find-links', split.join('\n'));
  const index = options.get('index') ?? b.get('index');
  if (index !== undefined) options.set('index', index);
  return { links: split, ...(index !== undefined ? { index } : {}) };
}

function directories(ctx: RecipeContext, scripts: boolean): void {
  const b = ctx.buildout.section('buildout');
  const { options } = ctx;
  options.set('eggs-directory', b.require('eggs-directory'));
  options.set('_e', options.get('eggs-directory')!);
  options.set('develop-eggs-directory', b.require('develop-eggs-directory'));
  options.set('_d', options.get('develop-eggs-directory')!);
  if (scripts) {
    options.set('bin-directory', b.require('bin-directory'));
    options.set('_b', options.get('bin-directory')!);
  }
}

/** zc.recipe.egg's get_bool */
function getBool(options: PartOptions, name: string): boolean {
  const v = options.get(name);
  if (!v) return false;
  if (v === 'true') return true;
  if (v === 'false') return false;
  throw new RecipeError(`Invalid value for ${name} option: ${v}`);
}

/** An installer's refusal, located at the `[versions]` pin it is about when there is one. */
function located(ctx: RecipeContext, e: unknown): unknown {
  if (!(e instanceof InstallError) || !e.pin) return e;
  const vname = ctx.buildout.section('buildout').get('versions')?.trim();
  if (!vname) return e;
  const key = ctx.buildout.hasSection(vname) ? ctx.buildout.section(vname).keys().find((k) => k.toLowerCase() === e.pin) : undefined;
  if (!key) return e;
  const located = new RecipeError(e.message);
  located.at = { section: vname, option: key };
  if (e.doing) located.doing = e.doing;
  return located;
}

/** Eggs._sort_working_set: develop eggs first, then eggs-directory's, then the others. */
function sortWorkingSet(ws: Dist[], options: PartOptions): Dist[] {
  const develop = new Set(developDists(options.get('develop-eggs-directory')!).map((d) => d.location));
  const eggs = join(options.get('eggs-directory')!, '/');
  const rank = (d: Dist) => (develop.has(d.location) ? 0 : d.location.startsWith(eggs) ? 1 : 2);
  return [...ws].sort((a, b) => rank(a) - rank(b));
}

/**
 * What install would get from find-links and the index (Recipe.plan): the
 * installer resolving the part's eggs without installing, the run offline
 * only where the run would be (an inspection's view always is).
 */
function eggPlan(ctx: RecipeContext, src: PartSources, offline: boolean): SoftwareStep[] {
  const steps: SoftwareStep[] = [];
  const view = ctx.buildout;
  const run: RunView = { section: (n) => view.section(n), hasSection: (n) => view.hasSection(n), offline, directory: view.directory, perRun: (k, f) => view.perRun(k, f) };
  const reqs = (ctx.options.get('eggs') ?? ctx.name)
    .split('\n')
    .map((r) => r.trim())
    .filter(Boolean);
  try {
    new Installer({ ...installSettings(run, ctx.logger, src), plan: steps }).install(reqs);
  } catch (e) {
    steps.push({ action: 'missing', what: reqs.join(' '), reason: (e as Error).message.split('\n')[0]! });
  }
  return steps;
}

/** Eggs.working_set: the requirements asked and their working set. */
function workingSet(ctx: RecipeContext, src: PartSources): [string[], Dist[]] {
  const reqs = (ctx.options.get('eggs') ?? ctx.name)
    .split('\n')
    .map((r) => r.trim())
    .filter(Boolean);
  try {
    const installer = new Installer(installSettings(ctx.buildout, ctx.logger, src));
    return [reqs, sortWorkingSet(installer.install(reqs), ctx.options)];
  } catch (e) {
    throw located(ctx, e);
  }
}

const ENTRY_POINT = /^([^=]+)=(\w+(?:[.]\w+)*):(\w+(?:[.]\w+)*)$/;

/** Scripts.install */
function installScripts(ctx: RecipeContext, src: PartSources, extraPaths: string[], relativePaths: string): string[] {
  const [reqs, ws] = workingSet(ctx, src);
  const { options } = ctx;
  const scripts = options.get('scripts');
  if (scripts === undefined || scripts) {
    const only = scripts === undefined ? undefined : new Map(pySplitWhitespace(scripts).map((s) => (s.includes('=') ? [s.slice(0, s.indexOf('=')), s.slice(s.indexOf('=') + 1)] : [s, s])));
    const requests: ScriptRequest[] = [...reqs];
    for (const s of pySplitWhitespace(options.get('entry-points') ?? '')) {
      const m = ENTRY_POINT.exec(s);
      if (!m) {
        ctx.logger.warning(`${ctx.name}: Cannot parse the entry point ${s}.`);
        throw new RecipeError('Invalid entry point');
      }
      requests.push([m[1]!, m[2]!, m[3]!]);
    }
    if (getBool(options, 'dependent-scripts')) {
      for (const d of ws) if (d.projectName !== 'setuptools' && !requests.includes(d.projectName)) requests.push(d.projectName);
    }
    return writeScripts(requests, ws, {
      executable: ctx.buildout.section('buildout').get('executable') || 'python3',
      dest: options.get('bin-directory')!,
      ...(only ? { scripts: only } : {}),
      extraPaths,
      ...(options.get('interpreter') ? { interpreter: options.get('interpreter')! } : {}),
      initialization: options.get('initialization') ?? '',
      arguments: options.get('arguments') ?? '',
      relativePaths,
      logger: ctx.logger,
    });
  }
  return [];
}

const SCRIPT_OPTIONS = {
  scripts: { doc: 'the console scripts to write (`name` or `name=newname`; empty: none)' },
  'entry-points': { doc: 'more scripts, `name=module:callable`' },
  interpreter: { doc: 'the name of a Python interpreter script with the eggs on its path' },
  'extra-paths': { doc: 'more sys.path entries (relative to the buildout directory)' },
  'relative-paths': { doc: '`true`: scripts find their paths relative to themselves' },
  initialization: { doc: 'Python code run at the start of every script' },
  arguments: { doc: 'the arguments the entry points are called with' },
  'dependent-scripts': { doc: '`true`: scripts of every egg of the working set too' },
};

function schema(scripts: boolean): RecipeSchema {
  return {
    doc: scripts ? 'Installs Python eggs and writes their console scripts (zc.recipe.egg).' : 'Installs Python eggs (zc.recipe.egg:eggs).',
    options: {
      eggs: { doc: 'the requirements to install, one a line (default: the part name)' },
      'find-links': { doc: 'where to find distributions (default: [buildout] find-links)' },
      index: { doc: 'the package index (default: [buildout] index)' },
      ...(scripts ? SCRIPT_OPTIONS : {}),
    },
    // profiles keep data in these sections for other parts to reference (as before this recipe ran for real)
    anyOptions: true,
    generated: ['eggs-directory', 'develop-eggs-directory', '_e', '_d', ...(scripts ? ['bin-directory', '_b', 'buildout-directory'] : [])],
    generatesUnknown: 'zc.recipe.egg sets options of its section (paths of eggs and scripts) when it is initialised',
  };
}

function eggRecipe(names: string[], scripts: boolean): RecipeModule {
  return {
    names,
    pureInit: true,
    stubSoftware: 'builds',
    schema: schema(scripts),
    init(ctx) {
      const src = sources(ctx);
      directories(ctx, scripts);
      // zc.buildout reads them at install: under --stub-software there is none, and none is unused
      readAllOptions(ctx.options);
      const plan = ({ offline }: SoftwarePlanContext) => eggPlan(ctx, src, offline);
      if (!scripts) {
        const install = () => {
          workingSet(ctx, src);
          return [];
        };
        return { install, update: install, plan };
      }
      const b = ctx.buildout.section('buildout');
      const extraPaths = (ctx.options.get('extra-paths') ?? '')
        .split('\n')
        .map((p) => p.trim())
        .filter(Boolean)
        // os.path.join, as zc.recipe.egg: an absolute entry stays as it is
        .map((p) => pyJoin(b.require('directory'), p));
      if (extraPaths.length) ctx.options.set('extra-paths', extraPaths.join('\n'));
      const rel = ctx.options.get('relative-paths') ?? b.get('relative-paths') ?? 'false';
      let relativePaths = '';
      if (rel === 'true') {
        ctx.options.set('buildout-directory', b.require('directory'));
        relativePaths = b.require('directory');
      } else if (rel !== 'false') throw new RecipeError(`Invalid value for relative-paths option: ${rel}`);
      const install = () => installScripts(ctx, src, extraPaths, relativePaths);
      return { install, update: install, plan };
    },
  };
}

/** custom.py build_ext: the build_ext options, paths joined to the buildout directory (written back). */
function buildExt(ctx: RecipeContext): Record<string, string> {
  const { options } = ctx;
  const dir = ctx.buildout.section('buildout').require('directory');
  const out: Record<string, string> = {};
  const lines = (v: string) =>
    v
      .trim()
      .split('\n')
      .map((x) => x.trim())
      .filter(Boolean);
  for (const k of ['include-dirs', 'library-dirs']) {
    const v = options.get(k);
    if (v === undefined) continue;
    out[k] = lines(v)
      .map((x) => pyJoin(dir, x))
      .join(':');
    options.set(k, out[k]!);
  }
  const rpath = options.get('rpath');
  if (rpath !== undefined) {
    const special = ['$ORIGIN', '$LIB', '$PLATFORM', '${ORIGIN}', '${LIB}', '${PLATFORM}'];
    out.rpath = lines(rpath)
      .map((x) => (special.some((s) => x.startsWith(s)) ? x : pyJoin(dir, x)))
      .join(':');
    options.set('rpath', out.rpath);
  }
  const swig = options.get('swig');
  if (swig) {
    out.swig = pyJoin(dir, swig);
    options.set('swig', out.swig);
  }
  for (const k of ['define', 'undef', 'libraries', 'link-objects', 'debug', 'force', 'compiler', 'swig-cpp', 'swig-opts']) {
    const v = options.get(k);
    if (v !== undefined) out[k] = v;
  }
  return out;
}

const BUILD_EXT_OPTIONS = {
  'include-dirs': { doc: 'header directories (build_ext), relative to the buildout directory' },
  'library-dirs': { doc: 'library directories (build_ext)' },
  rpath: { doc: 'run-time library directories (build_ext)' },
  define: { doc: 'C macros to define (build_ext)' },
  undef: { doc: 'C macros to undefine (build_ext)' },
  libraries: { doc: 'libraries to link (build_ext)' },
  'link-objects': { doc: 'objects to link (build_ext)' },
  debug: { doc: 'build with debugging information (build_ext)' },
  force: { doc: 'rebuild everything (build_ext)' },
  compiler: { doc: 'the compiler type (build_ext)' },
  swig: { doc: 'the swig program (build_ext)' },
  'swig-cpp': { doc: 'swig C++ mode (build_ext)' },
  'swig-opts': { doc: 'swig options (build_ext)' },
};

export const eggCustom: RecipeModule = {
  names: ['zc.recipe.egg:custom'],
  pureInit: true,
  stubSoftware: 'builds',
  schema: {
    doc: 'Builds one egg from its source distribution with build_ext options, into develop-eggs-directory (zc.recipe.egg:custom).',
    options: {
      egg: { doc: 'the requirement (default: the part name)' },
      'find-links': { doc: 'where to find it' },
      index: { doc: 'the package index' },
      environment: { doc: 'a section of environment variables for the build' },
      'setup-eggs': { doc: 'eggs the setup script needs, installed first and put on its path (the SlapOS fork)' },
      ...BUILD_EXT_OPTIONS,
    },
    anyOptions: true,
    generated: ['_d', '_e', '_environment-data', 'include-dirs', 'library-dirs', 'rpath', 'swig'],
  },
  init(ctx) {
    const { options } = ctx;
    const b = ctx.buildout.section('buildout');
    options.set('_d', b.require('develop-eggs-directory'));
    const ext = buildExt(ctx);
    const src = sources(ctx);
    const envName = options.get('environment');
    const environment = new Map<string, string>();
    if (envName) {
      const s = ctx.buildout.section(envName);
      for (const k of s.keys()) environment.set(k, s.get(k)!);
    }
    const data = [...environment].sort(([a], [b2]) => (a < b2 ? -1 : a > b2 ? 1 : 0));
    options.set('_environment-data', `[${data.map(([k, v]) => `(${strRepr(k)}, ${strRepr(v)})`).join(', ')}]`);
    options.set('_e', b.require('eggs-directory'));
    readAllOptions(options);
    const install = () => {
      if (b.get('offline') === 'true' || ctx.buildout.offline) return [];
      const spec = (options.get('egg') ?? options.get('eggs') ?? ctx.name).trim();
      const settings = installSettings(ctx.buildout, ctx.logger, src);
      const saved = new Map([...environment.keys(), 'PYTHONPATH'].map((k) => [k, process.env[k]]));
      try {
        // the SlapOS fork's setup-eggs: eggs the setup script needs, installed first and on its path
        const setupEggs = pySplitWhitespace(options.get('setup-eggs') ?? '');
        if (setupEggs.length) {
          const ws = new Installer(settings).install(setupEggs);
          process.env.PYTHONPATH = [...ws.map((d) => d.location), ...(process.env.PYTHONPATH ? [process.env.PYTHONPATH] : [])].join(':');
        }
        for (const [k, v] of environment) process.env[k] = v.replace(/%\(([^)]+)\)s/g, (_, n: string) => process.env[n] ?? '');
        const installer = new Installer({ ...settings, dest: options.get('_d')!, path: [options.get('_e')!], newest: b.get('newest') === 'true', buildExt: ext });
        return installer.build(spec);
      } catch (e) {
        throw located(ctx, e);
      } finally {
        for (const [k, v] of saved) {
          if (v === undefined) delete process.env[k];
          else process.env[k] = v;
        }
      }
    };
    return { install, update: install };
  },
};

export const eggDevelop: RecipeModule = {
  names: ['zc.recipe.egg:develop'],
  pureInit: true,
  stubSoftware: 'builds',
  schema: {
    doc: 'Runs `setup.py develop` of a source tree with build_ext options, into develop-eggs-directory (zc.recipe.egg:develop).',
    options: { setup: { doc: 'the source directory or its setup script, relative to the buildout directory' }, ...BUILD_EXT_OPTIONS },
    required: ['setup'],
    anyOptions: true,
    generated: ['_d', 'setup', 'include-dirs', 'library-dirs', 'rpath', 'swig'],
  },
  init(ctx) {
    const { options } = ctx;
    const b = ctx.buildout.section('buildout');
    options.set('_d', b.require('develop-eggs-directory'));
    const ext = buildExt(ctx);
    options.set('setup', join(b.require('directory'), options.require('setup')));
    const install = () => [developEgg(options.get('setup')!, options.get('_d')!, b.get('executable') || 'python3', { buildExt: ext })];
    return { install, update: install };
  },
};

export const eggScripts = eggRecipe(['zc.recipe.egg', 'zc.recipe.egg:scripts'], true);
export const eggEggs = eggRecipe(['zc.recipe.egg:eggs'], false);
