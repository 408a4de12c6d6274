// re: Python regular expressions over JavaScript's engine. Patterns are
// translated (named groups, \A \Z, Python's `$`, `.` and `^`, Unicode \w \d
// \s \b, verbose mode, literal braces, escapes JavaScript's Unicode mode
// refuses); matching, sub (with Python's replacement templates), split,
// findall and finditer follow Python 3.11, including empty matches.
// Scoped inline flags `(?i:...)`, atomic groups and possessive
// quantifiers are refused with an error.
import { bind, intArg, strArg } from '../args.ts';
import { pyIterObject } from '../builtins.ts';
import { callValue } from '../call.ts';
import { PyException, registerExceptionClass } from '../exceptions.ts';
import { repr } from '../repr.ts';
import { PyBoundMethod, PyDict, PyFunction, PyList, PyModule, PyObject, PyTuple, asStr, type Kwargs, type PyValue } from '../value.ts';

registerExceptionClass('error', 'Exception');

const I = 2, L = 4, M = 8, S = 16, U = 32, X = 64, A = 256;

function reError(message: string): PyException {
  return new PyException('error', message);
}

const W_CLASS = '\\p{L}\\p{N}_\\p{Mn}\\p{Mc}';
const D_CLASS = '\\p{Nd}';
const S_CLASS = '\\t\\n\\v\\f\\r \\x1c-\\x1f\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';

interface Compiled {
  source: string;
  flags: number;
  regex: RegExp;
  groups: number;
  groupIndex: Map<string, number>;
}

