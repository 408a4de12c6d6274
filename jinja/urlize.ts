// The urlize and urlencode filters' helpers (jinja2.utils.urlize and
// url_quote): links for URLs and e-mail addresses in text, and percent
// encoding as urllib.parse.quote does it.

import { PyBytes, str, type PyValue } from '../python/index.ts';
import { escape } from './runtime/markup.ts';

// Python's \w, and the character classes built on it
const W = '[\\p{L}\\p{N}_]';
const W_PCT_DASH = '[\\p{L}\\p{N}_%-]';
const W_PCT = '[\\p{L}\\p{N}_%]';
const W_DOT_DASH = '[\\p{L}\\p{N}_.-]';
const HTTP_RE = new RegExp(
  '^(' +
    `(https?://|www\\.)((${W_PCT_DASH}+\\.)+)?([a-z]{2,63}|xn--${W_PCT}{2,59})` +
    `|(${W_PCT_DASH}{2,63}\\.)+(com|net|int|edu|gov|org|info|mil)` +
    '|(https?://)((([\\d]{1,3})(\\.[\\d]{1,3}){3})|(\\[([\\da-f]{0,4}:){2}([\\da-f]{0,4}:?){1,6}\\]))' +
    ')(?::[\\d]{1,5})?(?:[/?#]\\S*)?$',
  'iu',
);
const EMAIL_RE = new RegExp(`^\\S+@${W}${W_DOT_DASH}*\\.${W}+$`, 'u');

export interface UrlizeOptions {
  trimUrlLimit: number | null;
  rel: string | null;
  target: string | null;
  extraSchemes: string[] | null;
}

export function urlize(text: string, o: UrlizeOptions): string {
  const trim = (x: string) => {
    if (o.trimUrlLimit === null) return x;
    const cps = Array.from(x);
    return cps.length > o.trimUrlLimit ? cps.slice(0, o.trimUrlLimit).join('') + '...' : x;
  };
  const words = escape(text).text.split(/(\s+)/u);
  const relAttr = o.rel ? ` rel="${escape(o.rel).text}"` : '';
  const targetAttr = o.target ? ` target="${escape(o.target).text}"` : '';
  return words
    .map((word) => {
      let head = '';
      let middle = word;
      let tail = '';
      const lead = /^(?:[(<]|&lt;)+/.exec(middle);
      if (lead) {
        head = lead[0];
        middle = middle.slice(lead[0].length);
      }
      if (/(?:[)>.,\n]|&gt;)$/.test(middle)) {
        const trail = /(?:[)>.,\n]|&gt;)+$/.exec(middle);
        if (trail) {
          tail = trail[0];
          middle = middle.slice(0, trail.index);
        }
      }
      for (const [start, end] of [['(', ')'], ['<', '>'], ['&lt;', '&gt;']] as const) {
        const startCount = middle.split(start).length - 1;
        if (startCount <= middle.split(end).length - 1) continue;
        const n = Math.min(startCount, tail.split(end).length - 1);
        for (let i = 0; i < n; i++) {
          const endIndex = tail.indexOf(end) + end.length;
          middle += tail.slice(0, endIndex);
          tail = tail.slice(endIndex);
        }
      }
      if (HTTP_RE.test(middle)) {
        const href = middle.startsWith('https://') || middle.startsWith('http://') ? middle : `https://${middle}`;
        middle = `<a href="${href}"${relAttr}${targetAttr}>${trim(middle)}</a>`;
      } else if (middle.startsWith('mailto:') && EMAIL_RE.test(middle.slice(7))) {
        middle = `<a href="${middle}">${middle.slice(7)}</a>`;
      } else if (middle.includes('@') && !middle.startsWith('www.') && !middle.includes(':') && EMAIL_RE.test(middle)) {
        middle = `<a href="mailto:${middle}">${middle}</a>`;
      } else if (o.extraSchemes) {
        for (const scheme of o.extraSchemes) {
          if (middle !== scheme && middle.startsWith(scheme)) middle = `<a href="${middle}"${relAttr}${targetAttr}>${middle}</a>`;
        }
      }
      return head + middle + tail;
    })
    .join('');
}

const ALWAYS_SAFE = /[A-Za-z0-9_.\-~]/;

/** jinja2.utils.url_quote: UTF-8 bytes, percent-encoded; '/' kept unless for a query string. */
export function urlQuote(v: PyValue, forQs = false): string {
  const bytes = v instanceof PyBytes ? v.data : new TextEncoder().encode(str(v));
  let out = '';
  for (const b of bytes) {
    const c = String.fromCharCode(b);
    if (b < 128 && (ALWAYS_SAFE.test(c) || (!forQs && c === '/'))) out += c;
    else out += '%' + b.toString(16).toUpperCase().padStart(2, '0');
  }
  return forQs ? out.replace(/%20/g, '+') : out;
}
