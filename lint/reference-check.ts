// What is wrong with each `${section:option}` of a profile, computed once
// and shared by the reference rules: a malformed reference, a section or
// an option that does not exist (or may not: values recipes compute,
// templates, incomplete extends), and cycles of references, each with how
// sure the linter is and the nearest existing names.
import type { Span } from '../parser/diagnostic.ts';
import { steps } from '../profile/entry.ts';
import { entryKeySpan } from '../profile/provenance.ts';
import { nearest } from '../profile/suggest.ts';
import type { ModelReference, ProfileModel } from './model.ts';
import { hasPlaceholder } from './template.ts';
import type { Certainty } from './options.ts';

export interface ReferenceProblem {
  ref: ModelReference;
  kind: 'invalid' | 'undefined-section' | 'undefined-option';
  certainty: Certainty;
  /** Why the linter cannot be sure (unverifiable findings). */
  why?: string;
  /** Nearest existing names. */
  near: string[];
  related: { message: string; span?: Span }[];
}

const RANK: Record<Certainty, number> = { unverifiable: 0, weaker: 1, definite: 2 };

export function weakest(...cs: Certainty[]): Certainty {
  return cs.reduce((a, b) => (RANK[a] <= RANK[b] ? a : b));
}

const cache = new WeakMap<ProfileModel, Map<string, ReferenceProblem[]>>();

/** What is wrong with the references of one section (its own and those its macros give it), made once per model and section. */
export function referenceProblems(model: ProfileModel, owner: string): ReferenceProblem[] {
  let byOwner = cache.get(model);
  if (!byOwner) cache.set(model, (byOwner = new Map()));
  const known = byOwner.get(owner);
  if (known) return known;
  const out: ReferenceProblem[] = [];
  const reached = model.reached();
  for (const r of model.ownReferences(owner)) {
    if (r.wildcard || (model.isAbstract(r.owner) && model.macroBases().has(r.owner))) continue;
    const base = model.certaintyIn(r.owner);
    if (r.ref.problem) {
      out.push({ ref: r, kind: 'invalid', certainty: base, near: [], related: [] });
      continue;
    }
    const sec = model.sectionExistence(r.target);
    if (sec.status === 'unknown') {
      const near = nearest(r.target, model.sectionNames().filter((s) => !hasPlaceholder(s)));
      if (near.length) out.push({ ref: r, kind: 'undefined-section', certainty: 'unverifiable', why: sec.why, near, related: sectionRelated(model, near) });
      continue;
    }
    if (sec.status === 'missing') {
      const near = nearest(r.target, model.sectionNames().filter((s) => !hasPlaceholder(s)));
      out.push({ ref: r, kind: 'undefined-section', certainty: weakest(base, sec.certainty), near, related: sectionRelated(model, near) });
      continue;
    }
    const opt = model.optionExistence(r.target, r.ref.option);
    if (opt.status === 'defined') continue;
    const candidates = [...(model.expanded(r.target)?.section.keys() ?? [])].filter((k) => !hasPlaceholder(k));
    const schema = model.schema(r.target);
    if (schema?.spec.generated) candidates.push(...schema.spec.generated);
    const near = nearest(r.ref.option, candidates);
    const related = optionRelated(model, r.target, near);
    if (opt.status === 'unknown') {
      if (near.length) out.push({ ref: r, kind: 'undefined-option', certainty: 'unverifiable', why: opt.why, near, related });
      continue;
    }
    let certainty = weakest(base, opt.certainty);
    // an unevaluated section reading its own missing option is a macro or an
    // abstract section: the sections that use it supply the option
    if (!reached.has(r.owner) && r.target === r.owner) certainty = 'unverifiable';
    out.push({ ref: r, kind: 'undefined-option', certainty, ...(opt.why ? { why: opt.why } : {}), near, related });
  }
  byOwner.set(owner, out);
  return out;
}

/** Where the nearest sections are defined. */
function sectionRelated(model: ProfileModel, names: string[]): { message: string; span?: Span }[] {
  const out: { message: string; span?: Span }[] = [];
  for (const name of names.slice(0, 1)) {
    const span = sectionSpan(model, name);
    const chain = span ? model.extendsChain(span.file) : [];
    out.push({ message: `[${name}] is defined here${chain.length ? ` (${chain.join(', ')})` : ''}`, ...(span ? { span } : {}) });
  }
  return out;
}

