// Jinja2 3.1's builtin filters. Each is declared with the parameters of
// its Python function (including the environment/context argument some
// take first), so that wrong calls fail with the same TypeError.

import { asStr, binaryOp, bind, bindPython, builtins, callMethod, callValue, floatToInt, formatValue, getItem, inplaceOp, intArg, iterate, jsonDumps, lookupAttr, NO_KWARGS, parseIntText, percentFormat, pformat, PY_WS_CLASS, pyCapitalize, PyDict, pyEq, PyException, pyIter, PyIterator, pyLen, PyList, PyObject, PySet, PySlice, pySort, pySplitLines, PyTuple, repr, str, strJoin, toArray, toFloat, truthy, typeError, unpack, valueError, type BoundArguments, type PyParameter, type PyValue } from '../python/index.ts';
import type { CompileEnv, FilterCall } from './compile-env.ts';
import { filterArgumentError } from './errors.ts';
import type { Context } from './runtime/context.ts';
import { Markup, escape, hasHtml, softStr, striptags } from './runtime/markup.ts';
import { Undefined } from './runtime/undefined.ts';
import { wrap } from './textwrap.ts';
import { urlQuote, urlize } from './urlize.ts';

/** What a filter or test may use besides its arguments. */
export interface FilterScope {
  env: CompileEnv & {
    callFilter(name: string, value: PyValue, args: PyValue[], kwargs: Map<string, PyValue>, ctx: Context): PyValue;
    callTest(name: string, value: PyValue, args: PyValue[], kwargs: Map<string, PyValue>, ctx: Context): PyValue;
    newlineSequence: string;
  };
  ctx: Context;
  autoescape: boolean;
}

type Pass = 'environment' | 'context' | 'eval_ctx' | null;

const p = (name: string, optional = false): PyParameter => ({ name, optional });
const varargs = (name: string): PyParameter => ({ name, kind: 'varargs' });
const varkw = (name: string): PyParameter => ({ name, kind: 'kwargs' });

/**
 * A filter or test implemented as a Python function `pyName(params)`; the
 * first parameter receives the environment/context when `pass` says so.
 */
export function pyFunction(
  pyName: string,
  pass: Pass,
  params: PyParameter[],
  impl: (b: BoundArguments, s: FilterScope) => PyValue,
): FilterCall {
  const f: FilterCall = (env, ctx, autoescape, value, args, kwargs) => {
    const all = pass ? [null, value, ...args] : [value, ...args];
    const b = bindPython(pyName, params, all, kwargs);
    return impl(b, { env: env as FilterScope['env'], ctx, autoescape });
  };
  // where Jinja2 defines it, for messages
  f.passContext = pass === 'context';
  f.qualname = pyName.startsWith('test_') ? `jinja2.tests.${pyName}`
    : /^(sync_)?do_/.test(pyName) ? `jinja2.filters.${pyName}` : pyName;
  return f;
}

/** A builtin function used as a filter (abs, len, ...): builtin argument errors. */
function builtinFilter(name: string): FilterCall {
  const f = builtins.get(name)!;
  const call: FilterCall = (_env, _ctx, _ae, value, args, kwargs) => callValue(f, [value, ...args], kwargs);
  call.qualname = name;
  return call;
}

/** A one-argument C function (markupsafe's escape, soft_str). */
function unary(name: string, f: (v: PyValue) => PyValue): FilterCall {
  return (_env, _ctx, _ae, value, args, kwargs) => {
    bind({ name, params: ['s'], positionalOnly: true }, [value, ...args], kwargs);
    return f(value);
  };
}

const arg = (b: BoundArguments, name: string, dflt: PyValue): PyValue => (b.has(name) ? b.get(name)! : dflt);

function generator(qualname: string, gen: () => Generator<PyValue>): PyIterator {
  return new NamedGenerator(gen(), qualname);
}

/** A generator object printed as <generator object NAME at 0x...>. */
class NamedGenerator extends PyIterator {
  constructor(
    it: Iterator<PyValue>,
    private readonly qualname: string,
  ) {
    super(it, 'generator');
  }
  override pyRepr(): string {
    return `<generator object ${this.qualname} at ${this.address}>`;
  }
}

// ---- attribute lookups ------------------------------------------------------------------

