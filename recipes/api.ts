// The recipe API: how a recipe written in TypeScript plugs into a run.
// It mirrors zc.buildout's protocol (constructor, install, update, an
// optional uninstall entry point) with typed option values as the SlapOS
// fork has them.
import type { PyValue } from '../python/index.ts';
import type { RecipeSchema } from './schema.ts';

/** The options of one section, as a recipe sees them. */
export interface PartOptions {
  readonly name: string;
  /** The substituted value (`$${` unescaped in slapos semantics), or undefined. */
  get(key: string): string | undefined;
  /** Like get, but a missing option is zc.buildout's "Missing option" error. */
  require(key: string): string;
  /** The value as the SlapOS fork gives it: `!py!` values become Python objects. */
  typed(key: string): PyValue | undefined;
  has(key: string): boolean;
  keys(): string[];
  /** Buildout substitution of a text in this section's context (`$${` stays, as in option values). */
  substitute(text: string): string;
  /** Set a value (kept as is: never substituted); non-strings are stored as `!py!` values. */
  set(key: string, value: PyValue): void;
  /** Set a value that is neither saved in .installed.cfg nor compared between runs (a password). */
  setVolatile(key: string, value: PyValue): void;
  /** Remove an option (Python's `options.pop(key)`): it is then missing, and not saved. */
  remove(key: string): void;
  /**
   * Options computed when first read while the section does not have them,
   * as a dict's `__missing__` (volatile values; undefined: missing).
   */
  computeMissing(f: (key: string) => string | undefined): void;
}

/** The run, as a recipe sees it. */
export interface BuildoutView {
  /** Another section; reading it makes the current part depend on it. */
  section(name: string): PartOptions;
  /** Whether the profile has this section (without initialising it). */
  hasSection(name: string): boolean;
  /**
   * Set an option of a section that is not initialised yet, as if the
   * profile said it (slapos.cookbook:publish-early injects published values
   * this way). False when the section is missing or already initialised.
   */
  presetOption(section: string, key: string, value: string): boolean;
  /**
   * Construct the recipe of an initialised section again, over its current
   * options (slapos.cookbook:neoppod.cluster calls `node.recipe.__init__`
   * after setting an option of it). Not in dry inspection (it does nothing there).
   */
  reinitialise(section: string): void;
  /** [buildout] directory, absolute. */
  readonly directory: string;
  readonly semantics: import('../profile/semantics.ts').Semantics;
  /** `--stub-software`: software-side recipes create their location instead of building. */
  readonly stubSoftware: boolean;
  /**
   * `--stub-bin DIR` under --stub-software: the tree of stand-in files,
   * laid out as the software release (`parts/nginx/sbin/nginx`); a stand-in
   * copies the subtree of its location in when it creates it.
   */
  readonly stubTree?: string;
  /** `[buildout] offline = true`: nothing may be fetched from the network. */
  readonly offline: boolean;
  /**
   * The options the previous run recorded for this part in .installed.cfg
   * (undefined when it was not installed): slapos.cookbook:free_port keeps
   * the port it picked before.
   */
  previous(): ReadonlyMap<string, string> | undefined;
  /**
   * A value kept for the whole run, made by `make` the first time `key` is
   * asked (the egg installer's package indexes, read once per run as
   * zc.buildout's easy_install._indexes are). Per run, not per process: the
   * language server and the tests run several runs in one process.
   */
  perRun<T>(key: string, make: () => T): T;
}

export interface Logger {
  info(message: string): void;
  warning(message: string): void;
  debug(message: string): void;
}

/** A Python recipe's constructed object in the bridge (slapos.recipe.build code, a recipe egg). */
export interface PythonRecipeHandle {
  handle: number;
  part: string;
}

/**
 * The run's Python, as recipes use it (pybridge/session.ts's BridgeSession
 * implements it; recipes never import the bridge itself).
 */
export interface PythonBridge {
  /** A call for a part (its code runs; reads of other sections are its dependencies). */
  call(part: string | undefined, option: string | undefined, method: string, args: unknown[]): unknown;
  /** slapos.recipe.build's constructor: runs `init` code. */
  buildInit(part: string): PythonRecipeHandle;
  /** `noCommands`: starting a process fails (code tried under --stub-software). */
  install(h: PythonRecipeHandle, option?: string, noCommands?: boolean): string[] | null;
  update(h: PythonRecipeHandle, option?: string, noCommands?: boolean): string[] | null;
  /** A Python module, held by the bridge (a jinja2 context's `import` of a module tsbuildout does not provide). */
  importModule(name: string): PyValue;
}

/** A buildout a recipe runs inside its own install (switch-softwaretype's sub-buildout). */
export interface SubBuildout {
  /** The profile to run. */
  config: string;
  /** Where it runs (the parent's directory). */
  cwd: string;
  semantics: import('../profile/semantics.ts').SemanticsMode;
  assignments: { section: string; option: string; value: string }[];
  /** The interpreter conditions test and the bridge runs. */
  executable: string;
  logger: Logger;
  stubSoftware: boolean;
  stubTree?: string;
}

