// The password hashes slapos.cookbook:generate.password exposes as
// `passwd-<scheme>` (docs/slapos-recipes.md#generatepassword), computed as
// Python's passlib computes them with its defaults: sha256_crypt and
// sha512_crypt (Ulrich Drepper's SHA-crypt: "$5$"/"$6$", passlib's default
// rounds, a 16-character salt), md5_crypt, ldap_salted_sha1 ("{SSHA}", a
// 4-byte salt), ldap_sha1, ldap_md5 and hex digests. Salts are random, so
// two calls give two hashes that both verify the password.
import * as cryptoModule from 'node:crypto';
import { createHash, randomBytes, randomInt } from 'node:crypto';

/** crypto.hash where Node has it (≥ 20.12: a third faster than createHash), else createHash. */
const oneShot: (algo: string, data: Buffer) => Buffer =
  typeof (cryptoModule as { hash?: unknown }).hash === 'function'
    ? (algo, data) => (cryptoModule as unknown as { hash(a: string, d: Buffer, e: 'buffer'): Buffer }).hash(algo, data, 'buffer')
    : (algo, data) => createHash(algo).update(data).digest();

const HASH64 = './0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

function salt(length: number): string {
  let s = '';
  for (let i = 0; i < length; i++) s += HASH64[randomInt(64)];
  return s;
}

/** `n` characters of hash64 from the 24-bit value b2 b1 b0 (least significant first). */
function b64From24(b2: number, b1: number, b0: number, n: number): string {
  let w = (b2 << 16) | (b1 << 8) | b0;
  let out = '';
  for (let i = 0; i < n; i++) {
    out += HASH64[w & 0x3f];
    w >>>= 6;
  }
  return out;
}

function repeatTo(block: Buffer, length: number): Buffer {
  const out = Buffer.alloc(length);
  for (let i = 0; i < length; i += block.length) block.copy(out, i, 0, Math.min(block.length, length - i));
  return out;
}

/** SHA-crypt (sha256_crypt / sha512_crypt), with the given salt and rounds. */
export function shaCrypt(bits: 256 | 512, password: string, saltText: string, rounds: number): string {
  const algo = bits === 256 ? 'sha256' : 'sha512';
  const size = bits / 8;
  const H = (...parts: Buffer[]) => {
    const h = createHash(algo);
    for (const p of parts) h.update(p);
    return h.digest();
  };
  const P = Buffer.from(password, 'utf8');
  const S = Buffer.from(saltText.slice(0, 16), 'utf8');
  const B = H(P, S, P);
  const a = createHash(algo);
  a.update(P);
  a.update(S);
  let cnt = P.length;
  for (; cnt > size; cnt -= size) a.update(B);
  a.update(B.subarray(0, cnt));
  for (cnt = P.length; cnt > 0; cnt >>= 1) a.update(cnt & 1 ? B : P);
  let A: Buffer = a.digest();
  const dp = createHash(algo);
  for (let i = 0; i < P.length; i++) dp.update(P);
  const Pp = repeatTo(dp.digest(), P.length);
  const ds = createHash(algo);
  for (let i = 0; i < 16 + A[0]!; i++) ds.update(S);
  const Sp = repeatTo(ds.digest(), S.length);
  // the rounds (hundreds of thousands): one buffer filled in place, hashed in one call
  const work = Buffer.alloc(2 * Math.max(size, Pp.length) + Sp.length + Pp.length);
  for (let i = 0; i < rounds; i++) {
    let n = (i & 1 ? Pp : A).copy(work, 0);
    if (i % 3) n += Sp.copy(work, n);
    if (i % 7) n += Pp.copy(work, n);
    n += (i & 1 ? A : Pp).copy(work, n);
    A = oneShot(algo, work.subarray(0, n));
  }
  let out = '';
  if (bits === 512) {
    for (let i = 0; i < 21; i++) {
      const t = [i, i + 21, i + 42];
      const [x, y, z] = i % 3 === 0 ? t : i % 3 === 1 ? [t[1]!, t[2]!, t[0]!] : [t[2]!, t[0]!, t[1]!];
      out += b64From24(A[x!]!, A[y!]!, A[z!]!, 4);
    }
    out += b64From24(0, 0, A[63]!, 2);
  } else {
    for (let i = 0; i < 10; i++) {
      const t = [i, i + 10, i + 20];
      const [x, y, z] = i % 3 === 0 ? t : i % 3 === 1 ? [t[2]!, t[0]!, t[1]!] : [t[1]!, t[2]!, t[0]!];
      out += b64From24(A[x!]!, A[y!]!, A[z!]!, 4);
    }
    out += b64From24(0, A[31]!, A[30]!, 3);
  }
  const prefix = bits === 256 ? '$5$' : '$6$';
  return `${prefix}${rounds === 5000 ? '' : `rounds=${rounds}$`}${S.toString('utf8')}$${out}`;
}

