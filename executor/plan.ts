// Which installed parts a run uninstalls, and why
// (docs/buildout-run.md#phases-of-a-run, item 8): parts no longer selected,
// parts whose options (signature included) changed, parts whose recorded files
// disappeared. The same decisions drive a run, `--dry-run` and `plan`.
import { existsSync } from 'node:fs';
import type { Buildout } from '../profile/buildout.ts';
import { pyJoin } from '../profile/location.ts';
import { currentOptions } from './options.ts';
import type { InstalledState } from './installed.ts';

export type Reason =
  | { kind: 'not-selected' }
  | { kind: 'options-changed'; changes: OptionChange[] }
  | { kind: 'files-missing'; files: string[] };

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
  for (const part of [...state.parts].reverse()) {
    const saved = state.options.get(part)!;
    if (installParts.includes(part)) {
      const changes = optionChanges(saved, currentOptions(buildout, buildout.section(part)), checkSignature);
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