export interface RecipeContext {
  /** The part (section) name. */
  name: string;
  options: PartOptions;
  buildout: BuildoutView;
  logger: Logger;
  /** The run's Python bridge, started on first use (slapos.recipe.build code, Python recipe eggs); absent where no run is. */
  python?: () => PythonBridge;
  /**
   * Run another buildout in this run's process, without taking the
   * directory lock this run holds; absent where no run is (inspection).
   */
  runBuildout?: (sub: SubBuildout) => Promise<void>;
  /**
   * The run's write-ahead hook (as zc.buildout's `Options.created`): told
   * each path this part's install or update is about to create, before it
   * exists, so that a run killed before the part is recorded still removes
   * it. Recipes do not call it: lib/files.ts `willCreate` does, made
   * current for the part's install and update by lib/files.ts `announcing`.
   * Absent where no run is.
   */
  created?: (path: string) => void;
}

/** What install/update return: the paths buildout removes on uninstall. */
export type InstalledPaths = string | string[] | null | undefined;

/**
 * One thing a part's install would do with software, as `plan` shows it:
 * `build`, compiled at `path`; `reuse`, a finished shared build at `path`
 * used as it is; `cached`, `what` (a URL) taken from the download cache at
 * `path`; `fetch`, downloaded (into the cache at `path` when there is one);
 * `local`, a local file read where it is; `missing`, it cannot be had (the
 * install would fail).
 */
export interface SoftwareStep {
  action: 'build' | 'reuse' | 'cached' | 'fetch' | 'local' | 'missing';
  /** The part, or the URL downloaded. */
  what: string;
  path?: string;
  /** Why, in words ("signature matches"). */
  reason: string;
}

/** What Recipe.plan is told: the run's settings an inspection's view does not have. */
export interface SoftwarePlanContext {
  /** Whether the run would be offline (an inspection's view always is). */
  offline: boolean;
}

export interface Recipe {
  /** How the part runs when not natively (`-v` shows it): "Python bridge (init, install)", a recipe egg… */
  via?: string;
  /**
   * What install() would do with software — build, reuse a shared part,
   * take a download from the cache — and why, decided by the same code
   * install() decides with, without side effects (nothing downloaded, built
   * or written): `plan` lists it for parts it installs. Declared by the
   * software-side recipes (cmmi, the download recipes).
   */
  plan?(ctx: SoftwarePlanContext): SoftwareStep[];
  install(): InstalledPaths | Promise<InstalledPaths>;
  /** Absent: zc.buildout calls install (and warns). `undefined` result: keep the recorded paths. */
  update?(): InstalledPaths | Promise<InstalledPaths>;
}

export interface UninstallContext {
  name: string;
  /** The options saved in .installed.cfg. */
  options: ReadonlyMap<string, string>;
  directory: string;
  logger: Logger;
  /** The run's Python bridge (Python recipe eggs' uninstall entry points). */
  python?: () => PythonBridge;
}

/** A recipe's part under --stub-software (RecipeModule.stubSoftware). */
export type StubRole = 'renders' | 'builds' | 'runs' | 'tries';

export interface RecipeModule {
  /** `egg:entry` names this module serves; `egg` alone is the default entry. */
  names: readonly string[];
  /**
   * The recipe entry of part signatures when it is not tsbuildout's own
   * code (a Python recipe egg: its distributions, as zc.buildout lists them).
   */
  signature?: () => string;
  /** Option schema, as data (the linter and the inspector read it). */
  schema?: RecipeSchema;
  /**
   * The constructor only reads options and sections and touches nothing
   * (no network, no master, no foreign code, no file written), so dry
   * inspection (plan, graph, why) may run it to learn what it computes.
   */
  pureInit?: true;
  /**
   * What the constructor does beyond reading options and sections, in
   * words ("its init requests an instance from the SlapOS master"): why
   * dry inspection does not run it.
   */
  initEffect?: string;
  /**
   * Dry inspection of one section, before its (pure) init runs there:
   * `skip`, why it must not run after all (free_port without a port of its
   * own probes ports); `unknown`, options it will draw at random that a run
   * would not reproduce (a password not stored yet).
   */
  inspect?(ctx: Pick<RecipeContext, 'name' | 'options' | 'buildout'>): { skip?: string; unknown?: readonly string[] } | undefined;
  /**
   * Its part in a software release installed with --stub-software (built
   * software stood in): `renders`, it writes or fetches a file instances
   * read, so it runs, and must; `builds`, it builds software: its init
   * computes its options, its install is stood in (its location created
   * with an empty bin/); `runs`, it runs commands on the software side (they
   * need what was not built): its init runs, its install does nothing;
   * `tries`, its code may build software or only write a file instances
   * read (slapos.recipe.build): it runs, and is stood in (with a warning)
   * when it fails. Any other recipe runs as it is. A recipe (but one
   * that renders) whose init cannot run there is stood in
   * (recipes/stand-in.ts). A function decides by the section's options.
   */
  stubSoftware?: StubRole | ((options: PartOptions) => StubRole | undefined);
  /** The constructor: runs when the section is initialised (every run, before anything is installed). */
  init(ctx: RecipeContext): Recipe;
  /** zc.buildout.uninstall entry point: runs before the part's files are removed. */
  uninstall?(ctx: UninstallContext): void | Promise<void>;
}

/** A recipe refused for a reason the user can act on (zc.buildout's UserError). */
export class RecipeError extends Error {
  /** The option at fault (a `[versions]` pin), where the error is located. */
  at?: { section: string; option: string };
  /**
   * What the recipe was doing, innermost last (as the `__doing__` locals of
   * zc.buildout's frames, which its `While:` block lists after the part's
   * step: easy_install's `Getting distribution for 'x'.`).
   */
  doing?: string[];
}