function attributeParts(attr: PyValue): PyValue[] {
  if (attr === null) return [];
  const s = asStr(attr);
  if (s !== undefined) return s.split('.').map((x) => (/^\p{Nd}+$/u.test(x) ? parseIntText(x) : x));
  return [attr];
}

function ignoreCase(v: PyValue): PyValue {
  const s = asStr(v);
  return s !== undefined ? callMethod(v, 'lower', [], NO_KWARGS) : v;
}

function makeAttrgetter(
  env: FilterScope['env'],
  attribute: PyValue,
  postprocess: ((v: PyValue) => PyValue) | null = null,
  dflt: PyValue = null,
): (item: PyValue) => PyValue {
  const parts = attributeParts(attribute);
  return (item) => {
    for (const part of parts) {
      item = env.getitem(item, part);
      if (dflt !== null && item instanceof Undefined) item = dflt;
    }
    return postprocess ? postprocess(item) : item;
  };
}

function makeMultiAttrgetter(
  env: FilterScope['env'],
  attribute: PyValue,
  postprocess: ((v: PyValue) => PyValue) | null,
): (item: PyValue) => PyValue {
  const s = asStr(attribute);
  const split: PyValue[] = s !== undefined ? s.split(',') : [attribute];
  const parts = split.map(attributeParts);
  return (item) => {
    const items = parts.map((attributePart) => {
      let x = item;
      for (const part of attributePart) x = env.getitem(x, part);
      return postprocess ? postprocess(x) : x;
    });
    return new PyList(items);
  };
}

// ---- the filters -----------------------------------------------------------------------

function minOrMax(which: 'min' | 'max'): FilterCall {
  return pyFunction(`do_${which}`, 'environment', [p('environment'), p('value'), p('case_sensitive', true), p('attribute', true)], (b, s) => {
    const it = pyIter(b.get('value')!);
    const first = it.next();
    if (first.done) return s.env.undefined('No aggregated item, sequence was empty.');
    const key = makeAttrgetter(s.env, arg(b, 'attribute', null), truthy(arg(b, 'case_sensitive', false)) ? null : ignoreCase);
    const rest = toArray(new PyIterator(it));
    const keyFn = new BuiltinKey(key);
    return callValue(builtins.get(which)!, [new PyList([first.value, ...rest])], new Map([['key', keyFn]]));
  });
}

/** A JS key function as a Python callable. */
class BuiltinKey extends PyObject {
  constructor(private readonly f: (v: PyValue) => PyValue) {
    super();
  }
  get typeName(): string {
    return 'function';
  }
  override pyCall(args: PyValue[]): PyValue {
    return this.f(args[0]!);
  }
}

function selectOrReject(pyName: string, modfunc: (x: boolean) => boolean, lookupAttr: boolean): FilterCall {
  return pyFunction(pyName, 'context', [p('context'), p('value'), varargs('args'), varkw('kwargs')], (b, s) => {
    const value = b.get('value')!;
    const args = (b.get('args') as PyTuple).items;
    const kwargs = new Map([...(b.get('kwargs') as PyDict).entries()].map(([k, v]) => [k as string, v]));
    return generator(pyName, function* () {
      if (!truthy(value)) return;
      let transfunc: (x: PyValue) => PyValue = (x) => x;
      let off = 0;
      if (lookupAttr) {
        if (args.length === 0) throw filterArgumentError('Missing parameter for attribute name');
        transfunc = makeAttrgetter(s.env, args[0]!);
        off = 1;
      }
      let func: (item: PyValue) => boolean;
      if (args.length > off) {
        const name = args[off]!;
        const rest = args.slice(off + 1);
        func = (item) => truthy(s.env.callTest(str(name), item, rest, kwargs, s.ctx));
      } else func = (item) => truthy(item);
      for (const item of iterate(value)) if (modfunc(func(transfunc(item)))) yield item;
    });
  });
}

function reverse(value: PyValue): PyValue {
  const s = asStr(value);
  if (s !== undefined) return callMethod(value, '__getitem__', [sliceAll()], NO_KWARGS);
  try {
    return callValue(builtins.get('reversed')!, [value]);
  } catch (e) {
    if (!(e instanceof PyException && e.pyType === 'TypeError')) throw e;
    try {
      const rv = toArray(value);
      rv.reverse();
      return new PyList(rv);
    } catch (e2) {
      if (e2 instanceof PyException && e2.pyType === 'TypeError') throw filterArgumentError('argument must be iterable');
      throw e2;
    }
  }
}

