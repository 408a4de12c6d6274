// Jinja2's parser: statements, expressions with Jinja2's precedence (note
// that `**` is left-associative and that filters bind to unary operators'
// results), and its error messages.

import type { PyValue } from '../python/index.ts';
import { TemplateAssertionError, TemplateSyntaxError } from './errors.ts';
import { describeToken, describeTokenExpr, tokenize, type LexerOptions, type Token, type TokenType } from './lexer.ts';
import * as n from './nodes.ts';

/** Statement tags contributed by extensions: name → parse function. */
export type TagParser = (parser: Parser) => n.Stmt | n.Stmt[];

const STATEMENT_KEYWORDS = new Set(['for', 'if', 'block', 'extends', 'print', 'macro', 'include', 'from', 'import', 'set', 'with', 'autoescape']);
const COMPARE_OPERATORS = new Set(['eq', 'ne', 'lt', 'lteq', 'gt', 'gteq']);
// Maps, not object literals: a token type must never find Object's members
const MATH1: ReadonlyMap<string, n.BinaryNodeType> = new Map([['add', 'Add'], ['sub', 'Sub']]);
const MATH2: ReadonlyMap<string, n.BinaryNodeType> = new Map([['mul', 'Mul'], ['div', 'Div'], ['floordiv', 'FloorDiv'], ['mod', 'Mod']]);

function test(token: Token, expr: string): boolean {
  if (token.type === expr) return true;
  const colon = expr.indexOf(':');
  return colon >= 0 && token.type === expr.slice(0, colon) && token.value === expr.slice(colon + 1);
}

/** The stream of tokens with one token of lookahead, as Jinja2's TokenStream. */
export class TokenStream {
  current: Token = { lineno: 1, type: 'initial', value: '' };
  private pushed: Token[] = [];
  private closed = false;

  constructor(
    private readonly it: Iterator<Token>,
    readonly name: string | null,
  ) {
    this.next();
  }

  next(): Token {
    const rv = this.current;
    if (this.pushed.length) this.current = this.pushed.shift()!;
    else if (this.current.type !== 'eof') {
      const r = this.closed ? { done: true as const, value: undefined } : this.it.next();
      if (r.done) this.close();
      else this.current = r.value;
    }
    return rv;
  }

  close(): void {
    this.current = { lineno: this.current.lineno, type: 'eof', value: '' };
    this.closed = true;
  }

  /** The current token's type (a method, so that TypeScript does not narrow it across calls). */
  type(): TokenType {
    return this.current.type;
  }

  look(): Token {
    const old = this.next();
    const result = this.current;
    this.pushed.push(result);
    this.current = old;
    return result;
  }

  skip(count = 1): void {
    for (let i = 0; i < count; i++) this.next();
  }

  nextIf(expr: string): Token | null {
    return test(this.current, expr) ? this.next() : null;
  }

  skipIf(expr: string): boolean {
    return this.nextIf(expr) !== null;
  }

  test(expr: string): boolean {
    return test(this.current, expr);
  }

  testAny(...exprs: string[]): boolean {
    return exprs.some((e) => test(this.current, e));
  }

  get eos(): boolean {
    return this.pushed.length === 0 && this.current.type === 'eof';
  }

  expect(expr: string): Token {
    if (!test(this.current, expr)) {
      const described = describeTokenExpr(expr);
      const { lineno, column } = this.current;
      if (this.current.type === 'eof') {
        throw new TemplateSyntaxError(`unexpected end of template, expected '${described}'.`, lineno, this.name);
      }
      throw new TemplateSyntaxError(
        `expected token '${described}', got '${describeToken(this.current)}'`,
        lineno,
        this.name,
        null,
        'TemplateSyntaxError',
        column ?? null,
      );
    }
    return this.next();
  }
}

export interface ParserOptions extends LexerOptions {
  /** Tags of the enabled extensions (do, break, continue). */
  extensions?: ReadonlyMap<string, TagParser>;
}

export class Parser {
  readonly stream: TokenStream;
  private readonly extensions: ReadonlyMap<string, TagParser>;
  private readonly tagStack: string[] = [];
  private readonly endTokenStack: string[][] = [];

  constructor(
    source: string,
    readonly name: string | null,
    options: ParserOptions = {},
  ) {
    this.stream = new TokenStream(tokenize(source, name, options), name);
    this.extensions = options.extensions ?? new Map();
  }

