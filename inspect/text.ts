// Small helpers shared by the text renderings of inspect/.
import { isAbsolute, relative } from 'node:path';
import type { Origin } from './origin.ts';

/** A path as a user would type it: relative to `cwd` when inside it. */
export function showPath(file: string, cwd: string): string {
  if (!isAbsolute(file)) return file;
  const rel = relative(cwd, file);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : file;
}

export function showOrigin(o: Origin | undefined, cwd: string): string {
  if (!o) return '';
  let s: string;
  switch (o.kind) {
    case 'file':
      s = `${showPath(o.file!, cwd)}:${o.line}`;
      break;
    case 'command-line':
      s = 'command line';
      break;
    case 'default':
      s = "buildout's default";
      break;
    case 'computed':
      s = 'computed by buildout';
      break;
    case 'recipe':
      s = `set by ${o.recipe ?? 'its recipe'} at init`;
      break;
    default:
      s = 'implicit';
  }
  return o.macro ? `${s}, through macro [${o.macro}]` : s;
}

/** A value on one line: quoted, control characters escaped, long values cut in the middle. */
export function showValue(v: string | undefined, max = 70): string {
  if (v === undefined) return '(none)';
  let s = JSON.stringify(v).slice(1, -1).replaceAll("'", "\\'");
  if (s.length > max) s = s.slice(0, Math.ceil(max / 2) - 1) + '…' + s.slice(s.length - Math.floor(max / 2) + 1);
  return `'${s}'`;
}

/** Right-pad. */
export function pad(s: string, n: number): string {
  return s.length >= n ? s : s + ' '.repeat(n - s.length);
}

/**
 * Two single-line values, old → new, showing where they differ: when they
 * are long, their common beginning and end are cut down to a little context.
 */
export function showChange(a: string | undefined, b: string | undefined, max = 70): string {
  if (a === undefined || b === undefined || (a.length <= max && b.length <= max)) return `${showValue(a, max)} → ${showValue(b, max)}`;
  let pre = 0;
  while (pre < a.length && pre < b.length && a[pre] === b[pre]) pre++;
  let suf = 0;
  while (suf < a.length - pre && suf < b.length - pre && a[a.length - 1 - suf] === b[b.length - 1 - suf]) suf++;
  const context = 12;
  const cut = (v: string) => {
    const start = Math.max(0, pre - context);
    const end = Math.min(v.length, v.length - suf + context);
    return (start > 0 ? '…' : '') + v.slice(start, end) + (end < v.length ? '…' : '');
  };
  return `${showValue(cut(a), max)} → ${showValue(cut(b), max)}`;
}
