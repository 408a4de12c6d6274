// One inspection of a profile: loaded and resolved as a run resolves it
// (sections initialised lazily from `[buildout] parts`, recipe constructors
// through InspectHost), with every dependency edge recorded as it is
// created: which option of which section, through which `${…}`,
// `<part-dependencies>` or recipe read, reached which section. Macro
// origins (`<=`) are added from the raw configuration: buildout reads macro
// sections without initialising them.
import { BuildoutError, type Span } from '../parser/diagnostic.ts';
import type { Assembled } from '../profile/assemble.ts';
import { Buildout, type Via } from '../profile/buildout.ts';
import type { TargetEnvironment } from '../profile/environment.ts';
import { loadRaw, type LoadOptions } from '../profile/load.ts';
import { entrySpan, lineOrigins } from '../profile/provenance.ts';
import type { Entry } from '../profile/entry.ts';
import { findReferences } from '../parser/references.ts';
import { pyStrip } from '../python/index.ts';
import type { RecipeRegistry } from '../recipes/registry.ts';
import { InspectHost } from './host.ts';

export type EdgeKind = 'parts' | 'reference' | 'part-dependencies' | 'recipe' | 'template' | 'macro' | 'other';

export interface Edge {
  from: string;
  to: string;
  kind: EdgeKind;
  /** The option of `from` that holds the reference (`(recipe)`, `(template)` for recipe reads). */
  option: string;
  /** The reference as written, `${a:b}`. */
  ref?: string;
  /** Where the reference (or the `<`, `=>` line) is written; computed on demand. */
  locate?: () => Span | undefined;
}

export interface Inspection {
  assembled: Assembled;
  buildout: Buildout;
  environment: TargetEnvironment;
  host: InspectHost;
  /** Every edge, in the order resolution created it. */
  edges: Edge[];
  /** The error that stopped `[buildout] parts` from resolving, if any (what was reached is still here). */
  partsError?: BuildoutError;
}

export interface InspectOptions extends Omit<LoadOptions, 'recipes'> {
  registry?: RecipeRegistry;
  /** More recipes (`egg:entry`) whose constructors may run, for a custom registry. */
  safeInit?: string[];
  /** Evaluate `[buildout] parts` (default true). */
  evaluateParts?: boolean;
}

/** A short label for an edge: the reference, `<part-dependencies>`, `<= macro`, … */
export function edgeLabel(e: Edge): string {
  switch (e.kind) {
    case 'parts':
      return 'parts';
    case 'reference':
      return e.ref ?? e.option;
    case 'part-dependencies':
      return '<part-dependencies>';
    case 'macro':
      return `<= ${e.to}`;
    case 'recipe':
      return '(recipe init)';
    case 'template':
      return `${e.ref ?? ''} (template)`.trim();
    default:
      return e.ref ?? e.option;
  }
}

function kindOf(via: Via): EdgeKind {
  if (via.section === 'buildout' && via.option === 'parts' && !via.ref) return 'parts';
  if (via.option === '<part-dependencies>' && !via.ref) return 'part-dependencies';
  if (via.option === '(recipe)') return 'recipe';
  if (via.option === '(template)') return 'template';
  if (via.ref) return 'reference';
  return 'other';
}

export class EdgeRecorder {
  readonly edges: Edge[] = [];
  private readonly seen = new Set<string>();

  observe = (name: string, via: Via | undefined): void => {
    // [buildout] is read by almost every section and is never a dependency
    // (docs/slapos-fork.md#dependency-hashes-in-signatures)
    if (!via || via.section === name || name === 'buildout') return;
    const kind = kindOf(via);
    const key = `${via.section}\0${name}\0${kind}\0${via.option}\0${via.ref ?? ''}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    const edge: Edge = { from: via.section, to: name, kind, option: via.option };
    if (via.ref) edge.ref = via.ref;
    if (via.locate) edge.locate = via.locate;
    this.edges.push(edge);
  };

  add(edge: Edge): void {
    const key = `${edge.from}\0${edge.to}\0${edge.kind}\0${edge.option}\0${edge.ref ?? ''}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.edges.push(edge);
  }
}

/** Load and resolve a profile for inspection. Throws BuildoutError when the profile cannot be assembled. */
export async function inspectProfile(opts: InspectOptions): Promise<Inspection> {
  const { registry, safeInit, evaluateParts, ...load } = opts;
  const { assembled, environment } = await loadRaw(load);
  const host = new InspectHost(registry, safeInit);
  const buildout = new Buildout(assembled, host);
  const recorder = new EdgeRecorder();
  buildout.observe = recorder.observe;
  buildout.initialise();
  const out: Inspection = { assembled, buildout, environment, host, edges: recorder.edges };
  if (evaluateParts !== false) {
    try {
      buildout.evaluateParts();
    } catch (e) {
      if (!(e instanceof BuildoutError)) throw e;
      out.partsError = e;
    }
  }
  addMacroEdges(out, recorder);
  return out;
}