  fail(msg: string, lineno?: number): never {
    const cur = this.stream.current;
    const line = lineno ?? cur.lineno;
    throw new TemplateSyntaxError(msg, line, this.name, null, 'TemplateSyntaxError', line === cur.lineno ? cur.column ?? null : null);
  }

  private failUnknownTagOrEof(name: string | null, endTokenStack: string[][], lineno: number): never {
    const expected = new Set<string>();
    for (const exprs of endTokenStack) for (const e of exprs) expected.add(describeTokenExpr(e));
    const currentlyLooking = endTokenStack.length
      ? endTokenStack[endTokenStack.length - 1]!.map((e) => `'${describeTokenExpr(e)}'`).join(' or ')
      : null;
    const message = [name === null ? 'Unexpected end of template.' : `Encountered unknown tag '${name}'.`];
    if (currentlyLooking) {
      if (name !== null && expected.has(name)) {
        message.push(
          `You probably made a nesting mistake. Jinja is expecting this tag, but currently looking for ${currentlyLooking}.`,
        );
      } else {
        message.push(`Jinja was looking for the following tags: ${currentlyLooking}.`);
      }
    }
    if (this.tagStack.length) {
      message.push(`The innermost block that needs to be closed is '${this.tagStack[this.tagStack.length - 1]}'.`);
    }
    this.fail(message.join(' '), lineno);
  }

  failUnknownTag(name: string, lineno: number): never {
    this.failUnknownTagOrEof(name, this.endTokenStack, lineno);
  }

  failEof(endTokens: string[] | null = null, lineno?: number): never {
    const stack = [...this.endTokenStack];
    if (endTokens) stack.push(endTokens);
    this.failUnknownTagOrEof(null, stack, lineno ?? this.stream.current.lineno);
  }

  isTupleEnd(extraEndRules: string[] | null = null): boolean {
    const t = this.stream.type();
    if (t === 'variable_end' || t === 'block_end' || t === 'rparen') return true;
    if (extraEndRules) return this.stream.testAny(...extraEndRules);
    return false;
  }

  parseStatement(): n.Stmt | n.Stmt[] {
    const token = this.stream.current;
    if (token.type !== 'name') this.fail('tag name expected', token.lineno);
    const name = token.value as string;
    this.tagStack.push(name);
    let popTag = true;
    try {
      if (STATEMENT_KEYWORDS.has(name)) {
        switch (name) {
          case 'for':
            return this.parseFor();
          case 'if':
            return this.parseIf();
          case 'block':
            return this.parseBlock();
          case 'extends':
            return this.parseExtends();
          case 'print':
            return this.parsePrint();
          case 'macro':
            return this.parseMacro();
          case 'include':
            return this.parseInclude();
          case 'from':
            return this.parseFrom();
          case 'import':
            return this.parseImport();
          case 'set':
            return this.parseSet();
          case 'with':
            return this.parseWith();
          case 'autoescape':
            return this.parseAutoescape();
        }
      }
      if (name === 'call') return this.parseCallBlock();
      if (name === 'filter') return this.parseFilterBlock();
      const ext = this.extensions.get(name);
      if (ext) return ext(this);
      this.tagStack.pop();
      popTag = false;
      return this.failUnknownTag(name, token.lineno);
    } finally {
      if (popTag) this.tagStack.pop();
    }
  }

  parseStatements(endTokens: string[], dropNeedle = false): n.Stmt[] {
    this.stream.skipIf('colon');
    this.stream.expect('block_end');
    const result = this.subparse(endTokens);
    if (this.stream.type() === 'eof') this.failEof(endTokens);
    if (dropNeedle) this.stream.next();
    return result;
  }

  private parseSet(): n.Assign | n.AssignBlock {
    const lineno = this.stream.next().lineno;
    const target = this.parseAssignTarget({ withNamespace: true });
    if (this.stream.skipIf('assign')) {
      const expr = this.parseTuple();
      return { type: 'Assign', target, node: expr, lineno };
    }
    const filter = this.parseFilter(null) as n.Filter | null;
    const body = this.parseStatements(['name:endset'], true);
    return { type: 'AssignBlock', target, filter, body, lineno };
  }

