// six (Python 2/3 compatibility), which slapos.recipe.template puts in
// templates' globals: the Python 3 side of it.

import { bind } from '../args.ts';
import { callMethod } from '../attributes.ts';
import { builtins, pyIterObject } from '../builtins.ts';
import { encodeStr, decodeBytes } from '../codecs.ts';
import { typeError } from '../exceptions.ts';
import { PyBytes, PyFunction, PyModule, PyTuple, asStr, typeName, type PyValue } from '../value.ts';
import { urllibParseModule } from './urllib-parse.ts';

const fn = (name: string, f: (args: PyValue[], kwargs: Map<string, PyValue>) => PyValue) => new PyFunction(name, f, 'function');

function dictIterator(name: string, method: string) {
  return fn(name, (a, k) => {
    const [d] = bind({ name, params: ['d'] }, a, new Map());
    return pyIterObject(callMethod(d!, method, [], k));
  });
}

function encodingArgs(name: string, a: PyValue[], k: Map<string, PyValue>): [PyValue, string, string] {
  const [s, enc, err] = bind({ name, params: ['s', 'encoding', 'errors'], required: 1 }, a, k);
  return [s!, enc === undefined ? 'utf-8' : asStr(enc) ?? 'utf-8', err === undefined ? 'strict' : asStr(err) ?? 'strict'];
}

const ensureStr = (name: string) =>
  fn(name, (a, k) => {
    const [s, enc, err] = encodingArgs(name, a, k);
    if (s instanceof PyBytes) return decodeBytes(s, enc, err);
    const text = asStr(s);
    if (text === undefined) throw typeError(`not expecting type '<class '${typeName(s)}'>'`);
    return s;
  });

/** shlex.quote: the string as one shell word. */
export function shlexQuote(s: string): string {
  if (!s) return "''";
  if (!/[^\w@%+=:,./-]/.test(s)) return s;
  return "'" + s.replaceAll("'", `'"'"'`) + "'";
}

const urllib = new PyModule('six.moves.urllib', { parse: urllibParseModule });

export const sixModule = new PyModule('six', {
  PY2: false,
  PY3: true,
  PY34: true,
  text_type: builtins.get('str')!,
  binary_type: builtins.get('bytes')!,
  string_types: new PyTuple([builtins.get('str')!]),
  integer_types: new PyTuple([builtins.get('int')!]),
  iteritems: dictIterator('iteritems', 'items'),
  itervalues: dictIterator('itervalues', 'values'),
  iterkeys: dictIterator('iterkeys', 'keys'),
  ensure_binary: fn('ensure_binary', (a, k) => {
    const [s, enc, err] = encodingArgs('ensure_binary', a, k);
    if (s instanceof PyBytes) return s;
    const text = asStr(s);
    if (text === undefined) throw typeError(`not expecting type '<class '${typeName(s)}'>'`);
    return encodeStr(text, enc, err);
  }),
  ensure_str: ensureStr('ensure_str'),
  ensure_text: ensureStr('ensure_text'),
  moves: new PyModule('six.moves', {
    urllib,
    shlex_quote: fn('quote', (a, k) => {
      const [s] = bind({ name: 'quote', params: ['s'] }, a, k);
      return shlexQuote(asStr(s!) ?? (() => {
        throw typeError(`expected string or bytes-like object, got '${typeName(s!)}'`);
      })());
    }),
    range: builtins.get('range')!,
    map: builtins.get('map')!,
    zip: builtins.get('zip')!,
    filter: builtins.get('filter')!,
  }),
});
