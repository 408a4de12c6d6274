// CPython 3.11's hash of str and bytes with hash randomisation off
// (PYTHONHASHSEED=0): SipHash-1-3 with a zero key over the string's
// internal bytes (1, 2 or 4 bytes per character, little endian). With it,
// sets of strings iterate in the order CPython does under PYTHONHASHSEED=0;
// under a random seed CPython's order is arbitrary anyway.

const M = (1n << 64n) - 1n;

function rotl(x: bigint, b: bigint): bigint {
  return ((x << b) | (x >> (64n - b))) & M;
}

export function siphash13(data: Uint8Array): bigint {
  let v0 = 0x736f6d6570736575n;
  let v1 = 0x646f72616e646f6dn;
  let v2 = 0x6c7967656e657261n;
  let v3 = 0x7465646279746573n;
  const round = () => {
    v0 = (v0 + v1) & M;
    v2 = (v2 + v3) & M;
    v1 = rotl(v1, 13n) ^ v0;
    v3 = rotl(v3, 16n) ^ v2;
    v0 = rotl(v0, 32n);
    v2 = (v2 + v1) & M;
    v0 = (v0 + v3) & M;
    v1 = rotl(v1, 17n) ^ v2;
    v3 = rotl(v3, 21n) ^ v0;
    v2 = rotl(v2, 32n);
  };
  const n = data.length;
  let i = 0;
  for (; i + 8 <= n; i += 8) {
    let mi = 0n;
    for (let k = 7; k >= 0; k--) mi = (mi << 8n) | BigInt(data[i + k]!);
    v3 ^= mi;
    round();
    v0 ^= mi;
  }
  let b = BigInt(n & 0xff) << 56n;
  for (let k = n - i - 1; k >= 0; k--) b |= BigInt(data[i + k]!) << BigInt(8 * k);
  v3 ^= b;
  round();
  v0 ^= b;
  v2 ^= 0xffn;
  round();
  round();
  round();
  return (v0 ^ v1) ^ (v2 ^ v3);
}

/** The bytes CPython hashes for a str: its compact representation. */
function strBytes(s: string): Uint8Array {
  const cps = Array.from(s, (c) => c.codePointAt(0)!);
  const max = cps.reduce((m, c) => Math.max(m, c), 0);
  const width = max < 0x100 ? 1 : max < 0x10000 ? 2 : 4;
  const out = new Uint8Array(cps.length * width);
  cps.forEach((c, i) => {
    for (let k = 0; k < width; k++) out[i * width + k] = (c >> (8 * k)) & 0xff;
  });
  return out;
}

function finish(h: bigint): bigint {
  const signed = BigInt.asIntN(64, h);
  return signed === -1n ? -2n : signed;
}

export function hashStr(s: string): bigint {
  return s === '' ? 0n : finish(siphash13(strBytes(s)));
}

export function hashBytes(b: Uint8Array): bigint {
  return b.length === 0 ? 0n : finish(siphash13(b));
}
