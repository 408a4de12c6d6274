// The methods of list and tuple.

import { bind, intArg, noArgs, type Signature } from '../args.ts';
import { pyEq, truthy } from '../compare.ts';
import { indexError, typeError, valueError } from '../exceptions.ts';
import { pyContains, toArray } from '../iter.ts';
import { repr } from '../repr.ts';
import { pySort } from '../sort.ts';
import { delItem, getItem, setItem } from '../subscript.ts';
import { PyList, PyRange, PyTuple, type Kwargs, type PyValue } from '../value.ts';
import { methodTable, type Method } from './table.ts';

const one = (name: string): Signature => ({ name, params: ['x'], positionalOnly: true });

function clampIndex(v: PyValue | undefined, len: number, dflt: number): number {
  if (v === undefined) return dflt;
  let i = Number(intArg(v));
  if (i < 0) {
    i += len;
    if (i < 0) i = 0;
  } else if (i > len) i = len;
  return i;
}

/** list.index / tuple.index */
function indexOf(items: readonly PyValue[], name: string, args: PyValue[], kwargs: Kwargs, typeName: string): PyValue {
  const [x, startV, stopV] = bind({ name: 'index', params: ['value', 'start', 'stop'], required: 1, positionalOnly: true, clinic: true }, args, kwargs);
  const start = clampIndex(startV, items.length, 0);
  const stop = clampIndex(stopV, items.length, items.length);
  for (let i = start; i < stop && i < items.length; i++) if (pyEq(items[i]!, x!)) return BigInt(i);
  throw valueError(typeName === 'list' ? `${repr(x!)} is not in list` : `${name}(x): x not in tuple`);
}

function count(items: readonly PyValue[], name: string, args: PyValue[], kwargs: Kwargs): bigint {
  const [x] = bind(one(name), args, kwargs);
  let n = 0n;
  for (const v of items) if (v === x || pyEq(v, x!)) n++;
  return n;
}

const listMethods: Record<string, Method<PyList>> = {
  append: (l, a, k) => {
    const [x] = bind(one('list.append'), a, k);
    l.items.push(x!);
    return null;
  },
  clear: (l, a, k) => {
    noArgs('list.clear', a, k);
    l.items.length = 0;
    return null;
  },
  copy: (l, a, k) => (noArgs('list.copy', a, k), new PyList(l.items.slice())),
  count: (l, a, k) => count(l.items, 'list.count', a, k),
  extend: (l, a, k) => {
    const [it] = bind(one('list.extend'), a, k);
    l.items.push(...toArray(it!));
    return null;
  },
  index: (l, a, k) => indexOf(l.items, 'list.index', a, k, 'list'),
  insert: (l, a, k) => {
    const [iV, x] = bind({ name: 'insert', params: ['index', 'object'], positionalOnly: true, clinic: true }, a, k);
    const i = clampIndex(iV, l.items.length, 0);
    l.items.splice(i, 0, x!);
    return null;
  },
  pop: (l, a, k) => {
    const [iV] = bind({ name: 'pop', params: ['index'], required: 0, positionalOnly: true, clinic: true }, a, k);
    let i = iV === undefined ? -1 : Number(intArg(iV));
    if (l.items.length === 0) throw indexError('pop from empty list');
    if (i < 0) i += l.items.length;
    if (i < 0 || i >= l.items.length) throw indexError('pop index out of range');
    return l.items.splice(i, 1)[0]!;
  },
  remove: (l, a, k) => {
    const [x] = bind(one('list.remove'), a, k);
    const i = l.items.findIndex((v) => pyEq(v, x!));
    if (i < 0) throw valueError('list.remove(x): x not in list');
    l.items.splice(i, 1);
    return null;
  },
  reverse: (l, a, k) => {
    noArgs('list.reverse', a, k);
    l.items.reverse();
    return null;
  },
  sort: (l, a, k) => {
    if (a.length > 0) throw typeError('sort() takes no positional arguments');
    for (const key of k.keys()) {
      if (key !== 'key' && key !== 'reverse') throw typeError(`'${key}' is an invalid keyword argument for sort()`);
    }
    const [key, reverse] = bind({ name: 'sort', params: [], keywordOnly: ['key', 'reverse'] }, a, k);
    pySort(l.items, key ?? null, reverse !== undefined && truthy(reverse));
    return null;
  },
  __contains__: (l, a, k) => pyContains(l, bind(one('list.__contains__'), a, k)[0]!),
  __delitem__: (l, a, k) => (delItem(l, bind(one('list.__delitem__'), a, k)[0]!), null),
  __getitem__: (l, a, k) => getItem(l, bind(one('list.__getitem__'), a, k)[0]!),
  __len__: (l, a, k) => (noArgs('list.__len__', a, k), BigInt(l.items.length)),
  __setitem__: (l, a, k) => {
    const [key, value] = bind({ name: '__setitem__', params: ['key', 'value'], positionalOnly: true, clinic: true }, a, k);
    setItem(l, key!, value!);
    return null;
  },
};

const tupleMethods: Record<string, Method<PyTuple>> = {
  count: (t, a, k) => count(t.items, 'tuple.count', a, k),
  index: (t, a, k) => indexOf(t.items, 'tuple.index', a, k, 'tuple'),
  __contains__: (t, a, k) => pyContains(t, bind(one('tuple.__contains__'), a, k)[0]!),
  __getitem__: (t, a, k) => getItem(t, bind(one('tuple.__getitem__'), a, k)[0]!),
  __len__: (t, a, k) => (noArgs('tuple.__len__', a, k), BigInt(t.items.length)),
};

export const listMethodTable = methodTable(listMethods);
export const tupleMethodTable = methodTable(tupleMethods);

const rangeMethods: Record<string, Method<PyRange>> = {
  count: (r, a, k) => {
    const [x] = bind(one('range.count'), a, k);
    return pyContains(r, x!) ? 1n : 0n;
  },
  index: (r, a, k) => {
    const [x] = bind(one('range.index'), a, k);
    if (!(typeof x === 'bigint' || typeof x === 'boolean') || !pyContains(r, x)) {
      throw valueError(`${repr(x!)} is not in range`);
    }
    return ((typeof x === 'boolean' ? (x ? 1n : 0n) : x) - r.start) / r.step;
  },
};

export const rangeMethodTable = methodTable(rangeMethods);