const sliceAll = () => new PySlice(null, null, -1n);

function title(s: string): string {
  const parts = s.split(new RegExp(`([-${PY_WS_CLASS}({\\[<]+)`, 'u'));
  return parts
    .filter((x) => x !== '')
    .map((item) => {
      const cps = Array.from(item);
      return cps[0]!.toUpperCase() + cps.slice(1).join('').toLowerCase();
    })
    .join('');
}

function doInt(value: PyValue, dflt: PyValue, base: PyValue): PyValue {
  const attempt = (f: () => PyValue): PyValue | undefined => {
    try {
      return f();
    } catch (e) {
      if (e instanceof PyException && (e.pyType === 'TypeError' || e.isInstance('ValueError'))) return undefined;
      throw e;
    }
  };
  const first = attempt(() => {
    const s = asStr(value);
    if (s !== undefined) return callValue(builtins.get('int')!, [value, base]);
    return callValue(builtins.get('int')!, [value]);
  });
  if (first !== undefined) return first;
  const second = attempt(() => floatToInt(toFloat(value)));
  return second !== undefined ? second : dflt;
}

function indent(s: PyValue, width: PyValue, first: boolean, blank: boolean): PyValue {
  const w = asStr(width);
  const indention: string = w !== undefined ? w : ' '.repeat(Math.max(0, Number(intArg(width))));
  const isMarkup = s instanceof Markup;
  const text = inplaceOp('+', s, '\n');
  const lines = toArray(callMethod(text, 'splitlines', [], NO_KWARGS)).map((line) => str(line));
  let rv: string;
  if (blank) rv = lines.join('\n' + indention);
  else {
    rv = lines.shift() ?? '';
    if (lines.length) rv += '\n' + lines.map((line) => (line ? indention + line : line)).join('\n');
  }
  if (first) rv = indention + rv;
  return isMarkup ? new Markup(rv) : rv;
}

function filesizeformat(value: PyValue, binary: boolean): string {
  const bytes = toFloat(value);
  const base = binary ? 1024 : 1000;
  const prefixes = binary
    ? ['KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB', 'ZiB', 'YiB']
    : ['kB', 'MB', 'GB', 'TB', 'PB', 'EB', 'ZB', 'YB'];
  if (bytes === 1) return '1 Byte';
  if (bytes < base) return `${str(floatToInt(bytes))} Bytes`;
  let unit = 0;
  let prefix = '';
  for (let i = 0; i < prefixes.length; i++) {
    unit = base ** (i + 2);
    prefix = prefixes[i]!;
    if (bytes < unit) return `${formatValue((base * bytes) / unit, '.1f')} ${prefix}`;
  }
  return `${formatValue((base * bytes) / unit, '.1f')} ${prefix}`;
}

function truncate(s: PyValue, length: number, killwords: boolean, end: PyValue, leeway: number): PyValue {
  const endLen = pyLen(end);
  if (!(length >= endLen)) throw new PyException('AssertionError', `expected length >= ${endLen}, got ${length}`);
  if (!(leeway >= 0)) throw new PyException('AssertionError', `expected leeway >= 0, got ${leeway}`);
  if (pyLen(s) <= length + leeway) return s;
  // s[:length - len(end)], then (unless killwords) up to the last space
  const head = getItem(s, new PySlice(null, BigInt(length - endLen), null));
  if (killwords) return binaryOp('+', head, end);
  const cut = getItem(callMethod(head, 'rsplit', [' ', 1n], NO_KWARGS), 0n);
  return binaryOp('+', cut, end);
}

function xmlattr(d: PyValue, autospace: boolean, autoescape: boolean): PyValue {
  const items: string[] = [];
  const entries = callMethod(d, 'items', [], NO_KWARGS);
  for (const pair of iterate(entries)) {
    const [key, value] = (pair as PyTuple).items as [PyValue, PyValue];
    if (value === null || value instanceof Undefined) continue;
    const k = str(key);
    if (/[\s/>=]/.test(k)) throw valueError(`Invalid character in attribute name: ${repr(key)}`);
    items.push(`${escape(key).text}="${escape(value).text}"`);
  }
  let rv = items.join(' ');
  if (autospace && rv) rv = ' ' + rv;
  return autoescape ? new Markup(rv) : rv;
}