/** `<= a b` of every section reached, and of the macro sections they name, as edges. */
export function addMacroEdges(insp: Inspection, recorder: EdgeRecorder): void {
  const todo = [...insp.buildout.sections.keys()];
  const done = new Set<string>();
  while (todo.length) {
    const name = todo.pop()!;
    if (done.has(name) || name === 'buildout') continue;
    done.add(name);
    const macro = insp.assembled.raw.get(name)?.get('<');
    if (!macro) continue;
    let offset = 0;
    for (const line of macro.value.split('\n')) {
      const start = offset;
      offset += line.length + 1;
      const input = pyStrip(line);
      if (!input || !insp.assembled.raw.has(input)) continue;
      recorder.add({ from: name, to: input, kind: 'macro', option: '<', locate: () => entrySpan(macro, start, start + line.length) });
      todo.push(input);
    }
  }
}

const byTarget = new WeakMap<Inspection, { count: number; map: Map<string, Edge[]> }>();

/** Edges by their target section (kept while no edge is added). */
export function edgesTo(insp: Inspection): Map<string, Edge[]> {
  const known = byTarget.get(insp);
  if (known && known.count === insp.edges.length) return known.map;
  const out = new Map<string, Edge[]>();
  for (const e of insp.edges) {
    let list = out.get(e.to);
    if (!list) out.set(e.to, (list = []));
    list.push(e);
  }
  byTarget.set(insp, { count: insp.edges.length, map: out });
  return out;
}

const spanCache = new WeakMap<Edge, Span | null>();

interface EntryIndex {
  origins: ReturnType<typeof lineOrigins>;
  /** Offset of each line's start in the value. */
  starts: number[];
  /** First offset of each reference text. */
  refs: Map<string, number>;
}

const entryIndexes = new WeakMap<Entry, EntryIndex>();

/** Line origins and reference offsets of an entry, computed once (a value's history is replayed once, not per reference). */
function entryIndex(e: Entry): EntryIndex {
  let x = entryIndexes.get(e);
  if (x) return x;
  const starts = [0];
  for (let i = e.value.indexOf('\n'); i >= 0; i = e.value.indexOf('\n', i + 1)) starts.push(i + 1);
  const refs = new Map<string, number>();
  for (const r of findReferences(e.value)) if (!refs.has(r.text)) refs.set(r.text, r.start);
  x = { origins: lineOrigins(e), starts, refs };
  entryIndexes.set(e, x);
  return x;
}

function spanAt(e: Entry, start: number, end: number): Span | undefined {
  const { origins, starts } = entryIndex(e);
  const at = (offset: number) => {
    let line = 0;
    while (line + 1 < starts.length && starts[line + 1]! <= offset) line++;
    const o = origins[line];
    return o ? { file: o.file, line: o.line, column: o.column + (offset - starts[line]!) } : undefined;
  };
  const a = at(start);
  const b = at(end);
  if (!a) return undefined;
  return { file: a.file, line: a.line, column: a.column, endLine: b?.line ?? a.line, endColumn: b?.column ?? a.column };
}

/** Where an edge is written: the reference, the `<` line, or the name in `parts` / `<part-dependencies>`. */
export function edgeSpan(insp: Inspection, e: Edge): Span | undefined {
  const known = spanCache.get(e);
  if (known !== undefined) return known ?? undefined;
  let span: Span | undefined;
  if (e.kind === 'reference' && e.ref) {
    const entry = insp.buildout.sections.get(e.from)?.raw.get(e.option);
    const start = entry ? entryIndex(entry).refs.get(e.ref) : undefined;
    if (entry && start !== undefined) span = spanAt(entry, start, start + e.ref.length);
  }
  if (!span && e.locate) span = e.locate();
  else if (!span && (e.kind === 'parts' || e.kind === 'part-dependencies')) {
    const entry = insp.buildout.sections.get(e.from)?.raw.get(e.kind === 'parts' ? 'parts' : '<part-dependencies>');
    if (entry) {
      const m = new RegExp(`(^|\\s)(${e.to.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')})(?=\\s|$)`).exec(entry.value);
      if (m) span = spanAt(entry, m.index + m[1]!.length, m.index + m[0].length);
    }
  }
  spanCache.set(e, span ?? null);
  return span;
}