/** Python pattern → JavaScript pattern (u flag). */
function translate(pattern: string, flags: number): { js: string; flags: number; groups: number; names: Map<string, number> } {
  let i = 0;
  // global inline flags at the start: (?aiLmsux)
  let f = flags;
  for (;;) {
    const m = /^\(\?([aiLmsux]+)\)/.exec(pattern.slice(i));
    if (!m) break;
    for (const c of m[1]!) f |= { a: A, i: I, L, m: M, s: S, u: U, x: X }[c as 'a']!;
    i += m[0].length;
  }
  const ascii = (f & A) !== 0;
  const w = ascii ? 'A-Za-z0-9_' : W_CLASS;
  const d = ascii ? '0-9' : D_CLASS;
  const s = ascii ? '\\t\\n\\v\\f\\r \\x1c-\\x1f' : S_CLASS;
  let out = '';
  let groups = 0;
  const names = new Map<string, number>();
  const n = pattern.length;
  const verbose = (f & X) !== 0;
  const boundary = `(?:(?<=[${w}])(?![${w}])|(?<![${w}])(?=[${w}]))`;
  const nonBoundary = `(?:(?<=[${w}])(?=[${w}])|(?<![${w}])(?![${w}]))`;
  const escapeChar = (c: string, inClass: boolean): string => {
    if (/[0-9A-Za-z]/.test(c)) throw reError(`bad escape \\${c}`);
    if ('^$\\.*+?()[]{}|/'.includes(c) || (inClass && c === '-')) return '\\' + c;
    return c;
  };
  while (i < n) {
    const c = pattern[i]!;
    if (verbose && /\s/.test(c)) {
      i++;
      continue;
    }
    if (verbose && c === '#') {
      while (i < n && pattern[i] !== '\n') i++;
      continue;
    }
    if (c === '\\') {
      const e = pattern[i + 1];
      if (e === undefined) throw reError('bad escape (end of pattern)');
      i += 2;
      switch (e) {
        case 'A': out += '(?<![\\s\\S])'; break;
        case 'Z': out += '(?![\\s\\S])'; break;
        case 'b': out += boundary; break;
        case 'B': out += nonBoundary; break;
        case 'w': out += `[${w}]`; break;
        case 'W': out += `[^${w}]`; break;
        case 'd': out += `[${d}]`; break;
        case 'D': out += `[^${d}]`; break;
        case 's': out += `[${s}]`; break;
        case 'S': out += `[^${s}]`; break;
        case 'n': case 't': case 'r': case 'f': case 'v': case '0':
          out += '\\' + e; break;
        case 'a': out += '\\x07'; break;
        case 'x': case 'u': case 'U': {
          const len = e === 'x' ? 2 : e === 'u' ? 4 : 8;
          const hex = pattern.slice(i, i + len);
          if (!new RegExp(`^[0-9a-fA-F]{${len}}$`).test(hex)) throw reError(`incomplete escape \\${e}${hex}`);
          out += `\\u{${parseInt(hex, 16).toString(16)}}`;
          i += len;
          break;
        }
        default:
          if (/[1-9]/.test(e)) {
            let num = e;
            if (/[0-9]/.test(pattern[i] ?? '')) num += pattern[i++];
            out += `\\${num}`;
          } else out += escapeChar(e, false);
      }
      continue;
    }
    if (c === '[') {
      // a character class, copied with Python's escapes translated
      let j = i + 1;
      let cls = '[';
      if (pattern[j] === '^') (cls += '^'), j++;
      if (pattern[j] === ']') (cls += '\\]'), j++;
      while (j < n && pattern[j] !== ']') {
        const ch = pattern[j]!;
        if (ch === '\\') {
          const e = pattern[j + 1];
          if (e === undefined) throw reError('bad escape (end of pattern)');
          j += 2;
          if (e === 'w') cls += w;
          else if (e === 'd') cls += d;
          else if (e === 's') cls += s;
          else if (e === 'W' || e === 'D' || e === 'S') cls += '\\' + e;
          else if ('ntrfv0'.includes(e)) cls += '\\' + e;
          else if (e === 'x') {
            cls += `\\x${pattern.slice(j, j + 2)}`;
            j += 2;
          } else cls += escapeChar(e, true);
        } else if (ch === '[') {
          cls += '\\[';
          j++;
        } else {
          cls += ch === '/' ? '\\/' : ch;
          j++;
        }
      }
      if (j >= n) throw reError(`unterminated character set at position ${i}`);
      out += cls + ']';
      i = j + 1;
      continue;
    }
    if (c === '(') {
      if (pattern[i + 1] === '?') {
        const rest = pattern.slice(i + 2);
        if (rest.startsWith('P<')) {
          const end = rest.indexOf('>');
          const name = rest.slice(2, end);
          groups++;
          names.set(name, groups);
          out += `(?<${name}>`;
          i += 2 + end + 1;
          continue;
        }
        if (rest.startsWith('P=')) {
          const end = rest.indexOf(')');
          out += `\\k<${rest.slice(2, end)}>`;
          i += 2 + end + 1;
          continue;
        }
        if (rest.startsWith('#')) {
          i += 2 + rest.indexOf(')') + 1;
          continue;
        }
        if (/^(:|=|!|<=|<!)/.test(rest)) {
          const m = /^(:|=|!|<=|<!)/.exec(rest)!;
          out += '(?' + m[1];
          i += 2 + m[1]!.length;
          continue;
        }
        if (rest.startsWith('<') && /^<[A-Za-z_]/.test(rest)) throw reError(`unknown extension ?<${rest[1]} at position ${i + 1}`);
        throw new PyException('NotImplementedError', `tsbuildout's re does not support '(?${rest.slice(0, 2)}' (scoped flags, atomic groups, conditionals)`);
      }
      groups++;
      out += '(';
      i++;
      continue;
    }
    if (c === '.') {
      out += f & S ? '[\\s\\S]' : '[^\\n]';
      i++;
      continue;
    }
    if (c === '^') {
      out += f & M ? '(?:(?<![\\s\\S])|(?<=\\n))' : '(?<![\\s\\S])';
      i++;
      continue;
    }
    if (c === '$') {
      out += f & M ? '(?=\\n|(?![\\s\\S]))' : '(?=\\n?(?![\\s\\S]))';
      i++;
      continue;
    }
    if (c === '{') {
      const m = /^\{(\d*)(,(\d*))?\}/.exec(pattern.slice(i));
      if (m && (m[1] || m[3] !== undefined)) {
        // Python's {,n} is {0,n}
        out += `{${m[1] || '0'}${m[2] ?? ''}}`;
        i += m[0].length;
        if (pattern[i] === '+') throw new PyException('NotImplementedError', "tsbuildout's re does not support possessive quantifiers");
      } else {
        out += '\\{';
        i++;
      }
      continue;
    }
    if (c === '}') {
      out += '\\}';
      i++;
      continue;
    }
    if ((c === '*' || c === '+' || c === '?') && pattern[i + 1] === '+') {
      throw new PyException('NotImplementedError', "tsbuildout's re does not support possessive quantifiers");
    }
    out += c === '/' ? '\\/' : c;
    i++;
  }
  return { js: out, flags: f, groups, names };
}

