// Section conditions as the linter sees them: decided by the loader's own
// evaluator against the target environment (`--env`), each outcome recorded
// with the global names it reads that zc.buildout does not define and what
// went wrong, and never fatal: a condition zc.buildout could not evaluate is
// reported and its section skipped, so that the rest of the file is linted.
import { BuildoutError } from '../parser/diagnostic.ts';
import type { HeaderNode } from '../parser/tree.ts';
import { Conditions } from '../profile/conditions.ts';
import type { TargetEnvironment } from '../profile/environment.ts';
import type { ConditionEvaluator } from '../profile/files.ts';
import { parseMarker } from '../profile/markers.ts';
import type { Semantics } from '../profile/semantics.ts';
import { parseExpression, PySyntaxError } from '../python/index.ts';
import { freeNames, PYTHON_BUILTIN_NAMES } from './python-names.ts';
import { hasPlaceholder } from './template.ts';

export interface ConditionOutcome {
  /** The decision the load used; 'unknown' conditions (computed by a template) count as true. */
  value: boolean | 'unknown';
  /** Names the condition reads that zc.buildout does not define, with their offsets in the condition. */
  unknownNames: { name: string; pos: number; raised: boolean }[];
  /** An error evaluating it (other than an unknown name), in Python's words. */
  error?: string;
  /** The condition is not Python (a syntax error). */
  syntaxError?: { message: string; column: number };
}

/** The names zc.buildout defines for conditions (besides the builtins), by semantics. */
export function conditionGlobals(semantics: Semantics): Set<string> {
  const names = new Set(['sys', 'os', 'platform', 're', 'python2', 'python3', 'cpython', 'pypy', 'jython', 'ironpython']);
  for (const n of ['linux', 'windows', 'cygwin', 'solaris', 'macosx', 'posix', 'bits32', 'bits64', 'little_endian', 'big_endian']) names.add(n);
  for (const v of semantics.pythonGlobals) names.add('python' + v);
  return names;
}

export class LintConditions implements ConditionEvaluator {
  // weak: an editor re-parses files, and the headers of old parses must go
  readonly outcomes = new WeakMap<HeaderNode, ConditionOutcome>();
  private readonly base: Conditions;
  private readonly globals: Set<string>;

  constructor(
    private readonly semantics: Semantics,
    readonly environment: TargetEnvironment,
  ) {
    this.base = new Conditions(semantics, environment);
    this.globals = conditionGlobals(semantics);
  }

  /** By condition text: the same condition is written on many headers (`[versions:python2]` in file after file). */
  private readonly byText = new Map<string, ConditionOutcome>();

  evaluate(header: HeaderNode): boolean {
    const known = this.outcomes.get(header);
    if (known) return known.value !== false;
    const text = header.condition!.text;
    let outcome = this.byText.get(text);
    if (!outcome) this.byText.set(text, (outcome = this.decide(header)));
    this.outcomes.set(header, outcome);
    return outcome.value !== false;
  }

  private decide(header: HeaderNode): ConditionOutcome {
    const raw = header.condition!.text;
    const outcome: ConditionOutcome = { value: false, unknownNames: [] };
    if (hasPlaceholder(raw)) {
      outcome.value = 'unknown';
      return outcome;
    }
    const text = raw.replaceAll('\\x23', '#').replaceAll('\\x3b', ';');
    const marker = this.semantics.markers ? parseMarker(text) : null;
    if (!marker) {
      // the Python path: which global names does it read?
      try {
        const tree = parseExpression('[' + text + ']');
        for (const use of freeNames(tree)) {
          if (!this.globals.has(use.name) && !PYTHON_BUILTIN_NAMES.has(use.name)) {
            outcome.unknownNames.push({ name: use.name, pos: Math.max(0, use.pos - 1), raised: false });
          }
        }
      } catch (e) {
        if (e instanceof PySyntaxError) {
          outcome.syntaxError = { message: e.message, column: Math.max(0, e.column - 1) };
          return outcome;
        }
        throw e;
      }
    }
    try {
      outcome.value = this.base.evaluate(header);
    } catch (e) {
      if (!(e instanceof BuildoutError)) throw e;
      outcome.error = e.primary.message.replace(/^cannot evaluate the condition of \[[^\]]*\]: /, '');
      markRaised(outcome, outcome.error);
    }
    return outcome;
  }
}

function markRaised(outcome: ConditionOutcome, error: string): void {
  const m = /NameError: name '([^']+)' is not defined|name '([^']+)' is not defined/.exec(error);
  const name = m?.[1] ?? m?.[2];
  if (!name) return;
  for (const u of outcome.unknownNames) if (u.name === name) u.raised = true;
}
