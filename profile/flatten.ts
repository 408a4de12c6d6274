// Flattened extends (zc.buildout ≥ 3.1.1,
// docs/buildout-language.md#flattened-extends) without the cost of the flat
// list. zc.buildout folds merge_config over the post-order list of every file
// visit: 176,680 visits for SlapOS's ERP5 profile. A fold is a composition of
// functions, so each file's whole subtree is turned once into one composed
// transform ("what this list does to any config"), and a file reached again
// reuses it.
//
// A transform maps each section it touches to what the section becomes
// when the input lacks it (a concrete section) and, when the input has it,
// a program per option: either an absolute value (`=`, with the `+=`/`-=`
// of later layers already applied) or a list of line additions and
// removals to apply to the input's value. Histories are kept as ropes and
// turned into entries' histories only when someone reads them.
import { addLines, entry, removeLines, type Config, type Entry, type History, type Section, type Step } from './entry.ts';
import { mergeInto, mergeSection } from './merge.ts';

type Rope = { step: Step } | { left: Rope; right: Rope };

function concat(a: Rope | null, b: Rope | null): Rope | null {
  if (!a) return b;
  if (!b) return a;
  return { left: a, right: b };
}

function forEachStep(r: Rope | null, f: (s: Step) => void): void {
  const stack: Rope[] = r ? [r] : [];
  while (stack.length) {
    const n = stack.pop()!;
    if ('step' in n) f(n.step);
    else stack.push(n.right, n.left);
  }
}


/**
 * What a layer does to one option of a section that exists.
 * abs: the value is set. With `keepsOld`, the history continues the old
 *      one: `lead` (additions made before), then `first` recorded as an
 *      OVERRIDE, then `rest`; without, the history is `first` and `rest`
 *      (a `+=` onto a value of the same file replaces the old history).
 * rel: `ops` (ADD/REMOVE steps) apply to the old value ('' when missing).
 */
type Abs = { kind: 'abs'; value: Lazy<string>; keepsOld: boolean; lead: Rope | null; first: Step; rest: Rope | null; firstOverride: Rope };

function abs(value: Lazy<string>, keepsOld: boolean, lead: Rope | null, first: Step, rest: Rope | null, firstOverride?: Rope): Abs {
  return { kind: 'abs', value, keepsOld, lead, first, rest, firstOverride: firstOverride ?? { step: { op: 'OVERRIDE', value: first.value, source: first.source, ...(first.origin ? { origin: first.origin } : {}) } } };
}

/**
 * A value computed when first read. Compositions build on each other, but
 * only the results on the way to the final configuration are ever needed:
 * computing the others (a long `+=` value re-applied at every level) would
 * make a large tree quadratic.
 */
class Lazy<T> {
  private done = false;
  private value: T | undefined;
  constructor(private compute: (() => T) | null) {}
  static of<T>(v: T): Lazy<T> {
    const l = new Lazy<T>(null);
    l.done = true;
    l.value = v;
    return l;
  }
  get(): T {
    if (!this.done) {
      this.value = this.compute!();
      this.done = true;
      this.compute = null;
    }
    return this.value as T;
  }
}
type Rel = { kind: 'rel'; ops: Rope };
type Program = Abs | Rel;

interface SectionTransform {
  /** What the section becomes from nothing, or why zc.buildout would crash making it. */
  absent: Lazy<Section | Error>;
  present: Map<string, Program>;
}

export type Transform = Map<string, SectionTransform>;

class LazyEntry implements Entry {
  private cached: History | undefined;
  constructor(
    private readonly lazyValue: Lazy<string>,
    /** The entry this one continues (its history is read only when this one's is). */
    private readonly base: Entry | null,
    private readonly steps: Rope | null,
  ) {}
  get value(): string {
    return this.lazyValue.get();
  }
  get history(): History {
    if (!this.cached) {
      let h: History | null = this.base ? this.base.history : null;
      forEachStep(this.steps, (s) => (h = { step: s, prev: h }));
      this.cached = h!;
    }
    return this.cached;
  }
}

function applyOps(value: string, ops: Rope): string {
  let v = value;
  forEachStep(ops, (s) => (v = s.op === 'ADD' ? addLines(v, s.value) : removeLines(v, s.value)));
  return v;
}


