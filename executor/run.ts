// A run: zc.buildout's `install` command
// (docs/buildout-run.md#phases-of-a-run) with the SlapOS fork's lifecycle
// (docs/slapos-fork.md#run-lifecycle). Every selected recipe constructor runs
// before anything is uninstalled; parts that left the profile or changed are
// uninstalled in reverse recorded order; then parts are installed or updated
// in order. Each change of the record goes at once to its journal, and
// .installed.cfg is rewritten atomically at the end, even on failure
// (executor/installed.ts), so a run interrupted at any point leaves a record
// the next run converges from; that run first sweeps the temporaries the
// interrupted one left.
import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Buildout } from '../profile/buildout.ts';
import { loadBuildout, type LoadOptions } from '../profile/load.ts';
import { pyJoin } from '../profile/location.ts';
import { sortedPy } from '../profile/merge.ts';
import { strRepr } from '../python/index.ts';
import type { InstalledPaths, Logger, SubBuildout } from '../recipes/api.ts';
import { defaultRegistry } from '../recipes/index.ts';
import { parseRecipeSpec, type RecipeRegistry } from '../recipes/registry.ts';
import { sweepTemporaries } from '../recipes/lib/files.ts';
import { configurationDump, emptyState, journalPath, readInstalled, RunRecord, writeInstalled, type InstalledState } from './installed.ts';
import { lockDirectory } from './lock.ts';
import { savedOptions } from './options.ts';
import { planRun, type Uninstall } from './plan.ts';
import { asBuildoutError, RecipeRuntime } from './runtime.ts';
import { developEggs } from './develop.ts';
import { setupDirectories } from './directories.ts';
import { removePaths } from './paths.ts';
import { loadExtensions, unloadExtensions } from './extensions.ts';
import { checkForUpgrades } from './upgrade-check.ts';
import { BridgeCrash } from '../pybridge/process.ts';

export interface RunOptions extends Omit<LoadOptions, 'recipes'> {
  /** `install PART …`: only these parts. */
  installArgs?: string[];
  dryRun?: boolean;
  stubSoftware?: boolean;
  /** What recipe code prints goes to standard output, in order with the log lines, as in zc.buildout (not with --json). */
  recipeStdout?: boolean;
  /** Under stubSoftware: the tree of stand-in files a stand-in copies in for its location (`--stub-bin`). */
  stubTree?: string;
  logger: Logger;
  registry?: RecipeRegistry;
  /** Seconds to wait for another run's lock (default: wait). */
  lockTimeout?: number;
  /** false: take no lock (a sub-buildout run by a recipe of a run that holds it). */
  lock?: boolean;
}

export interface RunReport {
  uninstalled: Uninstall[];
  installed: string[];
  updated: string[];
}

export async function runBuildout(opts: RunOptions): Promise<RunReport> {
  const registry = opts.registry ?? defaultRegistry();
  // a recipe's sub-buildout (switch-softwaretype) runs here, in this process, under this run's lock
  const sub = async (s: SubBuildout) => {
    await runBuildout({ ...s, userDefaults: false, lock: false });
  };
  let runtime: RecipeRuntime | undefined;
  try {
    const { buildout } = await loadBuildout({ ...opts, recipes: (b) => (runtime = new RecipeRuntime(b, registry, { stubSoftware: opts.stubSoftware ?? false, recipeStdout: opts.recipeStdout ?? false, ...(opts.stubTree ? { stubTree: opts.stubTree } : {}) }, opts.logger, sub)) });
    const b = buildout.section('buildout');
    const directory = b.require('directory');
    const log = opts.logger;
    const lock = opts.dryRun || opts.lock === false ? undefined : await lockDirectory(directory, { ...(opts.lockTimeout !== undefined ? { timeoutSeconds: opts.lockTimeout } : {}), say: (m) => log.info(m) });
    try {
      return await run(buildout, runtime!, opts, directory, lock?.recovered ?? false);
    } finally {
      lock?.release();
    }
  } finally {
    // the Python bridge, if a part started it, ends with the run
    runtime?.close();
  }
}

