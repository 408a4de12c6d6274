// The run plan, as data: which parts a run selects, their signatures, which
// installed parts it uninstalls and why (docs/buildout-run.md#phases-of-a-run,
// item 8: parts no longer selected, parts whose options — signature
// included — changed, parts whose recorded files disappeared; and
// tsbuildout's own: parts a killed run left half-written,
// executor/installed.ts), and whether
// each selected part is then installed or updated. Computed once here;
// executor/run.ts carries it out (and prints it with --dry-run),
// inspect/plan.ts explains it.
import { existsSync } from 'node:fs';
import type { Buildout } from '../profile/buildout.ts';
import { pyJoin } from '../profile/location.ts';
import { pySplitWhitespace } from '../python/index.ts';
import type { RecipeModule } from '../recipes/api.ts';
import type { RecipeSpec } from '../recipes/registry.ts';
import { currentOptions } from './options.ts';
import type { Options } from '../profile/options.ts';
import { consumerValue } from '../profile/values.ts';
import type { InstalledState } from './installed.ts';
import { partSignature } from './signature.ts';

export type Reason =
  | { kind: 'not-selected' }
  | { kind: 'options-changed'; changes: OptionChange[] }
  | { kind: 'files-missing'; files: string[] }
  /** Cut while being written (a killed run, a failed recipe): its paths are removed, then it is installed afresh if selected. */
  | { kind: 'incomplete'; files: string[] };

export interface OptionChange {
  option: string;
  /** undefined: the option is new (old) or gone (new). */
  old?: string;
  new?: string;
}

export interface Uninstall {
  part: string;
  reason: Reason;
}

/** Options compared between runs: saved minus __buildout_installed__ against current (signature included). */
export function optionChanges(saved: ReadonlyMap<string, string>, current: ReadonlyMap<string, string>, checkSignature: boolean): OptionChange[] {
  const changes: OptionChange[] = [];
  const skip = (k: string) => k === '__buildout_installed__' || (!checkSignature && k === '__buildout_signature__');
  for (const [k, v] of saved) {
    if (skip(k)) continue;
    const now = current.get(k);
    if (now === undefined) changes.push({ option: k, old: v });
    else if (now !== v) changes.push({ option: k, old: v, new: now });
  }
  for (const [k, v] of current) if (!skip(k) && !saved.has(k)) changes.push({ option: k, new: v });
  return changes;
}

/**
 * optionChanges(saved, currentOptions(…)) is empty: every current option
 * read (as currentOptions reads them, so that none is then unused) and
 * compared in place.
 */
function sameOptions(buildout: Buildout, options: Options, saved: ReadonlyMap<string, string>, checkSignature: boolean): boolean {
  const skip = (k: string) => k === '__buildout_installed__' || (!checkSignature && k === '__buildout_signature__');
  let same = true;
  let compared = 0;
  for (const k of options.keys()) {
    if (options.volatile.has(k)) continue;
    const now = consumerValue(buildout.semantics, options.require(k));
    if (skip(k)) continue;
    compared++;
    if (saved.get(k) !== now) same = false;
  }
  if (!same) return false;
  let kept = 0;
  for (const k of saved.keys()) if (!skip(k)) kept++;
  return kept === compared;
}

export function missingFiles(directory: string, installed: string): string[] {
  return installed
    .split('\n')
    .filter(Boolean)
    .filter((f) => !existsSync(pyJoin(directory, f)));
}

/**
 * The uninstall pass's decisions, in the order they run (reverse recorded
 * order). `installParts` are the selected parts; with `install PART …`
 * (uninstallMissing false) unselected installed parts are kept.
 */
