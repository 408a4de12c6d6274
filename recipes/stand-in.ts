// --stub-software: a software release installed without building software,
// so that its instance profile can be rendered and deployed (the node's
// `node software --stub-software`, `install --stub-software`, slapgrid with
// TSBUILDOUT_STUB_SOFTWARE). Each recipe's role says what happens to its
// part (RecipeModule.stubSoftware): a recipe that renders runs; one that
// builds computes its options, and its install is stood in; any other runs
// as it is. One whose init cannot run there (it needs what was not built)
// is stood in, as a recipe tsbuildout does not know: its location
// (and `prefix`, what init code commonly computes) being
// `${buildout:parts-directory}/<part>` unless the profile says otherwise.
// A stand-in's install creates its location with an empty bin/ (the place
// for stand-in executables) and returns it; its update does nothing.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { BuildoutError } from '../parser/diagnostic.ts';
import { TypedValueError } from '../profile/values.ts';
import { PyException } from '../python/index.ts';
import { RecipeError, type Recipe, type RecipeContext, type RecipeModule } from './api.ts';

/** A part stood in: `location`, when it has one, created with an empty bin/. */
export function standIn(location: string | undefined, via = 'stood in (--stub-software)'): Recipe {
  return {
    via,
    install: () => {
      if (!location) return [];
      mkdirSync(join(location, 'bin'), { recursive: true });
      return [location];
    },
    update: () => undefined,
  };
}

/**
 * What a recipe that builds software does when run for real: tsbuildout
 * does not build software yet, so its install is refused with what to do
 * instead (--stub-software stands it in).
 */
export function refusedBuild(part: string, recipe: string): Recipe {
  const install = () => {
    throw new RecipeError(`[${part}] ${recipe} builds software, which tsbuildout does not do: build the software release with zc.buildout, or run with --stub-software to stand it in (its location created with an empty bin/)`);
  };
  return { install, update: () => undefined };
}

/** A recipe's constructor under --stub-software, by its role; `module` undefined: a recipe tsbuildout does not know. */
export function initForStubSoftware(module: RecipeModule | undefined, ctx: RecipeContext): Recipe {
  const role = typeof module?.stubSoftware === 'function' ? module.stubSoftware(ctx.options) : module?.stubSoftware;
  if (module && role === 'renders') return module.init(ctx);
  if (module) {
    try {
      const r = module.init(ctx);
      if (role !== 'builds') return r;
      return standIn(ctx.options.get('location'), r.via ? `${r.via}, install stood in (--stub-software)` : undefined);
    } catch (e) {
      // its options need what was not built: stood in below
      if (!(e instanceof RecipeError || e instanceof BuildoutError || e instanceof PyException || e instanceof TypedValueError)) throw e;
    }
  }
  const { options } = ctx;
  const location = options.get('location') || join(ctx.buildout.section('buildout').require('parts-directory'), ctx.name);
  options.set('location', location);
  if (!options.has('prefix')) options.set('prefix', location);
  // substituted already: none is an unused option
  for (const k of options.keys()) options.get(k);
  return standIn(location);
}
