// Hashing. Two notions:
//  - keyOf(v): a string equal for values Python considers equal keys
//    (1, 1.0 and True; equal tuples; equal frozensets); dict and set use it
//    for lookups. Unhashable values raise TypeError as Python does.
//  - pyHash(v): CPython 3.11's hash() as a signed 64-bit bigint. The set
//    table uses it to iterate in CPython's order. str and bytes hash as in
//    CPython with PYTHONHASHSEED=0 (siphash.ts); CPython randomises them
//    per process otherwise.

import { PyException } from './exceptions.ts';
import { hashBytes, hashStr } from './siphash.ts';
import { PyBytes, PyFrozenSet, PyObject, PyTuple, type PyValue } from './value.ts';

export function keyOf(v: PyValue): string {
  switch (typeof v) {
    case 'string':
      return 's' + v;
    case 'bigint':
      return 'i' + v.toString();
    case 'boolean':
      return v ? 'i1' : 'i0';
    case 'number':
      if (Number.isInteger(v)) return 'i' + BigInt(v).toString();
      if (Number.isNaN(v)) return 'nan';
      return 'f' + v.toString();
  }
  if (v === null) return 'N';
  if (v instanceof PyTuple) {
    let k = 't' + v.items.length;
    for (const item of v.items) {
      const ik = keyOf(item);
      k += ':' + ik.length + ':' + ik;
    }
    return k;
  }
  if (v instanceof PyFrozenSet) {
    const keys = [...v.values()].map(keyOf).sort();
    return 'z' + keys.map((k) => k.length + ':' + k).join(':');
  }
  const t = v.typeName;
  if (UNHASHABLE.has(t)) throw unhashable(t);
  if (v instanceof PyBytes) return 'b' + v.toLatin1();
  return v.pyHashKey();
}

const UNHASHABLE = new Set(['list', 'dict', 'set', 'bytearray', 'slice', 'dict_keys', 'dict_items']);

export function unhashable(typeName: string): PyException {
  return new PyException('TypeError', `unhashable type: '${typeName}'`);
}

const MODULUS = (1n << 61n) - 1n;
const M64 = (1n << 64n) - 1n;

function finish(h: bigint): bigint {
  return h === -1n ? -2n : h;
}

/** hash(int) */
function hashInt(n: bigint): bigint {
  const h = (n < 0n ? -n : n) % MODULUS;
  return finish(n < 0n ? -h : h);
}

function modPow(base: bigint, exp: bigint, mod: bigint): bigint {
  let r = 1n;
  base %= mod;
  while (exp > 0n) {
    if (exp & 1n) r = (r * base) % mod;
    base = (base * base) % mod;
    exp >>= 1n;
  }
  return r;
}

/** hash(float): the hash of the rational number it represents, modulo 2**61 - 1. */
function hashFloat(x: number): bigint {
  if (Number.isNaN(x)) return 0n;
  if (x === Infinity) return 314159n;
  if (x === -Infinity) return -314159n;
  if (Number.isInteger(x)) return hashInt(BigInt(x));
  // x = mantissa / 2**k exactly
  let k = 0n;
  let m = Math.abs(x);
  while (!Number.isInteger(m)) {
    m *= 2;
    k++;
  }
  const num = BigInt(m) % MODULUS;
  const inv = modPow(modPow(2n, k, MODULUS), MODULUS - 2n, MODULUS);
  const h = (num * inv) % MODULUS;
  return finish(x < 0 ? -h : h);
}

const XXPRIME_1 = 11400714785074694791n;
const XXPRIME_2 = 14029467366897019727n;
const XXPRIME_5 = 2870177450012600261n;

function hashTuple(items: readonly PyValue[]): bigint {
  let acc = XXPRIME_5;
  for (const item of items) {
    const lane = BigInt.asUintN(64, pyHash(item));
    acc = (acc + lane * XXPRIME_2) & M64;
    acc = ((acc << 31n) | (acc >> 33n)) & M64;
    acc = (acc * XXPRIME_1) & M64;
  }
  acc = (acc + (BigInt(items.length) ^ (XXPRIME_5 ^ 3527539n))) & M64;
  if (acc === M64) return 1546275796n;
  return BigInt.asIntN(64, acc);
}

function shuffleBits(h: bigint): bigint {
  return (((h ^ 89869747n) ^ (h << 16n)) * 3644798167n) & M64;
}

function hashFrozenSet(s: PyFrozenSet): bigint {
  let h = 0n;
  for (const v of s.values()) h ^= shuffleBits(BigInt.asUintN(64, pyHash(v)));
  h ^= (BigInt(s.size) + 1n) * 1927868237n;
  h &= M64;
  h ^= (h >> 11n) ^ (h >> 25n);
  h = (h * 69069n + 907133923n) & M64;
  if (h === M64) h = 590923713n;
  return BigInt.asIntN(64, h);
}

/** CPython's hash() (str and bytes as under PYTHONHASHSEED=0); raises for unhashable values. */
export function pyHash(v: PyValue): bigint {
  switch (typeof v) {
    case 'string':
      return hashStr(v);
    case 'bigint':
      return hashInt(v);
    case 'boolean':
      return v ? 1n : 0n;
    case 'number':
      return hashFloat(v);
  }
  if (v === null) return 0x7d2f3a10n; // an address in CPython
  if (v instanceof PyTuple) return hashTuple(v.items);
  if (v instanceof PyFrozenSet) return hashFrozenSet(v);
  if (v instanceof PyBytes) return hashBytes(v.data);
  keyOf(v); // raises for unhashable types
  if (v instanceof PyObject) {
    const k = v.pyHashKey();
    if (k.startsWith('o')) return BigInt(v.objectId) * 16n;
    // objects that hash like a str (Markup) keep the str's hash
    return k.startsWith('s') ? pyHash(k.slice(1)) : hashStr(k);
  }
  return 0n;
}