const cache = new Map<string, Compiled>();

function compile(pattern: string, flags: number): Compiled {
  const key = flags + '\0' + pattern;
  let c = cache.get(key);
  if (c) return c;
  const t = translate(pattern, flags);
  let regex: RegExp;
  try {
    regex = new RegExp(t.js, 'gu' + (t.flags & I ? 'i' : ''));
  } catch (e) {
    throw reError(`${(e as Error).message.replace(/^Invalid regular expression: /, '')}`);
  }
  c = { source: pattern, flags: t.flags | (t.flags & A ? 0 : U), regex, groups: t.groups, groupIndex: t.names };
  cache.set(key, c);
  return c;
}

/** Code-unit index ↔ code-point index (Python counts code points). */
function cpIndex(s: string, unit: number): number {
  let n = 0;
  for (let i = 0; i < unit; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < unit) i++;
    n++;
  }
  return n;
}

class Match extends PyObject {
  constructor(
    readonly pattern: PatternObject,
    readonly string: string,
    readonly m: RegExpExecArray,
    readonly pos: number,
  ) {
    super();
  }
  get typeName(): string {
    return 're.Match';
  }
  private index(g: PyValue): number {
    const name = asStr(g);
    if (name !== undefined) {
      const i = this.pattern.c.groupIndex.get(name);
      if (i === undefined) throw new PyException('IndexError', 'no such group');
      return i;
    }
    const i = Number(intArg(g));
    if (i < 0 || i > this.pattern.c.groups) throw new PyException('IndexError', 'no such group');
    return i;
  }
  group(g: PyValue, dflt: PyValue = null): PyValue {
    const v = this.m[this.index(g)];
    return v === undefined ? dflt : v;
  }
  span(g: PyValue): [number, number] {
    const i = this.index(g);
    if (this.m[i] === undefined) return [-1, -1];
    const start = i === 0 ? this.m.index : this.m.indices![i]![0];
    const end = start + this.m[i]!.length;
    return [cpIndex(this.string, start), cpIndex(this.string, end)];
  }
  groupsTuple(dflt: PyValue): PyTuple {
    const out: PyValue[] = [];
    for (let i = 1; i <= this.pattern.c.groups; i++) out.push(this.m[i] ?? dflt);
    return new PyTuple(out);
  }
  override pyGetItem(key: PyValue): PyValue {
    return this.group(key);
  }
  override pyBool(): boolean {
    return true;
  }
  override pyRepr(): string {
    const [a, b] = this.span(0n);
    return `<re.Match object; span=(${a}, ${b}), match=${repr(this.m[0]!)}>`;
  }
  override pyGetAttr(name: string): PyValue | undefined {
    const method = (f: (a: PyValue[], k: Kwargs) => PyValue) => new PyBoundMethod(this, name, f, 're.Match');
    switch (name) {
      case 'string':
        return this.string;
      case 're':
        return this.pattern;
      case 'pos':
        return BigInt(this.pos);
      case 'endpos':
        return BigInt([...this.string].length);
      case 'lastindex': {
        let last: number | null = null;
        let lastEnd = -1;
        for (let i = 1; i <= this.pattern.c.groups; i++) {
          if (this.m[i] === undefined) continue;
          const e = this.m.indices![i]![1];
          if (e > lastEnd || (e === lastEnd && last !== null && i < last)) (last = i), (lastEnd = e);
        }
        return last === null ? null : BigInt(last);
      }
      case 'lastgroup': {
        const li = this.pyGetAttr('lastindex');
        if (li === null) return null;
        for (const [k, v] of this.pattern.c.groupIndex) if (BigInt(v) === li) return k;
        return null;
      }
      case 'group':
        return method((a) => {
          if (a.length === 0) return this.group(0n);
          if (a.length === 1) return this.group(a[0]!);
          return new PyTuple(a.map((g) => this.group(g)));
        });
      case 'groups':
        return method((a, k) => {
          const [d] = bind({ name: 'groups', params: ['default'], required: 0 }, a, k);
          return this.groupsTuple(d ?? null);
        });
      case 'groupdict':
        return method((a, k) => {
          const [d] = bind({ name: 'groupdict', params: ['default'], required: 0 }, a, k);
          const out = new PyDict();
          for (const [n, i] of this.pattern.c.groupIndex) out.set(n, this.m[i] ?? d ?? null);
          return out;
        });
      case 'start':
      case 'end':
      case 'span':
        return method((a, k) => {
          const [g] = bind({ name, params: ['group'], required: 0 }, a, k);
          const [s, e] = this.span(g ?? 0n);
          return name === 'start' ? BigInt(s) : name === 'end' ? BigInt(e) : new PyTuple([BigInt(s), BigInt(e)]);
        });
      case 'expand':
        return method((a, k) => {
          const [t] = bind({ name: 'expand', params: ['template'] }, a, k);
          return expandTemplate(this.pattern.c, strArg(t!, (x) => `expected str, not ${x}`))(this);
        });
    }
    return undefined;
  }
}

