// Jinja2 instance templates (`instance.cfg.in`, `*.cfg.jinja2`, …) as
// buildout text: the Jinja2 constructs are masked so that the buildout
// parser sees the text around them, with the same lines and columns.
//
// - `{# … #}` and `{% … %}` become spaces (a tag alone on its line leaves
//   an empty line, which is what Jinja2 renders too);
// - `{{ … }}` becomes placeholder characters (U+E000): a section named
//   `[x-{{ k }}]` is the wildcard section `x-*`, a reference
//   `${x-{{ k }}:url}` a wildcard reference, a value holding one is
//   partly unknown;
// - a `{{ … }}` alone at column 0, or an `{% include %}`, may produce any
//   lines: it becomes an empty line and marks the profile as "open";
// - the bodies of `{% if %}`, `{% for %}`, `{% macro %}`, `{% call %}`,
//   block `{% set %}` and `{% filter %}` are "maybe present";
// - `{% raw %}` bodies are kept as written.
//
// Templates rendered by buildout substitution instead (slapos.recipe.template
// without Jinja2, recognised by `$${`): `${…}` are the software profile's
// references, resolved before the instance runs, so they are masked too and
// `$${…}` become the instance's `${…}` references.

/** Stands for text a template computes. Legal in section and option names, illegal in references. */
export const PLACEHOLDER = '\uE000';

export interface TemplateInfo {
  /** The file has Jinja2 constructs. */
  jinja: boolean;
  /** `${…}` belong to the software profile that renders this file (slapos.recipe.template). */
  buildoutSubstituted: boolean;
  /** Lines inside `{% if %}`/`{% for %}`/… bodies: maybe present in the rendered profile. */
  maybeLines: Set<number>;
  /** Lines the template may replace by anything (`{{ … }}` alone on a line, includes, macro calls). */
  openLines: Set<number>;
  /** Unbalanced delimiters or block tags found while masking (1-based line, column). */
  problems: { line: number; column: number; message: string }[];
  /** The `{% … %}` tags, for rules that look at them. */
  tags: { line: number; column: number; name: string }[];
  /**
   * Lines whose text was moved left: a line that starts with a tag
   * (`{% if x %}foo = 1`) renders its text at column 0. Columns on those
   * lines are `shift` further right in the file.
   */
  shifts: Map<number, number>;
}

const TEMPLATE_SUFFIXES = ['.in', '.jinja2', '.j2', '.jinja', '.jinja2.cfg'];