  private parseFor(): n.For {
    const lineno = this.stream.expect('name:for').lineno;
    const target = this.parseAssignTarget({ extraEndRules: ['name:in'] });
    this.stream.expect('name:in');
    const iter = this.parseTuple({ withCondexpr: false, extraEndRules: ['name:recursive'] });
    let testExpr: n.Expr | null = null;
    if (this.stream.skipIf('name:if')) testExpr = this.parseExpression();
    const recursive = this.stream.skipIf('name:recursive');
    const body = this.parseStatements(['name:endfor', 'name:else']);
    let else_: n.Stmt[];
    if (this.stream.next().value === 'endfor') else_ = [];
    else else_ = this.parseStatements(['name:endfor'], true);
    return { type: 'For', target, iter, body, else_, test: testExpr, recursive, lineno };
  }

  private parseIf(): n.If {
    const result = this.ifBranch(this.stream.expect('name:if').lineno);
    for (;;) {
      const token = this.stream.next();
      if (test(token, 'name:elif')) {
        result.elif_.push(this.ifBranch(this.stream.current.lineno));
        continue;
      }
      if (test(token, 'name:else')) result.else_ = this.parseStatements(['name:endif'], true);
      break;
    }
    return result;
  }

  /** The test and body of an if or elif. */
  private ifBranch(lineno: number): n.If {
    const testExpr = this.parseTuple({ withCondexpr: false });
    const body = this.parseStatements(['name:elif', 'name:else', 'name:endif']);
    return { type: 'If', test: testExpr, body, elif_: [], else_: [], lineno };
  }

  private parseWith(): n.With {
    const lineno = this.stream.next().lineno;
    const targets: n.Expr[] = [];
    const values: n.Expr[] = [];
    while (this.stream.type() !== 'block_end') {
      if (targets.length) this.stream.expect('comma');
      const target = this.parseAssignTarget();
      n.setCtx(target, 'param');
      targets.push(target);
      this.stream.expect('assign');
      values.push(this.parseExpression());
    }
    const body = this.parseStatements(['name:endwith'], true);
    return { type: 'With', targets, values, body, lineno };
  }

  private parseAutoescape(): n.Scope {
    const lineno = this.stream.next().lineno;
    const options: n.Keyword[] = [{ type: 'Keyword', key: 'autoescape', value: this.parseExpression(), lineno }];
    const body = this.parseStatements(['name:endautoescape'], true);
    return { type: 'Scope', body: [{ type: 'ScopedEvalContextModifier', options, body, lineno }], lineno };
  }

  private parseBlock(): n.Block {
    const lineno = this.stream.next().lineno;
    const name = this.stream.expect('name').value as string;
    const scoped = this.stream.skipIf('name:scoped');
    const required = this.stream.skipIf('name:required');
    if (this.stream.type() === 'sub') {
      this.fail(
        'Block names in Jinja have to be valid Python identifiers and may not contain hyphens, use an underscore instead.',
      );
    }
    const body = this.parseStatements(['name:endblock'], true);
    if (required) {
      const onlyWhitespace = body.every(
        (b) => b.type === 'Output' && b.nodes.every((c) => c.type === 'TemplateData' && /^\s+$/.test(c.data)),
      );
      if (!onlyWhitespace) this.fail('Required blocks can only contain comments or whitespace');
    }
    this.stream.skipIf('name:' + name);
    return { type: 'Block', name, body, scoped, required, lineno };
  }

  private parseExtends(): n.Extends {
    const lineno = this.stream.next().lineno;
    return { type: 'Extends', template: this.parseExpression(), lineno };
  }

  private parseImportContext(dflt: boolean): boolean {
    if (this.stream.testAny('name:with', 'name:without') && test(this.stream.look(), 'name:context')) {
      const withContext = this.stream.next().value === 'with';
      this.stream.skip();
      return withContext;
    }
    return dflt;
  }

  private parseInclude(): n.Include {
    const lineno = this.stream.next().lineno;
    const template = this.parseExpression();
    let ignoreMissing = false;
    if (this.stream.test('name:ignore') && test(this.stream.look(), 'name:missing')) {
      ignoreMissing = true;
      this.stream.skip(2);
    }
    const withContext = this.parseImportContext(true);
    return { type: 'Include', template, ignore_missing: ignoreMissing, with_context: withContext, lineno };
  }

