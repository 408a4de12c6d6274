// Locations and diagnostics: the one shape for syntax errors, resolution
// errors and lint findings (docs/errors.md#the-diagnostic-shape).

/** A range in a file. Lines and columns are 1-based; the end is exclusive. */
export interface Span {
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

export type Severity = 'error' | 'warning' | 'info';

export interface Diagnostic {
  severity: Severity;
  /** A stable identifier: `syntax`, `undefined-section`, … */
  rule: string;
  message: string;
  span?: Span;
  /** Other places that explain the finding (the other end of a cycle, …). */
  related?: { message: string; span?: Span }[];
  /** The chain that led here, outermost first ("extended by …", "referenced by …"). */
  chain?: string[];
  hint?: string;
  /** zc.buildout's own words for this error, when `message` says more. */
  buildoutMessage?: string;
  /** What zc.buildout was doing (its `While:` lines, its `__doing__`s), outermost first. */
  doing?: string[];
  /** A Python traceback: for zc.buildout a bug in a recipe, reported as its internal error. */
  traceback?: string;
  /**
   * The exit status of a run that ends as zc.buildout's process would have
   * ended, silently (a recipe's os._exit): buildout's text is empty, only
   * tsbuildout's marked lines say why.
   */
  exitCode?: number;
}

export function span(file: string, line: number, column: number, endLine: number, endColumn: number): Span {
  return { file, line, column, endLine, endColumn };
}

/**
 * The error type every stage throws for bad input. It carries one or more
 * diagnostics; anything else that escapes is a bug.
 */
export class BuildoutError extends Error {
  readonly diagnostics: Diagnostic[];
  constructor(diagnostics: Diagnostic | Diagnostic[]) {
    const list = Array.isArray(diagnostics) ? diagnostics : [diagnostics];
    // bad input, not a bug: no stack trace to capture (resolving every
    // section of a large profile may raise hundreds of these)
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    super(list[0]?.message ?? 'error');
    Error.stackTraceLimit = limit;
    this.name = 'BuildoutError';
    this.diagnostics = list;
  }
  get primary(): Diagnostic {
    return this.diagnostics[0]!;
  }
}

/**
 * Bad input that has no location in a profile (a master's refusal, a node
 * misconfigured): the command line prints its message as one `Error:` line.
 */
export class UserError extends Error {}

