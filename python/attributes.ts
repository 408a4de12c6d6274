// Attribute access: `x.name` on every value. Built-in types answer with
// bound methods from their method tables; other objects with pyGetAttr.

import { PyException, attributeError } from './exceptions.ts';
import { typeOf } from './builtins.ts';
import { bytesMethodTable, floatMethodTable, intMethodTable, numberAttribute } from './methods/scalar.ts';
import { dictMethodTable, dictViewMethodTable } from './methods/dict.ts';
import { listMethodTable, rangeMethodTable, tupleMethodTable } from './methods/list.ts';
import { frozenSetMethodTable, setMethodTable } from './methods/set.ts';
import { strMethods } from './methods/str.ts';
import type { Method, MethodTable } from './methods/table.ts';
import {
  PyBoundMethod,
  PyBytes,
  PyDict,
  PyDictView,
  PyFrozenSet,
  PyList,
  PyModule,
  PyObject,
  PyRange,
  PySet,
  PyTuple,
  PyType,
  typeName,
  type Kwargs,
  type PyValue,
} from './value.ts';

/** The method table of a built-in value's type, if it has one. */
function tableOf(obj: PyValue): MethodTable<never> | undefined {
  switch (typeof obj) {
    case 'string':
      return strMethods;
    case 'bigint':
    case 'boolean':
      return intMethodTable;
    case 'number':
      return floatMethodTable;
  }
  if (obj === null) return undefined;
  if (obj instanceof PyList) return listMethodTable;
  if (obj instanceof PyDict) return dictMethodTable;
  if (obj instanceof PyTuple) return tupleMethodTable;
  if (obj instanceof PySet) return setMethodTable;
  if (obj instanceof PyFrozenSet) return frozenSetMethodTable;
  if (obj instanceof PyBytes) return bytesMethodTable;
  if (obj instanceof PyDictView) return dictViewMethodTable;
  if (obj instanceof PyRange) return rangeMethodTable;
  return undefined;
}

function receiver(obj: PyValue): PyValue {
  // bool methods are int methods on the int value
  return typeof obj === 'boolean' ? (obj ? 1n : 0n) : obj;
}

/** getattr(obj, name) or undefined when there is no such attribute. */
export function lookupAttr(obj: PyValue, name: string): PyValue | undefined {
  if (name === '__class__') return typeOf(obj);
  const table = tableOf(obj);
  if (table) {
    const m = table.get(name) as Method<PyValue> | undefined;
    if (m) {
      const self = receiver(obj);
      return new PyBoundMethod(obj, name, (args, kwargs) => m(self, args, kwargs), typeName(obj));
    }
  }
  if (typeof obj === 'bigint' || typeof obj === 'number' || typeof obj === 'boolean') {
    const n = typeof obj === 'boolean' ? (obj ? 1n : 0n) : obj;
    return numberAttribute(n, name);
  }
  if (obj instanceof PyRange) {
    if (name === 'start') return obj.start;
    if (name === 'stop') return obj.stop;
    if (name === 'step') return obj.step;
  }
  if (name === '__class__') return typeOf(obj);
  if (obj instanceof PyObject) {
    // an AttributeError raised by the object means "no such attribute"
    try {
      return obj.pyGetAttr(name);
    } catch (e) {
      if (e instanceof PyException && e.isInstance('AttributeError')) return undefined;
      throw e;
    }
  }
  return undefined;
}

export function noAttribute(obj: PyValue, name: string) {
  if (obj instanceof PyModule && obj.typeName === 'module') {
    return attributeError(`module '${obj.name}' has no attribute '${name}'`);
  }
  if (obj instanceof PyType) return attributeError(`type object '${obj.name}' has no attribute '${name}'`);
  return attributeError(`'${typeName(obj)}' object has no attribute '${name}'`);
}

/** getattr(obj, name), raising AttributeError as CPython does. */
export function getAttr(obj: PyValue, name: string): PyValue {
  const v = lookupAttr(obj, name);
  if (v === undefined) throw noAttribute(obj, name);
  return v;
}

export function hasAttr(obj: PyValue, name: string): boolean {
  return lookupAttr(obj, name) !== undefined;
}

/** setattr(obj, name, value) */
export function setAttr(obj: PyValue, name: string, value: PyValue): void {
  if (obj instanceof PyObject && !tableOf(obj) && obj.pySetAttr(name, value)) return;
  if (tableOf(obj)?.has(name)) {
    throw attributeError(`'${typeName(obj)}' object attribute '${name}' is read-only`);
  }
  throw attributeError(`'${typeName(obj)}' object has no attribute '${name}'`);
}

/** obj.name(*args, **kwargs) without allocating a bound method for built-in types. */
export function callMethod(obj: PyValue, name: string, args: PyValue[], kwargs: Kwargs): PyValue {
  const table = tableOf(obj);
  const m = table?.get(name) as Method<PyValue> | undefined;
  if (m) return m(receiver(obj), args, kwargs);
  const f = getAttr(obj, name);
  if (f instanceof PyObject && f.pyCall) return f.pyCall(args, kwargs);
  throw attributeError(`'${typeName(f)}' object is not callable`);
}

let tablesByName: ReadonlyMap<string, MethodTable<never>> | undefined;

/** The method table of a built-in type name, for unbound access (str.upper). */
export function methodTableFor(type: string): MethodTable<never> | undefined {
  // made on first use: some method modules import this one, so their tables may not exist yet while it loads
  tablesByName ??= new Map<string, MethodTable<never>>([
    ['str', strMethods],
    ['int', intMethodTable],
    ['bool', intMethodTable],
    ['float', floatMethodTable],
    ['list', listMethodTable],
    ['dict', dictMethodTable],
    ['tuple', tupleMethodTable],
    ['set', setMethodTable],
    ['frozenset', frozenSetMethodTable],
    ['bytes', bytesMethodTable],
  ]);
  return tablesByName.get(type);
}
