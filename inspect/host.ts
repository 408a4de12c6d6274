// Recipe initialisation for dry inspection (plan, graph, why, explain,
// diff). A section with a recipe is initialised as a run initialises it,
// so options recipes compute (`location`, `port`, a template's references)
// and the dependencies they create are those a run sees. But nothing may
// reach the network, call a SlapOS master or run foreign code: only
// constructors known to be free of such effects run (recipe modules marked
// `pureInit`, each reviewed; a recipe added to the registry is not until
// someone checks its init), with a view of the run that is offline, and
// as the recipe's `inspect` says (free_port probes ports when it has no
// previous port; a password drawn here is not a run's). Any other
// constructor "would run" (its `initEffect` says why): it
// is not called, and what it would compute is unknown — an option it would
// set reads as an UNKNOWN marker, which flows into the values that use it,
// so every decision that depends on it can say so.
import { BuildoutError } from '../parser/diagnostic.ts';
import { PyException } from '../python/index.ts';
import type { Buildout, RecipeHost } from '../profile/buildout.ts';
import type { Options } from '../profile/options.ts';
import { consumerValue, TypedValueError } from '../profile/values.ts';
import { RecipeError, type BuildoutView, type Logger, type Recipe, type RecipeModule } from '../recipes/api.ts';
import { defaultRegistry } from '../recipes/index.ts';
import { parseRecipeSpec, type RecipeRegistry, type RecipeSpec } from '../recipes/registry.ts';
import { buildoutView, partOptions, type ViewPolicy } from '../executor/view.ts';
import { emptyState, readInstalled, type InstalledState } from '../executor/installed.ts';

export function recipeKey(spec: RecipeSpec): string {
  return `${spec.project}:${spec.entry}`;
}

/** The text standing for a value a recipe would compute. */
export function unknownMarker(recipe: string, section: string): string {
  return `⟨computed by ${recipe} in [${section}]⟩`;
}

const MARKER = /\u27e8computed by [^\u27e9\n]*\u27e9/;
const MARKERS = /\u27e8computed by [^\u27e9\n]*\u27e9/g;

export function hasUnknown(value: string | undefined): boolean {
  return value !== undefined && MARKER.test(value);
}

/** The sections whose recipes compute the unknown parts of a value. */
export function unknownSources(value: string): string[] {
  const out = new Set<string>();
  for (const m of value.matchAll(MARKERS)) {
    const s = /in \[([^\]]*)\]\u27e9$/.exec(m[0]);
    if (s) out.add(s[1]!);
  }
  return [...out];
}

/** Could `known` be what `pattern` (a value with unknown parts) turns into? */
export function couldBe(pattern: string, known: string): boolean {
  const pieces = pattern.split(MARKERS).map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`^${pieces.join('[\\s\\S]*')}$`).test(known);
}

export interface InspectedPart {
  name: string;
  /** The recipe as written. */
  recipe: string;
  spec: RecipeSpec;
  /** Whether its constructor ran here. */
  init: 'ran' | 'not-run';
  /** Why it did not run (the recipe is unknown, its init would call a master, …). */
  note?: string;
  module?: RecipeModule;
  recipeObject?: Recipe;
}

const silent: Logger = { info: () => undefined, warning: () => undefined, debug: () => undefined };

export class InspectHost implements RecipeHost {
  readonly parts = new Map<string, InspectedPart>();
  private previousState: InstalledState | undefined;

  private readonly safe: ReadonlySet<string>;

  /** `safeInit`: more `egg:entry` names whose constructors may run (recipes of a custom registry not marked `pureInit`). */
  constructor(
    readonly registry: RecipeRegistry = defaultRegistry(),
    safeInit: Iterable<string> = [],
  ) {
    this.safe = new Set(safeInit);
  }

  /** The record of the previous run (.installed.cfg), read once. */
  previous(buildout: Buildout): InstalledState {
    if (!this.previousState) {
      const path = buildout.section('buildout').get('installed');
      try {
        this.previousState = path ? readInstalled(path) : emptyState();
      } catch {
        this.previousState = emptyState();
      }
    }
    return this.previousState;
  }

  init(options: Options, buildout: Buildout): void {
    const text = consumerValue(buildout.semantics, options.require('recipe'));
    const spec = parseRecipeSpec(text);
    if (!spec) {
      throw buildout.error({ rule: 'invalid-recipe', message: `The recipe of [${options.name}], '${text}', has more than one ':'` });
    }
    const key = recipeKey(spec);
    const module = this.registry.find(spec);
    const part: InspectedPart = { name: options.name, recipe: text, spec, init: 'not-run' };
    if (module) part.module = module;
    this.parts.set(options.name, part);
    if (!module) {
      part.note = `tsbuildout does not implement ${text}: what its init computes is unknown`;
      this.markGenerated(options, part);
      return;
    }
    if (!module.pureInit && !this.safe.has(key)) {
      part.note = module.initEffect ?? `its init has not been reviewed for side effects`;
      this.markGenerated(options, part);
      return;
    }
    const ctx = { name: options.name, options: partOptions(options, buildout), buildout: this.view(buildout, options), logger: silent };
    // what the recipe says about being inspected: not this time, or values a run would not reproduce
    const inspection = module.inspect?.(ctx);
    if (inspection?.skip) {
      part.note = inspection.skip;
      this.markGenerated(options, part);
      return;
    }
    try {
      part.recipeObject = module.init(ctx);
      part.init = 'ran';
    } catch (e) {
      if (e instanceof BuildoutError) throw e;
      if (!(e instanceof RecipeError || e instanceof TypedValueError || e instanceof PyException)) throw e;
      part.note = `its init would run: ${e instanceof PyException ? e.toString() : e.message}`;
      this.markGenerated(options, part);
      return;
    }
    for (const option of inspection?.unknown ?? []) options.data.set(option, unknownMarker(text, options.name));
  }

  unknownOption(options: Options, _option: string): string | undefined {
    const part = this.parts.get(options.name);
    return part && part.init === 'not-run' ? unknownMarker(part.recipe, options.name) : undefined;
  }

  /** The options a recipe's schema says it computes, as unknown (unless the profile gives them). */
  private markGenerated(options: Options, part: InspectedPart): void {
    const schema = part.module?.schema;
    if (!schema) return;
    for (const name of schema.generated ?? []) {
      if (!options.has(name)) options.set(name, unknownMarker(part.recipe, options.name));
    }
  }

  /**
   * The run as a constructor sees it: offline, changing no section, and as
   * under --stub-software (nothing is installed here: software-side recipes
   * that refuse at init unless stubbing compute their options).
   */
  private readonly policy: ViewPolicy = { stubSoftware: true, offline: true, presets: false, previous: (buildout) => this.previous(buildout) };

  private view(buildout: Buildout, part: Options): BuildoutView {
    return buildoutView(buildout, part, this.policy);
  }
}