/** Is a file a template rather than a buildout profile, by its name and text? */
export function isTemplate(path: string, text: string): boolean {
  if (TEMPLATE_SUFFIXES.some((s) => path.endsWith(s))) return true;
  // a .cfg that is itself a Jinja2 template: Jinja2 at column 0, in a
  // header or in an option name (inline templates inside values are indented)
  return /^(\{[{%#]|\[[^\]\n]*\{\{|[^\s#;[][^=\n]*\{\{[^=\n]*=)/m.test(text) || isSubstitutedTemplate(text);
}

/**
 * A .cfg written to be rendered by buildout substitution (slapos.recipe.template
 * `url = …/instance.cfg`): its `${…}` are the software profile's. Its marks:
 * an option whose value starts with `$${section:option}` (the instance's
 * reference, escaped), `${…}` in extends (buildout never substitutes extends),
 * or `[buildout]` options set from themselves (`eggs-directory = ${buildout:eggs-directory}`).
 */
export function isSubstitutedTemplate(text: string): boolean {
  if (/^[^\s#;[][^=\n]*=[ \t]*\$\$\{[-a-zA-Z0-9._ ]*:[-a-zA-Z0-9._ ]+\}/m.test(text)) return true;
  if (/^([-\w.]+)[ \t]*=[ \t]*\$\{buildout:\1\}[ \t]*$/m.test(text)) return true;
  const ext = /^extends[ \t]*[+]?=([^\n]*(?:\n(?:[ \t][^\n]*|[#;][^\n]*|[ \t]*))*)/m.exec(text);
  return ext !== null && /(^|[^$])\$\{/.test(ext[1]!);
}

const BLOCK_TAGS = new Set(['if', 'for', 'macro', 'call', 'filter', 'block', 'with', 'autoescape']);
/** Bodies that may be absent (or repeated) in the output. */
const MAYBE_TAGS = new Set(['if', 'for', 'macro', 'call', 'filter', 'set']);

function isNewline(c: string): boolean {
  return c === '\n' || c === '\r';
}

/** The offset of `end` closing a tag opened before `from`, skipping strings and balanced brackets (as Jinja2's lexer does). */
function tagEnd(text: string, from: number, end: '}}' | '%}'): number {
  let depth = 0;
  let i = from;
  while (i < text.length) {
    const c = text[i]!;
    if (c === '"' || c === "'") {
      i++;
      while (i < text.length && text[i] !== c) {
        if (text[i] === '\\') i++;
        i++;
      }
      i++;
      continue;
    }
    if (depth === 0 && text.startsWith(end, i)) return i;
    if (c === '(' || c === '[' || c === '{') depth++;
    else if ((c === ')' || c === ']' || c === '}') && depth > 0) depth--;
    i++;
  }
  return -1;
}

export function maskTemplate(text: string, substituted = false): { masked: string; info: TemplateInfo } {
  const out = text.split('');
  const info: TemplateInfo = {
    jinja: false,
    buildoutSubstituted: false,
    maybeLines: new Set(),
    openLines: new Set(),
    problems: [],
    tags: [],
    shifts: new Map(),
  };
  // line starts, to turn offsets into lines and columns
  const starts: number[] = [0];
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '\n' || (text[i] === '\r' && text[i + 1] !== '\n')) starts.push(i + 1);
  }
  const lineOf = (offset: number): number => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  };
  const blank = (from: number, to: number) => {
    for (let k = from; k < to && k < out.length; k++) if (!isNewline(out[k]!)) out[k] = ' ';
  };
  const stack: { name: string; line: number; column: number; bodyStart: number }[] = [];

  let i = 0;
  while (i < text.length) {
    const open = text.indexOf('{', i);
    if (open < 0 || open + 1 >= text.length) break;
    const kind = text[open + 1];
    if (kind !== '{' && kind !== '%' && kind !== '#') {
      i = open + 1;
      continue;
    }
    info.jinja = true;
    const line = lineOf(open);
    const column = open - starts[line - 1]! + 1;
    if (kind === '#') {
      const close = text.indexOf('#}', open + 2);
      const stop = close < 0 ? text.length : close + 2;
      if (close < 0) info.problems.push({ line, column, message: 'unterminated comment {# … #}' });
      blank(open, stop);
      i = stop;
      continue;
    }
    const close = tagEnd(text, open + 2, kind === '{' ? '}}' : '%}');
    const stop = close < 0 ? text.length : close + 2;
    if (close < 0) {
      info.problems.push({ line, column, message: kind === '{' ? 'unterminated {{ … }}' : 'unterminated {% … %}' });
    }
    if (kind === '{') {
      // the first line becomes placeholders, later lines of a multi-line expression spaces
      let k = open;
      while (k < stop && !isNewline(out[k]!)) out[k++] = PLACEHOLDER;
      blank(k, stop);
      if (k < stop) info.openLines.add(line);
      i = stop;
      continue;
    }
    // a statement
    const body = text.slice(open + 2, close < 0 ? text.length : close).replace(/^[-+]/, '').replace(/[-+]$/, '').trim();
    const name = /^[A-Za-z_][A-Za-z0-9_]*/.exec(body)?.[0] ?? '';
    info.tags.push({ line, column, name });
    blank(open, stop);
    i = stop;
    if (name === 'raw') {
      // kept as written up to {% endraw %}
      const endRaw = /\{%[-+]?\s*endraw\s*[-+]?%\}/g;
      endRaw.lastIndex = stop;
      const m = endRaw.exec(text);
      if (!m) {
        info.problems.push({ line, column, message: 'missing {% endraw %}' });
        break;
      }
      blank(m.index, m.index + m[0].length);
      i = m.index + m[0].length;
      continue;
    }
    if (name === 'include' || name === 'extends') {
      info.openLines.add(line);
      continue;
    }
    const isBlockSet = name === 'set' && !topLevelAssign(body.slice(3));
    if (BLOCK_TAGS.has(name) || isBlockSet) {
      stack.push({ name, line, column, bodyStart: stop });
      continue;
    }
    if (name.startsWith('end')) {
      const opened = name.slice(3);
      let at = stack.length - 1;
      while (at >= 0 && stack[at]!.name !== opened) at--;
      if (at < 0) {
        info.problems.push({ line, column, message: `{% ${name} %} without an open {% ${opened} %}` });
        continue;
      }
      for (const b of stack.splice(at)) {
        if (!MAYBE_TAGS.has(b.name)) continue;
        const from = lineOf(b.bodyStart);
        for (let l = from; l <= line; l++) info.maybeLines.add(l);
      }
    }
  }
  for (const b of stack) info.problems.push({ line: b.line, column: b.column, message: `{% ${b.name} %} is never closed` });

  // lines that start, at column 0, with Jinja2: what renders there starts the line
  for (let line = 1; line <= starts.length; line++) {
    const from = starts[line - 1]!;
    if (text[from] !== '{' || !'{%#'.includes(text[from + 1] ?? '')) continue;
    let to = from;
    while (to < out.length && !isNewline(out[to]!)) to++;
    let k = from;
    while (k < to && (out[k] === ' ' || out[k] === '\t')) k++;
    if (k === to) continue;
    if (out[k] === PLACEHOLDER && k === from && /^\{\{[-+]?\s*(['"])[ \t]+/.test(text.slice(from, from + 12))) {
      // `{{ '  ' ~ part }}`: an indented line (a continuation) whose text is computed
      out[from] = ' ';
    } else if (out[k] === PLACEHOLDER) {
      // an expression's output starts the line: it may be anything (a header,
      // options, several sections): later lines belong to an unknown section
      info.openLines.add(line);
      if (to - from >= 3) {
        out[from] = '[';
        for (let j = from + 1; j < to - 1; j++) out[j] = PLACEHOLDER;
        out[to - 1] = ']';
      } else blank(from, to);
    } else if (k > from) {
      // text after leading tags: it renders at column 0
      const shift = k - from;
      const moved = out.slice(k, to);
      for (let j = 0; j < moved.length; j++) out[from + j] = moved[j]!;
      for (let j = from + moved.length; j < to; j++) out[j] = ' ';
      info.shifts.set(line, shift);
    }
  }

  let masked = out.join('');
  if (masked.includes('$${') || substituted) {
    info.buildoutSubstituted = !info.jinja;
    masked = maskSubstitutions(masked, info.jinja);
  }
  return { masked, info };
}

/** `set x = …` (an assignment) rather than `set x` (a block). */
function topLevelAssign(rest: string): boolean {
  let depth = 0;
  for (let k = 0; k < rest.length; k++) {
    const c = rest[k]!;
    if (c === '"' || c === "'") {
      const q = c;
      k++;
      while (k < rest.length && rest[k] !== q) k++;
      continue;
    }
    if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') depth--;
    else if (c === '=' && depth === 0 && rest[k + 1] !== '=' && rest[k - 1] !== '=' && rest[k - 1] !== '!' && rest[k - 1] !== '<' && rest[k - 1] !== '>') return true;
  }
  return false;
}

/**
 * A template with `$${`: its `${…}` belong to another profile (masked).
 * Without Jinja2 it is rendered by buildout substitution, so `$${` is the
 * instance's `${` (the first `$` becomes a space, keeping columns); with
 * Jinja2 the rendering is unknown and `$${…}` are masked as well.
 */
function maskSubstitutions(text: string, jinja: boolean): string {
  const out = text.split('');
  let i = 0;
  while (i < text.length) {
    const at = text.indexOf('${', i);
    if (at < 0) break;
    const escaped = at > 0 && text[at - 1] === '$';
    const close = text.indexOf('}', at + 2);
    const nl = text.slice(at, close < 0 ? text.length : close).search(/[\r\n]/);
    if (close < 0 || nl >= 0) {
      i = at + 2;
      continue;
    }
    if (escaped && !jinja) {
      out[at - 1] = ' ';
    } else {
      for (let k = escaped ? at - 1 : at; k <= close; k++) out[k] = PLACEHOLDER;
    }
    i = close + 1;
  }
  return out.join('');
}

/**
 * Does a template produce a buildout profile? Its first line that is not
 * blank or a comment must be a section header (service configurations
 * named *.cfg.in — nginx, haproxy — are templates of something else).
 */
export function looksLikeProfile(masked: string): boolean {
  for (const line of masked.split(/\r\n|\r|\n/)) {
    if (/^[ \t]*$/.test(line) || /^[#;]/.test(line) || /^[ \t]+\uE000*[ \t]*$/.test(line)) continue;
    return /^\[[^\]]+\]/.test(line);
  }
  return true;
}

/** A name or text with a placeholder in it (computed by the template). */
export function hasPlaceholder(s: string): boolean {
  return s.includes(PLACEHOLDER);
}

/** The regular expression a wildcard name stands for. */
export function wildcardPattern(name: string): RegExp {
  const parts = name.split(new RegExp(`${PLACEHOLDER}+`));
  return new RegExp('^' + parts.map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*') + '$', 's');
}
