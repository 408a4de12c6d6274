// str.encode() and bytes.decode() for the codecs templates use: utf-8,
// ascii and latin-1, with the strict/ignore/replace error handlers.

import { PyException, valueError } from './exceptions.ts';
import { PyBytes } from './value.ts';

/** How UnicodeError messages show one character: always escaped. */
function charEscape(ch: string): string {
  const cp = ch.codePointAt(0)!;
  const hex = cp.toString(16);
  return cp <= 0xff ? `'\\x${hex.padStart(2, '0')}'` : cp <= 0xffff ? `'\\u${hex.padStart(4, '0')}'` : `'\\U${hex.padStart(8, '0')}'`;
}

function normalise(encoding: string): string {
  const e = encoding.toLowerCase().replace(/[-_ ]/g, '');
  if (e === 'utf8' || e === 'u8') return 'utf-8';
  if (e === 'ascii' || e === 'usascii' || e === '646') return 'ascii';
  if (e === 'latin1' || e === 'latin' || e === 'iso88591' || e === 'l1' || e === 'cp819') return 'latin-1';
  throw new PyException('LookupError', `unknown encoding: ${encoding}`);
}

function charRef(cp: number, errors: string): string {
  if (errors === 'xmlcharrefreplace') return `&#${cp};`;
  if (errors === 'backslashreplace') {
    return cp <= 0xff ? '\\x' + cp.toString(16).padStart(2, '0')
      : cp <= 0xffff ? '\\u' + cp.toString(16).padStart(4, '0')
      : '\\U' + cp.toString(16).padStart(8, '0');
  }
  return '?';
}

export function encodeStr(s: string, encoding: string, errors: string): PyBytes {
  const enc = normalise(encoding);
  const out: number[] = [];
  let pos = 0;
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (enc === 'utf-8') {
      if (cp >= 0xd800 && cp <= 0xdfff) {
        if (errors === 'strict') {
          throw new PyException(
            'UnicodeEncodeError',
            `'utf-8' codec can't encode character ${charEscape(ch)} in position ${pos}: surrogates not allowed`,
          );
        }
        if (errors !== 'ignore') for (const b of new TextEncoder().encode(charRef(cp, errors))) out.push(b);
      } else for (const b of new TextEncoder().encode(ch)) out.push(b);
    } else {
      const limit = enc === 'ascii' ? 0x80 : 0x100;
      if (cp < limit) out.push(cp);
      else if (errors === 'strict') {
        throw new PyException(
          'UnicodeEncodeError',
          `'${enc === 'ascii' ? 'ascii' : 'latin-1'}' codec can't encode character ${charEscape(ch)} in position ${pos}: ordinal not in range(${limit})`,
        );
      } else if (errors !== 'ignore') for (const c of charRef(cp, errors)) out.push(c.charCodeAt(0));
    }
    pos++;
  }
  return new PyBytes(Uint8Array.from(out));
}

export function decodeBytes(b: PyBytes, encoding: string, errors: string): string {
  const enc = normalise(encoding);
  if (enc === 'latin-1') return b.toLatin1();
  if (enc === 'ascii') {
    let s = '';
    for (let i = 0; i < b.data.length; i++) {
      const x = b.data[i]!;
      if (x < 0x80) s += String.fromCharCode(x);
      else if (errors === 'strict') {
        throw new PyException(
          'UnicodeDecodeError',
          `'ascii' codec can't decode byte 0x${x.toString(16)} in position ${i}: ordinal not in range(128)`,
        );
      } else if (errors === 'replace') s += '\ufffd';
    }
    return s;
  }
  if (errors === 'strict') {
    try {
      return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(b.data);
    } catch {
      throw new PyException('UnicodeDecodeError', "'utf-8' codec can't decode bytes: invalid data");
    }
  }
  if (errors === 'replace') return new TextDecoder('utf-8', { ignoreBOM: true }).decode(b.data);
  if (errors === 'ignore') return new TextDecoder('utf-8', { ignoreBOM: true }).decode(b.data).replace(/\ufffd/g, '');
  throw valueError(`unsupported error handler ${errors}`);
}