async function run(buildout: Buildout, runtime: RecipeRuntime, opts: RunOptions, directory: string, recovered: boolean): Promise<RunReport> {
  const log = opts.logger;
  const b = buildout.section('buildout');
  const dry = opts.dryRun ?? false;
  buildout.trail.push({ kind: 'step', text: 'Installing.' });
  try {
    // zc.buildout loads extensions first (its install: before directories and develop eggs)
    const extensions = dry ? [] : loadExtensions(buildout, () => runtime.python(), log, !!opts.stubSoftware);
    if (!dry) setupDirectories(b, log);
    if (!dry) checkForUpgrades(buildout, log);

    const installedPath = b.require('installed');
    const state: InstalledState = installedPath ? readInstalled(installedPath) : emptyState();
    // after a killed run (its lock or its journal left behind), what it was writing is swept
    if (!dry && (recovered || (installedPath && existsSync(journalPath(installedPath))))) sweep(buildout, state, directory);
    // every change goes to the record's journal at once (a killed run loses no part);
    // the record itself is written at the end, also when the run fails
    const record = new RunRecord(dry ? undefined : installedPath || undefined, state);
    // write-ahead: the paths a part is about to create are journalled first (RecipeContext.created)
    runtime.created = (part, path) => record.created(part, path);
    if (!dry) {
      // before any recipe is initialised: develop eggs can be recipes
      buildout.trail.push({ kind: 'step', text: 'Processing directories listed in the develop option' });
      try {
        const developed = developEggs(buildout, state.installedDevelopEggs, runtime.python().interpreter(), log, opts.recipeStdout ?? false);
        if (developed !== state.installedDevelopEggs) {
          record.setDevelopEggs(developed);
          // zc.buildout records them at once in an existing record (Buildout._update_installed)
          if (installedPath && existsSync(installedPath)) writeInstalled(installedPath, state);
        }
      } finally {
        buildout.trail.pop();
      }
    }

    // zc.buildout's debug level (-vv) shows the configuration once the recipes are initialised
    const plan = planRun(buildout, state, runtime.parts, opts.installArgs ?? [], () => {
      if (buildout.logLevel() < 10) log.info(configurationDump(buildout));
    });
    const uninstalling = new Map(plan.uninstalls.map((u) => [u.part, state.options.get(u.part)!]));

    const report: RunReport = { uninstalled: [], installed: [], updated: [] };
    // the parts installed or updated, in order
    const done: string[] = [];
    try {
      for (const u of plan.uninstalls) {
        log.info(`Uninstalling ${u.part}.`);
        report.uninstalled.push(u);
        if (dry) continue;
        buildout.trail.push({ kind: 'step', text: `Uninstalling ${u.part}.` });
        try {
          await uninstallPart(u.part, uninstalling.get(u.part)!, runtime, directory, log);
        } finally {
          buildout.trail.pop();
        }
        record.forget(u.part);
      }
      warnUnused(buildout, 'buildout', log);

      for (const { part, action } of plan.steps) {
        const options = buildout.section(part);
        const signature = options.data.get('__buildout_signature__')!;
        options.remove('__buildout_signature__');
        const saved = savedOptions(buildout, options);
        const { recipe } = runtime.parts.get(part)!;
        const updating = action === 'update';
        const verb = updating ? 'Updating' : 'Installing';
        log.info(`${verb} ${part}.`);
        (updating ? report.updated : report.installed).push(part);
        if (dry) continue;
        // zc.buildout's install() reassigns its one __doing__: `Installing x.` replaces `Installing.`
        const installing = buildout.trail.pop()!;
        buildout.trail.push({ kind: 'step', text: `${verb} ${part}.` });
        let files: string[];
        try {
          if (updating) {
            const old = (record.state.options.get(part)!.get('__buildout_installed__') ?? '').split('\n').filter(Boolean);
            let result: InstalledPaths;
            try {
              if (recipe.update) result = await call(directory, () => recipe.update!());
              else {
                log.warning(`The recipe for ${part} doesn't define an update method. Using its install method.`);
                result = await call(directory, () => recipe.install());
              }
            } catch (e) {
              // the recipe ended the process: zc.buildout's record stays as it was (the part's old options)
              if (endsProcess(e)) throw asBuildoutError(buildout, e);
              // zc.buildout forgets the part and removes its files: the next run installs it afresh
              const written = record.written(part);
              record.forget(part);
              removePaths(directory, [...old, ...written]);
              throw asBuildoutError(buildout, e);
            }
            files = mergePaths(old, result, buildout.semantics.updatePathsUnion);
          } else {
            let result: InstalledPaths;
            try {
              result = await call(directory, () => recipe.install());
            } catch (e) {
              // what it announced is removed, as zc.buildout's Options._call removes the
              // paths a failed call gave options.created(): only a kill leaves a part cut
              // (a recipe's os._exit too: zc.buildout's record lacks the part, its files are removed)
              const written = record.written(part);
              if (written.length) {
                removePaths(directory, written);
                record.forget(part);
              }
              throw asBuildoutError(buildout, e);
            }
            if (result === null || result === undefined) {
              log.warning(`The ${part} install returned None.  A path or iterable os paths should be returned.`);
              files = [];
            } else files = typeof result === 'string' ? [result] : [...result];
          }
        } finally {
          buildout.trail.pop();
          buildout.trail.push(installing);
        }
        saved.set('__buildout_installed__', files.join('\n'));
        saved.set('__buildout_signature__', signature);
        const before = record.state.options.get(part);
        // upstream moves every part it installs or updates to the end of the record
        if (!before) record.set(part, saved, true);
        else if (!sameOptions(before, saved) || record.isWriting(part)) record.set(part, saved, !buildout.semantics.stableInstalledOrder);
        done.push(part);
        warnUnused(buildout, part, log);
      }
    } finally {
      if (!buildout.semantics.stableInstalledOrder) moveToEnd(record, done);
      record.save();
    }
    unloadExtensions(buildout, extensions, () => runtime.python());
    return report;
  } finally {
    buildout.trail.pop();
  }
}

