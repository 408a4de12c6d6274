// `why PART`: the chains of dependency edges from `[buildout]` (its
// `parts`, or any of its options' references) down to a section: what
// pulls it into the build. Macro edges are left out: buildout reads a
// macro section without initialising it, so a macro never pulls anything
// in.
import { BuildoutError } from '../parser/diagnostic.ts';
import { didYouMean } from '../profile/suggest.ts';
import { edgeLabel, edgeSpan, edgesTo, type Edge, type Inspection } from './model.ts';
import { spanJson } from './origin.ts';
import { showPath } from './text.ts';

export interface WhyResult {
  section: string;
  isPart: boolean;
  /** Each chain runs from [buildout] to the section; shortest first. */
  chains: Edge[][];
  /** More chains exist than were listed. */
  truncated: boolean;
}

/** Up to `limit` simple chains from [buildout] to `section`, shortest first. */
export function why(insp: Inspection, section: string, limit = 10): WhyResult {
  if (!insp.buildout.sections.has(section)) {
    const known = insp.assembled.raw.has(section);
    throw new BuildoutError({
      severity: 'error',
      rule: known ? 'not-in-build' : 'undefined-section',
      message: known ? `[${section}] is not part of the build: nothing in [buildout] parts reaches it` : `There is no section [${section}]`,
      ...(known ? {} : { hint: didYouMean(section, insp.assembled.raw.keys()) }),
    });
  }
  const into = edgesTo(insp);
  const result: WhyResult = { section, isPart: insp.buildout.parts.includes(section), chains: [], truncated: false };
  if (section === 'buildout') return result;
  // breadth-first over partial chains growing backwards from the section
  let frontier: { head: string; chain: Edge[]; on: Set<string> }[] = [{ head: section, chain: [], on: new Set([section]) }];
  let expansions = 0;
  while (frontier.length && result.chains.length < limit) {
    const next: typeof frontier = [];
    for (const f of frontier) {
      for (const e of into.get(f.head) ?? []) {
        if (e.kind === 'macro' || f.on.has(e.from)) continue;
        if (++expansions > 20000) {
          result.truncated = true;
          return result;
        }
        const chain = [e, ...f.chain];
        if (e.from === 'buildout') {
          if (result.chains.length >= limit) {
            result.truncated = true;
            return result;
          }
          result.chains.push(chain);
          continue;
        }
        next.push({ head: e.from, chain, on: new Set([...f.on, e.from]) });
      }
    }
    frontier = next;
  }
  if (frontier.length && result.chains.length >= limit) result.truncated = true;
  return result;
}

const trees = new WeakMap<Inspection, { count: number; parent: Map<string, Edge> }>();

/** One shortest chain from [buildout] to every section: the edge that first reaches each (breadth-first). */
function shortestTree(insp: Inspection): Map<string, Edge> {
  const known = trees.get(insp);
  if (known && known.count === insp.edges.length) return known.parent;
  const parent = new Map<string, Edge>();
  const from = new Map<string, Edge[]>();
  for (const e of insp.edges) {
    if (e.kind === 'macro') continue;
    let l = from.get(e.from);
    if (!l) from.set(e.from, (l = []));
    l.push(e);
  }
  let frontier = ['buildout'];
  const seen = new Set(frontier);
  while (frontier.length) {
    const next: string[] = [];
    for (const n of frontier) {
      for (const e of from.get(n) ?? []) {
        if (seen.has(e.to)) continue;
        seen.add(e.to);
        parent.set(e.to, e);
        next.push(e.to);
      }
    }
    frontier = next;
  }
  trees.set(insp, { count: insp.edges.length, parent });
  return parent;
}

/** The first (shortest) chain from [buildout] to a section, if any. */
export function firstChain(insp: Inspection, section: string): Edge[] | undefined {
  const parent = shortestTree(insp);
  const chain: Edge[] = [];
  for (let n = section; n !== 'buildout'; ) {
    const e = parent.get(n);
    if (!e) return undefined;
    chain.unshift(e);
    n = e.from;
  }
  return chain.length ? chain : undefined;
}

/** `why` as text: one chain per line, each hop with its reference and where it is written. */
export function formatWhy(insp: Inspection, w: WhyResult, cwd: string): string {
  const out: string[] = [];
  if (w.section === 'buildout') return '[buildout] is the root of the build';
  const part = insp.host.parts.get(w.section);
  out.push(`[${w.section}] ${w.isPart ? `is part ${insp.buildout.parts.indexOf(w.section) + 1} of ${insp.buildout.parts.length}${part ? ` (${part.recipe})` : ''}` : 'is a section the build reads'}; ${w.chains.length} chain${w.chains.length === 1 ? '' : 's'} from [buildout]${w.truncated ? ' (more exist)' : ''}:`);
  w.chains.forEach((chain, i) => {
    out.push(`  ${i + 1}. [buildout]`);
    for (const e of chain) {
      const at = edgeSpan(insp, e);
      const what = e.kind === 'reference' ? `${edgeLabel(e)} in ${e.option}` : edgeLabel(e);
      out.push(`       → [${e.to}]  ${what}${at ? `  (${showPath(at.file, cwd)}:${at.line})` : ''}`);
    }
  });
  if (!w.chains.length) out.push('  (none: it is reached only while buildout initialises)');
  return out.join('\n');
}

export function whyJson(insp: Inspection, w: WhyResult): unknown {
  return {
    section: w.section,
    isPart: w.isPart,
    truncated: w.truncated,
    chains: w.chains.map((c) =>
      c.map((e) => {
        const at = spanJson(edgeSpan(insp, e));
        return { from: e.from, to: e.to, kind: e.kind, label: edgeLabel(e), option: e.option, ...(at ? { at } : {}) };
      }),
    ),
  };
}