/** A replacement template (`\1`, `\g<name>`, escapes) as a function of the match. */
function expandTemplate(c: Compiled, template: string): (m: Match) => string {
  const parts: (string | number)[] = [];
  let lit = '';
  for (let i = 0; i < template.length; i++) {
    const ch = template[i]!;
    if (ch !== '\\') {
      lit += ch;
      continue;
    }
    const e = template[++i];
    if (e === undefined) throw reError(`bad escape (end of pattern) at position ${i - 1}`);
    if (e === 'g') {
      const m = /^<([^>]*)>/.exec(template.slice(i + 1));
      if (!m) throw reError(`missing < at position ${i + 1}`);
      const name = m[1]!;
      let g: number;
      if (/^\d+$/.test(name)) g = Number(name);
      else if (c.groupIndex.has(name)) g = c.groupIndex.get(name)!;
      else throw new PyException('IndexError', `unknown group name '${name}'`);
      if (g > c.groups) throw reError(`invalid group reference ${g} at position ${i + 2}`);
      parts.push(lit, g);
      lit = '';
      i += m[0].length;
    } else if (/[0-9]/.test(e)) {
      let num = e;
      if (/[0-9]/.test(template[i + 1] ?? '')) num += template[++i];
      const g = Number(num);
      if (g > c.groups) throw reError(`invalid group reference ${g} at position ${i - num.length}`);
      parts.push(lit, g);
      lit = '';
    } else {
      const known: Record<string, string> = { n: '\n', t: '\t', r: '\r', f: '\f', v: '\v', a: '\x07', b: '\b', '\\': '\\' };
      if (known[e] !== undefined) lit += known[e];
      else if (/[A-Za-z]/.test(e)) throw reError(`bad escape \\${e} at position ${i - 1}`);
      else lit += '\\' + e;
    }
  }
  parts.push(lit);
  return (m) => parts.map((p) => (typeof p === 'string' ? p : (m.m[p] ?? ''))).join('');
}

/** Python's iteration over the matches of a pattern, empty matches included. */
function* matches(p: PatternObject, s: string, pos = 0, endpos?: number): Generator<Match> {
  const re = p.c.regex;
  const subject = endpos === undefined ? s : [...s].slice(0, endpos).join('');
  let at = pos;
  let mustAdvance = false;
  while (at <= subject.length) {
    re.lastIndex = at;
    let m = re.exec(subject);
    if (!m) return;
    if (mustAdvance && m.index === at && m[0] === '') {
      if (at >= subject.length) return;
      const cp = subject.codePointAt(at)!;
      re.lastIndex = at + (cp > 0xffff ? 2 : 1);
      m = re.exec(subject);
      if (!m) return;
    }
    yield new Match(p, s, withIndices(p, m, subject), pos);
    at = m.index + m[0].length;
    mustAdvance = m[0] === '';
  }
}

/** Group positions, from a second run with the d flag (only when asked for). */
function withIndices(p: PatternObject, m: RegExpExecArray, subject: string): RegExpExecArray {
  if (p.c.groups === 0) {
    Object.defineProperty(m, 'indices', { value: [[m.index, m.index + m[0].length]] });
    return m;
  }
  const d = new RegExp(p.c.regex.source, p.c.regex.flags + 'dy');
  d.lastIndex = m.index;
  return d.exec(subject) ?? m;
}

function matchAt(p: PatternObject, s: string, pos: number, mode: 'match' | 'fullmatch' | 'search'): Match | null {
  const unit = cpToUnit(s, pos);
  if (mode === 'search') {
    const it = matches(p, s, unit).next();
    return it.done ? null : it.value;
  }
  const src = mode === 'fullmatch' ? `(?:${p.c.regex.source})(?![\\s\\S])` : p.c.regex.source;
  const re = new RegExp(src, p.c.regex.flags.replace('g', '') + 'yd');
  re.lastIndex = unit;
  const m = re.exec(s);
  return m ? new Match(p, s, m, pos) : null;
}

