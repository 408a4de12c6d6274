// Python's json module: dumps() byte for byte as CPython writes it
// (separators ', ' and ': ', ensure_ascii escapes, floats as repr, NaN and
// Infinity, sort_keys, indent) and loads() into the value model (ints and
// floats kept apart, objects as insertion-ordered dicts).

import { bind } from './args.ts';
import { callValue } from './call.ts';
import { truthy } from './compare.ts';
import { PyException, typeError, valueError } from './exceptions.ts';
import { floatRepr } from './float-format.ts';
import { parseIntText } from './numbers.ts';
import { pySort } from './sort.ts';
import {
  PyDict,
  PyFunction,
  PyList,
  PyModule,
  PyObject,
  PyTuple,
  asStr,
  typeName,
  type Kwargs,
  type PyValue,
} from './value.ts';

export interface DumpsOptions {
  skipkeys?: boolean;
  ensureAscii?: boolean;
  checkCircular?: boolean;
  allowNan?: boolean;
  /** A number of spaces or the indent string; null for one line. */
  indent?: number | string | null;
  /** [itemSeparator, keySeparator] */
  separators?: [string, string] | null;
  sortKeys?: boolean;
  /** Called for values JSON cannot represent; returns a value that it can. */
  default?: ((v: PyValue) => PyValue) | null;
}

const ESCAPES: Record<string, string> = {
  '"': '\\"',
  '\\': '\\\\',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  '\b': '\\b',
  '\f': '\\f',
};

function u4(code: number): string {
  return '\\u' + code.toString(16).padStart(4, '0');
}

/** A JSON string literal as json.dumps writes it. */
export function jsonQuote(s: string, ensureAscii = true): string {
  const re = ensureAscii ? /[\\"]|[^ -~]/g : /[\x00-\x1f\\"]/g;
  return (
    '"' +
    s.replace(re, (ch) => {
      const e = ESCAPES[ch];
      if (e) return e;
      // JavaScript strings are UTF-16 already: astral characters arrive as
      // two surrogates, each escaped, which is the pair Python writes
      return u4(ch.charCodeAt(0));
    }) +
    '"'
  );
}

function floatText(x: number, allowNan: boolean): string {
  if (Number.isFinite(x)) return floatRepr(x);
  if (!allowNan) throw valueError(`Out of range float values are not JSON compliant`);
  return Number.isNaN(x) ? 'NaN' : x > 0 ? 'Infinity' : '-Infinity';
}

/** json.dumps(value, **options) */
export function jsonDumps(value: PyValue, options: DumpsOptions = {}): string {
  const ensureAscii = options.ensureAscii ?? true;
  const allowNan = options.allowNan ?? true;
  const checkCircular = options.checkCircular ?? true;
  const indentOpt = options.indent ?? null;
  const indent = indentOpt === null ? null : typeof indentOpt === 'number' ? ' '.repeat(Math.max(0, indentOpt)) : indentOpt;
  const [itemSep, keySep] = options.separators ?? (indent === null ? [', ', ': '] : [',', ': ']);
  const markers = new Set<PyObject>();
  const parts: string[] = [];

  const enter = (o: PyObject) => {
    if (!checkCircular) return;
    if (markers.has(o)) throw valueError('Circular reference detected');
    markers.add(o);
  };
  const leave = (o: PyObject) => markers.delete(o);

  const keyText = (k: PyValue): string | undefined => {
    const s = asStr(k);
    if (s !== undefined) return s;
    if (typeof k === 'number') return floatText(k, allowNan);
    if (typeof k === 'boolean') return k ? 'true' : 'false';
    if (k === null) return 'null';
    if (typeof k === 'bigint') return k.toString();
    if (options.skipkeys) return undefined;
    throw typeError(`keys must be str, int, float, bool or None, not ${typeName(k)}`);
  };

  const encode = (v: PyValue, level: number): void => {
    const s = asStr(v);
    if (s !== undefined) {
      parts.push(jsonQuote(s, ensureAscii));
      return;
    }
    if (v === null) return void parts.push('null');
    if (v === true) return void parts.push('true');
    if (v === false) return void parts.push('false');
    if (typeof v === 'bigint') return void parts.push(v.toString());
    if (typeof v === 'number') return void parts.push(floatText(v, allowNan));
    if (v instanceof PyList || v instanceof PyTuple) {
      if (v.items.length === 0) return void parts.push('[]');
      enter(v);
      parts.push('[');
      const inner = indent === null ? '' : '\n' + indent.repeat(level + 1);
      v.items.forEach((item, i) => {
        parts.push(i === 0 ? inner : itemSep + inner);
        encode(item, level + 1);
      });
      if (indent !== null) parts.push('\n' + indent.repeat(level));
      parts.push(']');
      leave(v);
      return;
    }
    if (v instanceof PyDict) {
      if (v.size === 0) return void parts.push('{}');
      enter(v);
      let items: [PyValue, PyValue][] = [...v.entries()];
      if (options.sortKeys) {
        const tuples: PyValue[] = items.map(([k, x]) => new PyTuple([k, x]));
        pySort(tuples);
        items = tuples.map((t) => [(t as PyTuple).items[0]!, (t as PyTuple).items[1]!]);
      }
      parts.push('{');
      const inner = indent === null ? '' : '\n' + indent.repeat(level + 1);
      let first = true;
      for (const [k, x] of items) {
        const kt = keyText(k);
        if (kt === undefined) continue;
        parts.push(first ? inner : itemSep + inner);
        first = false;
        parts.push(jsonQuote(kt, ensureAscii), keySep);
        encode(x, level + 1);
      }
      if (indent !== null) parts.push('\n' + indent.repeat(level));
      parts.push('}');
      leave(v);
      return;
    }
    if (options.default) {
      if (v instanceof PyObject) enter(v);
      encode(options.default(v), level);
      if (v instanceof PyObject) leave(v);
      return;
    }
    throw typeError(`Object of type ${typeName(v)} is not JSON serializable`);
  };

  encode(value, 0);
  return parts.join('');
}

