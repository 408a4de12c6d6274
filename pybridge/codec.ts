// Typed values across the bridge: the python/ model on this side, Python
// objects on the other, a tagged JSON form in between (the Python side's
// enc/dec in tsbuildout_bridge.py). str, bool and None are themselves;
// {"i": "12"} int, {"f": "1.5"} float (Python's repr, so inf, nan and -0.0
// survive), {"l"}, {"t"} list and tuple, {"d": [[k, v], …]} dict (any key
// type, in order), {"s"}, {"fs"} set and frozenset (in the sender's
// iteration order), {"b"}, {"ba"} bytes and bytearray (base64); {"o": n}
// a Python object held by the bridge (remote.ts).
import { PyByteArray, PyBytes, PyDict, PyFrozenSet, PyList, PySet, PyTuple, repr, type PyObject, type PyValue } from '../python/index.ts';

export type Wire = string | boolean | null | { [tag: string]: unknown };

export class CodecError extends Error {}

/** `other` encodes the objects that are none of the above (a handle to a Python object: {"o": n}). */
export function encode(v: PyValue, other?: (v: PyObject) => Wire | undefined): Wire {
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return v;
  if (typeof v === 'bigint') return { i: v.toString() };
  if (typeof v === 'number') return { f: repr(v) };
  const each = (x: PyValue) => encode(x, other);
  if (v instanceof PyList) return { l: v.items.map(each) };
  if (v instanceof PyTuple) return { t: v.items.map(each) };
  if (v instanceof PyDict) return { d: [...v.entries()].map(([k, x]) => [each(k), each(x)]) };
  if (v instanceof PyFrozenSet) return { fs: [...v.values()].map(each) };
  if (v instanceof PySet) return { s: [...v.values()].map(each) };
  if (v instanceof PyByteArray) return { ba: Buffer.from(v.data).toString('base64') };
  if (v instanceof PyBytes) return { b: Buffer.from(v.data).toString('base64') };
  const s = v.strValue;
  if (s !== undefined) return s;
  const handle = other?.(v);
  if (handle !== undefined) return handle;
  throw new CodecError(`a value of type ${v.typeName} cannot cross to Python`);
}

function float(text: string): number {
  switch (text) {
    case 'inf':
      return Infinity;
    case '-inf':
      return -Infinity;
    case 'nan':
      return NaN;
  }
  const n = Number(text);
  if (Number.isNaN(n)) throw new CodecError(`bad float ${text}`);
  return n;
}

function list(x: unknown): unknown[] {
  if (!Array.isArray(x)) throw new CodecError('bad tagged value');
  return x;
}

export function decode(w: unknown): PyValue {
  if (w === null || typeof w === 'string' || typeof w === 'boolean') return w;
  if (typeof w !== 'object') throw new CodecError(`bad value ${JSON.stringify(w)}`);
  const o = w as Record<string, unknown>;
  if ('i' in o) return BigInt(o.i as string);
  if ('f' in o) return float(o.f as string);
  if ('l' in o) return new PyList(list(o.l).map(decode));
  if ('t' in o) return new PyTuple(list(o.t).map(decode));
  if ('d' in o) return new PyDict(list(o.d).map((pair) => list(pair).map(decode) as [PyValue, PyValue]));
  if ('s' in o) return new PySet(list(o.s).map(decode));
  if ('fs' in o) return new PyFrozenSet(list(o.fs).map(decode));
  if ('b' in o) return new PyBytes(new Uint8Array(Buffer.from(o.b as string, 'base64')));
  if ('ba' in o) return new PyByteArray(new Uint8Array(Buffer.from(o.ba as string, 'base64')));
  throw new CodecError(`bad tagged value ${JSON.stringify(w).slice(0, 80)}`);
}
