// textwrap.wrap as the wordwrap filter calls it (expand_tabs=False,
// replace_whitespace=False, drop_whitespace=True): Python's chunking of
// words, hyphenated words and whitespace, then its greedy line filling.

import { pyStrip, strLen, valueError } from '../python/index.ts';

const WS = '[\\t\\n\\x0b\\x0c\\r ]';
const NWS = '[^\\t\\n\\x0b\\x0c\\r ]';
const WORD_PUNCT = "[\\p{L}\\p{N}_!\"'&.,?]";
const LETTER = '[\\p{L}]';

// textwrap.TextWrapper.wordsep_re: whitespace, em-dashes between words,
// words split after hyphens between letters
const WORDSEP = new RegExp(
  `(${WS}+|(?<=${WORD_PUNCT})-{2,}(?=[\\p{L}\\p{N}_])|${NWS}+?(?:-(?:(?<=${LETTER}{2}-)|(?<=${LETTER}-${LETTER}-))(?=${LETTER}-?${LETTER})|(?=${WS}|$)|(?<=${WORD_PUNCT})(?=-{2,}[\\p{L}\\p{N}_])))`,
  'u',
);
const WORDSEP_SIMPLE = new RegExp(`(${WS}+)`);

/** re.split with a capturing pattern: pieces and separators, empties dropped. */
function splitChunks(text: string, breakOnHyphens: boolean): string[] {
  const re = new RegExp((breakOnHyphens ? WORDSEP : WORDSEP_SIMPLE).source, 'gu');
  const out: string[] = [];
  let last = 0;
  for (const m of text.matchAll(re)) {
    if (m[0] === '') continue;
    out.push(text.slice(last, m.index));
    out.push(m[1]!);
    last = m.index! + m[0].length;
  }
  out.push(text.slice(last));
  return out.filter((c) => c !== '');
}

export interface WrapOptions {
  width: number;
  breakLongWords: boolean;
  breakOnHyphens: boolean;
}

export function wrap(text: string, o: WrapOptions): string[] {
  const chunks = splitChunks(text, o.breakOnHyphens).reverse();
  const lines: string[] = [];
  if (o.width <= 0) throw valueError(`invalid width ${o.width} (must be > 0)`);
  while (chunks.length) {
    const cur: string[] = [];
    let curLen = 0;
    const width = o.width;
    if (pyStrip(chunks[chunks.length - 1]!) === '' && lines.length) chunks.pop();
    while (chunks.length) {
      const l = strLen(chunks[chunks.length - 1]!);
      if (curLen + l <= width) {
        cur.push(chunks.pop()!);
        curLen += l;
      } else break;
    }
    if (chunks.length && strLen(chunks[chunks.length - 1]!) > width) {
      const spaceLeft = width < 1 ? 1 : width - curLen;
      if (o.breakLongWords) {
        let end = spaceLeft;
        const chunk = Array.from(chunks[chunks.length - 1]!);
        if (o.breakOnHyphens && chunk.length > spaceLeft) {
          const hyphen = chunk.slice(0, spaceLeft).lastIndexOf('-');
          if (hyphen > 0 && chunk.slice(0, hyphen).some((c) => c !== '-')) end = hyphen + 1;
        }
        cur.push(chunk.slice(0, end).join(''));
        chunks[chunks.length - 1] = chunk.slice(end).join('');
      } else if (!cur.length) cur.push(chunks.pop()!);
      curLen = cur.reduce((n, c) => n + strLen(c), 0);
    }
    if (cur.length && pyStrip(cur[cur.length - 1]!) === '') {
      curLen -= strLen(cur[cur.length - 1]!);
      cur.pop();
    }
    if (cur.length) lines.push(cur.join(''));
  }
  return lines;
}
