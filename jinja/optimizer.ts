// Jinja2's constant folding (nodes.py as_const and optimizer.py), which is
// observable: constant subexpressions are evaluated while compiling, where
// `[..]` with a slice goes through environment.getitem (so an error becomes
// an Undefined), filter keyword arguments from `**` override instead of
// clashing, and some errors (a strict Undefined tested for truth) surface at
// compile time. Reproducing the folding reproduces those effects.

import { asStr, binaryOp, compareValues, PyDict, PyFrozenSet, PyList, PyObject, PyRange, PySet, PySlice, PyTuple, str, toArray, truthy, unaryOp, type PyValue } from '../python/index.ts';
import type { CompileEnv } from './compile-env.ts';
import * as n from './nodes.ts';
import type { Context } from './runtime/context.ts';
import { Markup } from './runtime/markup.ts';

/** Jinja2's Impossible: the node cannot be evaluated while compiling. */
export class Impossible extends Error {}

export interface FoldEnv {
  env: CompileEnv;
  /** The compile-time context handed to environment filters (never used by them). */
  ctx: Context;
  autoescape: boolean;
}

/** Whether Jinja2 can write the value back as Python source (has_safe_repr). */
export function hasSafeRepr(v: PyValue): boolean {
  if (v === null || typeof v !== 'object') return true;
  if (v instanceof PyRange || v instanceof Markup) return true;
  // exact types only: a named tuple or another subclass is not safe
  if (v.constructor === PyTuple || v.constructor === PyList || v.constructor === PySet || v.constructor === PyFrozenSet) {
    return toArray(v).every(hasSafeRepr);
  }
  if (v.constructor === PyDict) {
    for (const [k, x] of (v as PyDict).entries()) if (!hasSafeRepr(k) || !hasSafeRepr(x)) return false;
    return true;
  }
  return false;
}

/** Runs f; any exception becomes Impossible (the `try ... except Exception: raise Impossible` of nodes.py). */
function guarded<T>(f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof Impossible) throw e;
    throw new Impossible();
  }
}

/** node.as_const(): the value, Impossible, or the error Jinja2 lets through. */
export function asConst(node: n.Node, f: FoldEnv): PyValue {
  switch (node.type) {
    case 'Const':
      return node.value;
    case 'TemplateData':
      return f.autoescape ? new Markup(node.data) : node.data;
    case 'Tuple':
      return new PyTuple(node.items.map((x) => asConst(x, f)));
    case 'List':
      return new PyList(node.items.map((x) => asConst(x, f)));
    case 'Dict': {
      const d = new PyDict();
      for (const p of node.items) {
        const k = asConst(p.key, f);
        const v = asConst(p.value, f);
        d.set(k, v);
      }
      return d;
    }
    case 'CondExpr':
      if (truthy(asConst(node.test, f))) return asConst(node.expr1, f);
      if (node.expr2 === null) throw new Impossible();
      return asConst(node.expr2, f);
    case 'Filter':
    case 'Test': {
      if (node.type === 'Filter' && node.node === null) throw new Impossible();
      const impl = node.type === 'Filter' ? f.env.filters.get(node.name) : f.env.tests.get(node.name);
      if (!impl || impl.passContext) throw new Impossible();
      const args = node.args.map((x) => asConst(x, f));
      const kwargs = new Map<string, PyValue>();
      for (const k of node.kwargs) kwargs.set(k.key, asConst(k.value, f));
      if (node.dyn_args) {
        const dyn = node.dyn_args;
        guarded(() => args.push(...toArray(asConst(dyn, f))));
      }
      if (node.dyn_kwargs) {
        const dyn = node.dyn_kwargs;
        guarded(() => {
          const d = asConst(dyn, f);
          if (!(d instanceof PyDict)) throw new Impossible();
          for (const [k, v] of d.entries()) {
            const key = asStr(k);
            if (key === undefined) throw new Impossible();
            kwargs.set(key, v);
          }
        });
      }
      const value = asConst(node.node!, f);
      return guarded(() => impl(f.env, f.ctx, f.autoescape, value, args, kwargs));
    }
    case 'Getitem':
      return guarded(() => f.env.getitem(asConst(node.node, f), asConst(node.arg, f)));
    case 'Getattr':
      return guarded(() => f.env.getattr(asConst(node.node, f), node.attr));
    case 'Slice': {
      const c = (x: n.Expr | null) => (x === null ? null : asConst(x, f));
      return new PySlice(c(node.start), c(node.stop), c(node.step));
    }
    case 'Concat':
      return node.nodes.map((x) => str(asConst(x, f))).join('');
    case 'Compare': {
      let value = asConst(node.expr, f);
      return guarded(() => {
        let result = true;
        for (const op of node.ops) {
          const next = asConst(op.expr, f);
          result = compareValues(n.COMPARE_OPERATORS[op.op], value, next);
          if (!result) return false;
          value = next;
        }
        return result;
      });
    }
    case 'And': {
      // short-circuited, and not guarded: a failing truth test is a compile error
      const l = asConst(node.left, f);
      return truthy(l) ? asConst(node.right, f) : l;
    }
    case 'Or': {
      const l = asConst(node.left, f);
      return truthy(l) ? l : asConst(node.right, f);
    }
    case 'Add':
    case 'Sub':
    case 'Mul':
    case 'Div':
    case 'FloorDiv':
    case 'Mod':
    case 'Pow':
      return guarded(() => {
        const l = asConst(node.left, f);
        const r = asConst(node.right, f);
        return binaryOp(n.BINARY_OPERATORS[node.type]!, l, r);
      });
    case 'Not':
    case 'Neg':
    case 'Pos':
      return guarded(() => {
        const v = asConst(node.node, f);
        return node.type === 'Not' ? !truthy(v) : unaryOp(node.type === 'Neg' ? '-' : '+', v);
      });
    default:
      throw new Impossible();
  }
}

