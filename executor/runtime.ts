// Runs recipe constructors when sections with a recipe are initialised
// (the RecipeHost of profile/buildout.ts), and gives recipes their view of
// options and of the run.
import { BuildoutError } from '../parser/diagnostic.ts';
import { PyException } from '../python/exceptions.ts';
import type { PyValue } from '../python/value.ts';
import type { Buildout, RecipeHost } from '../profile/buildout.ts';
import type { Options } from '../profile/options.ts';
import { entry } from '../profile/entry.ts';
import { consumerValue, isTypedText, storedValue, typedValue, TypedValueError, type PyBangFallback } from '../profile/values.ts';
import { RecipeError, type BuildoutView, type Logger, type PartOptions, type Recipe, type RecipeModule, type SubBuildout } from '../recipes/api.ts';
import { parseRecipeSpec, type RecipeRegistry, type RecipeSpec } from '../recipes/registry.ts';
import { readInstalled, type InstalledState } from './installed.ts';
import { BridgeCrash } from '../pybridge/process.ts';
import { BridgeSession } from '../pybridge/session.ts';
import { eggDirectories, findRecipeEgg, pythonEggRecipe } from '../recipes/python-egg.ts';

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
  /** The run's Python bridge, started when a part first needs it (see python()). */
  private bridge: BridgeSession | undefined;
  private buildout: Buildout | undefined;
  private readonly eggModules = new Map<string, RecipeModule | null>();

  constructor(
    readonly registry: RecipeRegistry,
    readonly flags: RunFlags,
    readonly logger: Logger,
    /** How a recipe runs a sub-buildout (the executor's run, given by it: recipes never import the executor). */
    private readonly subBuildout?: (sub: SubBuildout) => Promise<void>,
  ) {}

  init(options: Options, buildout: Buildout): void {
    this.buildout = buildout;
    const text = consumerValue(buildout.semantics, options.require('recipe'));
    const spec = parseRecipeSpec(text);
    if (!spec) {
      throw buildout.error({ rule: 'invalid-recipe', message: `The recipe of [${options.name}], '${text}', has more than one ':'` });
    }
    const module = this.findModule(spec, buildout);
    if (!module) {
      const b = buildout.section('buildout');
      throw buildout.error({
        rule: 'unknown-recipe',
        message: `Unknown recipe '${text}' for part [${options.name}]: tsbuildout does not implement it`,
        hint: `no egg of it with that zc.buildout entry point in ${b.get('develop-eggs-directory')} or ${b.get('eggs-directory')} for the Python bridge to run; supported recipes: ${this.registry.names().join(', ')}`,
      });
    }
    const recipe = guard(buildout, () =>
      module.init({
        name: options.name,
        options: partOptions(options, buildout, (expr) => this.python().evaluate(expr)),
        buildout: buildoutView(buildout, options, this.flags),
        logger: this.logger,
        python: () => this.python(),
        ...(this.subBuildout ? { runBuildout: this.subBuildout } : {}),
      }),
    );
    this.logger.debug(`Part ${options.name}: recipe ${text}, ${recipe.via ? `runs through the ${recipe.via}` : 'native'}.`);
    this.parts.set(options.name, { spec, module, recipe });
  }

  /** The recipe module: tsbuildout's own, else the recipe's egg run by the Python bridge (null: none). */
  findModule(spec: RecipeSpec, buildout: Buildout | undefined = this.buildout): RecipeModule | undefined {
    const native = this.registry.find(spec);
    if (native || !buildout) return native;
    const key = `${spec.project}:${spec.entry}`;
    let module = this.eggModules.get(key);
    if (module === undefined) {
      const egg = findRecipeEgg(eggDirectories(buildout), spec);
      module = egg ? pythonEggRecipe(spec, egg) : null;
      this.eggModules.set(key, module);
    }
    return module ?? undefined;
  }

  /** The run's buildout, known before any recipe runs (uninstalling a Python recipe egg's part needs it). */
  attach(buildout: Buildout): void {
    this.buildout = buildout;
  }

  /** The run's Python bridge, started on first use; `close()` ends it. */
  python(): BridgeSession {
    if (!this.buildout) throw new RecipeError('the Python bridge needs a loaded profile');
    this.bridge ??= new BridgeSession(this.buildout, this.logger);
    return this.bridge;
  }

  /** End the Python bridge, if it was started. */
  close(): void {
    this.bridge?.close();
    this.bridge = undefined;
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
  if (e instanceof BridgeCrash) return buildout.error({ rule: 'python-bridge', message: e.message });
  return e;
}

/**
 * A value as a string: a typed value that is a Python str (`!py!'…'`, what
 * the fork's dumps writes for a string, e.g. through a template's dumps())
 * is that str, as `options[key]` gives it in the fork; anything else is the
 * consumer's text.
 */
function stringValue(sem: Buildout['semantics'], v: string, pyBang?: PyBangFallback): string {
  if (sem.typedValues && isTypedText(v)) {
    try {
      const t = typedValue(sem, v, pyBang);
      if (typeof t === 'string') return t;
    } catch {
      // not a valid expression: the text, as before
    }
  }
  return consumerValue(sem, v);
}

export function partOptions(options: Options, buildout: Buildout, pyBang?: PyBangFallback): PartOptions {
  const sem = buildout.semantics;
  const view: PartOptions = {
    name: options.name,
    get: (key) => {
      const v = options.get(key);
      return v === undefined ? undefined : stringValue(sem, v, pyBang);
    },
    require: (key) => stringValue(sem, options.require(key), pyBang),
    typed: (key) => {
      const v = options.get(key);
      return v === undefined ? undefined : typedValue(sem, v, pyBang);
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
