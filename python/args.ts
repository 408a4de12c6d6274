// Binding call arguments to parameters for functions written in
// TypeScript, with the TypeError messages CPython's builtins give.

import { typeError } from './exceptions.ts';
import { PyObject, asStr, typeName, type Kwargs, type PyValue } from './value.ts';

export interface Signature {
  /** Name used in messages, e.g. 'split' or 'list.append'. */
  name: string;
  /** Parameter names, positional-or-keyword unless `positionalOnly`. */
  params: readonly string[];
  /** How many leading parameters are required. */
  required?: number;
  /** Parameters accepted only as keywords. */
  keywordOnly?: readonly string[];
  /** No keyword arguments at all (most methods of str and list). */
  positionalOnly?: boolean;
  /**
   * Argument Clinic wording for a wrong count ("insert expected 2
   * arguments, got 1") instead of "f() takes exactly 2 arguments (1 given)".
   */
  clinic?: boolean;
  /**
   * Argument Clinic wording for a missing argument of a function that also
   * takes keywords: "round() missing required argument 'number' (pos 1)".
   */
  clinicMissing?: boolean;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/**
 * Returns the arguments by parameter position (params first, then
 * keywordOnly); missing optional ones are `undefined`.
 */
export function bind(sig: Signature, args: readonly PyValue[], kwargs: Kwargs): (PyValue | undefined)[] {
  const { name, params } = sig;
  const required = sig.required ?? params.length;
  const kwOnly = sig.keywordOnly ?? [];
  if (sig.clinic && (args.length > params.length || args.length < required)) {
    const bound = args.length > params.length ? params.length : required;
    const qualifier = required === params.length ? '' : args.length > params.length ? 'at most ' : 'at least ';
    throw typeError(`${name} expected ${qualifier}${plural(bound, 'argument')}, got ${args.length}`);
  }
  if (args.length > params.length) {
    if (params.length === 1 && required === 1) {
      throw typeError(`${name}() takes exactly one argument (${args.length} given)`);
    }
    if (params.length === 0) throw typeError(`${name}() takes no arguments (${args.length} given)`);
    throw typeError(
      required === params.length
        ? `${name}() takes exactly ${plural(params.length, 'argument')} (${args.length} given)`
        : `${name}() takes at most ${plural(params.length, 'argument')} (${args.length} given)`,
    );
  }
  const out: (PyValue | undefined)[] = new Array(params.length + kwOnly.length).fill(undefined);
  for (let i = 0; i < args.length; i++) out[i] = args[i];
  if (kwargs.size > 0) {
    if (sig.positionalOnly && kwOnly.length === 0) throw typeError(`${name}() takes no keyword arguments`);
    for (const [k, v] of kwargs) {
      let idx = sig.positionalOnly ? -1 : params.indexOf(k);
      if (idx < 0) {
        const kw = kwOnly.indexOf(k);
        if (kw < 0) throw typeError(`${name}() got an unexpected keyword argument '${k}'`);
        idx = params.length + kw;
      } else if (idx < args.length) {
        throw typeError(`argument for ${name}() given by name ('${k}') and position (${idx + 1})`);
      }
      out[idx] = v;
    }
  }
  for (let i = 0; i < required; i++) {
    if (out[i] === undefined && sig.clinicMissing) {
      throw typeError(`${name}() missing required argument '${params[i]}' (pos ${i + 1})`);
    }
    if (out[i] === undefined) {
      if (params.length === 1) throw typeError(`${name}() takes exactly one argument (0 given)`);
      throw typeError(
        required === params.length
          ? `${name}() takes exactly ${plural(required, 'argument')} (${args.length} given)`
          : `${name}() takes at least ${plural(required, 'argument')} (${args.length} given)`,
      );
    }
  }
  return out;
}

/** Checks that a call has no arguments. */
export function noArgs(name: string, args: readonly PyValue[], kwargs: Kwargs): void {
  if (kwargs.size > 0) throw typeError(`${name}() takes no keyword arguments`);
  if (args.length > 0) throw typeError(`${name}() takes no arguments (${args.length} given)`);
}

/** An int argument (int or bool), or a TypeError naming the actual type. */
export function intArg(v: PyValue, what = ''): bigint {
  if (typeof v === 'bigint') return v;
  if (typeof v === 'boolean') return v ? 1n : 0n;
  if (v instanceof PyObject) {
    const index = v.pyGetAttr('__index__');
    if (index instanceof PyObject && index.pyCall) {
      const r = index.pyCall([], new Map());
      if (typeof r === 'bigint') return r;
    }
  }
  throw typeError(`${what}'${typeName(v)}' object cannot be interpreted as an integer`);
}

/** A str argument, or a TypeError in CPython's words. */
export function strArg(v: PyValue, message: (t: string) => string): string {
  const s = asStr(v);
  if (s === undefined) throw typeError(message(typeName(v)));
  return s;
}
