// Runs recipe constructors when sections with a recipe are initialised
// (the RecipeHost of profile/buildout.ts) for a run: native recipes, else
// the recipe's egg through the Python bridge, which the runtime owns (one
// per run, started when a part first needs it). Made for one Buildout,
// once it exists (profile/load.ts gives it to the factory).
import { BuildoutError } from '../parser/diagnostic.ts';
import { PyException } from '../python/index.ts';
import type { Buildout, RecipeHost } from '../profile/buildout.ts';
import type { Options } from '../profile/options.ts';
import { entrySpan } from '../profile/provenance.ts';
import { consumerValue, TypedValueError } from '../profile/values.ts';
import { RecipeError, type Logger, type Recipe, type RecipeContext, type RecipeModule, type SubBuildout } from '../recipes/api.ts';
import { initForStubSoftware } from '../recipes/stand-in.ts';
import { announcing } from '../recipes/lib/files.ts';
import { parseRecipeSpec, type RecipeRegistry, type RecipeSpec } from '../recipes/registry.ts';
import { BridgeCrash } from '../pybridge/process.ts';
import { BridgeSession } from '../pybridge/session.ts';
import { eggDirectories, findRecipeEgg, pythonEggRecipe } from '../recipes/python-egg.ts';
import { buildoutView, partOptions, runView, type ViewPolicy } from './view.ts';
import { Installer } from '../recipes/lib/eggs/installer.ts';
import { installSettings, mayInstall } from '../recipes/lib/eggs/settings.ts';

export interface InitialisedPart {
  spec: RecipeSpec;
  /** Undefined: a recipe tsbuildout does not know, stood in under --stub-software. */
  module: RecipeModule | undefined;
  recipe: Recipe;
}

export class RecipeRuntime implements RecipeHost {
  readonly parts = new Map<string, InitialisedPart>();
  /** The run's Python bridge, started when a part first needs it (see python()). */
  private bridge: BridgeSession | undefined;
  private readonly eggModules = new Map<string, RecipeModule | null>();
  /** Recipe specs by their text: thousands of parts name a few recipes. */
  private readonly specs = new Map<string, RecipeSpec | null>();
  readonly policy: ViewPolicy;

  constructor(
    readonly buildout: Buildout,
    readonly registry: RecipeRegistry,
    flags: { stubSoftware: boolean; stubTree?: string; offline?: boolean; recipeStdout?: boolean },
    readonly logger: Logger,
    /** How a recipe runs a sub-buildout (the executor's run, given by it: recipes never import the executor). */
    private readonly subBuildout?: (sub: SubBuildout) => Promise<void>,
  ) {
    this.policy = { stubSoftware: flags.stubSoftware, ...(flags.stubTree ? { stubTree: flags.stubTree } : {}), offline: flags.offline ?? false, presets: true };
    this.recipeStdout = flags.recipeStdout ?? false;
  }

  private readonly recipeStdout: boolean;

  /** Where the paths parts are about to create go (the run's record journals them): set by the run once it has its record. */
  created: ((part: string, path: string) => void) | undefined;