// ---- loads ------------------------------------------------------------------------

function lineCol(s: string, pos: number): string {
  let line = 1;
  let last = -1;
  for (let i = 0; i < pos; i++) {
    if (s.charCodeAt(i) === 10) {
      line++;
      last = i;
    }
  }
  return `line ${line} column ${pos - last} (char ${pos})`;
}

export class JsonDecodeError extends PyException {
  constructor(msg: string, doc: string, readonly pos: number) {
    super('JSONDecodeError', `${msg}: ${lineCol(doc, pos)}`);
  }
}

/** What each one-letter escape of a JSON string stands for (json.decoder's BACKSLASH). */
const BACKSLASH: ReadonlyMap<string, string> = new Map([
  ['"', '"'], ['\\', '\\'], ['/', '/'], ['b', '\b'], ['f', '\f'], ['n', '\n'], ['r', '\r'], ['t', '\t'],
]);

const NUMBER = /-?(?:0|[1-9]\d*)(\.\d+)?([eE][-+]?\d+)?/y;
const WS = /[ \t\n\r]*/y;

/** json.loads(text) */
export function jsonLoads(text: string): PyValue {
  let i = 0;
  const ws = () => {
    WS.lastIndex = i;
    WS.exec(text);
    i = WS.lastIndex;
  };
  const fail = (msg: string, at = i): never => {
    throw new JsonDecodeError(msg, text, at);
  };

  const parseString = (): string => {
    const begin = i - 1;
    let out = '';
    for (;;) {
      let j = i;
      while (j < text.length) {
        const c = text.charCodeAt(j);
        if (c === 0x22 || c === 0x5c || c < 0x20) break;
        j++;
      }
      out += text.slice(i, j);
      i = j;
      if (i >= text.length) fail('Unterminated string starting at', begin);
      const c = text[i]!;
      if (c === '"') {
        i++;
        return out;
      }
      if (c !== '\\') fail('Invalid control character at');
      const e = text[i + 1];
      if (e === undefined) fail('Unterminated string starting at', begin);
      const unescaped = BACKSLASH.get(e);
      if (unescaped !== undefined) {
        out += unescaped;
        i += 2;
      } else if (e === 'u') {
        const hex = text.slice(i + 2, i + 6);
        if (!/^[0-9a-fA-F]{4}$/.test(hex)) fail('Invalid \\uXXXX escape', i + 1);
        out += String.fromCharCode(parseInt(hex, 16));
        i += 6;
      } else fail('Invalid \\escape', i);
    }
  };

  const parseValue = (): PyValue => {
    const c = text[i];
    if (c === '"') {
      i++;
      return parseString();
    }
    if (c === '{') {
      i++;
      const d = new PyDict();
      ws();
      if (text[i] === '}') {
        i++;
        return d;
      }
      for (;;) {
        if (text[i] !== '"') fail('Expecting property name enclosed in double quotes');
        i++;
        const key = parseString();
        ws();
        if (text[i] !== ':') fail("Expecting ':' delimiter");
        i++;
        ws();
        d.set(key, parseValue());
        ws();
        if (text[i] === '}') {
          i++;
          return d;
        }
        if (text[i] !== ',') fail("Expecting ',' delimiter");
        i++;
        ws();
      }
    }
    if (c === '[') {
      i++;
      const items: PyValue[] = [];
      ws();
      if (text[i] === ']') {
        i++;
        return new PyList(items);
      }
      for (;;) {
        items.push(parseValue());
        ws();
        if (text[i] === ']') {
          i++;
          return new PyList(items);
        }
        if (text[i] !== ',') fail("Expecting ',' delimiter");
        i++;
        ws();
      }
    }
    if (text.startsWith('null', i)) return (i += 4), null;
    if (text.startsWith('true', i)) return (i += 4), true;
    if (text.startsWith('false', i)) return (i += 5), false;
    if (text.startsWith('NaN', i)) return (i += 3), NaN;
    if (text.startsWith('Infinity', i)) return (i += 8), Infinity;
    if (text.startsWith('-Infinity', i)) return (i += 9), -Infinity;
    NUMBER.lastIndex = i;
    const m = NUMBER.exec(text);
    if (m) {
      i = NUMBER.lastIndex;
      if (m[1] === undefined && m[2] === undefined) return parseIntText(m[0]);
      return Number(m[0]);
    }
    return fail('Expecting value');
  };

  ws();
  const v = parseValue();
  ws();
  if (i !== text.length) fail('Extra data');
  return v;
}

