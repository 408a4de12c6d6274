// One option value during assembly, with the history that built it
// (zc.buildout's SectionKey). Entries are immutable: merging makes new
// ones, so results of loading a file can be shared and reused.
import type { RawOption } from '../parser/sections.ts';

export type Operation = 'SET' | 'OVERRIDE' | 'ADD' | 'REMOVE' | 'DIRECTORY';

export interface Step {
  op: Operation;
  /** The text this step contributed (the value set, added or removed). */
  value: string;
  /** A file path or URL, a literal source, or '' (macro expansion). */
  source: string;
  /** The option line (with value positions) that wrote this step. */
  origin?: RawOption;
}

/** A persistent list, newest first. */
export interface History {
  readonly step: Step;
  readonly prev: History | null;
}

export interface Entry {
  readonly value: string;
  readonly history: History;
}

export type Section = Map<string, Entry>;
export type Config = Map<string, Section>;

export function entry(value: string, source: string, origin?: RawOption): Entry {
  return { value, history: { step: origin ? { op: 'SET', value, source, origin } : { op: 'SET', value, source }, prev: null } };
}

function push(history: History, step: Step): History {
  return { step, prev: history };
}

export function source(e: Entry): string {
  return e.history.step.source;
}

export function lastOperation(e: Entry): Operation {
  return e.history.step.op;
}

/** The value `+=` leaves: the added lines follow the old value's lines (zc.buildout's _update_section). */
export function addLines(value: string, add: string): string {
  return value + '\n' + add;
}

/** The value `-=` leaves: the old lines that are not among the removed lines. */
export function removeLines(value: string, remove: string): string {
  const drop = new Set(remove.split('\n'));
  return value
    .split('\n')
    .filter((line) => !drop.has(line))
    .join('\n');
}

/** `+=` on an entry, with its history. */
export function added(base: Entry, add: Entry): Entry {
  return {
    value: addLines(base.value, add.value),
    history: push(base.history, { ...add.history.step, op: 'ADD', value: add.value }),
  };
}

/** `-=` on an entry, with its history. */
export function removed(base: Entry, remove: Entry): Entry {
  return {
    value: removeLines(base.value, remove.value),
    history: push(base.history, { ...remove.history.step, op: 'REMOVE', value: remove.value }),
  };
}

/**
 * A later definition replaces an earlier one. A value computed by `+=`/`-=`
 * brings its own history (which holds the older steps); a plain value is
 * recorded as an OVERRIDE of the old one.
 */
export function overridden(old: Entry, over: Entry): Entry {
  const op = lastOperation(over);
  if (op === 'ADD' || op === 'REMOVE') return over;
  return { value: over.value, history: push(old.history, { ...over.history.step, op: 'OVERRIDE' }) };
}

/** A directory option made absolute. */
export function directory(e: Entry, value: string): Entry {
  return { value, history: push(e.history, { op: 'DIRECTORY', value, source: source(e) }) };
}

/** Oldest step first. */
export function steps(e: Entry): Step[] {
  const out: Step[] = [];
  for (let h: History | null = e.history; h; h = h.prev) out.push(h.step);
  return out.reverse();
}
