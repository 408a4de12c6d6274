// The shapes shared by the linter, its rules and its callers. A rule is
// one module exporting `meta` and `create(context)` (ESLint's shape): it
// says what it checks and at which severity, and `create` returns the
// listeners the engine calls, once per file and once per linted profile.
import type { Diagnostic, Severity, Span } from '../parser/diagnostic.ts';
import type { Certainty, LintOptions } from './options.ts';
import type { LintFile } from './workspace.ts';
import type { ProfileModel } from './model.ts';

export type { Certainty, LintOptions, RuleSetting } from './options.ts';


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

/** A change that fixes a finding: text replacing each span (an empty span inserts). */
export interface Fix {
  title: string;
  edits: { span: Span; text: string }[];
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
  /** Edits that would fix it (a did-you-mean, a checksum, a missing option). */
  fixes?: Fix[];
}

export interface RuleContext {
  readonly options: LintOptions;
  report(r: Report): void;
  /**
   * Run `body`, which reports what the rule finds in one section of a
   * profile, reading nothing but that section, what it names (`${…}`,
   * `<=`, transitively) and the profile as a whole (what is reached, macro
   * bases, section names, headers, the extends chain): an editor's next
   * model of the profile replays its reports while none of those changed
   * (carry.ts), and while `version` is the same (what else the reports
   * depend on: a template's text).
   */
  section(model: ProfileModel, name: string, body: () => void, version?: string): void;
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
  fixes?: Fix[];
}
