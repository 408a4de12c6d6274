// Where an option's current value comes from, in a few words: the file
// and line that last wrote it, the command line, a default, a macro, or a
// recipe's init. `explain` tells the whole story; plans and diffs use this.
import type { Span } from '../parser/diagnostic.ts';
import { findReferences, scanTemplate } from '../parser/references.ts';
import type { Entry } from '../profile/entry.ts';
import { lineOrigins } from '../profile/provenance.ts';
import { consumerValue } from '../profile/values.ts';
import type { Inspection } from './model.ts';

export interface Origin {
  /** file: a profile line; command-line, default, computed (buildout's own); recipe: set by a recipe's init. */
  kind: 'file' | 'command-line' | 'default' | 'computed' | 'recipe' | 'implicit';
  file?: string;
  line?: number;
  column?: number;
  /** The macro section the value was copied from, when it came through `<`. */
  macro?: string;
  /** The recipe, for kind recipe. */
  recipe?: string;
}

export interface LineWithOrigin {
  text: string;
  origin?: Origin;
}

export interface ReferenceUse {
  ref: string;
  section: string;
  option: string;
  value?: string;
  origin?: Origin;
}

export function stepOrigin(e: Entry): Origin {
  for (let h: Entry['history'] | null = e.history; h; h = h.prev) {
    const s = h.step;
    if (s.origin) return { kind: 'file', file: s.origin.file, line: s.origin.node.line, column: s.origin.node.keySpan.column };
    if (s.op === 'DIRECTORY') continue;
    if (s.source === 'COMMAND_LINE_VALUE') return { kind: 'command-line' };
    if (s.source === 'DEFAULT_VALUE') return { kind: 'default' };
    if (s.source === 'COMPUTED_VALUE') return { kind: 'computed' };
    if (s.source === 'IMPLICIT_VALUE') return { kind: 'implicit' };
  }
  return { kind: 'implicit' };
}

/** The section an option's entry was copied from by a macro, if it was. */
export function macroSource(insp: Inspection, section: string, option: string): string | undefined {
  const opts = insp.buildout.sections.get(section);
  const own = insp.assembled.raw.get(section);
  if (!opts || !own || !own.has('<')) return undefined;
  const e = opts.raw.get(option);
  if (!e || own.get(option) === e) return undefined;
  // the last macro input whose raw section (or its own macros) defines the option
  const inputs = own.get('<')!.value.split('\n').map((l) => l.trim()).filter(Boolean);
  for (let i = inputs.length - 1; i >= 0; i--) {
    if (definesThroughMacros(insp, inputs[i]!, option, new Set())) return inputs[i];
  }
  return undefined;
}

function definesThroughMacros(insp: Inspection, section: string, option: string, seen: Set<string>): boolean {
  if (seen.has(section)) return false;
  seen.add(section);
  const raw = insp.assembled.raw.get(section);
  if (!raw) return false;
  if (raw.has(option)) return true;
  const macro = raw.get('<');
  if (!macro) return false;
  return macro.value.split('\n').some((l) => l.trim() && definesThroughMacros(insp, l.trim(), option, seen));
}

/** Where the current value of section:option comes from. */
export function originOf(insp: Inspection, section: string, option: string): Origin | undefined {
  const opts = insp.buildout.sections.get(section);
  if (!opts) {
    const e = insp.assembled.raw.get(section)?.get(option);
    return e ? stepOrigin(e) : undefined;
  }
  if (opts.recipeSet.has(option) && option !== '__buildout_signature__' && section !== 'buildout') {
    const recipe = insp.host.parts.get(section)?.recipe;
    return recipe ? { kind: 'recipe', recipe } : { kind: 'recipe' };
  }
  const e = opts.raw.get(option);
  if (!e) return undefined;
  const o = stepOrigin(e);
  const m = macroSource(insp, section, option);
  if (m) o.macro = m;
  return o;
}

/**
 * The lines of a value with where each was written: the raw value's lines,
 * each substituted on its own, when that gives the final value line for
 * line (references expand to single lines).
 */
export function linesWithOrigins(insp: Inspection, section: string, option: string): LineWithOrigin[] | undefined {
  const opts = insp.buildout.sections.get(section);
  const e = opts?.raw.get(option) ?? insp.assembled.raw.get(section)?.get(option);
  if (!e) return undefined;
  const origins = lineOrigins(e);
  const sem = insp.buildout.semantics;
  const lines: string[] = [];
  for (const line of e.value.split('\n')) {
    if (!line.includes('${')) {
      lines.push(consumerValue(sem, line));
      continue;
    }
    let text = '';
    for (const seg of scanTemplate(line)) {
      if (typeof seg === 'string') text += seg;
      else {
        const v = seg.problem ? undefined : insp.buildout.sections.get(seg.section || section)?.get(seg.option);
        if (v === undefined || v.includes('\n')) return undefined;
        text += v;
      }
    }
    lines.push(consumerValue(sem, text));
  }
  return lines.map((text, i) => {
    const o = origins[i];
    return o ? { text, origin: { kind: 'file', file: o.file, line: o.line, column: o.column } } : { text };
  });
}

/** The references an option's raw value expands, with their current values and origins. */
export function referencesOf(insp: Inspection, section: string, option: string): ReferenceUse[] {
  const opts = insp.buildout.sections.get(section);
  const e = opts?.raw.get(option);
  if (!opts || !e || opts.recipeSet.has(option)) return [];
  const out: ReferenceUse[] = [];
  const seen = new Set<string>();
  for (const ref of findReferences(e.value)) {
    if (ref.problem || seen.has(ref.text)) continue;
    seen.add(ref.text);
    const target = ref.section || section;
    const use: ReferenceUse = { ref: ref.text, section: target, option: ref.option };
    const t = insp.buildout.sections.get(target);
    const v = t?.get(ref.option);
    if (v !== undefined) use.value = consumerValue(insp.buildout.semantics, v);
    const o = originOf(insp, target, ref.option);
    if (o) use.origin = o;
    out.push(use);
  }
  return out;
}

export function spanJson(s: Span | undefined): { file: string; line: number; column: number } | undefined {
  return s ? { file: s.file, line: s.line, column: s.column } : undefined;
}
