// Python literals: ast.literal_eval, plus the restricted call forms that
// the SlapOS buildout fork writes for typed option values (`!py!` values):
// set(), frozenset([...]), dict(...), list(...), tuple(...), str(...),
// bytearray(...). And evaluatePyBang(): the fork's eval of a `!py!` value,
// an expression whose only builtins are those constructors.

import { builtins } from './builtins.ts';
import { callValue } from './call.ts';
import { PyException, valueError } from './exceptions.ts';
import type { Expr } from './expr/ast.ts';
import { Evaluator, Scope, addKeywords } from './expr/evaluate.ts';
import { parseExpression } from './expr/parser.ts';
import { unaryOp } from './ops.ts';
import { makeSet } from './set-ops.ts';
import { PyDict, PyList, PyTuple, type PyValue } from './value.ts';

/** Constructors a `!py!` value may call. */
export const PY_BANG_CALLS = ['bytearray', 'complex', 'frozenset', 'set', 'dict', 'list', 'str', 'tuple'] as const;

const LITERAL_CALLS = new Set<string>(PY_BANG_CALLS.filter((n) => n !== 'complex'));

function lineOf(source: string, node: Expr): number {
  let line = 1;
  for (let i = 0; i < node.pos; i++) if (source.charCodeAt(i) === 10) line++;
  return line;
}

/** ast.literal_eval's error: names the offending node (None for a `**` key). */
function malformed(source: string, node: Expr | null): PyException {
  if (node === null) return valueError('malformed node or string: None');
  return valueError(`malformed node or string on line ${lineOf(source, node)}: <ast.${node.kind} object at 0x7f0000000000>`);
}

/** Evaluates a literal tree the way ast.literal_eval walks it. */
class LiteralWalker {
  constructor(
    private readonly source: string,
    /** Whether the constructor calls of `!py!` values are accepted. */
    private readonly calls: boolean,
  ) {}

  convert(node: Expr | null): PyValue {
    if (node === null) throw malformed(this.source, null);
    switch (node.kind) {
      case 'Constant':
        return node.value;
      case 'Tuple':
        return new PyTuple(node.elts.map((e) => this.convert(e)));
      case 'List':
        return new PyList(node.elts.map((e) => this.convert(e)));
      case 'Set':
        return makeSet(false, new PyTuple(node.elts.map((e) => this.convert(e))));
      case 'Dict': {
        const d = new PyDict();
        node.keys.forEach((k, i) => {
          const key = this.convert(k);
          d.set(key, this.convert(node.values[i]!));
        });
        return d;
      }
      case 'Call':
        if (node.func.kind === 'Name' && node.func.id === 'set' && node.args.length === 0 && node.keywords.length === 0) {
          return makeSet(false);
        }
        if (this.calls && node.func.kind === 'Name' && LITERAL_CALLS.has(node.func.id)) return this.call(node.func.id, node);
        break;
      case 'BinOp':
        // only `real ± imaginary` is a literal; both sides are checked first
        if (node.op === '+' || node.op === '-') {
          this.signedNumber(node.left);
          this.number(node.right);
        }
        break;
    }
    return this.signedNumber(node);
  }

  private call(name: string, node: Extract<Expr, { kind: 'Call' }>): PyValue {
    const args = node.args.map((a) => {
      if (a.kind === 'Starred') throw malformed(this.source, a);
      return this.convert(a);
    });
    const kwargs = new Map<string, PyValue>();
    for (const k of node.keywords) {
      if (k.name === null) addKeywords(kwargs, this.convert(k.value), `${name}()`);
      else kwargs.set(k.name, this.convert(k.value));
    }
    return callValue(builtins.get(name)!, args, kwargs);
  }

  private signedNumber(node: Expr): PyValue {
    if (node.kind === 'UnaryOp' && (node.op === '-' || node.op === '+')) {
      return unaryOp(node.op, this.number(node.operand));
    }
    return this.number(node);
  }

  private number(node: Expr): PyValue {
    if (node.kind === 'Constant' && (typeof node.value === 'bigint' || typeof node.value === 'number')) return node.value;
    throw malformed(this.source, node);
  }
}

/**
 * ast.literal_eval(text), extended with calls to the constructors above
 * (`calls: false` gives literal_eval exactly, which accepts only `set()`).
 * Raises PySyntaxError for invalid syntax and ValueError for a valid
 * expression that is not a literal.
 */
export function parseLiteral(text: string, options: { calls?: boolean } = {}): PyValue {
  // literal_eval strips leading spaces and tabs
  const source = text.replace(/^[ \t]+/, '');
  return new LiteralWalker(source, options.calls ?? true).convert(parseExpression(source));
}

const pyBangBuiltins = new Map<string, PyValue>(
  PY_BANG_CALLS.filter((n) => builtins.has(n)).map((n) => [n, builtins.get(n)!]),
);

/** The SlapOS fork's eval of a `!py!` value: operators and subscripts allowed, few builtins. */
export function evaluatePyBang(text: string): PyValue {
  return new Evaluator(new Map(), { builtins: pyBangBuiltins }).evaluate(parseExpression(text), new Scope(null));
}
