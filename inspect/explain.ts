// `explain SECTION:OPTION`: an option's final value and how it was built,
// step by step: each file and line that set it, each `+=` and `-=`, the
// macro it was copied from, command-line assignments and buildout's own
// defaults, then every `${…}` it expanded, with where the reference is
// written and where the referenced value comes from (followed a few
// levels down).
import { BuildoutError } from '../parser/diagnostic.ts';
import { findReferences } from '../parser/references.ts';
import type { Entry, Operation, Step } from '../profile/entry.ts';
import { steps as entrySteps } from '../profile/entry.ts';
import { macroSteps } from '../profile/macros.ts';
import { referenceSpan } from '../profile/provenance.ts';
import { didYouMean } from '../profile/suggest.ts';
import { consumerValue } from '../profile/values.ts';
import { hasUnknown } from './host.ts';
import type { Inspection } from './model.ts';
import { spanJson } from './origin.ts';

export interface Location {
  file: string;
  line: number;
  column: number;
}

export interface ExplainStep {
  op: Operation;
  /** The text this step contributed. */
  value: string;
  /** file: a profile line; command-line, default, computed, implicit: buildout's own. */
  kind: 'file' | 'command-line' | 'default' | 'computed' | 'implicit';
  /** The file (or URL) the step comes from. */
  file?: string;
  line?: number;
  column?: number;
  /** The option line as written. */
  text?: string;
  /** Each line of `value` with its position. */
  lines?: { text: string; line: number; column: number }[];
  /** The step was copied from this macro section (`<=`). */
  macro?: string;
  /** A later plain assignment replaced this step's value. */
  superseded?: boolean;
}

export interface ExplainReference {
  ref: string;
  section: string;
  option: string;
  /** Where the reference is written. */
  at?: Location;
  /** What it expanded to. */
  value?: string;
  error?: string;
  /** How the referenced value was built (a few levels deep). */
  explain?: Explanation;
}

export interface Explanation {
  section: string;
  option: string;
  /** The final value, substituted, as recipes get it. */
  value?: string;
  /** The merged value before substitution (after macros). */
  raw?: string;
  /** The section's macro line (`<= a b`), when it has one. */
  macros?: string[];
  /** Set by this recipe's init rather than written in a profile. */
  setByRecipe?: string;
  /** The value has parts a recipe not run here would compute. */
  unknown?: boolean;
  steps: ExplainStep[];
  references: ExplainReference[];
  /** The value could not be computed. */
  error?: string;
}

/** A step of a value's history as explain shows it: where it is written, or which of buildout's own sources it is. */
export function stepOf(s: Step): ExplainStep {
  const out: ExplainStep = { op: s.op, value: s.value, kind: 'implicit' };
  if (s.origin) {
    out.kind = 'file';
    out.file = s.origin.file;
    out.line = s.origin.node.line;
    out.column = s.origin.node.keySpan.column;
    out.text = s.origin.node.text;
    const lines = s.value.split('\n');
    out.lines = s.origin.positions.slice(0, lines.length).map((p, i) => ({ text: lines[i]!, line: p.line, column: p.column }));
  } else if (s.source === 'COMMAND_LINE_VALUE') out.kind = 'command-line';
  else if (s.source === 'DEFAULT_VALUE') out.kind = 'default';
  else if (s.source === 'COMPUTED_VALUE') out.kind = 'computed';
  else if (s.source && s.source !== 'IMPLICIT_VALUE') {
    // a value buildout injects from a file (${:_profile_base_location_})
    out.kind = 'file';
    out.file = s.source;
  }
  return out;
}

export interface ExplainOptions {
  /** How many levels of references to follow (default 3). */
  depth?: number;
}

export function explain(insp: Inspection, section: string, option: string, o: ExplainOptions = {}): Explanation {
  const depth = o.depth ?? 3;
  if (!insp.assembled.raw.has(section)) {
    throw new BuildoutError({ severity: 'error', rule: 'undefined-section', message: `There is no section [${section}]`, hint: didYouMean(section, insp.assembled.raw.keys()) });
  }
  return explainIn(insp, section, option, depth, new Set());
}

function explainIn(insp: Inspection, section: string, option: string, depth: number, on: Set<string>): Explanation {
  const { buildout } = insp;
  const out: Explanation = { section, option, steps: [], references: [] };
  const key = `${section}\0${option}`;
  on = new Set(on).add(key);
  let opts;
  try {
    opts = buildout.section(section);
  } catch (e) {
    if (!(e instanceof BuildoutError)) throw e;
    out.error = e.primary.message;
  }
  let entry: Entry | undefined = opts ? opts.raw.get(option) : insp.assembled.raw.get(section)?.get(option);
  if (opts) {
    if (!entry && !opts.has(option)) {
      throw new BuildoutError({ severity: 'error', rule: 'undefined-option', message: `[${section}] has no option ${option}`, hint: didYouMean(option, opts.keys()) });
    }
    try {
      const v = opts.get(option);
      if (v !== undefined) out.value = consumerValue(buildout.semantics, v);
    } catch (e) {
      if (!(e instanceof BuildoutError)) throw e;
      out.error = e.primary.message;
    }
    if (opts.recipeSet.has(option) && section !== 'buildout') {
      const recipe = insp.host.parts.get(section)?.recipe;
      out.setByRecipe = recipe ?? 'its recipe';
    }
  } else if (!entry) {
    throw new BuildoutError({ severity: 'error', rule: 'undefined-option', message: `[${section}] has no option ${option}` });
  }
  if (out.value !== undefined && hasUnknown(out.value)) out.unknown = true;
  const macro = insp.assembled.raw.get(section)?.get('<');
  if (macro) out.macros = macro.value.split('\n').map((l) => l.trim()).filter(Boolean);
  if (!entry) return out;
  out.raw = entry.value;
  const fromMacro = macroSteps(buildout, insp.assembled.raw.get(section), option);
  const all = entrySteps(entry);
  let lastPlain = 0;
  all.forEach((s, i) => {
    if (s.op === 'SET' || s.op === 'OVERRIDE') lastPlain = i;
  });
  all.forEach((s, i) => {
    const step = stepOf(s);
    const m = fromMacro.get(s);
    if (m) step.macro = m;
    if (i < lastPlain) step.superseded = true;
    out.steps.push(step);
  });
  const seen = new Set<string>();
  for (const ref of findReferences(entry.value)) {
    if (seen.has(ref.text)) continue;
    seen.add(ref.text);
    const target = ref.section || section;
    const r: ExplainReference = { ref: ref.text, section: target, option: ref.option };
    const at = spanJson(referenceSpan(entry, ref));
    if (at) r.at = at;
    if (ref.problem) {
      r.error = `invalid reference (${ref.problem})`;
      out.references.push(r);
      continue;
    }
    try {
      const v = buildout.section(target).get(ref.option);
      if (v !== undefined) r.value = consumerValue(buildout.semantics, v);
      else if (ref.option === '_buildout_section_name_') r.value = section;
    } catch (e) {
      if (!(e instanceof BuildoutError)) throw e;
      r.error = e.primary.message;
    }
    const k = `${target}\0${ref.option}`;
    if (depth > 0 && !on.has(k) && insp.assembled.raw.has(target) && (buildout.sections.get(target)?.has(ref.option) || insp.assembled.raw.get(target)?.has(ref.option))) {
      try {
        r.explain = explainIn(insp, target, ref.option, depth - 1, on);
      } catch (e) {
        if (!(e instanceof BuildoutError)) throw e;
      }
    }
    out.references.push(r);
  }
  return out;
}
