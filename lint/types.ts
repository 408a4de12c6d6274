// The shapes shared by the linter, its rules and its callers. A rule is
// one module exporting `meta` and `create(context)` (ESLint's shape): it
// says what it checks and at which severity, and `create` returns the
// listeners the engine calls, once per file and once per linted profile.
import type { Diagnostic, Severity, Span } from '../parser/diagnostic.ts';
import type { LintFile } from './workspace.ts';
import type { ProfileModel } from './model.ts';

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

export interface RuleMeta {
  id: string;
  /** One line: what the rule reports. */
  description: string;
  /** The severity of a definite finding when nothing overrides it. */
  defaultSeverity: Severity;
  /** Off unless `--rule ID=SEVERITY` turns it on (costly rules). */
  offByDefault?: boolean;
  /** `file`: runs once per file; `profile`: once per linted profile, on the merged configuration. */
  scope: 'file' | 'profile';
  /** Longer explanation: why, and what is not reported. */
  details?: string;
}

export interface Report {
  message: string;
  span?: Span | undefined;
  certainty?: Certainty;
  related?: { message: string; span?: Span }[];
  chain?: string[];
  hint?: string | undefined;
  /** The highest severity this finding may have, whatever the rule's setting. */
  maxSeverity?: Severity;
}

export interface RuleContext {
  readonly options: LintOptions;
  report(r: Report): void;
}

/** What file rules get besides the file: its sections and conditions as the run reads them. */
export interface FileFacts {
  sections: import('../parser/sections.ts').FileSections;
  /** The file's conditional headers and how each was decided. */
  conditions: [import('../parser/tree.ts').HeaderNode, import('./conditions.ts').ConditionOutcome][];
  semantics: import('../profile/semantics.ts').Semantics;
  workspace: import('./workspace.ts').Workspace;
}

export interface RuleListeners {
  /** Once per file of the run (each file once, whichever profiles include it). */
  file?(file: LintFile, facts: FileFacts): void;
  /** Once per linted profile, with its merged configuration. */
  profile?(profile: ProfileModel): void | Promise<void>;
}

export interface Rule {
  meta: RuleMeta;
  create(context: RuleContext): RuleListeners;
}

export interface LintOptions {
  semantics: import('../profile/semantics.ts').SemanticsMode;
  /** The Python interpreter conditions are evaluated for. */
  executable: string;
  env: Partial<Record<import('../profile/environment.ts').EnvKey, string>>;
  /** Per-rule settings from `--rule ID=SEVERITY`. */
  rules: Record<string, RuleSetting>;
  /** Working directory (paths in messages are relative to it). */
  cwd: string;
}

export interface LintFinding extends Diagnostic {
  /** The profiles (root files) whose lint produced it. */
  profiles?: string[];
  /**
   * The severity for each of those profiles: a finding in a shared file may
   * be definite for a profile that evaluates it and weaker for another; the
   * finding shows the highest.
   */
  severityByProfile?: Record<string, Severity>;
  /** The text of the finding's first line, for code frames. */
  sourceLine?: string;
}