  private parseImport(): n.Import {
    const lineno = this.stream.next().lineno;
    const template = this.parseExpression();
    this.stream.expect('name:as');
    const target = (this.parseAssignTarget({ nameOnly: true }) as n.Name).name;
    const withContext = this.parseImportContext(false);
    return { type: 'Import', template, target, with_context: withContext, lineno };
  }

  private parseFrom(): n.FromImport {
    const lineno = this.stream.next().lineno;
    const template = this.parseExpression();
    this.stream.expect('name:import');
    const names: (string | [string, string])[] = [];
    let withContext: boolean | undefined;
    const parseContext = (): boolean => {
      const v = this.stream.current.value;
      if ((v === 'with' || v === 'without') && test(this.stream.look(), 'name:context')) {
        withContext = this.stream.next().value === 'with';
        this.stream.skip();
        return true;
      }
      return false;
    };
    for (;;) {
      if (names.length) this.stream.expect('comma');
      if (this.stream.type() === 'name') {
        if (parseContext()) break;
        const target = this.parseAssignTarget({ nameOnly: true }) as n.Name;
        if (target.name.startsWith('_')) {
          throw new TemplateAssertionError('names starting with an underline can not be imported', target.lineno, this.name);
        }
        if (this.stream.skipIf('name:as')) {
          const alias = this.parseAssignTarget({ nameOnly: true }) as n.Name;
          names.push([target.name, alias.name]);
        } else names.push(target.name);
        if (parseContext() || this.stream.type() !== 'comma') break;
      } else {
        this.stream.expect('name');
      }
    }
    return { type: 'FromImport', template, names, with_context: withContext ?? false, lineno };
  }

  private parseSignature(): { args: n.Name[]; defaults: n.Expr[] } {
    const args: n.Name[] = [];
    const defaults: n.Expr[] = [];
    this.stream.expect('lparen');
    while (this.stream.type() !== 'rparen') {
      if (args.length) this.stream.expect('comma');
      const arg = this.parseAssignTarget({ nameOnly: true }) as n.Name;
      n.setCtx(arg, 'param');
      if (this.stream.skipIf('assign')) defaults.push(this.parseExpression());
      else if (defaults.length) this.fail('non-default argument follows default argument');
      args.push(arg);
    }
    this.stream.expect('rparen');
    return { args, defaults };
  }

  private parseCallBlock(): n.CallBlock {
    const lineno = this.stream.next().lineno;
    let sig: { args: n.Name[]; defaults: n.Expr[] } = { args: [], defaults: [] };
    if (this.stream.type() === 'lparen') sig = this.parseSignature();
    const callNode = this.parseExpression();
    if (callNode.type !== 'Call') this.fail('expected call', lineno);
    const body = this.parseStatements(['name:endcall'], true);
    return { type: 'CallBlock', call: callNode, args: sig.args, defaults: sig.defaults, body, lineno };
  }

  private parseFilterBlock(): n.FilterBlock {
    const lineno = this.stream.next().lineno;
    const filter = this.parseFilter(null, true) as n.Filter;
    const body = this.parseStatements(['name:endfilter'], true);
    return { type: 'FilterBlock', filter, body, lineno };
  }

  private parseMacro(): n.Macro {
    const lineno = this.stream.next().lineno;
    const name = (this.parseAssignTarget({ nameOnly: true }) as n.Name).name;
    const sig = this.parseSignature();
    const body = this.parseStatements(['name:endmacro'], true);
    return { type: 'Macro', name, args: sig.args, defaults: sig.defaults, body, lineno };
  }

  private parsePrint(): n.Output {
    const lineno = this.stream.next().lineno;
    const nodes: n.Expr[] = [];
    while (this.stream.type() !== 'block_end') {
      if (nodes.length) this.stream.expect('comma');
      nodes.push(this.parseExpression());
    }
    return { type: 'Output', nodes, lineno };
  }