function groupby(s: FilterScope, value: PyValue, attribute: PyValue, dflt: PyValue, caseSensitive: boolean): PyValue {
  const expr = makeAttrgetter(s.env, attribute, caseSensitive ? null : ignoreCase, dflt);
  const items = toArray(value);
  pySort(items, new BuiltinKey(expr));
  const groups: [PyValue, PyValue[]][] = [];
  for (const item of items) {
    const k = expr(item);
    const last = groups[groups.length - 1];
    if (last && pyEq(last[0], k)) last[1].push(item);
    else groups.push([k, [item]]);
  }
  let out = groups.map(([k, vs]) => new GroupTuple(k, new PyList(vs)));
  if (!caseSensitive) {
    const outputExpr = makeAttrgetter(s.env, attribute, null, dflt);
    out = out.map((g) => new GroupTuple(outputExpr((g.items[1] as PyList).items[0]!), g.items[1]!));
  }
  return new PyList(out);
}

/** groupby's (grouper, list) namedtuple. */
class GroupTuple extends PyTuple {
  constructor(grouper: PyValue, list: PyValue) {
    super([grouper, list]);
  }
  override get typeName(): string {
    return '_GroupTuple';
  }
  override pyGetAttr(name: string): PyValue | undefined {
    if (name === 'grouper') return this.items[0]!;
    if (name === 'list') return this.items[1]!;
    return undefined;
  }
}

const PAIR = [{ kind: 'Name' }, { kind: 'Name' }];

function urlencode(value: PyValue): string {
  const s = asStr(value);
  const iterable = value instanceof PyObject && (value.pyIter() !== undefined || value instanceof PyList || value instanceof PyTuple || value instanceof PyDict || value instanceof PySet);
  if (s !== undefined || !iterable) return urlQuote(value);
  const items = value instanceof PyDict ? [...value.entries()] : toArray(value).map((x) => unpack(x, PAIR) as [PyValue, PyValue]);
  return items.map(([k, v]) => `${urlQuote(k, true)}=${urlQuote(v, true)}`).join('&');
}

function wordcount(s: PyValue): PyValue {
  return BigInt((str(softStr(s)).match(/[\p{L}\p{N}_]+/gu) ?? []).length);
}

function join(s: FilterScope, value: PyValue, d: PyValue, attribute: PyValue): PyValue {
  let items: PyValue = value;
  if (attribute !== null) {
    const getter = makeAttrgetter(s.env, attribute);
    items = new PyList(toArray(value).map(getter));
  }
  if (!s.autoescape) return strJoin(str(d), new PyList(toArray(items).map((x) => str(x))));
  const list = toArray(items);
  if (!hasHtml(d)) {
    const anyHtml = list.some(hasHtml);
    const parts = list.map((x) => (hasHtml(x) ? x.text : anyHtml ? escape(x).text : str(x)));
    return anyHtml ? new Markup(parts.join(escape(d).text)) : parts.join(str(d));
  }
  return new Markup(list.map((x) => escape(x).text).join(d.text));
}

function sliceFilter(value: PyValue, slicesV: PyValue, fillWith: PyValue): PyValue {
  const seq = toArray(value);
  const slices = Number(intArg(slicesV));
  if (slices === 0) throw new PyException('ZeroDivisionError', 'integer division or modulo by zero');
  return generator('sync_do_slice', function* () {
    const length = seq.length;
    const perSlice = Math.floor(length / slices);
    const withExtra = ((length % slices) + slices) % slices;
    let offset = 0;
    for (let n = 0; n < slices; n++) {
      const start = offset + n * perSlice;
      if (n < withExtra) offset++;
      const end = offset + (n + 1) * perSlice;
      const tmp = seq.slice(start, end);
      if (fillWith !== null && n >= withExtra) tmp.push(fillWith);
      yield new PyList(tmp);
    }
  });
}

function batch(value: PyValue, linecountV: PyValue, fillWith: PyValue): PyValue {
  return generator('do_batch', function* () {
    const linecount = Number(intArg(linecountV));
    let tmp: PyValue[] = [];
    for (const item of iterate(value)) {
      if (tmp.length === linecount) {
        yield new PyList(tmp);
        tmp = [];
      }
      tmp.push(item);
    }
    if (tmp.length) {
      if (fillWith !== null && tmp.length < linecount) while (tmp.length < linecount) tmp.push(fillWith);
      yield new PyList(tmp);
    }
  });
}