function cpToUnit(s: string, cp: number): number {
  let unit = 0;
  for (let n = 0; n < cp && unit < s.length; n++) unit += s.codePointAt(unit)! > 0xffff ? 2 : 1;
  return unit;
}

function sub(p: PatternObject, repl: PyValue, s: string, count: number): [string, number] {
  const f: (m: Match) => string =
    asStr(repl) !== undefined
      ? expandTemplate(p.c, asStr(repl)!)
      : (m) => strArg(callValue(repl, [m]), (t) => `expected str instance, ${t} found`);
  let out = '';
  let last = 0;
  let n = 0;
  for (const m of matches(p, s)) {
    if (count > 0 && n >= count) break;
    out += s.slice(last, m.m.index) + f(m);
    last = m.m.index + m.m[0].length;
    n++;
  }
  return [out + s.slice(last), n];
}

function split(p: PatternObject, s: string, maxsplit: number): PyList {
  const out: PyValue[] = [];
  let last = 0;
  let n = 0;
  for (const m of matches(p, s)) {
    if (maxsplit > 0 && n >= maxsplit) break;
    out.push(s.slice(last, m.m.index));
    for (let i = 1; i <= p.c.groups; i++) out.push(m.m[i] ?? null);
    last = m.m.index + m.m[0].length;
    n++;
  }
  out.push(s.slice(last));
  return new PyList(out);
}

function findall(p: PatternObject, s: string): PyList {
  const out: PyValue[] = [];
  for (const m of matches(p, s)) {
    if (p.c.groups === 0) out.push(m.m[0]!);
    else if (p.c.groups === 1) out.push(m.m[1] ?? '');
    else out.push(m.groupsTuple(''));
  }
  return new PyList(out);
}

class PatternObject extends PyObject {
  constructor(readonly c: Compiled) {
    super();
  }
  get typeName(): string {
    return 're.Pattern';
  }
  override pyRepr(): string {
    const names: string[] = [];
    for (const [n, v] of [['IGNORECASE', I], ['MULTILINE', M], ['DOTALL', S], ['VERBOSE', X], ['ASCII', A]] as const) if (this.c.flags & v) names.push('re.' + n);
    return `re.compile(${repr(this.c.source)}${names.length ? ', ' + names.join('|') : ''})`;
  }
  override pyEq(other: PyValue): boolean {
    return other instanceof PatternObject && other.c.source === this.c.source && other.c.flags === this.c.flags;
  }
  override pyGetAttr(name: string): PyValue | undefined {
    if (name === 'pattern') return this.c.source;
    if (name === 'flags') return BigInt(this.c.flags);
    if (name === 'groups') return BigInt(this.c.groups);
    if (name === 'groupindex') return new PyDict([...this.c.groupIndex].map(([k, v]) => [k, BigInt(v)] as [PyValue, PyValue]));
    const m = PATTERN_METHODS[name];
    return m ? new PyBoundMethod(this, name, (a, k) => m(this, a, k), 're.Pattern') : undefined;
  }
}

const text = (v: PyValue | undefined) => strArg(v ?? null, (t) => `expected string or bytes-like object, got '${t}'`);
const num = (v: PyValue | undefined, d: number) => (v === undefined ? d : Number(intArg(v)));

