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

type Edge = { to: string; ref: ModelReference };

/**
 * The references of a section's options to options that exist, by option
 * (`section\0option` → the options it references). Made from the section
 * and those it names: kept with its facts (carry.ts).
 */
function sectionEdges(model: ProfileModel, section: string): Map<string, Edge[]> {
  const facts = model.facts(section);
  if (facts.edges) return facts.edges as Map<string, Edge[]>;
  const edges = new Map<string, Edge[]>();
  for (const r of model.ownReferences(section)) {
    if (r.wildcard || r.ref.problem) continue;
    if (!model.expanded(r.target)?.section.has(r.ref.option)) continue;
    const from = section + '\0' + r.option;
    let l = edges.get(from);
    if (!l) edges.set(from, (l = []));
    l.push({ to: r.target + '\0' + r.ref.option, ref: r });
  }
  facts.edges = edges;
  return edges;
}

function edgesFrom(model: ProfileModel, node: string): Edge[] {
  const section = node.slice(0, node.indexOf('\0'));
  return model.raw.has(section) ? (sectionEdges(model, section).get(node) ?? []) : [];
}

/** A strongly connected component of options that reference each other: its options and the cycle through it. */
interface Component {
  members: Set<string>;
  /** The cycle from its smallest option, when it is one (more than one option, or one referencing itself). */
  path?: Cycle['path'];
}

/**
 * The components of the options of `sections` (Tarjan's, iterative, one
 * walk from all their options), each recorded in the facts of the section
 * of each of its options, and the cycles in the facts of the section of
 * their smallest option. A component is what its options reach and are
 * reached from, so it depends only on what they name: kept with the facts.
 */