/** The first header of a section in the profile's files. */
export function sectionSpan(model: ProfileModel, name: string): Span | undefined {
  for (const f of model.files) {
    for (const node of f.tree.nodes) if (node.kind === 'header' && node.name === name) return node.nameSpan;
  }
  return undefined;
}

/** Where the nearest options are set, and through which macro or extends chain. */
function optionRelated(model: ProfileModel, section: string, names: string[]): { message: string; span?: Span }[] {
  const out: { message: string; span?: Span }[] = [];
  const ex = model.expanded(section);
  const raw = model.raw.get(section);
  for (const name of names.slice(0, 1)) {
    const e = ex?.section.get(name);
    if (!e) continue;
    const span = entryKeySpan(e);
    const viaMacro = raw?.get(name) !== e && ex?.section !== raw;
    const macro = viaMacro ? macroSource(model, section, name) : undefined;
    const chain = span ? model.extendsChain(span.file) : [];
    const how = [macro ? `through <= ${macro}` : '', ...chain].filter(Boolean).join(', ');
    const ops = steps(e).length > 1 ? ` (${steps(e).length} steps: ${steps(e).map((s) => s.op.toLowerCase()).join(', ')})` : '';
    out.push({ message: `${name} is set here${how ? ` (${how})` : ''}${ops}`, ...(span ? { span } : {}) });
  }
  return out;
}

/** The macro chain (`a <= b <= c`) through which a section got an option. */
function macroSource(model: ProfileModel, section: string, option: string, depth = 0): string | undefined {
  if (depth > 20) return undefined;
  const m = model.raw.get(section)?.get('<');
  if (!m) return undefined;
  const bases = m.value.split('\n').map((s) => s.trim()).filter(Boolean).reverse();
  for (const b of bases) {
    const base = model.raw.get(b);
    if (!base) continue;
    if (base.has(option)) return b;
    const deeper = macroSource(model, b, option, depth + 1);
    if (deeper) return `${b} <= ${deeper}`;
  }
  return undefined;
}

export interface Cycle {
  /** The options of the cycle, each followed by the reference it makes to the next. */
  path: { section: string; option: string; ref: ModelReference }[];
  certainty: Certainty;
}

const edgeCache = new WeakMap<ProfileModel, Map<string, { to: string; ref: ModelReference }[]>>();

/** The references between options that exist: `section\0option` → the options it references (made once per model: cycles and sizes both walk them). */
function referenceEdges(model: ProfileModel): Map<string, { to: string; ref: ModelReference }[]> {
  const known = edgeCache.get(model);
  if (known) return known;
  const edges = new Map<string, { to: string; ref: ModelReference }[]>();
  edgeCache.set(model, edges);
  const node = (s: string, o: string) => s + '\0' + o;
  for (const r of model.references()) {
    if (r.wildcard || r.ref.problem) continue;
    if (!model.expanded(r.target)?.section.has(r.ref.option)) continue;
    const from = node(r.owner, r.option);
    let l = edges.get(from);
    if (!l) edges.set(from, (l = []));
    l.push({ to: node(r.target, r.ref.option), ref: r });
  }
  return edges;
}

const cycleCache = new WeakMap<ProfileModel, Cycle[]>();

