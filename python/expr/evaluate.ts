// Evaluates a parsed Python expression against a namespace given by the
// caller, with Python's semantics: `and`/`or` return an operand,
// comparisons chain, comprehensions have their own scope, generator
// expressions are lazy, names fall back to the builtins.

import { getAttr } from '../attributes.ts';
import { builtins as defaultBuiltins } from '../builtins.ts';
import { callValue } from '../call.ts';
import { pyCompare, pyEq, pyIs, truthy } from '../compare.ts';
import { PyException, PySyntaxError, asRecursionError, typeError, valueError } from '../exceptions.ts';
import { iterate, pyContains, pyIter, toArray } from '../iter.ts';
import { makeSet, updateSet } from '../set-ops.ts';
import { getItem, setItem } from '../subscript.ts';
import { setAttr } from '../attributes.ts';
import { binaryOp, unaryOp } from '../ops.ts';
import {
  PyDict,
  PyFunction,
  PyIterator,
  PyList,
  PyObject,
  PySet,
  PySlice,
  PyTuple,
  asStr,
  typeName,
  type PyValue,
} from '../value.ts';
import type { CompareOperator, Comprehension, Expr, Parameter } from './ast.ts';
import { bindPython } from '../signature.ts';
import { parseExpression } from './parser.ts';

/** Where names come from: a Map, or a function returning undefined for unknown names. */
export type Namespace = ReadonlyMap<string, PyValue> | ((name: string) => PyValue | undefined);

export interface EvaluateOptions {
  /** The builtins visible to the expression; `false` for none. Default: all of builtins.ts. */
  builtins?: ReadonlyMap<string, PyValue> | false;
}

export class Scope {
  readonly vars = new Map<string, PyValue>();
  constructor(readonly parent: Scope | null) {}
}

function lookupNamespace(ns: Namespace, name: string): PyValue | undefined {
  return typeof ns === 'function' ? ns(name) : ns.get(name);
}

export function compareValues(op: CompareOperator, a: PyValue, b: PyValue): boolean {
  switch (op) {
    case '==':
      return pyEq(a, b);
    case '!=':
      return !pyEq(a, b);
    case 'in':
      return pyContains(b, a);
    case 'not in':
      return !pyContains(b, a);
    case 'is':
      return pyIs(a, b);
    case 'is not':
      return !pyIs(a, b);
    default:
      return pyCompare(op, a, b);
  }
}

/** Collects the keyword arguments of a call, unpacking `**mapping`. */
export function addKeywords(kwargs: Map<string, PyValue>, mapping: PyValue, fname: string): void {
  let entries: Iterable<[PyValue, PyValue]>;
  if (mapping instanceof PyDict) entries = mapping.entries();
  else if (mapping instanceof PyObject && getAttrSafe(mapping, 'keys') !== undefined) {
    const keys = toArray(callValue(getAttr(mapping, 'keys'), []));
    entries = keys.map((k): [PyValue, PyValue] => [k, getItem(mapping, k)]);
  } else {
    throw typeError(`${fname} argument after ** must be a mapping, not ${typeName(mapping)}`);
  }
  for (const [k, v] of entries) {
    const name = asStr(k);
    if (name === undefined) throw typeError('keywords must be strings');
    if (kwargs.has(name)) throw typeError(`${fname} got multiple values for keyword argument '${name}'`);
    kwargs.set(name, v);
  }
}

/** getattr(v, name) or undefined on AttributeError; other errors propagate. */
function getAttrSafe(v: PyValue, name: string): PyValue | undefined {
  try {
    return getAttr(v, name);
  } catch (e) {
    if (e instanceof PyException && e.isInstance('AttributeError')) return undefined;
    throw e;
  }
}

/** The name used in call error messages: `f()`. */
export function callName(f: PyValue): string {
  if (f instanceof PyFunction) return `${f.name}()`;
  if (f instanceof PyObject) {
    const n = f.pyGetAttr('__name__');
    if (typeof n === 'string') return `${n}()`;
  }
  return `${typeName(f)}()`;
}