  init(options: Options, buildout: Buildout): void {
    const text = consumerValue(buildout.semantics, options.require('recipe'));
    let spec = this.specs.get(text);
    if (spec === undefined) this.specs.set(text, (spec = parseRecipeSpec(text)));
    if (!spec) {
      throw buildout.error({ rule: 'invalid-recipe', message: `The recipe of [${options.name}], '${text}', has more than one ':'` });
    }
    const stub = this.policy.stubSoftware;
    // zc.buildout reads [buildout] index whenever it may install eggs (its _maybe_upgrade, _install_and_load): never unused
    if (!this.registry.find(spec)) buildout.section('buildout').get('index');
    let module = this.findModule(spec, buildout);
    if (!module && !stub) module = this.installRecipeEgg(spec, buildout);
    if (!module && !stub) {
      const b = buildout.section('buildout');
      throw buildout.error({
        rule: 'unknown-recipe',
        message: `Unknown recipe '${text}' for part [${options.name}]: tsbuildout does not implement it`,
        hint: `no egg of it with that zc.buildout entry point in ${b.get('develop-eggs-directory')} or ${b.get('eggs-directory')} for the Python bridge to run; supported recipes: ${this.registry.names().join(', ')}`,
      });
    }
    const ctx: RecipeContext = {
      name: options.name,
      options: partOptions(options, buildout, (expr) => this.python().evaluate(expr)),
      buildout: buildoutView(buildout, options, this.policy),
      logger: this.logger,
      python: () => this.python(),
      ...(this.subBuildout ? { runBuildout: this.subBuildout } : {}),
      created: (path) => this.created?.(options.name, path),
    };
    // --stub-software: each recipe by its role (recipes/stand-in.ts)
    const recipe = announcing(
      guard(buildout, () => (stub ? initForStubSoftware(module, ctx) : module!.init(ctx))),
      ctx.created,
    );
    this.logger.debug(`Part ${options.name}: recipe ${text}, ${recipe.via ? `runs through the ${recipe.via}` : 'native'}.`);
    this.parts.set(options.name, { spec, module, recipe });
  }

  /** The recipe module: tsbuildout's own, else the recipe's egg run by the Python bridge (null: none). */
  findModule(spec: RecipeSpec, buildout: Buildout = this.buildout): RecipeModule | undefined {
    const native = this.registry.find(spec);
    if (native) return native;
    const key = `${spec.project}:${spec.entry}`;
    let module = this.eggModules.get(key);
    if (module === undefined) {
      const egg = findRecipeEgg(eggDirectories(buildout), spec);
      module = egg ? pythonEggRecipe(spec, egg) : null;
      this.eggModules.set(key, module);
    }
    return module ?? undefined;
  }

  /**
   * zc.buildout's _install_and_load: a recipe egg absent from the release's
   * egg directories is installed, with its requirements, by the one egg
   * installer into eggs-directory, from `find-links` and `index` — only
   * where the profile names one of those: without, zc.buildout would look
   * it up on PyPI, and tsbuildout keeps its unknown-recipe error instead.
   */
  private installRecipeEgg(spec: RecipeSpec, buildout: Buildout): RecipeModule | undefined {
    const run = runView(buildout);
    if (this.policy.offline || !mayInstall(run)) return undefined;
    guard(buildout, () => new Installer(installSettings(run, this.logger)).install([spec.project]));
    this.eggModules.delete(`${spec.project}:${spec.entry}`);
    return this.findModule(spec, buildout);
  }

  /** The run's Python bridge, started on first use; `close()` ends it. */
  python(): BridgeSession {
    this.bridge ??= new BridgeSession(this.buildout, this.logger, undefined, this.recipeStdout, this.policy.stubSoftware);
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
  if (e instanceof RecipeError) {
    const trail = [...buildout.trail, ...(e.doing ?? []).map((text) => ({ kind: 'step' as const, text }))];
    const entry = e.at && buildout.rawSection(e.at.section)?.get(e.at.option);
    const error = buildout.error({ rule: 'recipe', message: e.message, ...(entry ? { span: entrySpan(entry, 0, entry.value.length) } : {}) }, trail);
    // an exception zc.buildout does not raise as its UserError: its internal error, the exception's last line
    if (e.pythonType) error.primary.traceback = `${e.pythonType}: ${e.message}`;
    return error;
  }
  if (e instanceof TypedValueError) return buildout.error({ rule: 'recipe', message: e.message });
  if (e instanceof PyException) return buildout.error({ rule: 'recipe', message: e.toString() });
  if (e instanceof BridgeCrash) {
    if (e.exitCode === undefined) return buildout.error({ rule: 'python-bridge', message: e.message });
    // Python code ended the process (os._exit): zc.buildout's process, which ends there without a word
    const error = buildout.error({ rule: 'python-bridge', message: `${e.message}: the recipe ended the process, which ends the run as it ends zc.buildout's` });
    error.primary.exitCode = e.exitCode;
    return error;
  }
  return e;
}
