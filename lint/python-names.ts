// The global names a Python expression reads (names bound by its own
// comprehensions and lambdas excluded), each with its offset: what a
// section condition needs from the globals zc.buildout gives it.
import type { Comprehension, Expr } from '../python/index.ts';

export interface NameUse {
  name: string;
  pos: number;
}

export function freeNames(e: Expr): NameUse[] {
  const out: NameUse[] = [];
  walk(e, new Set(), out);
  return out;
}

function targets(t: Expr, into: Set<string>): void {
  if (t.kind === 'Name') into.add(t.id);
  else if (t.kind === 'Tuple' || t.kind === 'List') for (const x of t.elts) targets(x, into);
  else if (t.kind === 'Starred') targets(t.value, into);
}

function comprehension(gens: Comprehension[], bound: Set<string>, out: NameUse[], body: (b: Set<string>) => void): void {
  const inner = new Set(bound);
  gens.forEach((g, i) => {
    // the first iterable is evaluated in the enclosing scope
    walk(g.iter, i === 0 ? bound : inner, out);
    targets(g.target, inner);
    for (const c of g.ifs) walk(c, inner, out);
  });
  body(inner);
}

function walk(e: Expr | null, bound: Set<string>, out: NameUse[]): void {
  if (!e) return;
  switch (e.kind) {
    case 'Constant':
      return;
    case 'Name':
      if (!bound.has(e.id)) out.push({ name: e.id, pos: e.pos });
      return;
    case 'Attribute':
      return walk(e.value, bound, out);
    case 'Subscript':
      walk(e.value, bound, out);
      return walk(e.index, bound, out);
    case 'Slice':
      walk(e.lower, bound, out);
      walk(e.upper, bound, out);
      return walk(e.step, bound, out);
    case 'Call':
      walk(e.func, bound, out);
      for (const a of e.args) walk(a, bound, out);
      for (const k of e.keywords) walk(k.value, bound, out);
      return;
    case 'Starred':
      return walk(e.value, bound, out);
    case 'UnaryOp':
      return walk(e.operand, bound, out);
    case 'BinOp':
      walk(e.left, bound, out);
      return walk(e.right, bound, out);
    case 'BoolOp':
      for (const v of e.values) walk(v, bound, out);
      return;
    case 'Compare':
      walk(e.left, bound, out);
      for (const c of e.comparators) walk(c, bound, out);
      return;
    case 'IfExp':
      walk(e.test, bound, out);
      walk(e.body, bound, out);
      return walk(e.orelse, bound, out);
    case 'Tuple':
    case 'List':
    case 'Set':
      for (const x of e.elts) walk(x, bound, out);
      return;
    case 'Dict':
      for (const k of e.keys) walk(k, bound, out);
      for (const v of e.values) walk(v, bound, out);
      return;
    case 'ListComp':
    case 'SetComp':
    case 'GeneratorExp':
      return comprehension(e.generators, bound, out, (b) => walk(e.elt, b, out));
    case 'DictComp':
      return comprehension(e.generators, bound, out, (b) => {
        walk(e.key, b, out);
        walk(e.value, b, out);
      });
    case 'Lambda': {
      const inner = new Set(bound);
      for (const p of e.params) {
        walk(p.default, bound, out);
        inner.add(p.name);
      }
      return walk(e.body, inner, out);
    }
    case 'NamedExpr':
      walk(e.value, bound, out);
      bound.add(e.target);
      return;
  }
}

/** The names of Python 3's builtins module (what `eval` gives an expression). */
export const PYTHON_BUILTIN_NAMES: ReadonlySet<string> = new Set(
  (
    'ArithmeticError AssertionError AttributeError BaseException BaseExceptionGroup BlockingIOError BrokenPipeError BufferError ' +
    'BytesWarning ChildProcessError ConnectionAbortedError ConnectionError ConnectionRefusedError ConnectionResetError ' +
    'DeprecationWarning EOFError Ellipsis EncodingWarning EnvironmentError Exception ExceptionGroup False FileExistsError ' +
    'FileNotFoundError FloatingPointError FutureWarning GeneratorExit IOError ImportError ImportWarning IndentationError ' +
    'IndexError InterruptedError IsADirectoryError KeyError KeyboardInterrupt LookupError MemoryError ModuleNotFoundError ' +
    'NameError None NotADirectoryError NotImplemented NotImplementedError OSError OverflowError PendingDeprecationWarning ' +
    'PermissionError ProcessLookupError RecursionError ReferenceError ResourceWarning RuntimeError RuntimeWarning ' +
    'StopAsyncIteration StopIteration SyntaxError SyntaxWarning SystemError SystemExit TabError TimeoutError True TypeError ' +
    'UnboundLocalError UnicodeDecodeError UnicodeEncodeError UnicodeError UnicodeTranslateError UnicodeWarning UserWarning ' +
    'ValueError Warning ZeroDivisionError __build_class__ __debug__ __doc__ __import__ __loader__ __name__ __package__ ' +
    '__spec__ abs aiter all anext any ascii bin bool breakpoint bytearray bytes callable chr classmethod compile complex ' +
    'copyright credits delattr dict dir divmod enumerate eval exec exit filter float format frozenset getattr globals ' +
    'hasattr hash help hex id input int isinstance issubclass iter len license list locals map max memoryview min next ' +
    'object oct open ord pow print property quit range repr reversed round set setattr slice sorted staticmethod str sum ' +
    'super tuple type vars zip'
  ).split(' '),
);
