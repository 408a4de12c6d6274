// --stub-software: a software release installed without building software,
// so that its instance profile can be rendered and deployed (the node's
// `node software --stub-software`, `install --stub-software`, slapgrid with
// TSBUILDOUT_STUB_SOFTWARE). Each recipe's role says what happens to its
// part (RecipeModule.stubSoftware): a recipe that renders runs (a download
// that cannot be fetched offline becomes an empty stand-in, lib/download.ts);
// one that builds computes its options, and its install is stood in; one
// that runs commands computes its options and runs nothing; one whose code
// may build or only write files (slapos.recipe.build) is tried, and stood
// in when it fails; any other runs as it is. One whose init cannot run there (it needs what was not built)
// is stood in, as a recipe tsbuildout does not know: its location
// (and `prefix`, what init code commonly computes) being
// `${buildout:parts-directory}/<part>` unless the profile says otherwise.
// A stand-in's install creates its location with an empty bin/ (the place
// for stand-in executables), copies in the subtree of the `--stub-bin` tree
// laid out at that location (so the parts installed after it see its
// stand-in executables), and returns it; its update does nothing.
import { mkdirSync, statSync } from 'node:fs';
import { isAbsolute, join, relative } from 'node:path';
import { BuildoutError } from '../parser/diagnostic.ts';
import { TypedValueError } from '../profile/values.ts';
import { PyException } from '../python/index.ts';
import { RecipeError, type BuildoutView, type InstalledPaths, type Recipe, type RecipeContext, type RecipeModule } from './api.ts';
import { overlayTree, willCreate } from './lib/files.ts';

/**
 * A part stood in: `location`, when it has one, created with an empty bin/
 * and the stub tree's files for it.
 */
export function standIn(location: string | undefined, buildout: BuildoutView, via = 'stood in (--stub-software)'): Recipe {
  return {
    via,
    install: () => {
      if (!location) return [];
      willCreate(location);
      mkdirSync(join(location, 'bin'), { recursive: true });
      const tree = buildout.stubTree;
      const rel = tree ? relative(buildout.directory, location) : '';
      if (tree && rel && !rel.startsWith('..') && !isAbsolute(rel) && statSync(join(tree, rel), { throwIfNoEntry: false })?.isDirectory()) overlayTree(join(tree, rel), location);
      return [location];
    },
    update: () => undefined,
  };
}

/** An error of the profile or its code (not a bug of tsbuildout): what a stand-in may take the place of. */
function isUserFailure(e: unknown): boolean {
  return e instanceof RecipeError || e instanceof BuildoutError || e instanceof PyException || e instanceof TypedValueError;
}

/**
 * A recipe whose install is tried: it runs, and when it fails (it needed
 * what was not built) the part is stood in, with a warning.
 */
function tried(r: Recipe, ctx: RecipeContext): Recipe {
  const fallback = (e: unknown) => {
    if (!isUserFailure(e)) throw e;
    ctx.logger.warning(`[${ctx.name}] could not run without the software it builds on (${(e as Error).message.split('\n')[0]}): stood in (--stub-software)`);
    return standIn(ctx.options.get('location'), ctx.buildout).install();
  };
  const attempt = async (f: () => InstalledPaths | Promise<InstalledPaths>) => {
    try {
      return await f();
    } catch (e) {
      return fallback(e);
    }
  };
  return {
    via: `${r.via ?? 'native'}, stood in if it fails (--stub-software)`,
    install: () => attempt(() => r.install()),
    ...(r.update ? { update: () => attempt(() => r.update!()) } : {}),
  };
}

/** A recipe's constructor under --stub-software, by its role; `module` undefined: a recipe tsbuildout does not know. */
export function initForStubSoftware(module: RecipeModule | undefined, ctx: RecipeContext): Recipe {
  const role = typeof module?.stubSoftware === 'function' ? module.stubSoftware(ctx.options) : module?.stubSoftware;
  if (module && role === 'renders') return module.init(ctx);
  if (module) {
    try {
      const r = module.init(ctx);
      if (role === 'tries') return tried(r, ctx);
      if (role !== 'builds' && role !== 'runs') return r;
      return standIn(role === 'builds' ? ctx.options.get('location') : undefined, ctx.buildout, r.via ? `${r.via}, install stood in (--stub-software)` : undefined);
    } catch (e) {
      // its options need what was not built: stood in below
      if (!isUserFailure(e)) throw e;
    }
  }
  const { options } = ctx;
  const location = options.get('location') || join(ctx.buildout.section('buildout').require('parts-directory'), ctx.name);
  options.set('location', location);
  if (!options.has('prefix')) options.set('prefix', location);
  // substituted already: none is an unused option
  for (const k of options.keys()) options.get(k);
  return standIn(location, ctx.buildout);
}
