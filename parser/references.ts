// `${section:option}` references inside a value, found exactly as
// zc.buildout finds them: the value is cut at every `$$` (an escape, whose
// pieces are scanned separately), then each piece at `${…}` (the shortest
// text up to the first `}`). Each reference keeps its offsets, and a
// value's position table turns them into file spans.
import type { Span } from './diagnostic.ts';
import type { ValuePosition } from './sections.ts';

export type ReferenceProblem = 'no-colon' | 'too-many-colons' | 'bad-section' | 'bad-option';

export interface Reference {
  /** The whole reference, `${a:b}`. */
  text: string;
  /** Offsets in the value (end exclusive). */
  start: number;
  end: number;
  /** Empty for `${:option}` (the current section). */
  section: string;
  option: string;
  /** Why zc.buildout would refuse it, if it would. */
  problem?: ReferenceProblem;
}

/** Literal text and references, in order; joining the texts and the substituted references rebuilds the value. */
export type TemplateSegment = string | Reference;

const VALID = /^\$\{[-a-zA-Z0-9 ._]*:[-a-zA-Z0-9 ._]+\}$/;
// Python's `$` also matches before a final newline
const SIMPLE = /^[-a-zA-Z0-9 ._]+\n?$/;

export function problemOf(text: string): ReferenceProblem | undefined {
  if (VALID.test(text)) return undefined;
  const parts = text.slice(2, -1).split(':');
  if (parts.length < 2) return 'no-colon';
  if (parts.length > 2) return 'too-many-colons';
  if (!SIMPLE.test(parts[0]!)) return 'bad-section';
  if (!SIMPLE.test(parts[1]!)) return 'bad-option';
  return undefined;
}

export function scanTemplate(value: string): TemplateSegment[] {
  const out: TemplateSegment[] = [];
  const pieces = value.split('$$');
  let offset = 0;
  pieces.forEach((piece, index) => {
    if (index > 0) {
      out.push('$$');
      offset += 2;
    }
    let i = 0;
    while (i < piece.length) {
      const open = piece.indexOf('${', i);
      const close = open < 0 ? -1 : piece.indexOf('}', open + 2);
      if (open < 0 || close < 0) {
        out.push(piece.slice(i));
        break;
      }
      if (open > i) out.push(piece.slice(i, open));
      const text = piece.slice(open, close + 1);
      const colon = text.indexOf(':');
      const ref: Reference = {
        text,
        start: offset + open,
        end: offset + close + 1,
        section: colon < 0 ? '' : text.slice(2, colon),
        option: colon < 0 ? text.slice(2, -1) : text.slice(colon + 1, -1),
      };
      const problem = problemOf(text);
      if (problem) ref.problem = problem;
      out.push(ref);
      i = close + 1;
    }
    offset += piece.length;
  });
  return out;
}

export function findReferences(value: string): Reference[] {
  if (!value.includes('${')) return [];
  return scanTemplate(value).filter((s): s is Reference => typeof s !== 'string');
}

/** The span of a value range, given the value's position table. */
export function valueSpan(file: string, value: string, positions: readonly ValuePosition[], start: number, end: number): Span | undefined {
  const a = locate(value, positions, start);
  const b = locate(value, positions, end);
  if (!a || !b) return undefined;
  return { file, line: a.line, column: a.column, endLine: b.line, endColumn: b.column };
}

function locate(value: string, positions: readonly ValuePosition[], offset: number): ValuePosition | undefined {
  let line = 0;
  let lineStart = 0;
  for (let i = value.indexOf('\n'); i >= 0 && i < offset; i = value.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  const p = positions[line];
  return p ? { line: p.line, column: p.column + (offset - lineStart) } : undefined;
}