  parseAssignTarget(
    opts: { withTuple?: boolean; nameOnly?: boolean; extraEndRules?: string[]; withNamespace?: boolean } = {},
  ): n.Expr {
    const { withTuple = true, nameOnly = false, extraEndRules = null, withNamespace = false } = opts;
    let target: n.Expr;
    if (withNamespace && this.stream.look().type === 'dot') {
      const token = this.stream.expect('name');
      this.stream.next();
      const attr = this.stream.expect('name');
      target = { type: 'NSRef', name: token.value as string, attr: attr.value as string, lineno: token.lineno };
    } else if (nameOnly) {
      const token = this.stream.expect('name');
      target = { type: 'Name', name: token.value as string, ctx: 'store', lineno: token.lineno };
    } else {
      target = withTuple ? this.parseTuple({ simplified: true, extraEndRules }) : this.parsePrimary();
      n.setCtx(target, 'store');
    }
    if (!n.canAssign(target)) this.fail(`can't assign to '${target.type.toLowerCase()}'`, target.lineno);
    return target;
  }

  parseExpression(withCondexpr = true): n.Expr {
    return withCondexpr ? this.parseCondexpr() : this.parseOr();
  }

  private parseCondexpr(): n.Expr {
    let lineno = this.stream.current.lineno;
    let expr1 = this.parseOr();
    while (this.stream.skipIf('name:if')) {
      const expr2 = this.parseOr();
      const expr3 = this.stream.skipIf('name:else') ? this.parseCondexpr() : null;
      expr1 = { type: 'CondExpr', test: expr2, expr1, expr2: expr3, lineno };
      lineno = this.stream.current.lineno;
    }
    return expr1;
  }

  private parseOr(): n.Expr {
    return this.parseChain(() => this.parseAnd(), () => (this.stream.test('name:or') ? 'Or' : undefined));
  }

  private parseAnd(): n.Expr {
    return this.parseChain(() => this.parseNot(), () => (this.stream.test('name:and') ? 'And' : undefined));
  }

  /**
   * A left-associative chain `operand (operator operand)*`, each node with
   * the line where its left operand or the previous operator ended (as
   * Jinja2's parse_or, parse_and, parse_math1, parse_math2 and parse_pow).
   * `operator`: the node type of the current token, undefined to stop.
   */
  private parseChain(operand: () => n.Expr, operator: () => n.BinaryNodeType | undefined): n.Expr {
    let lineno = this.stream.current.lineno;
    let left = operand();
    for (let type = operator(); type !== undefined; type = operator()) {
      this.stream.next();
      const right = operand();
      left = { type, left, right, lineno };
      lineno = this.stream.current.lineno;
    }
    return left;
  }

  private parseNot(): n.Expr {
    if (this.stream.test('name:not')) {
      const lineno = this.stream.next().lineno;
      return { type: 'Not', node: this.parseNot(), lineno };
    }
    return this.parseCompare();
  }

  private parseCompare(): n.Expr {
    let lineno = this.stream.current.lineno;
    const expr = this.parseMath1();
    const ops: n.Operand[] = [];
    for (;;) {
      const tokenType = this.stream.type();
      if (COMPARE_OPERATORS.has(tokenType)) {
        const opLine = this.stream.next().lineno;
        ops.push({ type: 'Operand', op: tokenType as n.CompareOp, expr: this.parseMath1(), lineno: opLine });
      } else if (this.stream.skipIf('name:in')) {
        ops.push({ type: 'Operand', op: 'in', expr: this.parseMath1(), lineno });
      } else if (this.stream.test('name:not') && test(this.stream.look(), 'name:in')) {
        this.stream.skip(2);
        ops.push({ type: 'Operand', op: 'notin', expr: this.parseMath1(), lineno });
      } else break;
      lineno = this.stream.current.lineno;
    }
    if (!ops.length) return expr;
    return { type: 'Compare', expr, ops, lineno };
  }

  private parseMath1(): n.Expr {
    return this.parseChain(() => this.parseConcat(), () => MATH1.get(this.stream.type()));
  }

  private parseConcat(): n.Expr {
    const lineno = this.stream.current.lineno;
    const args = [this.parseMath2()];
    while (this.stream.type() === 'tilde') {
      this.stream.next();
      args.push(this.parseMath2());
    }
    if (args.length === 1) return args[0]!;
    return { type: 'Concat', nodes: args, lineno };
  }

  private parseMath2(): n.Expr {
    return this.parseChain(() => this.parsePow(), () => MATH2.get(this.stream.type()));
  }

  private parsePow(): n.Expr {
    return this.parseChain(() => this.parseUnary(), () => (this.stream.type() === 'pow' ? 'Pow' : undefined));
  }