function round(value: PyValue, precision: PyValue, method: PyValue): PyValue {
  const m = asStr(method);
  if (m !== 'common' && m !== 'ceil' && m !== 'floor') throw filterArgumentError('method must be common, ceil or floor');
  if (m === 'common') return callValue(builtins.get('round')!, [value, precision]);
  const scale = binaryOp('**', 10n, precision);
  const scaled = toFloat(binaryOp('*', value, scale));
  const r = m === 'ceil' ? Math.ceil(scaled) : Math.floor(scaled);
  return binaryOp('/', BigInt(r), scale);
}


function map(s: FilterScope, value: PyValue, args: readonly PyValue[], kwargsIn: PyDict): PyValue {
  const kwargs = new Map([...kwargsIn.entries()].map(([k, v]) => [k as string, v]));
  return generator('sync_do_map', function* () {
    if (!truthy(value)) return;
    let func: (item: PyValue) => PyValue;
    if (args.length === 0 && kwargs.has('attribute')) {
      const attribute = kwargs.get('attribute')!;
      kwargs.delete('attribute');
      const dflt = kwargs.get('default') ?? null;
      kwargs.delete('default');
      if (kwargs.size) throw filterArgumentError(`Unexpected keyword argument ${repr([...kwargs.keys()][0]!)}`);
      func = makeAttrgetter(s.env, attribute, null, dflt);
    } else {
      if (args.length === 0) throw filterArgumentError('map requires a filter argument');
      const name = str(args[0]!);
      const rest = args.slice(1);
      func = (item) => s.env.callFilter(name, item, [...rest], kwargs, s.ctx);
    }
    for (const item of iterate(value)) yield func(item);
  });
}

function tojson(value: PyValue, indentV: PyValue): PyValue {
  const text = jsonDumps(value, {
    sortKeys: true,
    indent: indentV === null ? null : typeof indentV === 'bigint' ? Number(indentV) : asStr(indentV) ?? null,
  });
  return new Markup(text.replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026').replace(/'/g, '\\u0027'));
}

function dictsort(value: PyValue, caseSensitive: boolean, by: PyValue, reverseIt: boolean): PyValue {
  let pos: number;
  if (pyEq(by, 'key')) pos = 0;
  else if (pyEq(by, 'value')) pos = 1;
  else throw filterArgumentError('You can only sort by either "key" or "value"');
  const items = toArray(callMethod(value, 'items', [], NO_KWARGS));
  pySort(items, new BuiltinKey((item) => {
    const v = getItem(item, BigInt(pos));
    return caseSensitive ? v : ignoreCase(v);
  }), reverseIt);
  return new PyList(items);
}

function wordwrap(s: FilterScope, text: PyValue, width: PyValue, breakLong: boolean, wrapstring: PyValue, breakOnHyphens: boolean): PyValue {
  const ws = wrapstring === null ? s.env.newlineSequence : str(wrapstring);
  const w = Number(intArg(width));
  const lines = pySplitLines(str(text));
  return lines.map((line) => wrap(line, { width: w, breakLongWords: breakLong, breakOnHyphens }).join(ws)).join(ws);
}

function items(value: PyValue): PyValue {
  return generator('do_items', function* () {
    if (value instanceof Undefined) return;
    if (!(value instanceof PyDict)) throw typeError('Can only get item pairs from a mapping.');
    yield* iterate(callMethod(value, 'items', [], NO_KWARGS));
  });
}

function unique(s: FilterScope, value: PyValue, caseSensitive: boolean, attribute: PyValue): PyValue {
  const getter = makeAttrgetter(s.env, attribute, caseSensitive ? null : ignoreCase);
  return generator('do_unique', function* () {
    const seen = new PySet();
    for (const item of iterate(value)) {
      const key = getter(item);
      if (!seen.has(key)) {
        seen.add(key);
        yield item;
      }
    }
  });
}

