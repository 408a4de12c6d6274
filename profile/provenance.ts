// Where each line of an assembled value was written: replay the entry's
// history (set, `+=`, `-=`, override) keeping a file position per line.
// Used for error locations and `explain`; computed only when asked.
import type { Span } from '../parser/diagnostic.ts';
import type { Reference } from '../parser/references.ts';
import type { Entry, History, Step } from './entry.ts';

export interface LineOrigin {
  file: string;
  line: number;
  column: number;
}

/** One origin per line of the entry's value (undefined where the text has no file: defaults, command line). */
export function lineOrigins(e: Entry): (LineOrigin | undefined)[] {
  let lines: string[] = [];
  let origins: (LineOrigin | undefined)[] = [];
  // only the steps since the last plain value matter: walk back to it
  const recent: Step[] = [];
  for (let h: History | null = e.history; h; h = h.prev) {
    recent.push(h.step);
    if (h.step.op !== 'ADD' && h.step.op !== 'REMOVE') break;
  }
  for (const step of recent.reverse()) {
    const stepLines = step.value.split('\n');
    const o = step.origin;
    const stepOrigins = stepLines.map((_, i): LineOrigin | undefined =>
      o && o.positions[i] ? { file: o.file, line: o.positions[i]!.line, column: o.positions[i]!.column } : undefined,
    );
    switch (step.op) {
      case 'SET':
      case 'OVERRIDE':
        lines = stepLines;
        origins = stepOrigins;
        break;
      case 'ADD':
        lines = lines.concat(stepLines);
        origins = origins.concat(stepOrigins);
        break;
      case 'REMOVE': {
        const drop = new Set(stepLines);
        const keep = lines.map((l) => !drop.has(l));
        lines = lines.filter((_, i) => keep[i]);
        origins = origins.filter((_, i) => keep[i]);
        break;
      }
      case 'DIRECTORY':
        lines = stepLines;
        origins = stepLines.map(() => undefined);
        break;
    }
  }
  // a history that does not replay to the value (should not happen) gives no positions
  return lines.join('\n') === e.value ? origins : e.value.split('\n').map(() => undefined);
}

/** The span of `value[start, end)` in the files that wrote the entry. */
export function entrySpan(e: Entry, start: number, end: number): Span | undefined {
  const origins = lineOrigins(e);
  const at = (offset: number) => {
    let line = 0;
    let lineStart = 0;
    for (let i = e.value.indexOf('\n'); i >= 0 && i < offset; i = e.value.indexOf('\n', i + 1)) {
      line++;
      lineStart = i + 1;
    }
    const o = origins[line];
    return o ? { file: o.file, line: o.line, column: o.column + (offset - lineStart) } : undefined;
  };
  const a = at(start);
  const b = at(end);
  if (!a) return undefined;
  return { file: a.file, line: a.line, column: a.column, endLine: b?.line ?? a.line, endColumn: b?.column ?? a.column };
}

/** The span of the option line that last set the entry (the key), if it came from a file. */
export function entryKeySpan(e: Entry): Span | undefined {
  for (let h: Entry['history'] | null = e.history; h; h = h.prev) {
    if (h.step.origin) return h.step.origin.node.keySpan;
  }
  return undefined;
}

export function referenceSpan(e: Entry, ref: Reference): Span | undefined {
  return entrySpan(e, ref.start, ref.end);
}

