// `why PART`: the chains of dependency edges from `[buildout]` (its
// `parts`, or any of its options' references) down to a section: what
// pulls it into the build. Macro edges are left out: buildout reads a
// macro section without initialising it, so a macro never pulls anything
// in.
import { BuildoutError } from '../parser/diagnostic.ts';
import { didYouMean } from '../profile/suggest.ts';
import { edgesTo, type Edge, type Inspection } from './model.ts';

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

/** The first (shortest) chain to a section, if any. */
export function firstChain(insp: Inspection, section: string): Edge[] | undefined {
  try {
    return why(insp, section, 1).chains[0];
  } catch {
    return undefined;
  }
}