export class Evaluator {
  private readonly builtins: ReadonlyMap<string, PyValue> | false;
  constructor(
    private readonly namespace: Namespace,
    options: EvaluateOptions = {},
  ) {
    this.builtins = options.builtins ?? defaultBuiltins;
  }

  private lookup(name: string, scope: Scope | null): PyValue {
    for (let s = scope; s; s = s.parent) {
      const v = s.vars.get(name);
      if (v !== undefined) return v;
    }
    const v = lookupNamespace(this.namespace, name);
    if (v !== undefined) return v;
    const b = this.builtins ? this.builtins.get(name) : undefined;
    if (b !== undefined) return b;
    throw new PyException('NameError', `name '${name}' is not defined`);
  }

  evaluate(e: Expr, scope: Scope | null = null): PyValue {
    switch (e.kind) {
      case 'Constant':
        return e.value;
      case 'Name':
        return this.lookup(e.id, scope);
      case 'Attribute':
        return getAttr(this.evaluate(e.value, scope), e.attr);
      case 'Subscript':
        return getItem(this.evaluate(e.value, scope), this.evaluate(e.index, scope));
      case 'Slice':
        return new PySlice(
          e.lower ? this.evaluate(e.lower, scope) : null,
          e.upper ? this.evaluate(e.upper, scope) : null,
          e.step ? this.evaluate(e.step, scope) : null,
        );
      case 'Call':
        return this.call(e, scope);
      case 'Starred':
        throw valueError("can't use starred expression here");
      case 'UnaryOp': {
        const v = this.evaluate(e.operand, scope);
        return e.op === 'not' ? !truthy(v) : unaryOp(e.op, v);
      }
      case 'BinOp':
        return binaryOp(e.op, this.evaluate(e.left, scope), this.evaluate(e.right, scope));
      case 'BoolOp': {
        let v: PyValue = null;
        for (const x of e.values) {
          v = this.evaluate(x, scope);
          if (e.op === 'and' ? !truthy(v) : truthy(v)) return v;
        }
        return v;
      }
      case 'Compare': {
        let left = this.evaluate(e.left, scope);
        for (let i = 0; i < e.ops.length; i++) {
          const right = this.evaluate(e.comparators[i]!, scope);
          if (!compareValues(e.ops[i]!, left, right)) return false;
          left = right;
        }
        return true;
      }
      case 'IfExp':
        return truthy(this.evaluate(e.test, scope)) ? this.evaluate(e.body, scope) : this.evaluate(e.orelse, scope);
      case 'Tuple':
        return new PyTuple(this.elements(e.elts, scope));
      case 'List':
        return new PyList(this.elements(e.elts, scope));
      case 'Set': {
        // CPython folds three or more constants into a frozenset constant,
        // which its compiler rebuilds once more (merging constants) from
        // the first one's order, then updates an empty set with it
        if (e.elts.length > 2 && e.elts.every((x) => x.kind === 'Constant')) {
          const folded = makeSet(true, new PyTuple(this.elements(e.elts, scope)));
          const s = new PySet();
          updateSet(s, makeSet(true, new PyTuple(toArray(folded))));
          return s;
        }
        return makeSet(false, new PyList(this.elements(e.elts, scope)));
      }
      case 'Dict': {
        const d = new PyDict();
        for (let i = 0; i < e.keys.length; i++) {
          const k = e.keys[i];
          const v = this.evaluate(e.values[i]!, scope);
          if (k === null) {
            if (!(v instanceof PyDict)) {
              if (v instanceof PyObject && getAttrSafe(v, 'keys') !== undefined) {
                for (const key of toArray(callValue(getAttr(v, 'keys'), []))) d.set(key, getItem(v, key));
                continue;
              }
              throw typeError(`'${typeName(v)}' object is not a mapping`);
            }
            for (const [kk, vv] of v.entries()) d.set(kk, vv);
          } else d.set(this.evaluate(k, scope), v);
        }
        return d;
      }
      case 'ListComp': {
        const out: PyValue[] = [];
        this.comprehend(e.generators, scope, (s) => void out.push(this.evaluate(e.elt, s)));
        return new PyList(out);
      }
      case 'SetComp': {
        const out = new PySet();
        this.comprehend(e.generators, scope, (s) => out.add(this.evaluate(e.elt, s)));
        return out;
      }
      case 'DictComp': {
        const out = new PyDict();
        this.comprehend(e.generators, scope, (s) => {
          const k = this.evaluate(e.key, s);
          out.set(k, this.evaluate(e.value, s));
        });
        return out;
      }
      case 'GeneratorExp':
        return new PyIterator(this.generate(e.elt, e.generators, scope), 'generator');
      case 'Lambda':
        return this.lambda(e.params, e.body, scope);
      case 'NamedExpr': {
        const v = this.evaluate(e.value, scope);
        (scope ?? new Scope(null)).vars.set(e.target, v);
        return v;
      }
    }
  }