function run(p: Program, old: Entry | undefined): Entry {
  if (p.kind === 'rel') {
    const base = old ?? entry('', 'IMPLICIT_VALUE');
    return new LazyEntry(new Lazy(() => applyOps(base.value, p.ops)), base, p.ops);
  }
  if (!p.keepsOld) return new LazyEntry(p.value, null, concat({ step: p.first }, p.rest));
  if (old) return new LazyEntry(p.value, old, concat(p.lead, concat(p.firstOverride, p.rest)));
  if (p.lead) return new LazyEntry(p.value, entry('', 'IMPLICIT_VALUE'), concat(p.lead, concat(p.firstOverride, p.rest)));
  return new LazyEntry(p.value, null, concat({ step: p.first }, p.rest));
}

/** p2 after p1, as one program. */
function then(p1: Program, p2: Program): Program {
  if (p2.kind === 'abs') {
    if (!p2.keepsOld) return p2;
    if (p1.kind === 'abs') return abs(p2.value, p1.keepsOld, p1.lead, p1.first, concat(p1.rest, concat(p2.lead, concat(p2.firstOverride, p2.rest))), p1.firstOverride);
    return abs(p2.value, true, concat(p1.ops, p2.lead), p2.first, p2.rest, p2.firstOverride);
  }
  if (p1.kind === 'abs') {
    const before = p1.value;
    return abs(new Lazy(() => applyOps(before.get(), p2.ops)), p1.keepsOld, p1.lead, p1.first, concat(p1.rest, p2.ops), p1.firstOverride);
  }
  return { kind: 'rel', ops: concat(p1.ops, p2.ops)! };
}

/** The program of one option of a raw layer, from merge_section onto an empty base. */
function programOf(e: Entry): Program {
  const steps: Step[] = [];
  for (let h: History | null = e.history; h; h = h.prev) steps.unshift(h.step);
  const [first, ...later] = steps;
  let rest: Rope | null = null;
  for (const s of later) rest = concat(rest, { step: s });
  if (first!.source === 'IMPLICIT_VALUE' && first!.op === 'SET' && rest) return { kind: 'rel', ops: rest };
  // a value of the layer itself: with later +=/-= it replaces the old history
  return abs(Lazy.of(e.value), later.length === 0, null, first!, rest);
}

/** A raw layer's transform (merge_config(·, layer) as a function). */
export function layerTransform(layer: Config, normaliseNewSections: boolean): Transform {
  const t: Transform = new Map();
  for (const [name, section] of layer) {
    const absent = new Lazy<Section | Error>(() => {
      try {
        return mergeInto(new Map(), new Map([[name, section]]), { normaliseNewSections }).get(name)!;
      } catch (e) {
        // only an error if the section is new when this layer applies
        return e as Error;
      }
    });
    const present = new Map<string, Program>();
    // merge_section against a base that has every key: only the layer's own
    // keys and additions decide, so merge onto an empty base and read off
    // which options are absolute and which are additions to the old value
    for (const [k, e] of mergeSection(new Map(), section)) present.set(k, programOf(e));
    t.set(name, { absent, present });
  }
  return t;
}

function applyPresent(section: Section, present: Map<string, Program>): Section {
  const out: Section = new Map(section);
  for (const [k, p] of present) out.set(k, run(p, section.get(k)));
  return out;
}

/** t2 after t1, as a new transform (neither argument changes). */
export function compose(t1: Transform, t2: Transform): Transform {
  return new TransformBuilder(t1).then(t2).result();
}

/**
 * Composes transforms one after the other into one, changing in place
 * only what it made itself: the transforms it is given may be shared (a
 * file's result is reused wherever the file is extended again).
 */
export class TransformBuilder {
  private readonly t: Transform;
  private readonly own = new Set<SectionTransform>();

  constructor(start: Transform = new Map()) {
    this.t = new Map(start);
  }

  then(t2: Transform): this {
    for (const [name, s2] of t2) {
      const s1 = this.t.get(name);
      if (!s1) {
        this.t.set(name, s2);
        continue;
      }
      const present = this.own.has(s1) ? s1.present : new Map(s1.present);
      for (const [k, p2] of s2.present) {
        const p1 = present.get(k);
        present.set(k, p1 ? then(p1, p2) : p2);
      }
      const before = s1.absent;
      const made: SectionTransform = {
        absent: new Lazy(() => {
          const a = before.get();
          return a instanceof Error ? a : applyPresent(a, s2.present);
        }),
        present,
      };
      this.own.add(made);
      this.t.set(name, made);
    }
    return this;
  }

  /** The composed transform; the builder must not be used afterwards. */
  result(): Transform {
    return this.t;
  }
}

/** The config a transform makes from an empty start (the root's fold). */
export function materialise(t: Transform): Config {
  const c: Config = new Map();
  for (const [name, s] of t) {
    const a = s.absent.get();
    if (a instanceof Error) throw a;
    c.set(name, a);
  }
  return c;
}
