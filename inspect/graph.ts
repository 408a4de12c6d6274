// The part graph: the sections a build reaches (parts, the data sections
// they read, macro sections) and the edges between them, each labelled
// with what creates it: a `${section:option}` reference in a given option,
// `<part-dependencies>`, a recipe reading the section at init, a macro
// (`<=`), or `[buildout] parts`. Renderers (graph-render.ts, graph-html.ts)
// turn it into text, JSON, DOT, Mermaid or a page.
import { BuildoutError } from '../parser/diagnostic.ts';
import { sortedPy } from '../profile/merge.ts';
import { didYouMean } from '../profile/suggest.ts';
import { consumerValue } from '../profile/values.ts';
import { hasUnknown } from './host.ts';
import { edgeLabel, edgeSpan, type Edge, type Inspection } from './model.ts';
import { originOf, spanJson, type Origin } from './origin.ts';

export interface Location {
  file: string;
  line: number;
  column: number;
}

export interface GraphOption {
  name: string;
  value: string;
  origin?: Origin;
  /** The value has parts a recipe not run here would compute. */
  unknown?: boolean;
  error?: string;
}

export interface GraphNode {
  id: string;
  /** root: [buildout]; part: a section with a recipe; section: data; macro: read through `<` only. */
  kind: 'root' | 'part' | 'section' | 'macro';
  recipe?: string;
  /** Position in the install order (parts). */
  order?: number;
  /** Why its recipe's init was not run here. */
  initNotRun?: string;
  /** Where the section is first written. */
  at?: Location;
  options?: GraphOption[];
}

export interface GraphEdge {
  from: string;
  to: string;
  kind: Edge['kind'];
  label: string;
  option: string;
  at?: Location;
}

export interface Graph {
  profile?: string;
  semantics: string;
  nodes: GraphNode[];
  edges: GraphEdge[];
  /** The parts asked for (all parts when none were). */
  selected: string[];
  /** The error that stopped resolution, if any: the graph holds what was reached before. */
  error?: string;
}

export interface GraphOptions {
  /** Only these sections and what they depend on. */
  parts?: string[];
  /** Include each node's options (values and origins). */
  options?: boolean;
}

function sectionLocation(insp: Inspection, name: string): Location | undefined {
  const raw = insp.assembled.raw.get(name);
  if (!raw) return undefined;
  let best: Location | undefined;
  for (const e of raw.values()) {
    for (let h: typeof e.history | null = e.history; h; h = h.prev) {
      const o = h.step.origin;
      if (!o) continue;
      const at = { file: o.file, line: o.node.line, column: 1 };
      if (!best || (at.file === best.file && at.line < best.line)) best = at;
    }
  }
  return best;
}

function nodeOptions(insp: Inspection, node: GraphNode): GraphOption[] {
  const out: GraphOption[] = [];
  const sem = insp.buildout.semantics;
  const opts = insp.buildout.sections.get(node.id);
  if (opts) {
    for (const k of sortedPy(opts.keys())) {
      if (k === '__buildout_signature__') continue;
      const o: GraphOption = { name: k, value: '' };
      try {
        const v = opts.get(k);
        o.value = v === undefined ? '' : consumerValue(sem, v);
      } catch (e) {
        if (!(e instanceof BuildoutError)) throw e;
        o.error = e.primary.message;
      }
      if (hasUnknown(o.value)) o.unknown = true;
      const origin = originOf(insp, node.id, k);
      if (origin) o.origin = origin;
      out.push(o);
    }
    return out;
  }
  const raw = insp.assembled.raw.get(node.id);
  for (const k of sortedPy(raw?.keys() ?? [])) {
    const o: GraphOption = { name: k, value: raw!.get(k)!.value };
    const origin = originOf(insp, node.id, k);
    if (origin) o.origin = origin;
    out.push(o);
  }
  return out;
}

export function buildGraph(insp: Inspection, o: GraphOptions = {}): Graph {
  const { buildout, host } = insp;
  const parts = buildout.parts;
  const order = new Map(parts.map((p, i) => [p, i]));
  for (const p of o.parts ?? []) {
    if (!buildout.sections.has(p) && !insp.edges.some((e) => e.to === p)) {
      throw new BuildoutError({
        severity: 'error',
        rule: insp.assembled.raw.has(p) ? 'not-in-build' : 'undefined-section',
        message: insp.assembled.raw.has(p) ? `[${p}] is not part of the build` : `There is no section [${p}]`,
        ...(insp.assembled.raw.has(p) ? {} : { hint: didYouMean(p, insp.assembled.raw.keys()) }),
      });
    }
  }
  // what to show: everything reached, or what the chosen sections depend on
  let keep: Set<string>;
  const edges = insp.edges;
  if (o.parts?.length) {
    const from = new Map<string, Edge[]>();
    for (const e of edges) {
      let l = from.get(e.from);
      if (!l) from.set(e.from, (l = []));
      l.push(e);
    }
    keep = new Set(o.parts);
    const todo = [...o.parts];
    while (todo.length) {
      for (const e of from.get(todo.pop()!) ?? []) {
        if (!keep.has(e.to)) {
          keep.add(e.to);
          todo.push(e.to);
        }
      }
    }
  } else {
    keep = new Set(buildout.sections.keys());
    for (const e of edges) keep.add(e.from), keep.add(e.to);
  }
  const nodes: GraphNode[] = [];
  const kindOf = (name: string): GraphNode['kind'] =>
    name === 'buildout' ? 'root' : order.has(name) || host.parts.has(name) ? 'part' : buildout.sections.has(name) ? 'section' : 'macro';
  const names = [...keep];
  names.sort((a, b) => {
    const ka = rank(kindOf(a));
    const kb = rank(kindOf(b));
    if (ka !== kb) return ka - kb;
    const oa = order.get(a);
    const ob = order.get(b);
    if (oa !== undefined && ob !== undefined) return oa - ob;
    return a < b ? -1 : a > b ? 1 : 0;
  });
  for (const name of names) {
    const node: GraphNode = { id: name, kind: kindOf(name) };
    const info = host.parts.get(name);
    if (info) {
      node.recipe = info.recipe;
      if (info.init === 'not-run' && info.note) node.initNotRun = info.note;
    }
    const i = order.get(name);
    if (i !== undefined) node.order = i + 1;
    const at = sectionLocation(insp, name);
    if (at) node.at = at;
    if (o.options) node.options = nodeOptions(insp, node);
    nodes.push(node);
  }
  const outEdges: GraphEdge[] = [];
  for (const e of edges) {
    if (!keep.has(e.from) || !keep.has(e.to)) continue;
    const g: GraphEdge = { from: e.from, to: e.to, kind: e.kind, label: edgeLabel(e), option: e.option };
    const at = spanJson(edgeSpan(insp, e));
    if (at) g.at = at;
    outEdges.push(g);
  }
  const graph: Graph = { semantics: buildout.semantics.mode, nodes, edges: outEdges, selected: o.parts?.length ? o.parts : [...parts] };
  if (insp.assembled.rootFile) graph.profile = insp.assembled.rootFile;
  if (insp.partsError) graph.error = insp.partsError.primary.message;
  return graph;
}

function rank(k: GraphNode['kind']): number {
  return k === 'root' ? 0 : k === 'part' ? 1 : k === 'section' ? 2 : 3;
}