function findComponents(model: ProfileModel, sections: string[]): void {
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const todo = new Set(sections);
  for (const s of sections) {
    const f = model.facts(s);
    f.components = new Map();
    f.cycles = [];
  }
  const strong = (v: string) => {
    const work: { v: string; i: number; out: Edge[] }[] = [{ v, i: 0, out: edgesFrom(model, v) }];
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    onStack.add(v);
    while (work.length) {
      const top = work[work.length - 1]!;
      const out = top.out;
      if (top.i < out.length) {
        const w = out[top.i++]!.to;
        if (!idx.has(w)) {
          idx.set(w, index);
          low.set(w, index++);
          stack.push(w);
          onStack.add(w);
          work.push({ v: w, i: 0, out: edgesFrom(model, w) });
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
        record(comp);
      }
    }
  };
  const record = (comp: string[]) => {
    const members = new Set(comp);
    const c: Component = { members };
    const self = comp.length === 1 && edgesFrom(model, comp[0]!).some((e) => e.to === comp[0]);
    if (comp.length > 1 || self) {
      // one cycle through the component, from its smallest option
      const start = [...members].sort()[0]!;
      const path: Cycle['path'] = [];
      const seen = new Set<string>();
      let cur = start;
      while (!seen.has(cur)) {
        seen.add(cur);
        const e = edgesFrom(model, cur).find((x) => members.has(x.to))!;
        const [section, option] = cur.split('\0') as [string, string];
        path.push({ section, option, ref: e.ref });
        cur = e.to;
        if (cur === start) break;
      }
      c.path = path;
      const owner = start.slice(0, start.indexOf('\0'));
      if (todo.has(owner)) (model.facts(owner).cycles as Component[]).push(c);
    }
    for (const m of comp) {
      const s = m.slice(0, m.indexOf('\0'));
      if (todo.has(s)) (model.facts(s).components as Map<string, Component>).set(m, c);
    }
  };
  for (const s of sections) for (const v of sectionEdges(model, s).keys()) if (!idx.has(v)) strong(v);
}

/** Work out the components of every section that has not got them yet (all at first; after an edit, those carry.ts did not keep). */
function components(model: ProfileModel, section: string): { components: Map<string, Component>; cycles: Component[] } {
  const f = model.facts(section);
  if (!f.components) findComponents(model, model.sectionNames().filter((s) => !model.facts(s).components));
  return { components: f.components as Map<string, Component>, cycles: f.cycles as Component[] };
}

/** Cycles of references between options whose smallest option is in a section, smallest first. */
export function sectionCycles(model: ProfileModel, section: string): Cycle[] {
  const reached = model.reached();
  const out: Cycle[] = [];
  const list = [...components(model, section).cycles].sort((a, b) => (a.path![0]!.option < b.path![0]!.option ? -1 : 1));
  for (const c of list) {
    const anyReached = c.path!.some((p) => reached.has(p.section));
    out.push({ path: c.path!, certainty: model.isTemplate ? 'weaker' : anyReached ? 'definite' : 'weaker' });
  }
  return out;
}

/** Cycles of references between options, by section. */
export function referenceCycles(model: ProfileModel): Cycle[] {
  const out: Cycle[] = [];
  for (const s of model.sectionNames()) out.push(...sectionCycles(model, s));
  return out;
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

interface Size {
  depth: number;
  length: number;
}

/**
 * How deep an option's references nest and how long its value expands
 * (capped at `cap`), kept in its section's facts: a reference to an option
 * of its own component (a cycle, which referenceCycles reports) does not
 * count, so that the size depends on nothing but what the option reaches.
 */
function sizeOf(model: ProfileModel, node: string, cap: number, sizes: Map<string, Size>): Size {
  const sectionOf = (k: string) => k.slice(0, k.indexOf('\0'));
  const known = (k: string): Size | undefined => {
    let size = sizes.get(k);
    if (size) return size;
    const s = sectionOf(k);
    size = model.raw.has(s) ? (model.facts(s).sizes as Map<string, Size> | undefined)?.get(k) : undefined;
    if (size) sizes.set(k, size);
    return size;
  };
  const keep = (k: string, size: Size) => {
    sizes.set(k, size);
    const f = model.facts(sectionOf(k));
    ((f.sizes ??= new Map()) as Map<string, Size>).set(k, size);
  };
  const own = (k: string) => {
    const [s, o] = k.split('\0') as [string, string];
    return model.expanded(s)?.section.get(o)?.value.length ?? 0;
  };
  const first = known(node);
  if (first) return first;
  const work: { key: string; i: number; depth: number; length: number; out: Edge[]; cycle: Set<string> | undefined }[] = [];
  const push = (key: string) => {
    const c = components(model, sectionOf(key)).components.get(key);
    work.push({ key, i: 0, depth: 0, length: own(key), out: edgesFrom(model, key), cycle: c && c.members.size > 1 ? c.members : undefined });
  };
  push(node);
  while (work.length) {
    const top = work[work.length - 1]!;
    if (top.i < top.out.length) {
      const e = top.out[top.i++]!;
      if (top.cycle ? top.cycle.has(e.to) : e.to === top.key) continue;
      const k = known(e.to);
      if (k) {
        top.depth = Math.max(top.depth, k.depth + 1);
        top.length = Math.min(cap, top.length - e.ref.ref.text.length + k.length);
      } else {
        // worked out first; its edge is counted then
        top.i--;
        push(e.to);
      }
      continue;
    }
    work.pop();
    keep(top.key, { depth: top.depth, length: top.length });
  }
  return known(node)!;
}

/**
 * The options a run would refuse for their size (profile/options.ts
 * MAX_REFERENCE_NESTING, MAX_VALUE_LENGTH), the outermost of each chain
 * only (those no other oversized option references), by section.
 */
export function oversizedValues(model: ProfileModel, maxDepth: number, maxLength: number): Oversized[] {
  const cap = maxLength + 1;
  const sizes = new Map<string, Size>();
  const over: { key: string; size: Size }[] = [];
  for (const section of model.sectionNames()) {
    const f = model.facts(section);
    let mine = f.oversized as { key: string; size: Size }[] | undefined;
    if (!mine) {
      mine = [];
      for (const key of sectionEdges(model, section).keys()) {
        const size = sizeOf(model, key, cap, sizes);
        if (size.depth > maxDepth || size.length > maxLength) mine.push({ key, size });
      }
      f.oversized = mine;
    }
    over.push(...mine);
  }
  const inner = new Set<string>();
  for (const o of over) for (const e of edgesFrom(model, o.key)) inner.add(e.to);
  const result: Oversized[] = [];
  for (const { key, size } of over) {
    if (inner.has(key)) continue;
    const [section, option] = key.split('\0') as [string, string];
    result.push({ section, option, depth: size.depth, length: size.length, span: edgesFrom(model, key)[0]?.ref.span });
  }
  return result;
}