  private elements(elts: Expr[], scope: Scope | null): PyValue[] {
    const out: PyValue[] = [];
    for (const x of elts) {
      if (x.kind === 'Starred') out.push(...toArray(this.evaluate(x.value, scope)));
      else out.push(this.evaluate(x, scope));
    }
    return out;
  }

  private call(e: Extract<Expr, { kind: 'Call' }>, scope: Scope | null): PyValue {
    const f = this.evaluate(e.func, scope);
    const args: PyValue[] = [];
    for (const a of e.args) {
      if (a.kind === 'Starred') {
        const v = this.evaluate(a.value, scope);
        try {
          args.push(...toArray(v));
        } catch (err) {
          if (err instanceof PyException && err.pyType === 'TypeError' && err.message.endsWith('is not iterable')) {
            throw typeError(`${callName(f)} argument after * must be an iterable, not ${typeName(v)}`);
          }
          throw err;
        }
      } else args.push(this.evaluate(a, scope));
    }
    const kwargs = new Map<string, PyValue>();
    for (const k of e.keywords) {
      const v = this.evaluate(k.value, scope);
      if (k.name === null) addKeywords(kwargs, v, callName(f));
      else {
        if (kwargs.has(k.name)) throw typeError(`${callName(f)} got multiple values for keyword argument '${k.name}'`);
        kwargs.set(k.name, v);
      }
    }
    return callValue(f, args, kwargs);
  }

  /** Binds a for-target (a name or nested tuples) to a value. */
  assign(target: Expr, value: PyValue, scope: Scope): void {
    switch (target.kind) {
      case 'Name':
        scope.vars.set(target.id, value);
        return;
      case 'Attribute':
        setAttr(this.evaluate(target.value, scope), target.attr, value);
        return;
      case 'Subscript':
        setItem(this.evaluate(target.value, scope), this.evaluate(target.index, scope), value);
        return;
      case 'Tuple':
      case 'List': {
        const items = unpack(value, target.elts);
        target.elts.forEach((t, i) => this.assign(t.kind === 'Starred' ? t.value : t, items[i]!, scope));
        return;
      }
      default:
        throw typeError('cannot assign');
    }
  }

  private comprehend(gens: Comprehension[], outer: Scope | null, body: (s: Scope) => void): void {
    const scope = new Scope(outer);
    const loop = (k: number, iterable: PyValue): void => {
      const g = gens[k]!;
      for (const v of iterate(iterable)) {
        this.assign(g.target, v, scope);
        if (!g.ifs.every((c) => truthy(this.evaluate(c, scope)))) continue;
        if (k + 1 < gens.length) loop(k + 1, this.evaluate(gens[k + 1]!.iter, scope));
        else body(scope);
      }
    };
    // the first iterable is evaluated in the enclosing scope
    loop(0, this.evaluate(gens[0]!.iter, outer));
  }