const EXPRESSIONS = new Set([
  'Name', 'NSRef', 'Const', 'TemplateData', 'Tuple', 'List', 'Dict', 'CondExpr', 'Filter', 'Test', 'Call', 'Getitem',
  'Getattr', 'Slice', 'Concat', 'Compare', 'Add', 'Sub', 'Mul', 'Div', 'FloorDiv', 'Mod', 'Pow', 'And', 'Or', 'Not',
  'Neg', 'Pos',
]);

/**
 * The optimizer: children first (rewritten in place), then the node itself
 * becomes a Const when it has a constant value Jinja2 can write as source.
 * Errors other than Impossible propagate, as in Jinja2.
 */
export function optimize(node: n.Node, f: FoldEnv): n.Node {
  n.replaceChildren(node, (child) => optimize(child, f));
  if (!EXPRESSIONS.has(node.type) || node.type === 'Const') return node;
  try {
    const value = asConst(node, f);
    if (!hasSafeRepr(value)) return node;
    return { type: 'Const', value, lineno: node.lineno };
  } catch (e) {
    if (e instanceof Impossible) return node;
    throw e;
  }
}

/** A fresh copy of a folded constant (Jinja2 writes it as source, evaluated anew each time). */
export function freshCopy(v: PyValue): PyValue {
  if (!(v instanceof PyObject)) return v;
  if (v instanceof PyList) return new PyList(v.items.map(freshCopy));
  if (v instanceof PyTuple && v.constructor === PyTuple) return new PyTuple(v.items.map(freshCopy));
  if (v instanceof PyDict) return new PyDict([...v.entries()].map(([k, x]) => [k, freshCopy(x)] as [PyValue, PyValue]));
  if (v instanceof PySet) return new PySet(v.values());
  return v;
}

/**
 * The name a float constant turns into when Jinja2 writes it as source:
 * `inf` and `nan` are not Python literals, so running that code raises
 * NameError. Null when the value has no such float.
 */
export function nonFiniteName(v: PyValue): string | null {
  if (typeof v === 'number') return Number.isFinite(v) ? null : Number.isNaN(v) ? 'nan' : 'inf';
  if (v instanceof PyList || v instanceof PyTuple || v instanceof PySet || v instanceof PyFrozenSet) {
    for (const x of v instanceof PyList || v instanceof PyTuple ? v.items : [...v.values()]) {
      const name = nonFiniteName(x);
      if (name) return name;
    }
  } else if (v instanceof PyDict) {
    for (const [k, x] of v.entries()) {
      const name = nonFiniteName(k) ?? nonFiniteName(x);
      if (name) return name;
    }
  }
  return null;
}
