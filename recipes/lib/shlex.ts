// Python's shlex for recipes: split (POSIX rules, no comments, as
// `shlex.split(s)`) and quote (`shlex.quote`, as slapos.cookbook's
// librecipe uses it when it writes shell wrappers).
import { RecipeError } from '../api.ts';

const WHITESPACE = ' \t\r\n';

/** `shlex.split(text)`: POSIX quoting and escapes, `#` is not a comment. */
export function shlexSplit(text: string): string[] {
  const tokens: string[] = [];
  let token = '';
  let inToken = false;
  // ' ' between or in a word, "'" or '"' inside quotes, '\\' after an escape
  let state: ' ' | "'" | '"' | '\\' = ' ';
  let escapedFrom: ' ' | '"' = ' ';
  for (const ch of text) {
    switch (state) {
      case ' ':
        if (WHITESPACE.includes(ch)) {
          if (inToken) tokens.push(token);
          token = '';
          inToken = false;
        } else if (ch === '\\') {
          escapedFrom = ' ';
          state = '\\';
          inToken = true;
        } else if (ch === "'" || ch === '"') {
          state = ch;
          inToken = true;
        } else {
          token += ch;
          inToken = true;
        }
        break;
      case "'":
        if (ch === "'") state = ' ';
        else token += ch;
        break;
      case '"':
        if (ch === '"') state = ' ';
        else if (ch === '\\') {
          escapedFrom = '"';
          state = '\\';
        } else token += ch;
        break;
      case '\\':
        // inside double quotes, a backslash only escapes `"` and itself
        if (escapedFrom === '"' && ch !== '"' && ch !== '\\') token += '\\';
        token += ch;
        state = escapedFrom;
        break;
    }
  }
  if (state === '\\') throw new RecipeError('No escaped character');
  if (state !== ' ') throw new RecipeError('No closing quotation');
  if (inToken) tokens.push(token);
  return tokens;
}

// Python's \w for str is Unicode-aware: letters, digits and the underscore
const SAFE = /^[\p{L}\p{N}_@%+=:,./-]+$/u;

/** `shlex.quote(s)`. */
export function shellQuote(s: string): string {
  if (!s) return "''";
  if (SAFE.test(s)) return s;
  return "'" + s.replaceAll("'", `'"'"'`) + "'";
}
