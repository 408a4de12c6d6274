// Set algebra shared by the set/frozenset methods and the | & - ^
// operators. Each builds its result the way CPython's setobject.c does
// (copy then update, iterate the smaller set, ...) so that the result's
// iteration order matches.

import { iterate } from './iter.ts';
import { PyDict, PyFrozenSet, PySet, PySetBase, type PyValue } from './value.ts';

/** A new set (or frozenset) holding the elements of an iterable, as set(x) builds it. */
export function makeSet(frozen: boolean, source?: PyValue): PySetBase {
  const s: PySetBase = frozen ? new PyFrozenSet() : new PySet();
  if (source !== undefined) updateSet(s, source);
  return s;
}

/** set_update_internal(): merge a set, reserve for a dict, else add one by one. */
export function updateSet(target: PySetBase, source: PyValue): void {
  if (source instanceof PySetBase) {
    target.table.merge(source.table);
  } else if (source instanceof PyDict) {
    target.table.reserve(source.size);
    for (const k of source.keys()) target.table.add(k);
  } else {
    for (const v of iterate(source)) target.table.add(v);
  }
  if (target instanceof PySet) target.version++;
}

export function copySet(s: PySetBase, frozen: boolean): PySetBase {
  const r = makeSet(frozen);
  r.table.merge(s.table);
  return r;
}

export function union(self: PySetBase, others: readonly PyValue[]): PySetBase {
  const r = copySet(self, self instanceof PyFrozenSet);
  for (const o of others) updateSet(r, o);
  return r;
}

/** set_intersection(): iterates the smaller operand when both are sets. */
export function intersection(self: PySetBase, other: PyValue): PySetBase {
  const r = makeSet(self instanceof PyFrozenSet);
  if (other instanceof PySetBase) {
    let big: PySetBase = self;
    let small: PySetBase = other;
    if (other.size > self.size) {
      big = other;
      small = self;
    }
    for (const v of small.values()) if (big.has(v)) r.table.add(v);
    return r;
  }
  for (const v of iterate(other)) if (self.has(v)) r.table.add(v);
  return r;
}

export function difference(self: PySetBase, other: PyValue): PySetBase {
  const frozen = self instanceof PyFrozenSet;
  if (other instanceof PySetBase || other instanceof PyDict) {
    const otherSize = other.size;
    if (self.size >> 2 > otherSize) {
      // copy, then discard what the (much smaller) other holds
      const r = copySet(self, frozen);
      const keys = other instanceof PyDict ? other.keys() : other.values();
      for (const v of keys) r.table.delete(v);
      return r;
    }
    const r = makeSet(frozen);
    for (const v of self.values()) if (!other.has(v)) r.table.add(v);
    return r;
  }
  const r = copySet(self, frozen);
  for (const v of iterate(other)) r.table.delete(v);
  return r;
}

/** set_symmetric_difference(): a copy of the other operand, updated with self. */
export function symmetricDifference(self: PySetBase, other: PyValue): PySetBase {
  const r = makeSet(self instanceof PyFrozenSet, other);
  for (const v of self.values()) {
    if (!r.table.delete(v)) r.table.add(v);
  }
  return r;
}

export function isSubset(a: PySetBase, b: PySetBase): boolean {
  if (a.size > b.size) return false;
  for (const v of a.values()) if (!b.has(v)) return false;
  return true;
}
