// hashlib (md5, sha1, sha224, sha256, sha384, sha512) and base64.

import { createHash, type Hash } from 'node:crypto';
import { bind } from '../args.ts';
import { PyException, registerExceptionClass, typeError, valueError } from '../exceptions.ts';

// binascii.Error
registerExceptionClass('Error', 'ValueError');
import { PyBoundMethod, PyBytes, PyFunction, PyModule, PyObject, asStr, typeName, type PyValue } from '../value.ts';

function bytesOf(v: PyValue, what: string): Uint8Array {
  if (v instanceof PyBytes) return v.data;
  if (asStr(v) !== undefined) throw typeError('Strings must be encoded before hashing');
  throw typeError(`object supporting the buffer API required${what ? '' : ''}`);
}

class HashObject extends PyObject {
  private readonly hash: Hash;
  constructor(readonly algorithm: string) {
    super();
    this.hash = createHash(algorithm);
  }
  get typeName(): string {
    return `_hashlib.HASH`;
  }
  update(data: Uint8Array): void {
    this.hash.update(data);
  }
  override pyGetAttr(name: string): PyValue | undefined {
    switch (name) {
      case 'name':
        return this.algorithm;
      case 'update':
        return new PyBoundMethod(this, name, (a) => (this.update(bytesOf(a[0] ?? null, '')), null), 'HASH');
      case 'hexdigest':
        return new PyBoundMethod(this, name, () => this.hash.copy().digest('hex'), 'HASH');
      case 'digest':
        return new PyBoundMethod(this, name, () => new PyBytes(new Uint8Array(this.hash.copy().digest())), 'HASH');
    }
    return undefined;
  }
  override pyRepr(): string {
    return `<${this.algorithm} _hashlib.HASH object @ ${this.address}>`;
  }
}

function constructor(algorithm: string): PyFunction {
  return new PyFunction(`openssl_${algorithm}`, (a, k) => {
    const [data] = bind({ name: `openssl_${algorithm}`, params: ['string'], required: 0 }, a, new Map([...k].filter(([n]) => n !== 'usedforsecurity')));
    const h = new HashObject(algorithm);
    if (data !== undefined) h.update(bytesOf(data, ''));
    return h;
  });
}

export const hashlibModule = new PyModule('hashlib', Object.fromEntries(
  ['md5', 'sha1', 'sha224', 'sha256', 'sha384', 'sha512'].map((n) => [n, constructor(n)]),
));

function b64(name: string, encode: boolean, urlsafe: boolean): PyFunction {
  return new PyFunction(name, (a, k) => {
    const [s] = bind({ name, params: ['s', 'altchars'], required: 1 }, a, k);
    const v = s!;
    let input: Buffer;
    if (v instanceof PyBytes) input = Buffer.from(v.data);
    else if (!encode && asStr(v) !== undefined) {
      const text = asStr(v)!;
      if (/[^\x00-\x7f]/.test(text)) throw valueError('string argument should contain only ASCII characters');
      input = Buffer.from(text, 'latin1');
    } else throw typeError(`a bytes-like object is required, not '${typeName(v)}'`);
    if (encode) {
      let out = input.toString('base64');
      if (urlsafe) out = out.replace(/\+/g, '-').replace(/\//g, '_');
      return PyBytes.fromLatin1(out);
    }
    let text = input.toString('latin1');
    if (urlsafe) text = text.replace(/-/g, '+').replace(/_/g, '/');
    const clean = text.replace(/[^A-Za-z0-9+/=]/g, '');
    const data = clean.replace(/=+$/, '');
    if (data.length % 4 === 1) {
      throw new PyException('Error', `Invalid base64-encoded string: number of data characters (${data.length}) cannot be 1 more than a multiple of 4`);
    }
    if (clean.length % 4 !== 0) throw new PyException('Error', 'Incorrect padding');
    return new PyBytes(new Uint8Array(Buffer.from(clean, 'base64')));
  });
}

export const base64Module = new PyModule('base64', {
  b64encode: b64('b64encode', true, false),
  b64decode: b64('b64decode', false, false),
  urlsafe_b64encode: b64('urlsafe_b64encode', true, true),
  urlsafe_b64decode: b64('urlsafe_b64decode', false, true),
});