  private *generate(elt: Expr, gens: Comprehension[], outer: Scope | null): Generator<PyValue> {
    const scope = new Scope(outer);
    const first = pyIter(this.evaluate(gens[0]!.iter, outer));
    const self = this;
    function* loop(k: number, it: Iterator<PyValue>): Generator<PyValue> {
      const g = gens[k]!;
      for (let r = it.next(); !r.done; r = it.next()) {
        self.assign(g.target, r.value, scope);
        if (!g.ifs.every((c) => truthy(self.evaluate(c, scope)))) continue;
        if (k + 1 < gens.length) yield* loop(k + 1, pyIter(self.evaluate(gens[k + 1]!.iter, scope)));
        else yield self.evaluate(elt, scope);
      }
    }
    yield* loop(0, first);
  }

  private lambda(params: Parameter[], body: Expr, outer: Scope | null): PyFunction {
    const defaults = new Map<string, PyValue>();
    for (const p of params) if (p.default) defaults.set(p.name, this.evaluate(p.default, outer));
    return new PyFunction('<lambda>', (args, kwargs) => {
      const scope = new Scope(outer);
      const bound = bindPython('<lambda>', params.map((p) => ({ name: p.name, kind: p.kind, optional: p.default !== null })), args, kwargs);
      for (const p of params) scope.vars.set(p.name, bound.get(p.name) ?? defaults.get(p.name)!);
      return this.evaluate(body, scope);
    }, 'function');
  }
}

/** Unpacks a value into `targets.length` items (one of them may be starred). */
export function unpack(value: PyValue, targets: readonly { kind: string }[]): PyValue[] {
  let items: PyValue[];
  try {
    items = toArray(value);
  } catch (err) {
    if (err instanceof PyException && err.pyType === 'TypeError') {
      throw typeError(`cannot unpack non-iterable ${typeName(value)} object`);
    }
    throw err;
  }
  const star = targets.findIndex((t) => t.kind === 'Starred');
  const n = targets.length;
  if (star < 0) {
    if (items.length > n) throw valueError(`too many values to unpack (expected ${n})`);
    if (items.length < n) throw valueError(`not enough values to unpack (expected ${n}, got ${items.length})`);
    return items;
  }
  if (items.length < n - 1) {
    throw valueError(`not enough values to unpack (expected at least ${n - 1}, got ${items.length})`);
  }
  const after = n - star - 1;
  return [
    ...items.slice(0, star),
    new PyList(items.slice(star, items.length - after)),
    ...items.slice(items.length - after),
  ];
}

/** A parsed expression, to evaluate many times. */
export interface CompiledExpression {
  readonly source: string;
  readonly tree: Expr;
  evaluate(namespace?: Namespace, options?: EvaluateOptions): PyValue;
}

const EMPTY: Namespace = new Map();

export function compileExpression(source: string): CompiledExpression {
  const tree = parseExpression(source);
  return {
    source,
    tree,
    evaluate: (namespace = EMPTY, options = {}) => {
      try {
        return new Evaluator(namespace, options).evaluate(tree, new Scope(null));
      } catch (e) {
        throw asRecursionError(e);
      }
    },
  };
}

/** Evaluates Python expression text against a namespace (then the builtins). */
export function evaluateExpression(source: string, namespace: Namespace = EMPTY, options: EvaluateOptions = {}): PyValue {
  return compileExpression(source).evaluate(namespace, options);
}

/**
 * Evaluates `[text]` and returns its first element, as buildout does with a
 * section condition `[name: EXPR]`: `a, b` gives a; a comprehension gives
 * its first item; an empty list raises IndexError. Syntax error columns
 * refer to `text`.
 */
export function evaluateListDisplayFirst(text: string, namespace: Namespace = EMPTY, options: EvaluateOptions = {}): PyValue {
  let tree: Expr;
  try {
    tree = parseExpression('[' + text + ']');
  } catch (e) {
    if (e instanceof PySyntaxError) {
      throw new PySyntaxError(e.message, text, Math.max(0, e.line === 1 ? e.column - 1 : e.column), e.line);
    }
    throw e;
  }
  const list = new Evaluator(namespace, options).evaluate(tree, new Scope(null));
  return getItem(list, 0n);
}
