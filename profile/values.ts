// The value a consumer (a recipe, a template context, a saved
// .installed.cfg, the resolve output) receives.
// - In the SlapOS fork `$${` stands for a literal `${` and is unescaped only
//   here, at the end (docs/slapos-fork.md#escaped-references); elsewhere
//   `$$` stays.
// - The fork's typed values (docs/slapos-fork.md#typed-option-values): a
//   value written `!py!EXPR` (or
//   `!py3!EXPR`) is a Python expression evaluated after substitution, with
//   few builtins; a recipe's non-string value is saved as `!py!` + repr.
import { evaluatePyBang, PyException, repr, type PyValue } from '../python/index.ts';
import type { Semantics } from './semantics.ts';

export function consumerValue(semantics: Semantics, value: string): string {
  return semantics.unescapeDollar && value.includes('$${') ? value.replaceAll('$${', '${') : value;
}

const TYPED = /^!py\d*!([\s\S]*)$/;

export function isTypedText(value: string): boolean {
  return TYPED.test(value);
}

/** Evaluates a `!py!` expression in Python (the Python bridge), for what python/ does not implement. */
export type PyBangFallback = (expression: string) => PyValue;

/**
 * The value as a recipe of the SlapOS fork gets it: a string, or the object
 * a `!py!` value stands for. An expression using what python/ does not
 * implement (an f-string, a `\N{…}` escape) goes to `fallback` when given.
 */
export function typedValue(semantics: Semantics, value: string, fallback?: PyBangFallback): PyValue {
  const text = consumerValue(semantics, value);
  if (!semantics.typedValues) return text;
  const m = TYPED.exec(text);
  if (!m) return text;
  try {
    return evaluatePyBang(m[1]!);
  } catch (e) {
    if (fallback && isUnsupported(e)) return fallback(m[1]!);
    if (e instanceof PyException) throw new TypedValueError(`${e.pyType}: ${e.message}`);
    throw e;
  }
}

/** An error of python/ for a Python feature it lacks (not an error Python would raise). */
export function isUnsupported(e: unknown): boolean {
  return (e instanceof PyException && e.pyType === 'SyntaxError' && / not supported$/.test(e.message)) || !(e instanceof PyException);
}

export class TypedValueError extends Error {}

/**
 * The fork's `zc.buildout.buildout.dumps` (the `dumps` global of jinja2
 * templates): any value, strings included, as `!py!` + repr with `$` and
 * `;` escaped, so that it reads back as the same object whatever it holds
 * (newlines, `${`, comment characters).
 */
export function dumps(value: PyValue): string {
  return '!py!' + repr(value).replaceAll('$', '\\x24').replaceAll(';', '\\x3b');
}

/** How the fork stores a value a recipe sets (Options.__setitem__): strings as they are, anything else dumped. */
export function storedValue(value: PyValue): string {
  return typeof value === 'string' ? value : dumps(value);
}