const PATTERN_METHODS: Record<string, (p: PatternObject, a: PyValue[], k: Kwargs) => PyValue> = {
  match: (p, a, k) => {
    const [s, pos] = bind({ name: 'match', params: ['string', 'pos', 'endpos'], required: 1 }, a, k);
    return matchAt(p, text(s), num(pos, 0), 'match');
  },
  fullmatch: (p, a, k) => {
    const [s, pos] = bind({ name: 'fullmatch', params: ['string', 'pos', 'endpos'], required: 1 }, a, k);
    return matchAt(p, text(s), num(pos, 0), 'fullmatch');
  },
  search: (p, a, k) => {
    const [s, pos] = bind({ name: 'search', params: ['string', 'pos', 'endpos'], required: 1 }, a, k);
    return matchAt(p, text(s), num(pos, 0), 'search');
  },
  sub: (p, a, k) => {
    const [repl, s, count] = bind({ name: 'sub', params: ['repl', 'string', 'count'], required: 2 }, a, k);
    return sub(p, repl!, text(s), num(count, 0))[0];
  },
  subn: (p, a, k) => {
    const [repl, s, count] = bind({ name: 'subn', params: ['repl', 'string', 'count'], required: 2 }, a, k);
    const [r, n] = sub(p, repl!, text(s), num(count, 0));
    return new PyTuple([r, BigInt(n)]);
  },
  split: (p, a, k) => {
    const [s, maxsplit] = bind({ name: 'split', params: ['string', 'maxsplit'], required: 1 }, a, k);
    return split(p, text(s), num(maxsplit, 0));
  },
  findall: (p, a, k) => {
    const [s] = bind({ name: 'findall', params: ['string', 'pos', 'endpos'], required: 1 }, a, k);
    return findall(p, text(s));
  },
  finditer: (p, a, k) => {
    const [s] = bind({ name: 'finditer', params: ['string', 'pos', 'endpos'], required: 1 }, a, k);
    return pyIterObject(new PyList([...matches(p, text(s))]));
  },
};

function patternOf(v: PyValue, flags: PyValue | undefined): PatternObject {
  if (v instanceof PatternObject) {
    if (flags !== undefined && Number(intArg(flags)) !== 0) throw new PyException('ValueError', 'cannot process flags argument with a compiled pattern');
    return v;
  }
  const s = asStr(v);
  if (s === undefined) throw new PyException('TypeError', 'first argument must be string or compiled pattern');
  return new PatternObject(compile(s, num(flags, 0)));
}

const moduleFn = (name: string, params: string[], required: number, call: (p: PatternObject, args: (PyValue | undefined)[]) => PyValue) =>
  new PyFunction(name, (a, k) => {
    const b = bind({ name, params, required }, a, k);
    const fi = params.indexOf('flags');
    const pi = params.indexOf('pattern');
    return call(patternOf(b[pi]!, b[fi]), b);
  }, 'function');

/** re.escape (Python 3.7+): only the special characters. */
export function reEscape(s: string): string {
  let out = '';
  for (const ch of s) out += '()[]{}?*+-|^$\\.&~# \t\n\r\v\f'.includes(ch) ? '\\' + ch : ch;
  return out;
}

export const reModule = new PyModule('re', {
  I: BigInt(I), IGNORECASE: BigInt(I), M: BigInt(M), MULTILINE: BigInt(M), S: BigInt(S), DOTALL: BigInt(S),
  X: BigInt(X), VERBOSE: BigInt(X), A: BigInt(A), ASCII: BigInt(A), U: BigInt(U), UNICODE: BigInt(U), L: BigInt(L), LOCALE: BigInt(L),
  compile: moduleFn('compile', ['pattern', 'flags'], 1, (p) => p),
  match: moduleFn('match', ['pattern', 'string', 'flags'], 2, (p, b) => matchAt(p, text(b[1]), 0, 'match')),
  fullmatch: moduleFn('fullmatch', ['pattern', 'string', 'flags'], 2, (p, b) => matchAt(p, text(b[1]), 0, 'fullmatch')),
  search: moduleFn('search', ['pattern', 'string', 'flags'], 2, (p, b) => matchAt(p, text(b[1]), 0, 'search')),
  sub: moduleFn('sub', ['pattern', 'repl', 'string', 'count', 'flags'], 3, (p, b) => sub(p, b[1]!, text(b[2]), num(b[3], 0))[0]),
  subn: moduleFn('subn', ['pattern', 'repl', 'string', 'count', 'flags'], 3, (p, b) => {
    const [r, n] = sub(p, b[1]!, text(b[2]), num(b[3], 0));
    return new PyTuple([r, BigInt(n)]);
  }),
  split: moduleFn('split', ['pattern', 'string', 'maxsplit', 'flags'], 2, (p, b) => split(p, text(b[1]), num(b[2], 0))),
  findall: moduleFn('findall', ['pattern', 'string', 'flags'], 2, (p, b) => findall(p, text(b[1]))),
  finditer: moduleFn('finditer', ['pattern', 'string', 'flags'], 2, (p, b) => pyIterObject(new PyList([...matches(p, text(b[1]))]))),
  escape: new PyFunction('escape', (a, k) => {
    const [s] = bind({ name: 'escape', params: ['pattern'] }, a, k);
    return reEscape(text(s));
  }, 'function'),
});
