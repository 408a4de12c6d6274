// Say what is wrong with a line that is not a buildout line, in words a
// user can act on. zc.buildout only prints the line.
import { PY_WS_CLASS } from '../python/index.ts';

const WS = new RegExp(`[${PY_WS_CLASS}]`);

export function describeJunkLine(text: string): { message: string; hint?: string } {
  const shown = JSON.stringify(text.length > 60 ? text.slice(0, 57) + '...' : text);
  if (text.startsWith('[')) {
    const close = text.indexOf(']');
    if (close < 0) return { message: `unterminated section header ${shown}`, hint: 'a section header is `[name]` on one line' };
    const name = text.slice(1, close).split(':')[0]!.trim();
    if (/[\s#[;{}]/.test(name))
      return {
        message: `invalid section header ${shown}`,
        hint: 'section names cannot contain whitespace or any of # ; [ ] { } :',
      };
    return {
      message: `unexpected text after the section header in ${shown}`,
      hint: 'only whitespace and a comment starting with # or ; may follow the closing bracket',
    };
  }
  const colon = text.indexOf(':');
  const equals = text.indexOf('=');
  if (colon > 0 && (equals < 0 || colon < equals))
    return {
      message: `invalid option line ${shown}`,
      hint: 'buildout options are written `name = value`; `:` is not a separator',
    };
  if (equals > 0) {
    const name = text.slice(0, equals);
    if (/[{}[\]]/.test(name) || WS.test(name.trim()))
      return {
        message: `invalid option name in ${shown}`,
        hint: 'option names cannot contain whitespace or any of { } [ ] = :',
      };
  }
  return { message: `invalid line ${shown}`, hint: 'expected `[section]`, `name = value`, a comment, or an indented continuation line' };
}
