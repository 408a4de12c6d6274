// The methods of set and frozenset.

import { bind, noArgs } from '../args.ts';
import { PyException } from '../exceptions.ts';
import { iterate, pyContains } from '../iter.ts';
import { repr } from '../repr.ts';
import {
  copySet,
  difference,
  intersection,
  isSubset,
  makeSet,
  symmetricDifference,
  union,
  updateSet,
} from '../set-ops.ts';
import { PyFrozenSet, PySet, PySetBase, type PyValue } from '../value.ts';
import { methodTable, type Method } from './table.ts';

const one = (name: string) => ({ name, params: ['x'], positionalOnly: true });

function asSet(v: PyValue): PySetBase {
  return v instanceof PySetBase ? v : makeSet(false, v);
}

/** Replaces the content of a set by another's (the *_update methods). */
function assign(target: PySet, source: PySetBase): void {
  target.table.clear();
  target.table.merge(source.table);
  target.version++;
}

const shared: Record<string, Method<PySetBase>> = {
  copy: (s, a, k) => (noArgs(`${s.typeName}.copy`, a, k), s instanceof PyFrozenSet ? s : copySet(s, false)),
  difference: (s, a, k) => {
    if (k.size) throw new PyException('TypeError', `${s.typeName}.difference() takes no keyword arguments`);
    if (a.length === 1) return difference(s, a[0]!);
    // set_difference_multi: a copy, then discards
    const r = copySet(s, s instanceof PyFrozenSet);
    for (const o of a) for (const v of iterate(o)) r.table.delete(v);
    return r;
  },
  intersection: (s, a, k) => {
    if (k.size) throw new PyException('TypeError', `${s.typeName}.intersection() takes no keyword arguments`);
    if (a.length === 0) return copySet(s, s instanceof PyFrozenSet);
    let r: PySetBase = s;
    for (const o of a) r = intersection(r, o);
    return r;
  },
  isdisjoint: (s, a, k) => {
    const [o] = bind(one(`${s.typeName}.isdisjoint`), a, k);
    for (const v of iterate(o!)) if (s.has(v)) return false;
    return true;
  },
  issubset: (s, a, k) => isSubset(s, asSet(bind(one(`${s.typeName}.issubset`), a, k)[0]!)),
  issuperset: (s, a, k) => {
    const [o] = bind(one(`${s.typeName}.issuperset`), a, k);
    for (const v of iterate(o!)) if (!s.has(v)) return false;
    return true;
  },
  symmetric_difference: (s, a, k) => symmetricDifference(s, bind(one(`${s.typeName}.symmetric_difference`), a, k)[0]!),
  union: (s, a, k) => {
    if (k.size) throw new PyException('TypeError', `${s.typeName}.union() takes no keyword arguments`);
    return union(s, a);
  },
  __contains__: (s, a, k) => pyContains(s, bind(one(`${s.typeName}.__contains__`), a, k)[0]!),
  __len__: (s, a, k) => (noArgs(`${s.typeName}.__len__`, a, k), BigInt(s.size)),
};

const mutating: Record<string, Method<PySet>> = {
  add: (s, a, k) => (s.add(bind(one('set.add'), a, k)[0]!), null),
  clear: (s, a, k) => {
    noArgs('set.clear', a, k);
    s.table.clear();
    s.version++;
    return null;
  },
  difference_update: (s, a) => {
    let r: PySetBase = s;
    for (const o of a) r = difference(r, o);
    if (r !== s) assign(s, r);
    return null;
  },
  discard: (s, a, k) => (s.delete(bind(one('set.discard'), a, k)[0]!), null),
  intersection_update: (s, a) => {
    let r: PySetBase = s;
    for (const o of a) r = intersection(r, o);
    if (r !== s) assign(s, r);
    return null;
  },
  pop: (s, a, k) => {
    noArgs('set.pop', a, k);
    const v = s.table.pop();
    if (v === undefined) throw new PyException('KeyError', "'pop from an empty set'");
    s.version++;
    return v;
  },
  remove: (s, a, k) => {
    const [x] = bind(one('set.remove'), a, k);
    if (!s.delete(x!)) throw new PyException('KeyError', repr(x!));
    return null;
  },
  symmetric_difference_update: (s, a, k) => {
    const [o] = bind(one('set.symmetric_difference_update'), a, k);
    const other = o instanceof PySetBase ? o : makeSet(false, o!);
    for (const v of other.values()) if (!s.delete(v)) s.add(v);
    return null;
  },
  update: (s, a) => {
    for (const o of a) updateSet(s, o);
    return null;
  },
};

export const frozenSetMethodTable = methodTable(shared);
export const setMethodTable = methodTable<PySet>({ ...(shared as Record<string, Method<PySet>>), ...mutating });
