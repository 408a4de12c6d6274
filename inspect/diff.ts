// `diff`: two variants of a profile resolved side by side — two semantics,
// two target environments, extra assignments, or a git revision against
// the working tree — the values that differ (each new value with where it
// is written), and what the difference would rebuild: the plan of a run of
// B over an install of A.
import { BuildoutError } from '../parser/diagnostic.ts';
import { sortedPy } from '../profile/merge.ts';
import { consumerValue } from '../profile/values.ts';
import { savedOptions } from '../executor/options.ts';
import { withRevision, type GitRevision } from './git-overlay.ts';
import { inspectProfile, type InspectOptions, type Inspection } from './model.ts';
import { originOf, type Origin } from './origin.ts';
import { plan, stateOf, type Plan } from './plan.ts';

export interface Variant {
  /** How the variant is described: `HEAD~1`, `--semantics upstream`, `working tree`, … */
  label: string;
  load: InspectOptions;
  /** Read the repository's files from this revision. */
  revision?: GitRevision;
}

export interface OptionDiff {
  option: string;
  a?: string;
  b?: string;
  /** Where B's value is written (A's when the option is gone). */
  origin?: Origin;
}

export interface SectionDiff {
  section: string;
  /** added: only B reaches it; removed: only A. */
  status: 'added' | 'removed' | 'changed';
  options: OptionDiff[];
}

export interface DiffResult {
  a: string;
  b: string;
  partsA: string[];
  partsB: string[];
  sections: SectionDiff[];
  /** What a run of B would do over an install of A. */
  rebuild: Plan;
  errorA?: string;
  errorB?: string;
}

async function inspectVariant(v: Variant): Promise<Inspection> {
  return v.revision ? withRevision(v.revision, () => inspectProfile(v.load)) : inspectProfile(v.load);
}

function values(insp: Inspection, name: string): Map<string, string> {
  const out = new Map<string, string>();
  const opts = insp.buildout.sections.get(name);
  if (!opts) return out;
  for (const k of opts.keys()) {
    if (k === '__buildout_signature__') continue;
    try {
      const v = opts.get(k);
      if (v !== undefined) out.set(k, consumerValue(insp.buildout.semantics, v));
    } catch (e) {
      if (!(e instanceof BuildoutError)) throw e;
      out.set(k, `⟨error: ${e.primary.message}⟩`);
    }
  }
  return out;
}

export async function diffVariants(a: Variant, b: Variant): Promise<DiffResult> {
  const ia = await inspectVariant(a);
  // A's record is taken while A's files are in place (recipes read templates at init)
  const state = a.revision ? await withRevision(a.revision, async () => stateOf(ia)) : stateOf(ia);
  const previousSections = new Map<string, Map<string, string>>();
  for (const [name, opts] of ia.buildout.sections) if (!ia.buildout.parts.includes(name)) previousSections.set(name, savedOptions(ia.buildout, opts));
  const ib = await inspectVariant(b);
  const rebuild = plan(ib, { state, previousSections });
  const sections: SectionDiff[] = [];
  const names = sortedPy(new Set([...ia.buildout.sections.keys(), ...ib.buildout.sections.keys()]));
  for (const name of names) {
    const inA = ia.buildout.sections.has(name);
    const inB = ib.buildout.sections.has(name);
    const va = values(ia, name);
    const vb = values(ib, name);
    const options: OptionDiff[] = [];
    for (const k of sortedPy(new Set([...va.keys(), ...vb.keys()]))) {
      const x = va.get(k);
      const y = vb.get(k);
      if (x === y) continue;
      const d: OptionDiff = { option: k };
      if (x !== undefined) d.a = x;
      if (y !== undefined) d.b = y;
      const o = y !== undefined ? originOf(ib, name, k) : originOf(ia, name, k);
      if (o) d.origin = o;
      options.push(d);
    }
    if (!inA || !inB || options.length) sections.push({ section: name, status: !inA ? 'added' : !inB ? 'removed' : 'changed', options });
  }
  const out: DiffResult = { a: a.label, b: b.label, partsA: [...ia.buildout.parts], partsB: [...ib.buildout.parts], sections, rebuild };
  if (ia.partsError) out.errorA = ia.partsError.primary.message;
  if (ib.partsError) out.errorB = ib.partsError.primary.message;
  return out;
}