  private parseUnary(withFilter = true): n.Expr {
    const tokenType = this.stream.type();
    const lineno = this.stream.current.lineno;
    let node: n.Expr;
    if (tokenType === 'sub') {
      this.stream.next();
      node = { type: 'Neg', node: this.parseUnary(false), lineno };
    } else if (tokenType === 'add') {
      this.stream.next();
      node = { type: 'Pos', node: this.parseUnary(false), lineno };
    } else node = this.parsePrimary();
    node = this.parsePostfix(node);
    if (withFilter) node = this.parseFilterExpr(node);
    return node;
  }

  parsePrimary(): n.Expr {
    const token = this.stream.current;
    if (token.type === 'name') {
      const v = token.value as string;
      let node: n.Expr;
      if (v === 'true' || v === 'false' || v === 'True' || v === 'False') {
        node = { type: 'Const', value: v === 'true' || v === 'True', lineno: token.lineno };
      } else if (v === 'none' || v === 'None') node = { type: 'Const', value: null, lineno: token.lineno };
      else node = { type: 'Name', name: v, ctx: 'load', lineno: token.lineno };
      this.stream.next();
      return node;
    }
    if (token.type === 'string') {
      this.stream.next();
      let buf = token.value as string;
      while (this.stream.type() === 'string') {
        buf += this.stream.current.value as string;
        this.stream.next();
      }
      return { type: 'Const', value: buf, lineno: token.lineno };
    }
    if (token.type === 'integer' || token.type === 'float') {
      this.stream.next();
      return { type: 'Const', value: token.value as PyValue, lineno: token.lineno };
    }
    if (token.type === 'lparen') {
      this.stream.next();
      const node = this.parseTuple({ explicitParentheses: true });
      this.stream.expect('rparen');
      return node;
    }
    if (token.type === 'lbracket') return this.parseList();
    if (token.type === 'lbrace') return this.parseDict();
    return this.fail(`unexpected '${describeToken(token)}'`, token.lineno);
  }

  parseTuple(
    opts: { simplified?: boolean; withCondexpr?: boolean; extraEndRules?: string[] | null; explicitParentheses?: boolean } = {},
  ): n.Expr {
    const { simplified = false, withCondexpr = true, extraEndRules = null, explicitParentheses = false } = opts;
    let lineno = this.stream.current.lineno;
    const parse = simplified ? () => this.parsePrimary() : () => this.parseExpression(withCondexpr);
    const args: n.Expr[] = [];
    let isTuple = false;
    for (;;) {
      if (args.length) this.stream.expect('comma');
      if (this.isTupleEnd(extraEndRules)) break;
      args.push(parse());
      if (this.stream.type() === 'comma') isTuple = true;
      else break;
      lineno = this.stream.current.lineno;
    }
    if (!isTuple) {
      if (args.length) return args[0]!;
      if (!explicitParentheses) {
        this.fail(`Expected an expression, got '${describeToken(this.stream.current)}'`);
      }
    }
    return { type: 'Tuple', items: args, ctx: 'load', lineno };
  }

  private parseList(): n.List {
    const token = this.stream.expect('lbracket');
    return { type: 'List', items: this.parseItems('rbracket', () => this.parseExpression()), lineno: token.lineno };
  }

  private parseDict(): n.Dict {
    const token = this.stream.expect('lbrace');
    const items = this.parseItems('rbrace', (): n.Pair => {
      const key = this.parseExpression();
      this.stream.expect('colon');
      const value = this.parseExpression();
      return { type: 'Pair', key, value, lineno: key.lineno };
    });
    return { type: 'Dict', items, lineno: token.lineno };
  }

  /** The comma-separated items of a list or dict display, a trailing comma allowed, up to and including `close`. */
  private parseItems<T>(close: TokenType, item: () => T): T[] {
    const items: T[] = [];
    while (this.stream.type() !== close) {
      if (items.length) this.stream.expect('comma');
      if (this.stream.type() === close) break;
      items.push(item());
    }
    this.stream.expect(close);
    return items;
  }

  private parsePostfix(node: n.Expr): n.Expr {
    for (;;) {
      const t = this.stream.type();
      if (t === 'dot' || t === 'lbracket') node = this.parseSubscript(node);
      else if (t === 'lparen') node = this.parseCall(node);
      else return node;
    }
  }

