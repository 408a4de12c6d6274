// Runs recipe constructors when sections with a recipe are initialised
// (the RecipeHost of profile/buildout.ts), and gives recipes their view of
// options and of the run.
import { BuildoutError } from '../parser/diagnostic.ts';
import { PyException } from '../python/exceptions.ts';
import type { PyValue } from '../python/value.ts';
import type { Buildout, RecipeHost } from '../profile/buildout.ts';
import type { Options } from '../profile/options.ts';
import { entry } from '../profile/entry.ts';
import { consumerValue, isTypedText, storedValue, typedValue, TypedValueError } from '../profile/values.ts';
import { RecipeError, type BuildoutView, type Logger, type PartOptions, type Recipe, type RecipeModule } from '../recipes/api.ts';
import { parseRecipeSpec, type RecipeRegistry, type RecipeSpec } from '../recipes/registry.ts';
import { readInstalled, type InstalledState } from './installed.ts';

export interface RunFlags {
  stubSoftware: boolean;
  offline: boolean;
}

export interface InitialisedPart {
  spec: RecipeSpec;
  module: RecipeModule;
  recipe: Recipe;
}

export class RecipeRuntime implements RecipeHost {
  readonly parts = new Map<string, InitialisedPart>();

  constructor(
    readonly registry: RecipeRegistry,
    readonly flags: RunFlags,
    readonly logger: Logger,
  ) {}

  init(options: Options, buildout: Buildout): void {
    const text = consumerValue(buildout.semantics, options.require('recipe'));
    const spec = parseRecipeSpec(text);
    if (!spec) {
      throw buildout.error({ rule: 'invalid-recipe', message: `The recipe of [${options.name}], '${text}', has more than one ':'` });
    }
    const module = this.registry.find(spec);
    if (!module) {
      throw buildout.error({
        rule: 'unknown-recipe',
        message: `Unknown recipe '${text}' for part [${options.name}]: tsbuildout does not implement it`,
        hint: `supported recipes: ${this.registry.names().join(', ')}`,
      });
    }
    const recipe = guard(buildout, () =>
      module.init({
        name: options.name,
        options: partOptions(options, buildout),
        buildout: buildoutView(buildout, options, this.flags),
        logger: this.logger,
      }),
    );
    this.parts.set(options.name, { spec, module, recipe });
  }
}

/** Turn a recipe's refusal into a located buildout error. */
export function guard<T>(buildout: Buildout, f: () => T): T {
  try {
    return f();
  } catch (e) {
    throw asBuildoutError(buildout, e);
  }
}

export function asBuildoutError(buildout: Buildout, e: unknown): unknown {
  if (e instanceof BuildoutError) return e;
  if (e instanceof RecipeError || e instanceof TypedValueError) return buildout.error({ rule: 'recipe', message: e.message });
  if (e instanceof PyException) return buildout.error({ rule: 'recipe', message: e.toString() });
  return e;
}

/**
 * A value as a string: a typed value that is a Python str (`!py!'…'`, what
 * the fork's dumps writes for a string, e.g. through a template's dumps())
 * is that str, as `options[key]` gives it in the fork; anything else is the
 * consumer's text.
 */
function stringValue(sem: Buildout['semantics'], v: string): string {
  if (sem.typedValues && isTypedText(v)) {
    try {
      const t = typedValue(sem, v);
      if (typeof t === 'string') return t;
    } catch {
      // not a valid expression: the text, as before
    }
  }
  return consumerValue(sem, v);
}

export function partOptions(options: Options, buildout: Buildout): PartOptions {
  const sem = buildout.semantics;
  const view: PartOptions = {
    name: options.name,
    get: (key) => {
      const v = options.get(key);
      return v === undefined ? undefined : stringValue(sem, v);
    },
    require: (key) => stringValue(sem, options.require(key)),
    typed: (key) => {
      const v = options.get(key);
      return v === undefined ? undefined : typedValue(sem, v);
    },
    has: (key) => options.has(key),
    substitute: (text) => options.substituteText(text),
    keys: () => options.keys(),
    set: (key, value: PyValue) => options.set(key, storedValue(value)),
    setVolatile: (key, value: PyValue) => {
      options.set(key, storedValue(value));
      options.volatile.add(key);
    },
  };
  return view;
}

export function buildoutView(buildout: Buildout, part: Options, flags: RunFlags): BuildoutView {
  return {
    section(name: string) {
      const s = buildout.section(name, { section: part.name, option: '(recipe)' });
      if (name !== part.name && name !== 'buildout') part.dependencies.add(name);
      return partOptions(s, buildout);
    },
    hasSection(name: string) {
      return buildout.rawSection(name) !== undefined;
    },
    presetOption(section: string, key: string, value: string) {
      const raw = buildout.rawSection(section);
      if (!raw || buildout.sections.has(section)) return false;
      raw.set(key, entry(value, `(set by the recipe of [${part.name}])`));
      return true;
    },
    get directory() {
      return buildout.section('buildout').require('directory');
    },
    semantics: buildout.semantics,
    stubSoftware: flags.stubSoftware,
    // read from [buildout] rather than the flags: recipes initialise while the profile loads, before the run sets them
    get offline() {
      return flags.offline || buildout.section('buildout').get('offline') === 'true';
    },
    previous() {
      return previousRecord(buildout)?.options.get(part.name);
    },
  };
}

const records = new WeakMap<Buildout, InstalledState | null>();

/** The .installed.cfg of the run's buildout, read once per run (null: none configured). */
function previousRecord(buildout: Buildout): InstalledState | null {
  let state = records.get(buildout);
  if (state === undefined) {
    const path = buildout.section('buildout').get('installed');
    state = path ? readInstalled(path) : null;
    records.set(buildout, state);
  }
  return state;
}
