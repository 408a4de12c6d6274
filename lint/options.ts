// What a lint run is asked (semantics, interpreter, target environment,
// rule settings) and how sure a finding is: the leaf types the linter's
// loader and model share with the rules (lint/types.ts re-exports them).
import type { Severity } from '../parser/diagnostic.ts';
import type { EnvKey } from '../profile/environment.ts';
import type { SemanticsMode } from '../profile/semantics.ts';

export type RuleSetting = Severity | 'off';

/**
 * How sure a finding is. `definite`: buildout would fail (or the file is
 * wrong) exactly as said: the configured severity. `weaker`: wrong, but
 * nothing evaluates it as the profile stands (a section no part reaches, a
 * template whose rendering is unknown): one step below. `unverifiable`: it
 * depends on something only run time knows (a value a recipe computes, a
 * missing or remote extends file): always info.
 */
export type Certainty = 'definite' | 'weaker' | 'unverifiable';

export interface LintOptions {
  semantics: SemanticsMode;
  /** The Python interpreter conditions are evaluated for. */
  executable: string;
  env: Partial<Record<EnvKey, string>>;
  /** Per-rule settings from `--rule ID=SEVERITY`. */
  rules: Record<string, RuleSetting>;
  /** Working directory (paths in messages are relative to it). */
  cwd: string;
}
