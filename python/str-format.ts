// str.format() and str.format_map(): replacement fields with positional,
// automatic and named arguments, `.attr` and `[index]` lookups, `!r/!s/!a`
// conversions and nested specs (`{:{width}}`).

import { PyException, indexError, valueError } from './exceptions.ts';
import { formatValue } from './format-spec.ts';
import { ascii, repr, str } from './repr.ts';
import { getAttr } from './attributes.ts';
import { getItem } from './subscript.ts';
import type { Kwargs, PyValue } from './value.ts';

interface FormatArgs {
  positional: readonly PyValue[];
  named: (name: string) => PyValue;
  auto: number; // -1 manual, >= 0 next automatic index; undefined state = -2
}

function parseFieldName(field: string): { first: string; rest: { attr?: string; index?: string }[] } {
  let i = 0;
  while (i < field.length && field[i] !== '.' && field[i] !== '[') i++;
  const first = field.slice(0, i);
  const rest: { attr?: string; index?: string }[] = [];
  while (i < field.length) {
    if (field[i] === '.') {
      const start = ++i;
      while (i < field.length && field[i] !== '.' && field[i] !== '[') i++;
      const attr = field.slice(start, i);
      if (attr === '') throw valueError('Empty attribute in format string');
      rest.push({ attr });
    } else if (field[i] === '[') {
      const start = ++i;
      while (i < field.length && field[i] !== ']') i++;
      if (i >= field.length) throw valueError("Missing ']' in format string");
      const index = field.slice(start, i);
      if (index === '') throw valueError('Empty attribute in format string');
      rest.push({ index });
      i++;
      if (i < field.length && field[i] !== '.' && field[i] !== '[') {
        throw valueError('Only \'.\' or \'[\' may follow \']\' in format field specifier');
      }
    }
  }
  return { first, rest };
}

function resolveField(field: string, st: FormatArgs): PyValue {
  const { first, rest } = parseFieldName(field);
  let value: PyValue;
  if (first === '') {
    if (st.auto === -1) {
      throw valueError('cannot switch from manual field specification to automatic field numbering');
    }
    const idx = st.auto === -2 ? 0 : st.auto;
    st.auto = idx + 1;
    if (idx >= st.positional.length) {
      throw indexError(`Replacement index ${idx} out of range for positional args tuple`);
    }
    value = st.positional[idx]!;
  } else if (/^\d+$/.test(first)) {
    if (st.auto >= 0) {
      throw valueError('cannot switch from automatic field numbering to manual field specification');
    }
    st.auto = -1;
    const idx = Number(first);
    if (idx >= st.positional.length) {
      throw indexError(`Replacement index ${idx} out of range for positional args tuple`);
    }
    value = st.positional[idx]!;
  } else {
    value = st.named(first);
  }
  for (const part of rest) {
    if (part.attr !== undefined) value = getAttr(value, part.attr);
    else value = getItem(value, /^\d+$/.test(part.index!) ? BigInt(part.index!) : part.index!);
  }
  return value;
}

function render(format: string, st: FormatArgs, depth: number): string {
  if (depth > 2) throw valueError('Max string recursion exceeded');
  const out: string[] = [];
  let i = 0;
  const n = format.length;
  let literalStart = 0;
  while (i < n) {
    const c = format[i];
    if (c === '}') {
      if (format[i + 1] === '}') {
        out.push(format.slice(literalStart, i + 1));
        i += 2;
        literalStart = i;
        continue;
      }
      throw valueError("Single '}' encountered in format string");
    }
    if (c !== '{') {
      i++;
      continue;
    }
    if (format[i + 1] === '{') {
      out.push(format.slice(literalStart, i + 1));
      i += 2;
      literalStart = i;
      continue;
    }
    out.push(format.slice(literalStart, i));
    // find the matching '}' (specs may nest one level of braces)
    let j = i + 1;
    let nest = 1;
    let bracket = false;
    while (j < n) {
      const d = format[j];
      if (d === '[') bracket = true;
      else if (d === ']') bracket = false;
      else if (d === '{' && !bracket) nest++;
      else if (d === '}' && !bracket) {
        nest--;
        if (nest === 0) break;
      }
      j++;
    }
    if (j >= n) {
      if (i + 1 >= n) throw valueError("Single '{' encountered in format string");
      throw valueError(nest > 1 ? "unmatched '{' in format spec" : "expected '}' before end of string");
    }
    const inner = format.slice(i + 1, j);
    // split field[!conv][:spec]; '!' and ':' inside [] belong to the field
    let k = 0;
    let inBracket = false;
    while (k < inner.length) {
      const d = inner[k];
      if (d === '[') inBracket = true;
      else if (d === ']') inBracket = false;
      else if (!inBracket && (d === '!' || d === ':')) break;
      k++;
    }
    const field = inner.slice(0, k);
    let conversion = '';
    let spec = '';
    if (inner[k] === '!') {
      conversion = inner.slice(k + 1, k + 2);
      if (k + 2 > inner.length) throw valueError('end of string while looking for conversion specifier');
      if (k + 2 < inner.length && inner[k + 2] !== ':') throw valueError('expected \':\' after conversion specifier');
      spec = inner.slice(k + 3);
    } else if (inner[k] === ':') {
      spec = inner.slice(k + 1);
    }
    let value = resolveField(field, st);
    if (conversion === 'r') value = repr(value);
    else if (conversion === 's') value = str(value);
    else if (conversion === 'a') value = ascii(value);
    else if (conversion !== '') throw valueError(`Unknown conversion specifier ${conversion}`);
    if (spec.includes('{')) spec = render(spec, st, depth + 1);
    out.push(formatValue(value, spec));
    i = j + 1;
    literalStart = i;
  }
  out.push(format.slice(literalStart));
  return out.join('');
}

/** format.format(*args, **kwargs) */
export function strFormat(format: string, args: readonly PyValue[], kwargs: Kwargs): string {
  return render(
    format,
    {
      positional: args,
      named: (name) => {
        const v = kwargs.get(name);
        if (v === undefined) throw new PyException('KeyError', repr(name));
        return v;
      },
      auto: -2,
    },
    0,
  );
}

/** format.format_map(mapping) */
export function strFormatMap(format: string, mapping: PyValue): string {
  return render(
    format,
    {
      positional: [],
      named: (name) => getItem(mapping, name),
      auto: -2,
    },
    0,
  );
}
