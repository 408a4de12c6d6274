// A recursive-descent parser for Python 3.11 expressions (the `eval`
// input mode): lambda, conditional expressions, boolean operators,
// comparison chains, the arithmetic and bitwise precedence ladder, unary
// operators, `**`, calls with * and ** arguments, subscripts and slices,
// displays, comprehensions and adjacent string literal concatenation.

import { PyBytes } from '../value.ts';
import type { BinaryOperator } from '../ops.ts';
import type { CompareOperator, Comprehension, Expr, Keyword, Parameter } from './ast.ts';
import { syntaxError, tokenize, type Token } from './tokenizer.ts';

const KEYWORDS = new Set([
  'False', 'None', 'True', 'and', 'as', 'assert', 'async', 'await', 'break', 'class', 'continue', 'def', 'del',
  'elif', 'else', 'except', 'finally', 'for', 'from', 'global', 'if', 'import', 'in', 'is', 'lambda', 'nonlocal',
  'not', 'or', 'pass', 'raise', 'return', 'try', 'while', 'with', 'yield',
]);

class Parser {
  private i = 0;
  constructor(
    private readonly source: string,
    private readonly tokens: Token[],
  ) {}

  private get tok(): Token {
    return this.tokens[this.i]!;
  }
  private peek(k = 1): Token {
    return this.tokens[Math.min(this.i + k, this.tokens.length - 1)]!;
  }
  private isOp(text: string, t = this.tok): boolean {
    return t.type === 'op' && t.text === text;
  }
  private isKw(text: string, t = this.tok): boolean {
    return t.type === 'name' && t.text === text;
  }
  private next(): Token {
    return this.tokens[this.i++]!;
  }
  private fail(message = 'invalid syntax', at = this.tok): never {
    throw syntaxError(this.source, at.pos, message);
  }
  private expectOp(text: string, opener?: Token): Token {
    if (this.isOp(text)) return this.next();
    if (opener && (this.tok.type === 'end' || this.tok.type === 'newline')) {
      this.fail(`'${opener.text}' was never closed`, opener);
    }
    if (opener && this.tok.type === 'op' && /^[)\]}]$/.test(this.tok.text)) {
      this.fail(`closing parenthesis '${this.tok.text}' does not match opening parenthesis '${opener.text}'`);
    }
    return this.fail();
  }

  /** The whole input: an expression list, then only newlines. */
  parseInput(): Expr {
    this.skipNewlines();
    if (this.tok.type === 'end') this.fail('invalid syntax');
    const e = this.exprList(true);
    this.skipNewlines();
    if (!this.atEnd()) this.unexpected();
    return e;
  }

  private atEnd(): boolean {
    return this.tok.type === 'end';
  }

  private skipNewlines(): void {
    while (this.tok.type === 'newline') this.next();
  }

  private unexpected(): never {
    const t = this.tok;
    if (t.type === 'op' && /^[)\]}]$/.test(t.text)) this.fail(`unmatched '${t.text}'`);
    if (t.type === 'op' && t.text === '=') this.fail('invalid syntax. Maybe you meant \'==\' or \':=\' instead of \'=\'?');
    return this.fail();
  }

  /** expression (',' expression)* [','] — a Tuple when there is a comma. */
  private exprList(allowStar: boolean): Expr {
    const start = this.tok;
    const first = this.starOrExpr(allowStar);
    if (!this.isOp(',')) {
      if (first.kind === 'Starred') this.fail("can't use starred expression here", start);
      return first;
    }
    const elts = [first];
    while (this.isOp(',')) {
      this.next();
      if (!this.startsExpression()) break;
      elts.push(this.starOrExpr(allowStar));
    }
    return { kind: 'Tuple', pos: start.pos, elts };
  }

  private startsExpression(): boolean {
    const t = this.tok;
    if (t.type === 'name') return !KEYWORDS.has(t.text) || ['not', 'lambda', 'None', 'True', 'False', 'await'].includes(t.text);
    if (t.type === 'number' || t.type === 'string') return true;
    return t.type === 'op' && ['(', '[', '{', '-', '+', '~', '*', '...'].includes(t.text);
  }

  private starOrExpr(allowStar: boolean): Expr {
    if (allowStar && this.isOp('*')) {
      const t = this.next();
      return { kind: 'Starred', pos: t.pos, value: this.bitOr() };
    }
    return this.namedExpr();
  }

  private namedExpr(): Expr {
    if (this.tok.type === 'name' && this.isOp(':=', this.peek())) {
      const name = this.next();
      this.next();
      return { kind: 'NamedExpr', pos: name.pos, target: name.text, value: this.expression() };
    }
    return this.expression();
  }

  /** expression: lambda | disjunction ['if' disjunction 'else' expression] */
  expression(): Expr {
    if (this.isKw('lambda')) return this.lambda();
    const start = this.tok;
    const body = this.disjunction();
    if (this.isKw('if')) {
      this.next();
      const test = this.disjunction();
      if (!this.isKw('else')) this.fail('expected \'else\' after \'if\' expression');
      this.next();
      const orelse = this.expression();
      return { kind: 'IfExp', pos: start.pos, test, body, orelse };
    }
    return body;
  }

  private lambda(): Expr {
    const start = this.next();
    const params: Parameter[] = [];
    let kwOnly = false;
    const seen = new Set<string>();
    while (!this.isOp(':')) {
      let kind: Parameter['kind'] = kwOnly ? 'keyword-only' : 'positional';
      if (this.isOp('**')) {
        this.next();
        kind = 'kwargs';
      } else if (this.isOp('*')) {
        this.next();
        kwOnly = true;
        if (this.isOp(',')) {
          this.next();
          continue;
        }
        kind = 'varargs';
      }
      const name = this.tok;
      if (name.type !== 'name' || KEYWORDS.has(name.text)) this.fail();
      this.next();
      if (seen.has(name.text)) this.fail(`duplicate argument '${name.text}' in function definition`, name);
      seen.add(name.text);
      let dflt: Expr | null = null;
      if (this.isOp('=') && (kind === 'positional' || kind === 'keyword-only')) {
        this.next();
        dflt = this.expression();
      } else if (kind === 'positional' && params.some((p) => p.kind === 'positional' && p.default)) {
        this.fail('non-default argument follows default argument', name);
      }
      params.push({ name: name.text, default: dflt, kind });
      if (this.isOp(',')) this.next();
      else if (!this.isOp(':')) this.fail();
    }
    this.next();
    return { kind: 'Lambda', pos: start.pos, params, body: this.expression() };
  }

  private disjunction(): Expr {
    return this.boolOp('or', () => this.conjunction());
  }

  private conjunction(): Expr {
    return this.boolOp('and', () => this.inversion());
  }

  /** `operand (op operand)*`, one BoolOp for the whole chain as in Python's AST. */
  private boolOp(op: 'or' | 'and', operand: () => Expr): Expr {
    const start = this.tok;
    const first = operand();
    if (!this.isKw(op)) return first;
    const values = [first];
    while (this.isKw(op)) {
      this.next();
      values.push(operand());
    }
    return { kind: 'BoolOp', pos: start.pos, op, values };
  }

  private inversion(): Expr {
    if (this.isKw('not')) {
      const t = this.next();
      return { kind: 'UnaryOp', pos: t.pos, op: 'not', operand: this.inversion() };
    }
    return this.comparison();
  }

  private compareOp(): CompareOperator | null {
    const t = this.tok;
    if (t.type === 'op' && ['==', '!=', '<', '<=', '>', '>='].includes(t.text)) {
      this.next();
      return t.text as CompareOperator;
    }
    if (this.isKw('in')) {
      this.next();
      return 'in';
    }
    if (this.isKw('not') && this.isKw('in', this.peek())) {
      this.next();
      this.next();
      return 'not in';
    }
    if (this.isKw('is')) {
      this.next();
      if (this.isKw('not')) {
        this.next();
        return 'is not';
      }
      return 'is';
    }
    return null;
  }

  private comparison(): Expr {
    const start = this.tok;
    const left = this.bitOr();
    const ops: CompareOperator[] = [];
    const comparators: Expr[] = [];
    for (let op = this.compareOp(); op !== null; op = this.compareOp()) {
      ops.push(op);
      comparators.push(this.bitOr());
    }
    return ops.length === 0 ? left : { kind: 'Compare', pos: start.pos, left, ops, comparators };
  }

  private binaryLevel(ops: readonly string[], operand: () => Expr): Expr {
    const start = this.tok;
    let left = operand();
    while (this.tok.type === 'op' && ops.includes(this.tok.text)) {
      const op = this.next().text as BinaryOperator;
      left = { kind: 'BinOp', pos: start.pos, op, left, right: operand() };
    }
    return left;
  }

  private bitOr = (): Expr => this.binaryLevel(['|'], this.bitXor);
  private bitXor = (): Expr => this.binaryLevel(['^'], this.bitAnd);
  private bitAnd = (): Expr => this.binaryLevel(['&'], this.shift);
  private shift = (): Expr => this.binaryLevel(['<<', '>>'], this.sum);
  private sum = (): Expr => this.binaryLevel(['+', '-'], this.term);
  private term = (): Expr => this.binaryLevel(['*', '/', '//', '%', '@'], this.factor);

  private factor = (): Expr => {
    const t = this.tok;
    if (t.type === 'op' && (t.text === '-' || t.text === '+' || t.text === '~')) {
      this.next();
      return { kind: 'UnaryOp', pos: t.pos, op: t.text as '-' | '+' | '~', operand: this.factor() };
    }
    return this.power();
  };

  private power(): Expr {
    const start = this.tok;
    const base = this.primary();
    if (this.isOp('**')) {
      this.next();
      return { kind: 'BinOp', pos: start.pos, op: '**', left: base, right: this.factor() };
    }
    return base;
  }

  private primary(): Expr {
    if (this.isKw('await')) this.fail("'await' outside function");
    let e = this.atom();
    for (;;) {
      if (this.isOp('.')) {
        this.next();
        const name = this.tok;
        if (name.type !== 'name') this.fail();
        this.next();
        e = { kind: 'Attribute', pos: e.pos, value: e, attr: name.text };
      } else if (this.isOp('(')) {
        e = this.call(e);
      } else if (this.isOp('[')) {
        const open = this.next();
        const index = this.subscript(open);
        e = { kind: 'Subscript', pos: e.pos, value: e, index };
      } else return e;
    }
  }

  private call(func: Expr): Expr {
    const open = this.next();
    const args: Expr[] = [];
    const keywords: Keyword[] = [];
    while (!this.isOp(')')) {
      if (this.tok.type === 'end' || this.tok.type === 'newline') this.fail(`'(' was never closed`, open);
      if (this.isOp('*')) {
        const t = this.next();
        if (keywords.some((k) => k.name === null)) {
          this.fail('iterable argument unpacking follows keyword argument unpacking', t);
        }
        args.push({ kind: 'Starred', pos: t.pos, value: this.expression() });
      } else if (this.isOp('**')) {
        this.next();
        keywords.push({ name: null, value: this.expression() });
      } else if (this.tok.type === 'name' && this.isOp('=', this.peek())) {
        const name = this.next();
        if (KEYWORDS.has(name.text)) this.fail(name.text === 'True' || name.text === 'False' || name.text === 'None' ? `cannot assign to ${name.text}` : 'invalid syntax', name);
        this.next();
        if (keywords.some((k) => k.name === name.text)) this.fail(`keyword argument repeated: ${name.text}`, name);
        keywords.push({ name: name.text, value: this.expression() });
      } else {
        const t = this.tok;
        const value = this.namedExpr();
        if (this.isKw('for')) {
          // a lone generator argument: f(x for x in y)
          const gen: Expr = { kind: 'GeneratorExp', pos: t.pos, elt: value, generators: this.comprehensions() };
          if (args.length > 0 || keywords.length > 0 || !this.isOp(')')) {
            this.fail('Generator expression must be parenthesized', t);
          }
          args.push(gen);
          break;
        }
        if (keywords.length > 0) {
          this.fail(
            keywords.some((k) => k.name === null)
              ? 'positional argument follows keyword argument unpacking'
              : 'positional argument follows keyword argument',
            t,
          );
        }
        args.push(value);
      }
      if (this.isOp(',')) this.next();
      else if (!this.isOp(')')) this.expectOp(')', open);
    }
    this.next();
    return { kind: 'Call', pos: func.pos, func, args, keywords };
  }

  /** Inside [ ]: a slice, an index, or a tuple of them. */
  private subscript(open: Token): Expr {
    const start = this.tok;
    const items: Expr[] = [];
    let comma = false;
    for (;;) {
      items.push(this.sliceItem());
      if (this.isOp(',')) {
        comma = true;
        this.next();
        if (this.isOp(']')) break;
        continue;
      }
      break;
    }
    this.expectOp(']', open);
    return comma || items.length > 1 ? { kind: 'Tuple', pos: start.pos, elts: items } : items[0]!;
  }

  private sliceItem(): Expr {
    const start = this.tok;
    let lower: Expr | null = null;
    if (!this.isOp(':')) {
      if (this.isOp('*')) {
        const t = this.next();
        return { kind: 'Starred', pos: t.pos, value: this.bitOr() };
      }
      lower = this.namedExpr();
      if (!this.isOp(':')) return lower;
    }
    this.next();
    let upper: Expr | null = null;
    let step: Expr | null = null;
    if (!this.isOp(':') && !this.isOp(']') && !this.isOp(',')) upper = this.expression();
    if (this.isOp(':')) {
      this.next();
      if (!this.isOp(']') && !this.isOp(',')) step = this.expression();
    }
    return { kind: 'Slice', pos: start.pos, lower, upper, step };
  }

  private comprehensions(): Comprehension[] {
    const gens: Comprehension[] = [];
    while (this.isKw('for') || (this.isKw('async') && this.isKw('for', this.peek()))) {
      if (this.isKw('async')) this.fail('asynchronous comprehension outside of an asynchronous function');
      this.next();
      const target = this.targetList();
      if (!this.isKw('in')) this.fail();
      this.next();
      const iter = this.disjunction();
      const ifs: Expr[] = [];
      while (this.isKw('if')) {
        this.next();
        ifs.push(this.disjunction());
      }
      gens.push({ target, iter, ifs });
    }
    return gens;
  }

  /** for-loop targets: names, attributes, subscripts, nested tuples/lists. */
  private targetList(): Expr {
    const start = this.tok;
    const first = this.target();
    if (!this.isOp(',')) return first;
    const elts = [first];
    while (this.isOp(',')) {
      this.next();
      if (this.isKw('in')) break;
      elts.push(this.target());
    }
    return { kind: 'Tuple', pos: start.pos, elts };
  }

  private target(): Expr {
    if (this.isOp('*')) {
      const t = this.next();
      return { kind: 'Starred', pos: t.pos, value: this.target() };
    }
    const e = this.bitOr();
    this.checkTarget(e);
    return e;
  }

  private checkTarget(e: Expr): void {
    switch (e.kind) {
      case 'Name':
      case 'Attribute':
      case 'Subscript':
        return;
      case 'Tuple':
      case 'List':
        for (const x of e.elts) this.checkTarget(x.kind === 'Starred' ? x.value : x);
        return;
      default:
        throw syntaxError(this.source, e.pos, `cannot assign to ${describe(e)}`);
    }
  }

  private atom(): Expr {
    const t = this.tok;
    switch (t.type) {
      case 'number':
        this.next();
        return { kind: 'Constant', pos: t.pos, value: t.value! };
      case 'string':
        return this.strings();
      case 'name':
        if (t.text === 'None' || t.text === 'True' || t.text === 'False') {
          this.next();
          return { kind: 'Constant', pos: t.pos, value: t.text === 'None' ? null : t.text === 'True' };
        }
        if (KEYWORDS.has(t.text)) this.fail();
        this.next();
        return { kind: 'Name', pos: t.pos, id: t.text };
      case 'op':
        if (t.text === '(') return this.parenthesized();
        if (t.text === '[') return this.listDisplay();
        if (t.text === '{') return this.braceDisplay();
        if (t.text === '...') this.fail('Ellipsis is not supported');
        return this.unexpected();
      case 'newline':
      case 'end':
        return this.fail();
    }
  }

  private strings(): Expr {
    const first = this.tok;
    let bytes: boolean | undefined;
    let text = '';
    while (this.tok.type === 'string') {
      const t = this.next();
      const isBytes = t.value instanceof PyBytes;
      if (bytes !== undefined && bytes !== isBytes) this.fail('cannot mix bytes and nonbytes literals', first);
      bytes = isBytes;
      text += isBytes ? (t.value as PyBytes).toLatin1() : (t.value as string);
    }
    return { kind: 'Constant', pos: first.pos, value: bytes ? PyBytes.fromLatin1(text) : text };
  }

  private parenthesized(): Expr {
    const open = this.next();
    if (this.isOp(')')) {
      this.next();
      return { kind: 'Tuple', pos: open.pos, elts: [] };
    }
    if (this.isKw('yield')) this.fail("'yield' outside function");
    const first = this.starOrExpr(true);
    if (this.isKw('for')) {
      return this.closed({ kind: 'GeneratorExp', pos: open.pos, elt: first, generators: this.comprehensions() }, ')', open);
    }
    if (!this.isOp(',')) {
      this.expectOp(')', open);
      if (first.kind === 'Starred') this.fail("can't use starred expression here", open);
      return first;
    }
    return { kind: 'Tuple', pos: open.pos, elts: this.displayRest(first, ')', open) };
  }

  private listDisplay(): Expr {
    const open = this.next();
    if (this.isOp(']')) {
      this.next();
      return { kind: 'List', pos: open.pos, elts: [] };
    }
    const first = this.starOrExpr(true);
    if (this.isKw('for')) {
      if (first.kind === 'Starred') this.fail('iterable unpacking cannot be used in comprehension', open);
      return this.closed({ kind: 'ListComp', pos: open.pos, elt: first, generators: this.comprehensions() }, ']', open);
    }
    return { kind: 'List', pos: open.pos, elts: this.displayRest(first, ']', open) };
  }

  private braceDisplay(): Expr {
    const open = this.next();
    if (this.isOp('}')) {
      this.next();
      return { kind: 'Dict', pos: open.pos, keys: [], values: [] };
    }
    // dict: key ':' value or '**' mapping; set: expressions
    if (this.isOp('**')) return this.dictRest(open, null);
    const first = this.starOrExpr(true);
    if (this.isOp(':') && first.kind !== 'Starred') return this.dictRest(open, first);
    if (this.isKw('for')) {
      return this.closed({ kind: 'SetComp', pos: open.pos, elt: first, generators: this.comprehensions() }, '}', open);
    }
    return { kind: 'Set', pos: open.pos, elts: this.displayRest(first, '}', open) };
  }

  /** `e`, once the closing bracket of the display that `open` began follows. */
  private closed<T>(e: T, close: string, open: Token): T {
    this.expectOp(close, open);
    return e;
  }

  /** The elements of a tuple, list or set display from `first` to its closing bracket (a trailing comma allowed). */
  private displayRest(first: Expr, close: string, open: Token): Expr[] {
    const elts = [first];
    while (this.isOp(',')) {
      this.next();
      if (this.isOp(close)) break;
      elts.push(this.starOrExpr(true));
    }
    this.expectOp(close, open);
    return elts;
  }

  private dictRest(open: Token, firstKey: Expr | null): Expr {
    const keys: (Expr | null)[] = [];
    const values: Expr[] = [];
    let key: Expr | null = firstKey;
    let first = true;
    for (;;) {
      if (!first) {
        if (this.isOp('**')) key = null;
        else key = this.expression();
      }
      if (key === null) {
        this.expectOp('**');
        keys.push(null);
        values.push(this.bitOr());
      } else {
        this.expectOp(':');
        const value = this.expression();
        if (first && this.isKw('for')) {
          return this.closed({ kind: 'DictComp', pos: open.pos, key, value, generators: this.comprehensions() }, '}', open);
        }
        keys.push(key);
        values.push(value);
      }
      first = false;
      if (this.isOp(',')) {
        this.next();
        if (this.isOp('}')) break;
        continue;
      }
      break;
    }
    this.expectOp('}', open);
    return { kind: 'Dict', pos: open.pos, keys, values };
  }
}

function describe(e: Expr): string {
  switch (e.kind) {
    case 'Constant':
      return 'literal';
    case 'Call':
      return 'function call';
    case 'BinOp':
    case 'UnaryOp':
      return 'expression';
    case 'Compare':
      return 'comparison';
    case 'BoolOp':
      return 'expression';
    case 'Lambda':
      return 'lambda';
    case 'IfExp':
      return 'conditional expression';
    case 'Dict':
      return 'dict literal';
    case 'Set':
      return 'set display';
    case 'ListComp':
      return 'list comprehension';
    case 'GeneratorExp':
      return 'generator expression';
    default:
      return 'expression';
  }
}

/** Parses a Python expression (the `eval` input mode). Throws PySyntaxError. */
export function parseExpression(source: string): Expr {
  const parser = new Parser(source, tokenize(source));
  return parser.parseInput();
}
