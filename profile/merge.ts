// zc.buildout's merge primitives (_update_section and _update), on
// immutable entries: a later layer's `=` replaces, `+=` appends lines,
// `-=` removes lines, in the order zc.buildout processes the keys.
import { pyRstripChars } from '../python/index.ts';
import { added, entry, overridden, removed, type Config, type Section } from './entry.ts';
import { BuildoutError } from '../parser/diagnostic.ts';
import { splitKey } from '../parser/keys.ts';

/** Python's string ordering (code points, not UTF-16 units). */
export function comparePy(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.codePointAt(i)!;
    const y = b.codePointAt(i)!;
    if (x !== y) return x < y ? -1 : 1;
    if (x > 0xffff) i++;
  }
  return a.length < b.length ? -1 : a.length > b.length ? 1 : 0;
}

/** Python's sorted() of strings. */
export function sortedPy(keys: Iterable<string>): string[] {
  return [...keys].sort(comparePy);
}

/** The order in which _update_section processes keys: by name, `+` before `-`. */
function processingOrder(keys: string[]): string[] {
  const decorated = keys.map((k) => ({ k, name: pyRstripChars(k, ' +'), last: k[k.length - 1] ?? '' }));
  decorated.sort((a, b) => comparePy(a.name, b.name) || comparePy(a.last, b.last));
  return decorated.map((d) => d.k);
}

/** merge_section(base, over): a new section; neither argument changes. */
export function mergeSection(base: Section | undefined, over: Section): Section {
  const later = new Map(over);
  let hasOperators = false;
  for (const k of over.keys()) {
    const last = k.charCodeAt(k.length - 1);
    if (last === 43 || last === 45) {
      hasOperators = true;
      break;
    }
  }
  if (hasOperators) {
    for (const k of processingOrder([...over.keys()])) {
      const { name, operator } = splitKey(k);
      if (operator === '=') continue;
      const v = later.get(k)!;
      const old = later.get(name) ?? base?.get(name) ?? entry('', 'IMPLICIT_VALUE');
      later.set(name, operator === '+=' ? added(old, v) : removed(old, v));
      later.delete(k);
    }
  }
  const result: Section = new Map(base);
  for (const [k, v] of later) {
    const old = result.get(k);
    result.set(k, old ? overridden(old, v) : v);
  }
  return result;
}

export interface MergeRules {
  /** zc.buildout ≥ 3.1.1 normalises `k +`/`k -` keys of a section new to the merge. */
  normaliseNewSections: boolean;
}

/** _update(d1, d2), changing `target` in place (it must not be shared). */
export function mergeInto(target: Config, layer: Config, rules: MergeRules): Config {
  for (const [name, section] of layer) {
    const old = target.get(name);
    if (old) target.set(name, mergeSection(old, section));
    else if (rules.normaliseNewSections && !section.has('<')) target.set(name, normaliseNewSection(name, section));
    else target.set(name, section);
  }
  return target;
}

/**
 * ≥ 3.1.1: in a section new to the merge, `k +` with no plain `k` becomes
 * `k`, and `k -` becomes an empty `k`; then the rest is merged onto an empty
 * section. zc.buildout cuts two characters off the key, assuming `k +`: so
 * `foo+=bar` makes an option `fo`, and `x+=1` crashes it.
 */
function normaliseNewSection(sectionName: string, section: Section): Section {
  const out: Section = new Map();
  for (const [k, v] of section) {
    const last = k[k.length - 1];
    if (last !== '+' && last !== '-') {
      out.set(k, v);
      continue;
    }
    const name = k.slice(0, -2);
    if (name === '') {
      throw new BuildoutError({
        severity: 'error',
        rule: 'upstream-crash',
        message: `zc.buildout ≥ 3.1.1 crashes (IndexError) on the option key '${k}' in the new section [${sectionName}]`,
        span: v.history.step.origin?.node.keySpan,
        hint: 'write the operator with a space before it: `x += …`',
      });
    }
    if (section.has(name)) out.set(k, v);
    else out.set(name, last === '+' ? v : entry('', v.history.step.source, v.history.step.origin));
  }
  return mergeSection(undefined, out);
}

export function cloneConfig(c: Config): Config {
  return new Map(c);
}