/** md5_crypt ("$1$", Poul-Henning Kamp's MD5-crypt, an 8-character salt). */
export function md5Crypt(password: string, saltText: string): string {
  const P = Buffer.from(password, 'utf8');
  const S = Buffer.from(saltText.slice(0, 8), 'utf8');
  const magic = Buffer.from('$1$');
  const md5 = (...parts: Buffer[]) => {
    const h = createHash('md5');
    for (const p of parts) h.update(p);
    return h.digest();
  };
  const alt = md5(P, S, P);
  const ctx = createHash('md5');
  ctx.update(P);
  ctx.update(magic);
  ctx.update(S);
  for (let n = P.length; n > 0; n -= 16) ctx.update(alt.subarray(0, Math.min(16, n)));
  for (let n = P.length; n > 0; n >>= 1) ctx.update(n & 1 ? Buffer.from([0]) : P.subarray(0, 1));
  let f = ctx.digest();
  for (let i = 0; i < 1000; i++) {
    const c = createHash('md5');
    c.update(i & 1 ? P : f);
    if (i % 3) c.update(S);
    if (i % 7) c.update(P);
    c.update(i & 1 ? f : P);
    f = c.digest();
  }
  const order: [number, number, number][] = [[0, 6, 12], [1, 7, 13], [2, 8, 14], [3, 9, 15], [4, 10, 5]];
  let out = '';
  for (const [x, y, z] of order) out += b64From24(f[x]!, f[y]!, f[z]!, 4);
  out += b64From24(0, 0, f[11]!, 2);
  return `$1$${S.toString('utf8')}$${out}`;
}

const digest = (algo: string, data: Buffer) => createHash(algo).update(data).digest();

/** passlib's default rounds of SHA-crypt (passlib.hash.sha256_crypt.default_rounds, sha512_crypt's). */
export const PASSLIB_ROUNDS = { sha256_crypt: 535000, sha512_crypt: 656000 };

/**
 * passlib.hash.<scheme>.hash(password) for the schemes tsbuildout knows
 * (scheme as in `passwd-<scheme>`, dashes or underscores); undefined for
 * another scheme. `rounds` other than passlib's: the tests'.
 */
export function passlibHash(scheme: string, password: string, rounds: Partial<typeof PASSLIB_ROUNDS> = {}): string | undefined {
  const P = Buffer.from(password, 'utf8');
  switch (scheme.replaceAll('-', '_')) {
    case 'sha256_crypt':
      return shaCrypt(256, password, salt(16), rounds.sha256_crypt ?? PASSLIB_ROUNDS.sha256_crypt);
    case 'sha512_crypt':
      return shaCrypt(512, password, salt(16), rounds.sha512_crypt ?? PASSLIB_ROUNDS.sha512_crypt);
    case 'md5_crypt':
      return md5Crypt(password, salt(8));
    case 'ldap_salted_sha1': {
      const s = randomBytes(4);
      return '{SSHA}' + Buffer.concat([digest('sha1', Buffer.concat([P, s])), s]).toString('base64');
    }
    case 'ldap_salted_md5': {
      const s = randomBytes(4);
      return '{SMD5}' + Buffer.concat([digest('md5', Buffer.concat([P, s])), s]).toString('base64');
    }
    case 'ldap_sha1':
      return '{SHA}' + digest('sha1', P).toString('base64');
    case 'ldap_md5':
      return '{MD5}' + digest('md5', P).toString('base64');
    case 'hex_md5':
      return digest('md5', P).toString('hex');
    case 'hex_sha1':
      return digest('sha1', P).toString('hex');
    case 'hex_sha256':
      return digest('sha256', P).toString('hex');
    case 'hex_sha512':
      return digest('sha512', P).toString('hex');
    case 'plaintext':
      return password;
    default:
      return undefined;
  }
}