  private parseFilterExpr(node: n.Expr): n.Expr {
    for (;;) {
      const t = this.stream.type();
      if (t === 'pipe') node = this.parseFilter(node) as n.Expr;
      else if (t === 'name' && this.stream.current.value === 'is') node = this.parseTest(node);
      else if (t === 'lparen') node = this.parseCall(node);
      else return node;
    }
  }

  private parseSubscript(node: n.Expr): n.Getattr | n.Getitem {
    const token = this.stream.next();
    if (token.type === 'dot') {
      const attrToken = this.stream.current;
      this.stream.next();
      if (attrToken.type === 'name') {
        return { type: 'Getattr', node, attr: attrToken.value as string, ctx: 'load', lineno: token.lineno };
      }
      if (attrToken.type !== 'integer') this.fail('expected name or number', attrToken.lineno);
      const arg: n.Const = { type: 'Const', value: attrToken.value, lineno: attrToken.lineno };
      return { type: 'Getitem', node, arg, ctx: 'load', lineno: token.lineno };
    }
    if (token.type === 'lbracket') {
      const args: n.Expr[] = [];
      while (this.stream.type() !== 'rbracket') {
        if (args.length) this.stream.expect('comma');
        args.push(this.parseSubscribed());
      }
      this.stream.expect('rbracket');
      const arg: n.Expr = args.length === 1 ? args[0]! : { type: 'Tuple', items: args, ctx: 'load', lineno: token.lineno };
      return { type: 'Getitem', node, arg, ctx: 'load', lineno: token.lineno };
    }
    return this.fail('expected subscript expression', token.lineno);
  }

  private parseSubscribed(): n.Expr {
    const lineno = this.stream.current.lineno;
    const args: (n.Expr | null)[] = [];
    if (this.stream.type() === 'colon') {
      this.stream.next();
      args.push(null);
    } else {
      const node = this.parseExpression();
      if (this.stream.type() !== 'colon') return node;
      this.stream.next();
      args.push(node);
    }
    if (this.stream.type() === 'colon') args.push(null);
    else if (this.stream.type() !== 'rbracket' && this.stream.type() !== 'comma') args.push(this.parseExpression());
    else args.push(null);
    if (this.stream.type() === 'colon') {
      this.stream.next();
      if (this.stream.type() !== 'rbracket' && this.stream.type() !== 'comma') args.push(this.parseExpression());
      else args.push(null);
    } else args.push(null);
    return { type: 'Slice', start: args[0]!, stop: args[1]!, step: args[2]!, lineno };
  }

  private parseCallArgs(): { args: n.Expr[]; kwargs: n.Keyword[]; dyn_args: n.Expr | null; dyn_kwargs: n.Expr | null } {
    const token = this.stream.expect('lparen');
    const args: n.Expr[] = [];
    const kwargs: n.Keyword[] = [];
    let dynArgs: n.Expr | null = null;
    let dynKwargs: n.Expr | null = null;
    let requireComma = false;
    const ensure = (ok: boolean) => {
      if (!ok) this.fail('invalid syntax for function call expression', token.lineno);
    };
    while (this.stream.type() !== 'rparen') {
      if (requireComma) {
        this.stream.expect('comma');
        if (this.stream.type() === 'rparen') break;
      }
      if (this.stream.type() === 'mul') {
        ensure(dynArgs === null && dynKwargs === null);
        this.stream.next();
        dynArgs = this.parseExpression();
      } else if (this.stream.type() === 'pow') {
        ensure(dynKwargs === null);
        this.stream.next();
        dynKwargs = this.parseExpression();
      } else if (this.stream.type() === 'name' && this.stream.look().type === 'assign') {
        ensure(dynKwargs === null);
        const key = this.stream.current.value as string;
        this.stream.skip(2);
        const value = this.parseExpression();
        kwargs.push({ type: 'Keyword', key, value, lineno: value.lineno });
      } else {
        ensure(dynArgs === null && dynKwargs === null && kwargs.length === 0);
        args.push(this.parseExpression());
      }
      requireComma = true;
    }
    this.stream.expect('rparen');
    return { args, kwargs, dyn_args: dynArgs, dyn_kwargs: dynKwargs };
  }

