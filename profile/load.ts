// The one call later stages use: assemble a profile and prepare its
// resolution, as zc.buildout's Buildout() does before running a command.
import { assemble, type Assembled, type Assignment } from './assemble.ts';
import { BuildoutError } from '../parser/diagnostic.ts';
import { Buildout, type RecipeHost } from './buildout.ts';
import { Conditions } from './conditions.ts';
import type { ConditionEvaluator, ProfileFiles } from './files.ts';
import { TargetEnvironment, type EnvKey } from './environment.ts';
import { semantics, type SemanticsMode } from './semantics.ts';

export interface LoadOptions {
  config?: string | null;
  cwd?: string;
  semantics?: SemanticsMode;
  userDefaults?: boolean;
  assignments?: Assignment[];
  /** The Python interpreter (`${buildout:executable}`, condition facts). */
  executable: string;
  env?: Partial<Record<EnvKey, string>>;
  /** The recipe host, or a function making it for the Buildout (see Buildout's constructor). */
  recipes?: RecipeHost | ((buildout: Buildout) => RecipeHost);
  /** Environment variables; defaults to process.env. */
  processEnv?: Record<string, string | undefined>;
  /** The file reader (see AssembleOptions.files): an editor's reads its unsaved texts. */
  files?: ProfileFiles;
  /** The condition evaluator `files` was made with (default: one for the target environment). */
  conditions?: ConditionEvaluator;
}

export interface Loaded {
  assembled: Assembled;
  buildout: Buildout;
  environment: TargetEnvironment;
}

/**
 * Assemble the configuration, without initialising anything: what
 * `annotate`, `query` and `resolve --raw` need. Throws BuildoutError.
 */
export async function loadRaw(opts: LoadOptions): Promise<{ assembled: Assembled; environment: TargetEnvironment }> {
  const environment = new TargetEnvironment(opts.executable, opts.env);
  const sem = semantics(opts.semantics ?? 'slapos');
  const assembled = await initializing(() => assemble({
    ...(opts.config !== undefined ? { config: opts.config } : {}),
    ...(opts.cwd ? { cwd: opts.cwd } : {}),
    semantics: sem.mode,
    ...(opts.userDefaults !== undefined ? { userDefaults: opts.userDefaults } : {}),
    ...(opts.assignments ? { assignments: opts.assignments } : {}),
    executable: opts.executable,
    conditions: opts.conditions ?? new Conditions(sem, environment),
    ...(opts.processEnv ? { env: opts.processEnv } : {}),
    ...(opts.files ? { files: opts.files } : {}),
  }));
  return { assembled, environment };
}

/** zc.buildout reads the configuration in Buildout.__init__: an error there is reported `While: Initializing.` */
async function initializing<T>(f: () => Promise<T>): Promise<T> {
  try {
    return await f();
  } catch (e) {
    if (e instanceof BuildoutError && !e.primary.doing) e.primary.doing = ['Initializing.'];
    throw e;
  }
}

/** Assemble, then initialise [buildout] and [versions] as zc.buildout does. Throws BuildoutError. */
export async function loadBuildout(opts: LoadOptions): Promise<Loaded> {
  const { assembled, environment } = await loadRaw(opts);
  const buildout = new Buildout(assembled, opts.recipes);
  buildout.environment = environment;
  buildout.initialise();
  return { assembled, buildout, environment };
}
