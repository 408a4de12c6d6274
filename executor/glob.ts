// Python's glob.glob for absolute patterns (what zc.buildout expands the
// develop option with): `*`, `?` and `[…]` per path component, names
// starting with a dot only matched by a pattern starting with one; a
// pattern without magic names itself when it exists. Results unsorted, as
// Python's (callers sort).
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { lexists } from '../recipes/lib/files.ts';
import { fnmatchRegExp } from '../recipes/lib/fnmatch.ts';

export function hasMagic(p: string): boolean {
  return /[*?[]/.test(p);
}

export function pyGlob(pattern: string): string[] {
  if (!hasMagic(pattern)) return lexists(pattern) ? [pattern] : [];
  const parts = pattern.split('/');
  let found = [parts[0] === '' ? '/' : parts[0]!];
  for (const part of parts.slice(1)) {
    if (part === '') continue;
    const next: string[] = [];
    for (const dir of found) {
      if (!hasMagic(part)) {
        const p = join(dir, part);
        if (lexists(p)) next.push(p);
        continue;
      }
      let names: string[];
      try {
        if (!statSync(dir).isDirectory()) continue;
        names = readdirSync(dir);
      } catch {
        continue;
      }
      const re = fnmatchRegExp(part);
      const hidden = part.startsWith('.');
      for (const n of names) if ((hidden || !n.startsWith('.')) && re.test(n)) next.push(join(dir, n));
    }
    found = next;
  }
  return found;
}
