// The part graph as text, Graphviz DOT and Mermaid. Parallel edges between
// two sections (several references) are drawn once with all their labels.
import type { Graph, GraphEdge, GraphNode } from './graph.ts';
import { showPath } from './text.ts';

/** Edges grouped by (from, to), in first-seen order. */
export function groupEdges(edges: GraphEdge[]): { from: string; to: string; edges: GraphEdge[] }[] {
  const out = new Map<string, { from: string; to: string; edges: GraphEdge[] }>();
  for (const e of edges) {
    const k = `${e.from}\0${e.to}`;
    let g = out.get(k);
    if (!g) out.set(k, (g = { from: e.from, to: e.to, edges: [] }));
    g.edges.push(e);
  }
  return [...out.values()];
}

function edgeText(e: GraphEdge, cwd: string): string {
  const where = e.at ? ` (${showPath(e.at.file, cwd)}:${e.at.line})` : '';
  if (e.kind === 'reference') return `${e.label} in ${e.option}${where}`;
  if (e.kind === 'template') return `${e.label}${where}`;
  return `${e.label}${where}`;
}

function nodeTitle(n: GraphNode): string {
  switch (n.kind) {
    case 'root':
      return '[buildout]';
    case 'part':
      return `[${n.id}]  part ${n.order ?? '?'}, ${n.recipe ?? ''}${n.initNotRun ? `  (init not run: ${n.initNotRun})` : ''}`;
    case 'section':
      return `[${n.id}]`;
    case 'macro':
      return `[${n.id}]  macro`;
  }
}

/** One block per section: its title, then what it depends on and why. */
export function graphText(g: Graph, cwd: string): string {
  const out: string[] = [];
  if (g.error) out.push(`(resolution stopped: ${g.error}; the graph holds what was reached before)`, '');
  const from = new Map<string, GraphEdge[]>();
  for (const e of g.edges) {
    let l = from.get(e.from);
    if (!l) from.set(e.from, (l = []));
    l.push(e);
  }
  for (const n of g.nodes) {
    out.push(nodeTitle(n));
    const groups = groupEdges(from.get(n.id) ?? []);
    if (n.kind === 'root') {
      const listed = groups.filter((x) => x.edges.every((e) => e.kind === 'parts')).map((x) => x.to);
      if (listed.length) out.push(`  parts → ${listed.join(' ')}`);
      for (const x of groups.filter((x) => !x.edges.every((e) => e.kind === 'parts'))) {
        out.push(`  → [${x.to}]  ${x.edges.map((e) => edgeText(e, cwd)).join('; ')}`);
      }
      continue;
    }
    for (const x of groups) out.push(`  → [${x.to}]  ${x.edges.map((e) => edgeText(e, cwd)).join('; ')}`);
  }
  out.push('', `${g.nodes.filter((n) => n.kind === 'part').length} parts, ${g.nodes.length} sections, ${g.edges.length} edges`);
  return out.join('\n');
}

function dotString(s: string): string {
  return '"' + s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n') + '"';
}

const MAX_LABELS = 3;

function edgeLabels(edges: GraphEdge[]): string[] {
  const labels = [...new Set(edges.map((e) => e.label))];
  return labels.length > MAX_LABELS ? [...labels.slice(0, MAX_LABELS), `+${labels.length - MAX_LABELS} more`] : labels;
}

/** Graphviz: parts as boxes (dashed when their init was not run), data sections as ellipses, macros as notes. */
export function graphDot(g: Graph): string {
  const out = ['digraph buildout {', '  rankdir=LR;', '  node [fontname="Helvetica", fontsize=10];', '  edge [fontname="Helvetica", fontsize=8, color="#555555"];'];
  // a large graph (software/erp5: ~400 sections, ~1,800 edges) takes dot
  // minutes with its default effort; fewer crossing-minimisation and
  // network-simplex passes make it seconds, at some cost in crossings
  if (g.nodes.length > 150 || g.edges.length > 400) out.push('  mclimit=0.1; nslimit=1; nslimit1=1; searchsize=10;');
  for (const n of g.nodes) {
    const attrs: string[] = [];
    switch (n.kind) {
      case 'root':
        attrs.push('shape=doubleoctagon', 'style=filled', 'fillcolor="#fde68a"', `label=${dotString('[buildout]')}`);
        break;
      case 'part':
        attrs.push('shape=box', `style=${dotString(n.initNotRun ? 'rounded,filled,dashed' : 'rounded,filled')}`, 'fillcolor="#dbeafe"', `label=${dotString(`${n.id}\n${n.recipe ?? ''}`)}`);
        break;
      case 'section':
        attrs.push('shape=ellipse', `label=${dotString(n.id)}`);
        break;
      case 'macro':
        attrs.push('shape=note', 'style=filled', 'fillcolor="#f3f4f6"', `label=${dotString(n.id)}`);
        break;
    }
    if (n.initNotRun) attrs.push(`tooltip=${dotString(`init not run: ${n.initNotRun}`)}`);
    out.push(`  ${dotString(n.id)} [${attrs.join(', ')}];`);
  }
  for (const x of groupEdges(g.edges)) {
    const attrs = [`label=${dotString(edgeLabels(x.edges).join('\n'))}`];
    if (x.edges.every((e) => e.kind === 'macro')) attrs.push('style=dashed', 'arrowhead=empty');
    else if (x.edges.every((e) => e.kind === 'parts')) attrs.push('color="#b45309"');
    out.push(`  ${dotString(x.from)} -> ${dotString(x.to)} [${attrs.join(', ')}];`);
  }
  out.push('}');
  return out.join('\n');
}

/** Mermaid text: characters Mermaid would read as syntax are written as its #…; entities. */
function mermaidText(s: string): string {
  return s.replace(/[#"<>&|[\]{}()]/g, (c) => `#${c.charCodeAt(0)};`);
}

export function graphMermaid(g: Graph): string {
  const id = new Map(g.nodes.map((n, i) => [n.id, `n${i}`]));
  const out = ['flowchart LR'];
  for (const n of g.nodes) {
    const text = n.kind === 'part' ? `${mermaidText(n.id)}<br/><small>${mermaidText(n.recipe ?? '')}</small>` : mermaidText(n.kind === 'root' ? '[buildout]' : n.id);
    const shape = n.kind === 'part' ? [`(["`, `"])`] : n.kind === 'root' ? [`{{"`, `"}}`] : n.kind === 'macro' ? [`[/"`, `"/]`] : [`("`, `")`];
    out.push(`  ${id.get(n.id)}${shape[0]}${text}${shape[1]}`);
  }
  for (const x of groupEdges(g.edges)) {
    const arrow = x.edges.every((e) => e.kind === 'macro') ? '-.->' : '-->';
    out.push(`  ${id.get(x.from)} ${arrow}|"${edgeLabels(x.edges).map(mermaidText).join('<br/>')}"| ${id.get(x.to)}`);
  }
  const classes: Record<GraphNode['kind'], string> = { root: 'fill:#fde68a', part: 'fill:#dbeafe', section: 'fill:#ffffff', macro: 'fill:#f3f4f6' };
  for (const [kind, style] of Object.entries(classes)) {
    const members = g.nodes.filter((n) => n.kind === kind).map((n) => id.get(n.id));
    if (members.length) {
      out.push(`  classDef ${kind} ${style}`);
      out.push(`  class ${members.join(',')} ${kind}`);
    }
  }
  return out.join('\n');
}
