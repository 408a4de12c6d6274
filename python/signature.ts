// Binding call arguments to the parameters of a function written in
// Python (a lambda, a Jinja2 filter such as do_center), with the
// TypeError messages CPython gives for such functions:
//   f() takes from 1 to 2 positional arguments but 3 were given
//   f() missing 1 required positional argument: 'x'
//   f() got an unexpected keyword argument 'y'
//   f() got multiple values for argument 'x'

import { typeError } from './exceptions.ts';
import { PyDict, PyTuple, type Kwargs, type PyValue } from './value.ts';

export interface PyParameter {
  name: string;
  /** Whether the parameter has a default value (it may then be left unbound). */
  optional?: boolean;
  kind?: 'positional' | 'varargs' | 'keyword-only' | 'kwargs';
}

/** Bound arguments by parameter name; unbound optional parameters are absent. */
export type BoundArguments = Map<string, PyValue>;

function nameList(names: string[]): string {
  const quoted = names.map((n) => `'${n}'`);
  if (quoted.length === 1) return quoted[0]!;
  if (quoted.length === 2) return `${quoted[0]} and ${quoted[1]}`;
  return quoted.slice(0, -1).join(', ') + ', and ' + quoted.at(-1);
}

interface Shape {
  positional: PyParameter[];
  varargs: PyParameter | undefined;
  kwOnly: PyParameter[];
  varkw: PyParameter | undefined;
}

/** Parameter lists are declared once (filters, lambdas): their shape is computed once. */
const shapes = new WeakMap<readonly PyParameter[], Shape>();

function shapeOf(params: readonly PyParameter[]): Shape {
  let s = shapes.get(params);
  if (!s) {
    s = {
      positional: params.filter((p) => (p.kind ?? 'positional') === 'positional'),
      varargs: params.find((p) => p.kind === 'varargs'),
      kwOnly: params.filter((p) => p.kind === 'keyword-only'),
      varkw: params.find((p) => p.kind === 'kwargs'),
    };
    shapes.set(params, s);
  }
  return s;
}

export function bindPython(name: string, params: readonly PyParameter[], args: readonly PyValue[], kwargs: Kwargs): BoundArguments {
  const { positional, varargs, kwOnly, varkw } = shapeOf(params);
  const bound: BoundArguments = new Map();
  if (args.length <= positional.length && kwargs.size === 0 && !varargs && !varkw && kwOnly.length === 0) {
    // the common call: positional arguments only
    for (let i = 0; i < args.length; i++) bound.set(positional[i]!.name, args[i]!);
    for (let i = args.length; i < positional.length; i++) {
      if (!positional[i]!.optional) return bindSlow(name, positional, varargs, kwOnly, varkw, args, kwargs);
    }
    return bound;
  }
  return bindSlow(name, positional, varargs, kwOnly, varkw, args, kwargs);
}

function bindSlow(
  name: string,
  positional: PyParameter[],
  varargs: PyParameter | undefined,
  kwOnly: PyParameter[],
  varkw: PyParameter | undefined,
  args: readonly PyValue[],
  kwargs: Kwargs,
): BoundArguments {
  const params = [...positional, ...(varargs ? [varargs] : []), ...kwOnly, ...(varkw ? [varkw] : [])];
  const bound: BoundArguments = new Map();
  if (args.length > positional.length && !varargs) {
    const n = positional.length;
    const required = positional.filter((p) => !p.optional).length;
    const takes = required === n ? `${n} positional argument${n === 1 ? '' : 's'}` : `from ${required} to ${n} positional arguments`;
    const kwGiven = [...kwargs.keys()].filter((k) => kwOnly.some((p) => p.name === k)).length;
    const given = kwGiven
      ? `${args.length} positional argument${args.length === 1 ? '' : 's'} (and ${kwGiven} keyword-only argument${kwGiven === 1 ? '' : 's'}) were given`
      : `${args.length} ${args.length === 1 ? 'was' : 'were'} given`;
    throw typeError(`${name}() takes ${takes} but ${given}`);
  }
  positional.forEach((p, i) => {
    if (i < args.length) bound.set(p.name, args[i]!);
  });
  if (varargs) bound.set(varargs.name, new PyTuple(args.slice(positional.length)));
  const extra = new PyDict();
  for (const [k, v] of kwargs) {
    const p = params.find((q) => q.name === k && ((q.kind ?? 'positional') === 'positional' || q.kind === 'keyword-only'));
    if (p) {
      if (bound.has(k)) throw typeError(`${name}() got multiple values for argument '${k}'`);
      bound.set(k, v);
    } else if (varkw) extra.set(k, v);
    else throw typeError(`${name}() got an unexpected keyword argument '${k}'`);
  }
  if (varkw) bound.set(varkw.name, extra);
  const missing = positional.filter((p) => !p.optional && !bound.has(p.name)).map((p) => p.name);
  if (missing.length) {
    throw typeError(`${name}() missing ${missing.length} required positional argument${missing.length === 1 ? '' : 's'}: ${nameList(missing)}`);
  }
  const missingKw = kwOnly.filter((p) => !p.optional && !bound.has(p.name)).map((p) => p.name);
  if (missingKw.length) {
    throw typeError(`${name}() missing ${missingKw.length} required keyword-only argument${missingKw.length === 1 ? '' : 's'}: ${nameList(missingKw)}`);
  }
  return bound;
}