/** Cycles of references between options (Tarjan's strongly connected components). */
export function referenceCycles(model: ProfileModel): Cycle[] {
  const known = cycleCache.get(model);
  if (known) return known;
  const edges = referenceEdges(model);
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const sccs: string[][] = [];
  const strong = (v: string) => {
    // iterative Tarjan
    const work: { v: string; i: number }[] = [{ v, i: 0 }];
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    onStack.add(v);
    while (work.length) {
      const top = work[work.length - 1]!;
      const out = edges.get(top.v) ?? [];
      if (top.i < out.length) {
        const w = out[top.i++]!.to;
        if (!idx.has(w)) {
          idx.set(w, index);
          low.set(w, index++);
          stack.push(w);
          onStack.add(w);
          work.push({ v: w, i: 0 });
        } else if (onStack.has(w)) low.set(top.v, Math.min(low.get(top.v)!, idx.get(w)!));
        continue;
      }
      work.pop();
      if (work.length) {
        const parent = work[work.length - 1]!.v;
        low.set(parent, Math.min(low.get(parent)!, low.get(top.v)!));
      }
      if (low.get(top.v) === idx.get(top.v)) {
        const comp: string[] = [];
        let w: string;
        do {
          w = stack.pop()!;
          onStack.delete(w);
          comp.push(w);
        } while (w !== top.v);
        sccs.push(comp);
      }
    }
  };
  for (const v of edges.keys()) if (!idx.has(v)) strong(v);
  const reached = model.reached();
  const cycles: Cycle[] = [];
  for (const comp of sccs) {
    const members = new Set(comp);
    const self = comp.length === 1 && (edges.get(comp[0]!) ?? []).some((e) => e.to === comp[0]);
    if (comp.length === 1 && !self) continue;
    // one cycle through the component, from its smallest node
    const start = [...members].sort()[0]!;
    const path: Cycle['path'] = [];
    const seen = new Set<string>();
    let cur = start;
    while (!seen.has(cur)) {
      seen.add(cur);
      const e = (edges.get(cur) ?? []).find((x) => members.has(x.to))!;
      const [section, option] = cur.split('\0') as [string, string];
      path.push({ section, option, ref: e.ref });
      cur = e.to;
      if (cur === start) break;
    }
    const anyReached = path.some((p) => reached.has(p.section));
    cycles.push({ path, certainty: model.isTemplate ? 'weaker' : anyReached ? 'definite' : 'weaker' });
  }
  cycleCache.set(model, cycles);
  return cycles;
}

/** An option whose references nest, or whose value expands, beyond what a run accepts. */
export interface Oversized {
  section: string;
  option: string;
  /** References within references, at the deepest. */
  depth: number;
  /** The expanded length, or more than the limit. */
  length: number;
  span: Span | undefined;
}

/**
 * The options a run would refuse for their size (profile/options.ts
 * MAX_REFERENCE_NESTING, MAX_VALUE_LENGTH), the outermost of each chain
 * only (those no other oversized option references). Iterative, as the
 * chains are deep; cycles are left to referenceCycles.
 */
export function oversizedValues(model: ProfileModel, maxDepth: number, maxLength: number): Oversized[] {
  const edges = referenceEdges(model);
  const own = (key: string) => {
    const [s, o] = key.split('\0') as [string, string];
    return model.expanded(s)?.section.get(o)?.value.length ?? 0;
  };
  const cap = maxLength + 1;
  const done = new Map<string, { depth: number; length: number }>();
  const active = new Set<string>();
  for (const start of edges.keys()) {
    if (done.has(start)) continue;
    const work: { key: string; i: number; depth: number; length: number }[] = [{ key: start, i: 0, depth: 0, length: own(start) }];
    active.add(start);
    while (work.length) {
      const top = work[work.length - 1]!;
      const out = edges.get(top.key) ?? [];
      if (top.i < out.length) {
        const e = out[top.i++]!;
        const known = done.get(e.to);
        if (known) {
          top.depth = Math.max(top.depth, known.depth + 1);
          top.length = Math.min(cap, top.length - e.ref.ref.text.length + known.length);
        } else if (!active.has(e.to)) {
          // visited when it is done; its edge is counted then
          top.i--;
          active.add(e.to);
          work.push({ key: e.to, i: 0, depth: 0, length: own(e.to) });
        }
        continue;
      }
      work.pop();
      active.delete(top.key);
      done.set(top.key, { depth: top.depth, length: top.length });
    }
  }
  const over = (k: string) => {
    const d = done.get(k);
    return !!d && (d.depth > maxDepth || d.length > maxLength);
  };
  const inner = new Set<string>();
  for (const [from, out] of edges) if (over(from)) for (const e of out) inner.add(e.to);
  const result: Oversized[] = [];
  for (const [key, d] of done) {
    if (!over(key) || inner.has(key)) continue;
    const [section, option] = key.split('\0') as [string, string];
    result.push({ section, option, depth: d.depth, length: d.length, span: edges.get(key)?.[0]?.ref.span });
  }
  return result;
}
