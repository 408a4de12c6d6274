// What a profile's new model takes over from the previous model of the
// same root (an editor's workspace analyses a root again after each edit):
// the facts of every section whose resolution cannot read a section that
// changed. A section's facts (its macro expansion, substituted values,
// recipe, references, the sections it reaches) derive from the section,
// its `<=` macros and the sections its `${…}` name, transitively; so the
// sections to work out again are those that changed and those that reach
// one of them through such names. A section whose entries are equal
// (values, histories, the lines that wrote them) counts as unchanged and
// the new model takes the previous model's object for it, so that what
// compares entries by identity (an option that came from a macro) reads
// the same.
import type { Entry, History, Section, Step } from '../profile/entry.ts';
import type { RawOption } from '../parser/sections.ts';
import { scanTemplate } from '../parser/references.ts';
import { pyStrip } from '../python/index.ts';
import type { ProfileModel } from './model.ts';
import type { LintFile } from './workspace.ts';

/** How many sections the last carry worked out again and took over (benchmarks, tests). */
export interface CarryStats {
  changed: number;
  stale: number;
  carried: number;
  /** Sections whose rules' reports were taken over. */
  reports: number;
}

/**
 * Give `next` the facts of `prev` that still hold; returns what it did, or
 * undefined when nothing could be taken (other sections, a template, a
 * profile that did not load).
 */
export function carryOver(prev: ProfileModel, next: ProfileModel): CarryStats | undefined {
  if (!prev.assembled || !next.assembled || prev.loadErrors.length || next.loadErrors.length || prev.mode !== next.mode) return undefined;
  // names built by a template may stand for any section: keep it simple there
  if (next.files.some((f) => f.template) || prev.files.some((f) => f.template)) return undefined;
  const before = prev.assembled.raw;
  const after = next.assembled.raw;
  if (before.size !== after.size) return undefined;
  const a = before.keys();
  for (const name of after.keys()) if (a.next().value !== name) return undefined;
  const changed = new Set<string>();
  for (const [name, section] of after) {
    const old = before.get(name)!;
    if (old === section) continue;
    if (sameSection(old, section)) after.set(name, old);
    else changed.add(name);
  }
  const stale = readersOf(after, changed);
  let carried = 0;
  for (const [name, facts] of prev.known) {
    if (stale.has(name)) continue;
    next.known.set(name, facts);
    carried++;
  }
  let reports = 0;
  if (sameWhole(prev, next)) {
    for (const [name, byRule] of prev.reports) {
      if (stale.has(name)) continue;
      next.reports.set(name, byRule);
      reports++;
    }
  }
  return { changed: changed.size, stale: stale.size, carried, reports };
}

/**
 * Is what rules read of the profile as a whole the same (RuleContext.section):
 * the sections buildout reaches, the macro bases, why the profile is
 * incomplete, which file brought in each file and where, the headers of
 * every file, the files on disk (an md5sum's)?
 */
function sameWhole(prev: ProfileModel, next: ProfileModel): boolean {
  if (prev.diskChanges !== next.diskChanges || prev.incomplete.join('\n') !== next.incomplete.join('\n')) return false;
  if (!sameSet(prev.reached(), next.reached()) || !sameSet(prev.macroBases(), next.macroBases())) return false;
  if (prev.includedBy.size !== next.includedBy.size) return false;
  for (const [file, inc] of next.includedBy) {
    const was = prev.includedBy.get(file);
    if (was !== inc && (!was || was.file !== inc.file || JSON.stringify(was.span) !== JSON.stringify(inc.span))) return false;
  }
  if (prev.files.length !== next.files.length) return false;
  for (let i = 0; i < next.files.length; i++) {
    const a = prev.files[i]!;
    const b = next.files[i]!;
    if (a !== b && (a.path !== b.path || headers(a) !== headers(b))) return false;
  }
  return true;
}

function sameSet(a: Set<string>, b: Set<string>): boolean {
  if (a.size !== b.size) return false;
  for (const x of a) if (!b.has(x)) return false;
  return true;
}

/** A file's headers and where their names are. */
function headers(f: LintFile): string {
  const out: string[] = [];
  for (const n of f.tree.nodes) if (n.kind === 'header') out.push(`${n.name}\0${JSON.stringify(n.nameSpan)}`);
  return out.join('\n');
}

/** The sections whose resolution may read one of `changed`: those and every section naming one of them (`${…}`, `<=`), transitively. */
function readersOf(config: Map<string, Section>, changed: Set<string>): Set<string> {
  const out = new Set(changed);
  if (!changed.size) return out;
  const readers = new Map<string, string[]>();
  for (const [name, section] of config) {
    for (const to of names(section)) {
      if (to === name) continue;
      let l = readers.get(to);
      if (!l) readers.set(to, (l = []));
      l.push(name);
    }
  }
  const todo = [...changed];
  while (todo.length) for (const r of readers.get(todo.pop()!) ?? []) if (!out.has(r)) (out.add(r), todo.push(r));
  return out;
}

const namesCache = new WeakMap<Section, Set<string>>();

/** The sections a raw section names: its `<=` macros, the sections of its `${section:option}`, the words of a jinja2 `context`. */
function names(section: Section): Set<string> {
  let out = namesCache.get(section);
  if (out) return out;
  out = new Set();
  for (const [key, e] of section) {
    if (key === '<') for (const line of e.value.split('\n')) if (pyStrip(line)) out.add(pyStrip(line));
    // a jinja2 part's context names sections without ${…} (`key x section:option`, `section x name`): every word may be one
    if (key === 'context') for (const w of e.value.split(/\s+/)) if (w) out.add(w.includes(':') ? w.slice(0, w.indexOf(':')) : w);
    if (!e.value.includes('${')) continue;
    for (const seg of scanTemplate(e.value)) if (typeof seg !== 'string' && seg.section) out.add(seg.section);
  }
  namesCache.set(section, out);
  return out;
}

function sameSection(a: Section, b: Section): boolean {
  if (a.size !== b.size) return false;
  const keys = a.keys();
  for (const [k, e] of b) {
    if (keys.next().value !== k) return false;
    if (!sameEntry(a.get(k)!, e)) return false;
  }
  return true;
}

function sameEntry(a: Entry, b: Entry): boolean {
  return a === b || (a.value === b.value && sameHistory(a.history, b.history));
}

function sameHistory(a: History | null, b: History | null): boolean {
  for (; a !== b; a = a.prev, b = b.prev) if (!a || !b || !sameStep(a.step, b.step)) return false;
  return true;
}

function sameStep(a: Step, b: Step): boolean {
  return a.op === b.op && a.value === b.value && a.source === b.source && sameOrigin(a.origin, b.origin);
}

/** The same option line, at the same place, with the same text. */
function sameOrigin(a: RawOption | undefined, b: RawOption | undefined): boolean {
  if (a === b) return true;
  if (!a || !b || a.key !== b.key || a.value !== b.value || a.file !== b.file || a.positions.length !== b.positions.length) return false;
  for (let i = 0; i < a.positions.length; i++) if (a.positions[i]!.line !== b.positions[i]!.line || a.positions[i]!.column !== b.positions[i]!.column) return false;
  const n = a.node;
  const m = b.node;
  return n === m || JSON.stringify(n) === JSON.stringify(m);
}