function urlizeFilter(s: FilterScope, b: BoundArguments): PyValue {
  const value = b.get('value')!;
  const relArg = arg(b, 'rel', null);
  const relParts = new Set(relArg === null || !truthy(relArg) ? [] : str(relArg).split(/\s+/).filter(Boolean));
  if (truthy(arg(b, 'nofollow', false))) relParts.add('nofollow');
  relParts.add('noopener');
  const rel = [...relParts].sort().join(' ') || null;
  const targetV = arg(b, 'target', null);
  const extra = arg(b, 'extra_schemes', null);
  const schemes = extra === null ? [] : toArray(extra).map((x) => str(x));
  for (const scheme of schemes) {
    if (!/^[\p{L}\p{N}_.+-]{2,}:\/{0,2}$/u.test(scheme)) throw filterArgumentError(`${repr(scheme)} is not a valid URI scheme prefix.`);
  }
  const limit = arg(b, 'trim_url_limit', null);
  const rv = urlize(str(value), {
    trimUrlLimit: limit === null ? null : Number(intArg(limit)),
    rel,
    target: targetV === null ? null : str(targetV),
    extraSchemes: schemes,
  });
  return s.autoescape ? new Markup(rv) : rv;
}

const doDefault = pyFunction('do_default', null, [p('value'), p('default_value', true), p('boolean', true)], (b) => {
  const value = b.get('value')!;
  if (value instanceof Undefined || (truthy(arg(b, 'boolean', false)) && !truthy(value))) return arg(b, 'default_value', '');
  return value;
});

