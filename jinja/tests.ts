// Jinja2 3.1's builtin tests (`x is defined`, `x is divisibleby 3`, ...).

import { binaryOp, bind, builtins, callMethod, callValue, hasLen, keyOf, lookupAttr, NO_KWARGS, pyCompare, pyContains, PyDict, pyEq, PyException, pyIs, pyIter, pyLen, PyObject, str, type PyInstanceKind, type PyValue } from '../python/index.ts';
import type { FilterCall } from './compile-env.ts';
import { pyFunction } from './filters.ts';
import { hasHtml } from './runtime/markup.ts';
import { Undefined } from './runtime/undefined.ts';

const p = (name: string) => ({ name });

/** A test written as a one-argument Python function `test_NAME(value)`. */
function test1(name: string, f: (v: PyValue) => PyValue): FilterCall {
  return pyFunction(`test_${name}`, null, [p('value')], (b) => f(b.get('value')!));
}

/** An operator-module function (operator.eq, ...): positional only, two arguments. */
function operator(name: string, f: (a: PyValue, b: PyValue) => PyValue): FilterCall {
  return (_env, _ctx, _ae, value, args, kwargs) => {
    const [a, b] = bind({ name, params: ['a', 'b'], positionalOnly: true, clinic: true }, [value, ...args], kwargs);
    return f(a!, b!);
  };
}

const isInt = (v: PyValue) => typeof v === 'bigint' || is(v, 'int');
/** isinstance for objects whose class is not one of python/'s (the bridge's). */
const is = (v: PyValue, kind: PyInstanceKind) => v instanceof PyObject && v.pyIsInstance?.(kind) === true;

export const DEFAULT_TESTS: ReadonlyMap<string, FilterCall> = new Map<string, FilterCall>([
  ['odd', test1('odd', (v) => pyEq(binaryOp('%', v, 2n), 1n))],
  ['even', test1('even', (v) => pyEq(binaryOp('%', v, 2n), 0n))],
  ['divisibleby', pyFunction('test_divisibleby', null, [p('value'), p('num')], (b) =>
    pyEq(binaryOp('%', b.get('value')!, b.get('num')!), 0n))],
  ['defined', test1('defined', (v) => !(v instanceof Undefined))],
  ['undefined', test1('undefined', (v) => v instanceof Undefined)],
  ['filter', pyFunction('test_filter', 'environment', [p('env'), p('value')], (b, s) => {
    const v = b.get('value')!;
    keyOf(v);
    return typeof v === 'string' && s.env.filters.has(v);
  })],
  ['test', pyFunction('test_test', 'environment', [p('env'), p('value')], (b, s) => {
    const v = b.get('value')!;
    keyOf(v);
    return typeof v === 'string' && s.env.tests.has(v);
  })],
  ['none', test1('none', (v) => v === null)],
  ['boolean', test1('boolean', (v) => typeof v === 'boolean')],
  ['false', test1('false', (v) => v === false)],
  ['true', test1('true', (v) => v === true)],
  ['integer', test1('integer', isInt)],
  ['float', test1('float', (v) => typeof v === 'number' || is(v, 'float'))],
  ['lower', test1('lower', (v) => callMethod(str(v), 'islower', [], NO_KWARGS))],
  ['upper', test1('upper', (v) => callMethod(str(v), 'isupper', [], NO_KWARGS))],
  ['string', test1('string', (v) => typeof v === 'string' || hasHtml(v) || is(v, 'str'))],
  ['mapping', test1('mapping', (v) => v instanceof PyDict || is(v, 'Mapping'))],
  ['number', test1('number', (v) => typeof v === 'bigint' || typeof v === 'number' || typeof v === 'boolean' || is(v, 'Number'))],
  ['sequence', test1('sequence', (v) => {
    try {
      pyLen(v);
      if (typeof v === 'string') return true;
      return hasLen(v) && (lookupAttr(v, '__getitem__') !== undefined || (v instanceof Undefined) || v instanceof PyDict || isIndexable(v));
    } catch (e) {
      if (e instanceof PyException) return false;
      throw e;
    }
  })],
  ['iterable', test1('iterable', (v) => {
    try {
      pyIter(v);
      return true;
    } catch (e) {
      if (e instanceof PyException && e.pyType === 'TypeError') return false;
      throw e;
    }
  })],
  ['callable', (_env, _ctx, _ae, value, args, kwargs) => callValue(builtins.get('callable')!, [value, ...args], kwargs)],
  ['sameas', pyFunction('test_sameas', null, [p('value'), p('other')], (b) => pyIs(b.get('value')!, b.get('other')!))],
  ['escaped', test1('escaped', (v) => hasHtml(v))],
  ['in', pyFunction('test_in', null, [p('value'), p('seq')], (b) => pyContains(b.get('seq')!, b.get('value')!))],
  ['==', operator('eq', (a, b) => pyEq(a, b))],
  ['eq', operator('eq', (a, b) => pyEq(a, b))],
  ['equalto', operator('eq', (a, b) => pyEq(a, b))],
  ['!=', operator('ne', (a, b) => !pyEq(a, b))],
  ['ne', operator('ne', (a, b) => !pyEq(a, b))],
  ['>', operator('gt', (a, b) => pyCompare('>', a, b))],
  ['gt', operator('gt', (a, b) => pyCompare('>', a, b))],
  ['greaterthan', operator('gt', (a, b) => pyCompare('>', a, b))],
  ['ge', operator('ge', (a, b) => pyCompare('>=', a, b))],
  ['>=', operator('ge', (a, b) => pyCompare('>=', a, b))],
  ['<', operator('lt', (a, b) => pyCompare('<', a, b))],
  ['lt', operator('lt', (a, b) => pyCompare('<', a, b))],
  ['lessthan', operator('lt', (a, b) => pyCompare('<', a, b))],
  ['<=', operator('le', (a, b) => pyCompare('<=', a, b))],
  ['le', operator('le', (a, b) => pyCompare('<=', a, b))],
]);

/** Whether values of this type have __getitem__ (sequences and mappings). */
function isIndexable(v: PyValue): boolean {
  return v !== null && typeof v === 'object' && ['list', 'tuple', 'range', 'bytes', 'bytearray'].includes(v.typeName);
}