  private parseCall(node: n.Expr): n.Call {
    const token = this.stream.current;
    const c = this.parseCallArgs();
    return { type: 'Call', node, ...c, lineno: token.lineno };
  }

  parseFilter(node: n.Expr | null, startInline = false): n.Expr | null {
    while (this.stream.type() === 'pipe' || startInline) {
      if (!startInline) this.stream.next();
      const token = this.stream.expect('name');
      let name = token.value as string;
      while (this.stream.type() === 'dot') {
        this.stream.next();
        name += '.' + (this.stream.expect('name').value as string);
      }
      const c = this.stream.type() === 'lparen'
        ? this.parseCallArgs()
        : { args: [], kwargs: [], dyn_args: null, dyn_kwargs: null };
      node = { type: 'Filter', node, name, ...c, lineno: token.lineno } as n.Filter;
      startInline = false;
    }
    return node;
  }

  private parseTest(node: n.Expr): n.Expr {
    const token = this.stream.next();
    let negated = false;
    if (this.stream.test('name:not')) {
      this.stream.next();
      negated = true;
    }
    let name = this.stream.expect('name').value as string;
    while (this.stream.type() === 'dot') {
      this.stream.next();
      name += '.' + (this.stream.expect('name').value as string);
    }
    let c: { args: n.Expr[]; kwargs: n.Keyword[]; dyn_args: n.Expr | null; dyn_kwargs: n.Expr | null } = {
      args: [], kwargs: [], dyn_args: null, dyn_kwargs: null,
    };
    const cur = this.stream.current;
    const argStart: TokenType[] = ['name', 'string', 'integer', 'float', 'lparen', 'lbracket', 'lbrace'];
    if (cur.type === 'lparen') c = this.parseCallArgs();
    else if (argStart.includes(cur.type) && !this.stream.testAny('name:else', 'name:or', 'name:and')) {
      if (this.stream.test('name:is')) this.fail('You cannot chain multiple tests with is');
      let arg = this.parsePrimary();
      arg = this.parsePostfix(arg);
      c.args = [arg];
    }
    let result: n.Expr = { type: 'Test', node, name, ...c, lineno: token.lineno };
    if (negated) result = { type: 'Not', node: result, lineno: token.lineno };
    return result;
  }

  subparse(endTokens: string[] | null = null): n.Stmt[] {
    const body: n.Stmt[] = [];
    const dataBuffer: n.Expr[] = [];
    if (endTokens) this.endTokenStack.push(endTokens);
    const flush = () => {
      if (dataBuffer.length) {
        const lineno = dataBuffer[0]!.lineno;
        body.push({ type: 'Output', nodes: dataBuffer.splice(0), lineno });
      }
    };
    try {
      while (!this.stream.eos) {
        const token = this.stream.current;
        if (token.type === 'data') {
          if (token.value) dataBuffer.push({ type: 'TemplateData', data: token.value as string, lineno: token.lineno });
          this.stream.next();
        } else if (token.type === 'variable_begin') {
          this.stream.next();
          dataBuffer.push(this.parseTuple({ withCondexpr: true }));
          this.stream.expect('variable_end');
        } else if (token.type === 'block_begin') {
          flush();
          this.stream.next();
          if (endTokens && this.stream.testAny(...endTokens)) return body;
          const rv = this.parseStatement();
          if (Array.isArray(rv)) body.push(...rv);
          else body.push(rv);
          this.stream.expect('block_end');
        } else {
          throw new Error('internal parsing error');
        }
      }
      flush();
    } finally {
      if (endTokens) this.endTokenStack.pop();
    }
    return body;
  }

  parse(): n.Template {
    return { type: 'Template', body: this.subparse(), lineno: 1 };
  }
}

/** The statement tags of jinja2.ext.do and jinja2.ext.loopcontrols. */
export const EXTENSION_TAGS: Record<string, Record<string, TagParser>> = {
  'jinja2.ext.do': {
    do: (p) => {
      const lineno = p.stream.next().lineno;
      return { type: 'ExprStmt', node: p.parseTuple(), lineno };
    },
  },
  'jinja2.ext.loopcontrols': {
    break: (p) => ({ type: 'Break', lineno: p.stream.next().lineno }),
    continue: (p) => ({ type: 'Continue', lineno: p.stream.next().lineno }),
  },
};