export const DEFAULT_FILTERS: ReadonlyMap<string, FilterCall> = new Map<string, FilterCall>([
  ['abs', builtinFilter('abs')],
  ['attr', pyFunction('do_attr', 'environment', [p('environment'), p('obj'), p('name')], (b, s) => {
    const obj = b.get('obj')!;
    const name = str(b.get('name')!);
    if (lookupAttr(obj, name) === undefined) return s.env.undefined(null, obj, name);
    return s.env.getattr(obj, name);
  })],
  ['batch', pyFunction('do_batch', null, [p('value'), p('linecount'), p('fill_with', true)], (b) =>
    batch(b.get('value')!, b.get('linecount')!, arg(b, 'fill_with', null)))],
  ['capitalize', pyFunction('do_capitalize', null, [p('s')], (b) => {
    const v = softStr(b.get('s')!);
    return v instanceof Markup ? new Markup(pyCapitalize(v.text)) : pyCapitalize(v as string);
  })],
  ['center', pyFunction('do_center', null, [p('value'), p('width', true)], (b) =>
    callMethod(softStr(b.get('value')!), 'center', [arg(b, 'width', 80n)], NO_KWARGS))],
  ['count', builtinFilter('len')],
  ['d', doDefault],
  ['default', doDefault],
  ['dictsort', pyFunction('do_dictsort', null, [p('value'), p('case_sensitive', true), p('by', true), p('reverse', true)], (b) =>
    dictsort(b.get('value')!, truthy(arg(b, 'case_sensitive', false)), arg(b, 'by', 'key'), truthy(arg(b, 'reverse', false))))],
  ['e', unary('markupsafe._speedups.escape', escape)],
  ['escape', unary('markupsafe._speedups.escape', escape)],
  ['filesizeformat', pyFunction('do_filesizeformat', null, [p('value'), p('binary', true)], (b) =>
    filesizeformat(b.get('value')!, truthy(arg(b, 'binary', false))))],
  ['first', pyFunction('sync_do_first', 'environment', [p('environment'), p('seq')], (b, s) => {
    const r = pyIter(b.get('seq')!).next();
    return r.done ? s.env.undefined('No first item, sequence was empty.') : r.value;
  })],
  ['float', pyFunction('do_float', null, [p('value'), p('default', true)], (b) => {
    try {
      return toFloat(b.get('value')!);
    } catch (e) {
      if (e instanceof PyException && (e.pyType === 'TypeError' || e.isInstance('ValueError'))) return arg(b, 'default', 0.0);
      throw e;
    }
  })],
  ['forceescape', pyFunction('do_forceescape', null, [p('value')], (b) => {
    const v = b.get('value')!;
    return escape(v instanceof Markup ? v.text : str(v));
  })],
  ['format', pyFunction('do_format', null, [p('value'), varargs('args'), varkw('kwargs')], (b) => {
    const args = b.get('args') as PyTuple;
    const kwargs = b.get('kwargs') as PyDict;
    if (args.items.length && kwargs.size) throw filterArgumentError("can't handle positional and keyword arguments at the same time");
    const v = softStr(b.get('value')!);
    const params = kwargs.size ? kwargs : args;
    if (v instanceof Markup) return binaryOp('%', v, params);
    return percentFormat(v as string, params);
  })],
  ['groupby', pyFunction('sync_do_groupby', 'environment', [p('environment'), p('value'), p('attribute'), p('default', true), p('case_sensitive', true)], (b, s) =>
    groupby(s, b.get('value')!, b.get('attribute')!, arg(b, 'default', null), truthy(arg(b, 'case_sensitive', false))))],
  ['indent', pyFunction('do_indent', null, [p('s'), p('width', true), p('first', true), p('blank', true)], (b) =>
    indent(b.get('s')!, arg(b, 'width', 4n), truthy(arg(b, 'first', false)), truthy(arg(b, 'blank', false))))],
  ['int', pyFunction('do_int', null, [p('value'), p('default', true), p('base', true)], (b) =>
    doInt(b.get('value')!, arg(b, 'default', 0n), arg(b, 'base', 10n)))],
  ['items', pyFunction('do_items', null, [p('value')], (b) => items(b.get('value')!))],
  ['join', pyFunction('sync_do_join', 'eval_ctx', [p('eval_ctx'), p('value'), p('d', true), p('attribute', true)], (b, s) =>
    join(s, b.get('value')!, arg(b, 'd', ''), arg(b, 'attribute', null)))],
  ['last', pyFunction('do_last', 'environment', [p('environment'), p('seq')], (b, s) => {
    const rev = callValue(builtins.get('reversed')!, [b.get('seq')!]);
    const r = pyIter(rev).next();
    return r.done ? s.env.undefined('No last item, sequence was empty.') : r.value;
  })],
  ['length', builtinFilter('len')],
  ['list', pyFunction('sync_do_list', null, [p('value')], (b) => new PyList(toArray(b.get('value')!)))],
  ['lower', pyFunction('do_lower', null, [p('s')], (b) => callMethod(softStr(b.get('s')!), 'lower', [], NO_KWARGS))],
  ['map', pyFunction('sync_do_map', 'context', [p('context'), p('value'), varargs('args'), varkw('kwargs')], (b, s) =>
    map(s, b.get('value')!, (b.get('args') as PyTuple).items, b.get('kwargs') as PyDict))],
  ['max', minOrMax('max')],
  ['min', minOrMax('min')],
  ['pprint', pyFunction('do_pprint', null, [p('value')], (b) => pformat(b.get('value')!))],
  ['random', pyFunction('do_random', 'context', [p('context'), p('seq')], (b, s) => {
    const seq = b.get('seq')!;
    const n = pyLen(seq);
    if (n === 0) return s.env.undefined('No random item, sequence was empty.');
    return getItem(seq, BigInt(Math.floor(Math.random() * n)));
  })],
  ['reject', selectOrReject('sync_do_reject', (x) => !x, false)],
  ['rejectattr', selectOrReject('sync_do_rejectattr', (x) => !x, true)],
  ['replace', pyFunction('do_replace', 'eval_ctx', [p('eval_ctx'), p('s'), p('old'), p('new'), p('count', true)], (b, s) => {
    const count = arg(b, 'count', null) ?? -1n;
    const old = b.get('old')!;
    const nw = b.get('new')!;
    if (!s.autoescape) return callMethod(str(b.get('s')!), 'replace', [str(old), str(nw), count], NO_KWARGS);
    let subject: PyValue = b.get('s')!;
    if (hasHtml(old) || (hasHtml(nw) && !hasHtml(subject))) subject = escape(subject);
    else subject = softStr(subject);
    return callMethod(subject, 'replace', [softStr(old), softStr(nw), count], NO_KWARGS);
  })],
  ['reverse', pyFunction('do_reverse', null, [p('value')], (b) => reverse(b.get('value')!))],
  ['round', pyFunction('do_round', null, [p('value'), p('precision', true), p('method', true)], (b) =>
    round(b.get('value')!, arg(b, 'precision', 0n), arg(b, 'method', 'common')))],
  ['safe', pyFunction('do_mark_safe', null, [p('value')], (b) => {
    const v = b.get('value')!;
    return v instanceof Markup ? v : new Markup(str(v));
  })],
  ['select', selectOrReject('sync_do_select', (x) => x, false)],
  ['selectattr', selectOrReject('sync_do_selectattr', (x) => x, true)],
  ['slice', pyFunction('sync_do_slice', null, [p('value'), p('slices'), p('fill_with', true)], (b) =>
    sliceFilter(b.get('value')!, b.get('slices')!, arg(b, 'fill_with', null)))],
  ['sort', pyFunction('do_sort', 'environment', [p('environment'), p('value'), p('reverse', true), p('case_sensitive', true), p('attribute', true)], (b, s) => {
    const key = makeMultiAttrgetter(s.env, arg(b, 'attribute', null), truthy(arg(b, 'case_sensitive', false)) ? null : ignoreCase);
    const items = toArray(b.get('value')!);
    pySort(items, new BuiltinKey(key), truthy(arg(b, 'reverse', false)));
    return new PyList(items);
  })],
  ['string', unary('soft_str', softStr)],
  ['striptags', pyFunction('do_striptags', null, [p('value')], (b) => {
    const v = b.get('value')!;
    return striptags(v instanceof Markup ? v.text : str(v));
  })],
  ['sum', pyFunction('sync_do_sum', 'environment', [p('environment'), p('iterable'), p('attribute', true), p('start', true)], (b, s) => {
    let iterable = b.get('iterable')!;
    const attribute = arg(b, 'attribute', null);
    if (attribute !== null) iterable = new PyList(toArray(iterable).map(makeAttrgetter(s.env, attribute)));
    return callValue(builtins.get('sum')!, [iterable, arg(b, 'start', 0n)]);
  })],
  ['title', pyFunction('do_title', null, [p('s')], (b) => {
    const v = softStr(b.get('s')!);
    return v instanceof Markup ? new Markup(title(v.text)) : title(v as string);
  })],
  ['trim', pyFunction('do_trim', null, [p('value'), p('chars', true)], (b) =>
    callMethod(softStr(b.get('value')!), 'strip', [arg(b, 'chars', null)], NO_KWARGS))],
  ['truncate', pyFunction('do_truncate', 'environment', [p('env'), p('s'), p('length', true), p('killwords', true), p('end', true), p('leeway', true)], (b) => {
    const leeway = arg(b, 'leeway', null);
    return truncate(
      b.get('s')!,
      Number(intArg(arg(b, 'length', 255n))),
      truthy(arg(b, 'killwords', false)),
      arg(b, 'end', '...'),
      leeway === null ? 5 : Number(intArg(leeway)),
    );
  })],
  ['unique', pyFunction('do_unique', 'environment', [p('environment'), p('value'), p('case_sensitive', true), p('attribute', true)], (b, s) =>
    unique(s, b.get('value')!, truthy(arg(b, 'case_sensitive', false)), arg(b, 'attribute', null)))],
  ['upper', pyFunction('do_upper', null, [p('s')], (b) => callMethod(softStr(b.get('s')!), 'upper', [], NO_KWARGS))],
  ['urlencode', pyFunction('do_urlencode', null, [p('value')], (b) => urlencode(b.get('value')!))],
  ['urlize', pyFunction('do_urlize', 'eval_ctx', [p('eval_ctx'), p('value'), p('trim_url_limit', true), p('nofollow', true), p('target', true), p('rel', true), p('extra_schemes', true)], (b, s) =>
    urlizeFilter(s, b))],
  ['wordcount', pyFunction('do_wordcount', null, [p('s')], (b) => wordcount(b.get('s')!))],
  ['wordwrap', pyFunction('do_wordwrap', 'environment', [p('environment'), p('s'), p('width', true), p('break_long_words', true), p('wrapstring', true), p('break_on_hyphens', true)], (b, s) =>
    wordwrap(s, b.get('s')!, arg(b, 'width', 79n), truthy(arg(b, 'break_long_words', true)), arg(b, 'wrapstring', null), truthy(arg(b, 'break_on_hyphens', true))))],
  ['xmlattr', pyFunction('do_xmlattr', 'eval_ctx', [p('eval_ctx'), p('d'), p('autospace', true)], (b, s) =>
    xmlattr(b.get('d')!, truthy(arg(b, 'autospace', true)), s.autoescape))],
  ['tojson', pyFunction('do_tojson', 'eval_ctx', [p('eval_ctx'), p('value'), p('indent', true)], (b) =>
    tojson(b.get('value')!, arg(b, 'indent', null)))],
]);

