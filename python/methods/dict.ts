// The methods of dict.

import { bind, noArgs } from '../args.ts';
import { PyException, typeError, valueError } from '../exceptions.ts';
import { pyContains, pyIter, pyLen, toArray } from '../iter.ts';
import { repr } from '../repr.ts';
import { getAttr, lookupAttr } from '../attributes.ts';
import { callValue } from '../call.ts';
import { getItem } from '../subscript.ts';
import { PyDict, PyDictView, PyObject, PyTuple, type Kwargs, type PyValue } from '../value.ts';
import { methodTable, type Method } from './table.ts';

function keyError(key: PyValue): PyException {
  return new PyException('KeyError', repr(key));
}

/** dict.update(other, **kwargs), also used by dict(...) */
export function dictUpdate(d: PyDict, other: PyValue | undefined, kwargs: Kwargs): void {
  if (other !== undefined) {
    if (other instanceof PyDict) {
      for (const [k, v] of other.entries()) d.set(k, v);
    } else if (other instanceof PyObject && !(other instanceof PyDictView) && lookupAttr(other, 'keys') !== undefined) {
      // a mapping: keys() then [key]
      for (const k of toArray(callValue(getAttr(other, 'keys'), []))) d.set(k, getItem(other, k));
    } else {
      let i = 0;
      const it = pyIter(other);
      for (let r = it.next(); !r.done; r = it.next(), i++) {
        let pair: PyValue[];
        try {
          pair = toArray(r.value);
        } catch (e) {
          if (e instanceof PyException && e.pyType === 'TypeError') {
            throw typeError(`cannot convert dictionary update sequence element #${i} to a sequence`);
          }
          throw e;
        }
        if (pair.length !== 2) {
          throw valueError(`dictionary update sequence element #${i} has length ${pair.length}; 2 is required`);
        }
        d.set(pair[0]!, pair[1]!);
      }
    }
  }
  for (const [k, v] of kwargs) d.set(k, v);
}

/** dict.fromkeys(iterable, value=None) */
export function dictFromKeys(args: PyValue[], kwargs: Kwargs): PyDict {
  const [it, value] = bind({ name: 'fromkeys', params: ['iterable', 'value'], required: 1, positionalOnly: true, clinic: true }, args, kwargs);
  const d = new PyDict();
  const it2 = pyIter(it!);
  for (let r = it2.next(); !r.done; r = it2.next()) d.set(r.value, value ?? null);
  return d;
}

const dictMethods: Record<string, Method<PyDict>> = {
  clear: (d, a, k) => (noArgs('dict.clear', a, k), d.clear(), null),
  copy: (d, a, k) => (noArgs('dict.copy', a, k), d.copy()),
  fromkeys: (_d, a, k) => dictFromKeys(a, k),
  get: (d, a, k) => {
    const [key, dflt] = bind({ name: 'get', params: ['key', 'default'], required: 1, positionalOnly: true, clinic: true }, a, k);
    return d.get(key!) ?? dflt ?? null;
  },
  items: (d, a, k) => (noArgs('dict.items', a, k), new PyDictView(d, 'items')),
  keys: (d, a, k) => (noArgs('dict.keys', a, k), new PyDictView(d, 'keys')),
  pop: (d, a, k) => {
    const [key, dflt] = bind({ name: 'pop', params: ['key', 'default'], required: 1, positionalOnly: true, clinic: true }, a, k);
    const v = d.get(key!);
    if (v === undefined) {
      if (dflt !== undefined) return dflt;
      throw keyError(key!);
    }
    d.delete(key!);
    return v;
  },
  popitem: (d, a, k) => {
    noArgs('dict.popitem', a, k);
    const last = d.last();
    if (!last) throw new PyException('KeyError', "'popitem(): dictionary is empty'");
    d.delete(last[0]);
    return new PyTuple([last[0], last[1]]);
  },
  setdefault: (d, a, k) => {
    const [key, dflt] = bind({ name: 'setdefault', params: ['key', 'default'], required: 1, positionalOnly: true, clinic: true }, a, k);
    const v = d.get(key!);
    if (v !== undefined) return v;
    d.set(key!, dflt ?? null);
    return dflt ?? null;
  },
  update: (d, a, k) => {
    if (a.length > 1) throw typeError(`update expected at most 1 argument, got ${a.length}`);
    dictUpdate(d, a[0], k);
    return null;
  },
  values: (d, a, k) => (noArgs('dict.values', a, k), new PyDictView(d, 'values')),
  __contains__: (d, a, k) => d.has(bind({ name: 'dict.__contains__', params: ['key'], positionalOnly: true }, a, k)[0]!),
  __delitem__: (d, a, k) => {
    const [key] = bind({ name: 'dict.__delitem__', params: ['key'], positionalOnly: true }, a, k);
    if (!d.delete(key!)) throw keyError(key!);
    return null;
  },
  __getitem__: (d, a, k) => getItem(d, bind({ name: 'dict.__getitem__', params: ['key'], positionalOnly: true }, a, k)[0]!),
  __len__: (d, a, k) => (noArgs('dict.__len__', a, k), BigInt(pyLen(d))),
  __setitem__: (d, a, k) => {
    const [key, value] = bind({ name: '__setitem__', params: ['key', 'value'], positionalOnly: true, clinic: true }, a, k);
    d.set(key!, value!);
    return null;
  },
};

export const dictMethodTable = methodTable(dictMethods);

const viewMethods: Record<string, Method<PyDictView>> = {
  isdisjoint: (v, a, k) => {
    const [other] = bind({ name: 'isdisjoint', params: ['other'], positionalOnly: true }, a, k);
    const it = pyIter(other!);
    for (let r = it.next(); !r.done; r = it.next()) {
      if (pyContains(v, r.value)) return false;
    }
    return true;
  },
};

export const dictViewMethodTable = methodTable(viewMethods);