// ---- the json module ------------------------------------------------------------

/** The keyword arguments of json.dumps that are flags, and their option. */
const DUMPS_FLAGS: ReadonlyMap<string, 'skipkeys' | 'ensureAscii' | 'checkCircular' | 'allowNan' | 'sortKeys'> = new Map([
  ['skipkeys', 'skipkeys'],
  ['ensure_ascii', 'ensureAscii'],
  ['check_circular', 'checkCircular'],
  ['allow_nan', 'allowNan'],
  ['sort_keys', 'sortKeys'],
]);

function dumpsKwargs(kwargs: Kwargs): DumpsOptions {
  const opt: DumpsOptions = {};
  for (const [k, v] of kwargs) {
    const flag = DUMPS_FLAGS.get(k);
    if (flag) {
      opt[flag] = truthy(v);
      continue;
    }
    switch (k) {
      case 'indent':
        opt.indent = v === null ? null : typeof v === 'bigint' ? Number(v) : asStr(v) ?? null;
        break;
      case 'separators': {
        if (v === null) break;
        const items = v instanceof PyTuple || v instanceof PyList ? v.items : [];
        const a = asStr(items[0] ?? null);
        const b = asStr(items[1] ?? null);
        if (items.length !== 2 || a === undefined || b === undefined) throw valueError('too many values to unpack (expected 2)');
        opt.separators = [a, b];
        break;
      }
      case 'default':
        if (v !== null) opt.default = (x) => callValue(v, [x]);
        break;
      case 'cls':
        if (v !== null) throw typeError('json.dumps(cls=...) is not supported');
        break;
      default:
        throw typeError(`JSONEncoder.__init__() got an unexpected keyword argument '${k}'`);
    }
  }
  return opt;
}

/** The `json` module as a host module. */
export const jsonModule = new PyModule('json', {
  dumps: new PyFunction('dumps', (args, kwargs) => {
    if (args.length !== 1) throw typeError(`dumps() takes 1 positional argument but ${args.length} were given`);
    return jsonDumps(args[0]!, dumpsKwargs(kwargs));
  }, 'function'),
  loads: new PyFunction('loads', (args, kwargs) => {
    const [s] = bind({ name: 'loads', params: ['s'] }, args, new Map([...kwargs].filter(([k]) => k === 's')));
    const text = asStr(s!);
    if (text === undefined) {
      throw typeError(`the JSON object must be str, bytes or bytearray, not ${typeName(s!)}`);
    }
    if (text.startsWith('\ufeff')) throw new JsonDecodeError('Unexpected UTF-8 BOM (decode using utf-8-sig)', text, 0);
    return jsonLoads(text);
  }, 'function'),
});