/**
 * The temporaries a killed run left (recipes/lib/files.ts temporaryName:
 * `.<name>.tmp-<pid>` of a process that is gone), removed before anything
 * runs when the last run was killed: in the buildout directory, its bin, parts and develop-eggs
 * directories, each recorded path (a part's location) and the folder of
 * each (a service wrapper's etc/service).
 */
function sweep(buildout: Buildout, state: InstalledState, directory: string): void {
  const b = buildout.section('buildout');
  const dirs = new Set([directory, ...['bin', 'parts', 'develop-eggs'].map((n) => b.require(n + '-directory'))]);
  for (const options of state.options.values()) {
    for (const p of (options.get('__buildout_installed__') ?? '').split('\n')) {
      if (!p) continue;
      const path = pyJoin(directory, p);
      dirs.add(path);
      dirs.add(dirname(path));
    }
  }
  for (const d of dirs) sweepTemporaries(d);
}

/**
 * Upstream's order after the install pass: each part installed or updated
 * moved to the end of the record in turn (zc.buildout's install(), which
 * filters the list once per part). Parts whose options changed were moved
 * (and journaled) as they finished; an unchanged one is moved here, at the
 * end, and only when the final order differs from the record's from its
 * position on: a no-op run in the recorded order moves and writes nothing.
 */
function moveToEnd(record: RunRecord, done: readonly string[]): void {
  const moved = new Set(done);
  const order = record.parts;
  const wanted = [...order.filter((p) => !moved.has(p)), ...done];
  let i = 0;
  while (i < wanted.length && wanted[i] === order[i]) i++;
  for (const p of wanted.slice(i)) record.set(p, record.state.options.get(p)!, true);
}

/** A recipe that ended the process (os._exit), which ends zc.buildout's before any clean-up. */
function endsProcess(e: unknown): boolean {
  return e instanceof BridgeCrash && e.exitCode !== undefined;
}

function sameOptions(a: ReadonlyMap<string, string>, b: ReadonlyMap<string, string>): boolean {
  if (a.size !== b.size) return false;
  for (const [k, v] of a) if (b.get(k) !== v) return false;
  return true;
}

/** A recipe call, run from the buildout directory (zc.buildout's Options._call). */
async function call<T>(directory: string, f: () => T | Promise<T>): Promise<T> {
  const here = process.cwd();
  // no system call when the run is already there (the usual case, once per part)
  if (here !== directory) process.chdir(directory);
  try {
    return await f();
  } finally {
    if (process.cwd() !== here) process.chdir(here);
  }
}

function mergePaths(old: string[], result: InstalledPaths, union: boolean): string[] {
  if (result === null || result === undefined) return old;
  const now = typeof result === 'string' ? [result] : [...result];
  if (union) return sortedPy(new Set([...old, ...now]));
  const added = now.filter((p) => !old.includes(p));
  // zc.buildout ≥2: an update that returns no new path replaces the list (a quirk kept in these semantics)
  return added.length ? [...old, ...added] : now;
}

async function uninstallPart(part: string, saved: ReadonlyMap<string, string>, runtime: RecipeRuntime, directory: string, log: Logger): Promise<void> {
  const spec = saved.get('recipe');
  const parsed = spec ? parseRecipeSpec(spec) : null;
  const module = parsed ? runtime.findModule(parsed) : undefined;
  if (module?.uninstall) {
    log.info('Running uninstall recipe.');
    await call(directory, () => module.uninstall!({ name: part, options: saved, directory, logger: log, python: () => runtime.python() }));
  }
  removePaths(directory, (saved.get('__buildout_installed__') ?? '').split('\n').filter(Boolean));
}

/** Options a part's recipe never read: maybe a typo (zc.buildout's warning). */
function warnUnused(buildout: Buildout, section: string, log: Logger): void {
  const options = buildout.section(section);
  const unused = sortedPy([...options.raw.keys()].filter((k) => !options.data.has(k)));
  if (!unused.length) return;
  const listed = unused.map((u) => strRepr(u)).join(' ');
  // buildout.py _check_for_unused_options_in_section, in the version the semantics model
  if (buildout.semantics.unusedOptions === 'terse') log.warning(`Unused options for ${section}: ${listed}.`);
  else log.warning(`Section \`${section}\` contains unused option(s): ${listed}.\nThis may be an indication for either a typo in the option's name or a bug in the used recipe.`);
}