export function uninstalls(
  buildout: Buildout,
  state: InstalledState,
  installParts: readonly string[],
  uninstallMissing: boolean,
  checkSignature: boolean,
): Uninstall[] {
  const directory = buildout.section('buildout').require('directory');
  const out: Uninstall[] = [];
  const selected = new Set(installParts);
  for (const part of [...state.parts].reverse()) {
    const saved = state.options.get(part)!;
    if (state.incomplete.has(part)) {
      out.push({ part, reason: { kind: 'incomplete', files: (saved.get('__buildout_installed__') ?? '').split('\n').filter(Boolean) } });
    } else if (selected.has(part)) {
      const options = buildout.section(part);
      // the usual answer (nothing changed) without a map of the current options per part
      const changes = sameOptions(buildout, options, saved, checkSignature) ? [] : optionChanges(saved, currentOptions(buildout, options), checkSignature);
      if (changes.length) {
        out.push({ part, reason: { kind: 'options-changed', changes } });
        continue;
      }
      const missing = missingFiles(directory, saved.get('__buildout_installed__') ?? '');
      if (missing.length) out.push({ part, reason: { kind: 'files-missing', files: missing } });
    } else if (uninstallMissing) {
      out.push({ part, reason: { kind: 'not-selected' } });
    }
  }
  return out;
}

/** A part whose recipe was initialised: its recipe entry, and its module when one was found. */
export interface InitialisedRecipe {
  spec: RecipeSpec;
  module?: RecipeModule | undefined;
}

export interface PartStep {
  part: string;
  action: 'install' | 'update';
}

export interface RunPlan {
  /** The selected parts, in install order. */
  installParts: string[];
  /** `[buildout] check-signature`: whether a changed signature alone reinstalls. */
  checkSignature: boolean;
  /** The uninstall pass, in the order it runs (reverse recorded order). */
  uninstalls: Uninstall[];
  /** Then each selected part, in order: installed afresh or updated. */
  steps: PartStep[];
}

/**
 * zc.buildout's part selection: `[buildout] parts` (each must be a section
 * with a recipe), then every part their initialisation reached, in
 * initialisation order; or the install arguments alone.
 */
export function selectParts(buildout: Buildout, initialised: ReadonlyMap<string, InitialisedRecipe>, args: readonly string[]): string[] {
  const b = buildout.section('buildout');
  let parts = args.length ? [...args] : pySplitWhitespace(b.require('parts'));
  for (const part of parts) buildout.section(part, { section: 'buildout', option: args.length ? 'install arguments' : 'parts' }).require('recipe');
  if (!args.length) parts = [...buildout.parts];
  return parts.filter((p) => initialised.has(p));
}

/**
 * Each selected part's `__buildout_signature__` (set once: a second call
 * keeps it). Section hashes are computed once and forgotten when the
 * signature changes a part's own section.
 */
export function signParts(buildout: Buildout, parts: readonly string[], initialised: ReadonlyMap<string, InitialisedRecipe>): void {
  const hashes = new Map<string, string>();
  for (const part of parts) {
    const options = buildout.section(part);
    if (options.data.has('__buildout_signature__')) continue;
    const r = initialised.get(part)!;
    options.set('__buildout_signature__', partSignature(buildout, options, r.spec, hashes, r.module));
    hashes.delete(part);
  }
}

/** The whole plan of a run against the record `state`. */
export function planRun(
  buildout: Buildout,
  state: InstalledState,
  initialised: ReadonlyMap<string, InitialisedRecipe>,
  args: readonly string[] = [],
  /** Called once the parts' recipes are initialised, before they are signed (zc.buildout's -vv dump). */
  selected?: () => void,
): RunPlan {
  const installParts = selectParts(buildout, initialised, args);
  selected?.();
  const checkSignature = buildout.section('buildout').get('check-signature') !== 'false';
  signParts(buildout, installParts, initialised);
  const removals = uninstalls(buildout, state, installParts, !args.length, checkSignature);
  const removed = new Set(removals.map((u) => u.part));
  const steps: PartStep[] = installParts.map((part) => ({ part, action: state.options.has(part) && !removed.has(part) ? 'update' : 'install' }));
  return { installParts, checkSignature, uninstalls: removals, steps };
}
