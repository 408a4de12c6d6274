// The run as a recipe sees it (PartOptions of its section, BuildoutView of
// the run), built over the resolver's own objects so that references,
// dependencies and typed values behave as the resolver decides. One view
// for a run (executor/runtime.ts) and for dry inspection (inspect/host.ts):
// they differ by a ViewPolicy only.
import type { PyValue } from '../python/index.ts';
import type { Buildout } from '../profile/buildout.ts';
import type { Options } from '../profile/options.ts';
import { entry } from '../profile/entry.ts';
import { consumerValue, isTypedText, storedValue, typedValue, type PyBangFallback } from '../profile/values.ts';
import { RecipeError, type BuildoutView, type PartOptions } from '../recipes/api.ts';
import type { RunView } from '../recipes/lib/eggs/settings.ts';
import { readInstalled, type InstalledState } from './installed.ts';

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
  return new SectionView(options, buildout.semantics, pyBang);
}

/** A class, not an object of closures: one is made per part and per section a recipe reads. */
class SectionView implements PartOptions {
  constructor(
    private readonly options: Options,
    private readonly sem: Buildout['semantics'],
    private readonly pyBang: PyBangFallback | undefined,
  ) {}

  get name(): string {
    return this.options.name;
  }

  get(key: string): string | undefined {
    const v = this.options.get(key);
    return v === undefined ? undefined : stringValue(this.sem, v, this.pyBang);
  }

  require(key: string): string {
    return stringValue(this.sem, this.options.require(key), this.pyBang);
  }

  typed(key: string): PyValue | undefined {
    const v = this.options.get(key);
    return v === undefined ? undefined : typedValue(this.sem, v, this.pyBang);
  }

  has(key: string): boolean {
    return this.options.has(key);
  }

  substitute(text: string): string {
    return this.options.substituteText(text);
  }

  keys(): string[] {
    return this.options.keys();
  }

  set(key: string, value: PyValue): void {
    this.options.set(key, storedValue(value));
  }

  setVolatile(key: string, value: PyValue): void {
    this.options.set(key, storedValue(value));
    this.options.volatile.add(key);
  }

  remove(key: string): void {
    this.options.remove(key);
  }

  computeMissing(f: (key: string) => string | undefined): void {
    this.options.computeMissing = f;
  }
}

/**
 * How the run looks to a recipe: the same view for a run and for dry
 * inspection, which differ only by this policy.
 */
export interface ViewPolicy {
  /** `--stub-software` (inspection: true, so software-side inits compute their options). */
  stubSoftware: boolean;
  /** `--stub-bin`'s tree, under --stub-software (BuildoutView.stubTree). */
  stubTree?: string;
  /** Offline whatever [buildout] says (inspection, corpus scripts). */
  offline: boolean;
  /** Whether a recipe may preset options of sections not initialised yet (an inspection changes no section). */
  presets: boolean;
  /** The record of the previous run; default: the buildout's .installed.cfg, read once. */
  previous?: (buildout: Buildout) => InstalledState | null;
}

export function buildoutView(buildout: Buildout, part: Options, policy: ViewPolicy): BuildoutView {
  return new RecipeBuildoutView(buildout, part, policy);
}

class RecipeBuildoutView implements BuildoutView {
  constructor(
    private readonly buildout: Buildout,
    private readonly part: Options,
    private readonly policy: ViewPolicy,
  ) {}

  section(name: string): PartOptions {
    const s = this.buildout.section(name, { section: this.part.name, option: '(recipe)' });
    if (name !== this.part.name && name !== 'buildout') this.part.dependencies.add(name);
    return partOptions(s, this.buildout);
  }

  hasSection(name: string): boolean {
    return this.buildout.rawSection(name) !== undefined;
  }

  presetOption(section: string, key: string, value: string): boolean {
    if (!this.policy.presets) return false;
    const raw = this.buildout.rawSection(section);
    if (!raw || this.buildout.sections.has(section)) return false;
    raw.set(key, entry(value, `(set by the recipe of [${this.part.name}])`));
    return true;
  }

  reinitialise(name: string): void {
    if (!this.policy.presets) return;
    const s = this.buildout.sections.get(name);
    if (!s?.initialised) throw new Error(`internal: [${name}] is not initialised`);
    if (!s.get('recipe')) throw new RecipeError(`[${name}] has no recipe to construct again`);
    this.buildout.recipeInit(s);
  }

  get directory(): string {
    return this.buildout.section('buildout').require('directory');
  }

  get semantics(): Buildout['semantics'] {
    return this.buildout.semantics;
  }

  get stubSoftware(): boolean {
    return this.policy.stubSoftware;
  }

  get stubTree(): string | undefined {
    return this.policy.stubTree;
  }

  // read from [buildout] when asked: recipes initialise while the profile resolves
  get offline(): boolean {
    return this.policy.offline || this.buildout.section('buildout').get('offline') === 'true';
  }

  previous(): ReadonlyMap<string, string> | undefined {
    return (this.policy.previous ?? previousRecord)(this.buildout)?.options.get(this.part.name);
  }

  perRun<T>(key: string, make: () => T): T {
    return runStore(this.buildout)(key, make);
  }
}

const stores = new WeakMap<Buildout, Map<string, unknown>>();

/** BuildoutView.perRun over the run's store (one per Buildout, so one per run). */
function runStore(buildout: Buildout): BuildoutView['perRun'] {
  let store = stores.get(buildout);
  if (!store) stores.set(buildout, (store = new Map()));
  return memo(store);
}

/** BuildoutView.perRun over `store`. */
function memo(store: Map<string, unknown>): BuildoutView['perRun'] {
  return <T>(key: string, make: () => T): T => {
    if (!store.has(key)) store.set(key, make());
    return store.get(key) as T;
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

/**
 * The run as the egg installer's settings read it, outside any part (nothing
 * read is a part's dependency). `store`: a store of its own instead of the
 * run's (the extensions' installs, whose package indexes zc.buildout drops
 * once they are loaded).
 */
export function runView(buildout: Buildout, store?: Map<string, unknown>): RunView {
  return {
    perRun: store ? memo(store) : runStore(buildout),
    section: (name: string) => partOptions(buildout.section(name), buildout),
    hasSection: (name: string) => buildout.rawSection(name) !== undefined,
    get offline() {
      return buildout.section('buildout').get('offline') === 'true';
    },
    get directory() {
      return buildout.section('buildout').require('directory');
    },
  };
}
