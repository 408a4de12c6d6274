// The template syntax tree, node for node as Jinja2's nodes.py (same class
// names, same fields in the same order, since the order in which children
// are visited decides how names are scoped).

import type { BinaryOperator, CompareOperator, PyValue } from '../python/index.ts';

interface Base {
  lineno: number;
}

// ---- expressions ------------------------------------------------------------------

export type BinaryNodeType = 'Add' | 'Sub' | 'Mul' | 'Div' | 'FloorDiv' | 'Mod' | 'Pow' | 'And' | 'Or';
export type UnaryNodeType = 'Not' | 'Neg' | 'Pos';
export type CompareOp = 'eq' | 'ne' | 'lt' | 'lteq' | 'gt' | 'gteq' | 'in' | 'notin';

/** The Python operator of each arithmetic node (nodes.py's _binop_to_func); And and Or short-circuit instead. */
export const BINARY_OPERATORS: Readonly<Partial<Record<BinaryNodeType, BinaryOperator>>> = {
  Add: '+', Sub: '-', Mul: '*', Div: '/', FloorDiv: '//', Mod: '%', Pow: '**',
};

/** The Python comparison of each compare op (nodes.py's _cmpop_to_func). */
export const COMPARE_OPERATORS: Readonly<Record<CompareOp, CompareOperator>> = {
  eq: '==', ne: '!=', lt: '<', lteq: '<=', gt: '>', gteq: '>=', in: 'in', notin: 'not in',
};

export interface Name extends Base {
  type: 'Name';
  name: string;
  ctx: 'load' | 'store' | 'param';
}
export interface NSRef extends Base {
  type: 'NSRef';
  name: string;
  attr: string;
}
export interface Const extends Base {
  type: 'Const';
  value: PyValue;
}
export interface TemplateData extends Base {
  type: 'TemplateData';
  data: string;
}
export interface Tuple extends Base {
  type: 'Tuple';
  items: Expr[];
  ctx: 'load' | 'store' | 'param';
}
export interface List extends Base {
  type: 'List';
  items: Expr[];
}
export interface Pair extends Base {
  type: 'Pair';
  key: Expr;
  value: Expr;
}
export interface Dict extends Base {
  type: 'Dict';
  items: Pair[];
}
export interface Keyword extends Base {
  type: 'Keyword';
  key: string;
  value: Expr;
}
export interface CondExpr extends Base {
  type: 'CondExpr';
  test: Expr;
  expr1: Expr;
  expr2: Expr | null;
}
interface CallLike {
  args: Expr[];
  kwargs: Keyword[];
  dyn_args: Expr | null;
  dyn_kwargs: Expr | null;
}
export interface Filter extends Base, CallLike {
  type: 'Filter';
  /** null inside `{% filter %}` blocks: the block's output. */
  node: Expr | null;
  name: string;
}
export interface Test extends Base, CallLike {
  type: 'Test';
  node: Expr;
  name: string;
}
export interface Call extends Base, CallLike {
  type: 'Call';
  node: Expr;
}
export interface Getitem extends Base {
  type: 'Getitem';
  node: Expr;
  arg: Expr;
  ctx: 'load';
}
export interface Getattr extends Base {
  type: 'Getattr';
  node: Expr;
  attr: string;
  ctx: 'load';
}
export interface Slice extends Base {
  type: 'Slice';
  start: Expr | null;
  stop: Expr | null;
  step: Expr | null;
}
export interface Concat extends Base {
  type: 'Concat';
  nodes: Expr[];
}
export interface Operand extends Base {
  type: 'Operand';
  op: CompareOp;
  expr: Expr;
}
export interface Compare extends Base {
  type: 'Compare';
  expr: Expr;
  ops: Operand[];
}
export interface BinExpr extends Base {
  type: BinaryNodeType;
  left: Expr;
  right: Expr;
}
export interface UnaryExpr extends Base {
  type: UnaryNodeType;
  node: Expr;
}

export type Expr =
  | Name | NSRef | Const | TemplateData | Tuple | List | Dict | CondExpr | Filter | Test | Call
  | Getitem | Getattr | Slice | Concat | Compare | BinExpr | UnaryExpr;

// ---- statements -------------------------------------------------------------------

export interface Template extends Base {
  type: 'Template';
  body: Stmt[];
}
export interface Output extends Base {
  type: 'Output';
  nodes: Expr[];
}
export interface Extends extends Base {
  type: 'Extends';
  template: Expr;
}
export interface For extends Base {
  type: 'For';
  target: Expr;
  iter: Expr;
  body: Stmt[];
  else_: Stmt[];
  test: Expr | null;
  recursive: boolean;
}
export interface If extends Base {
  type: 'If';
  test: Expr;
  body: Stmt[];
  elif_: If[];
  else_: Stmt[];
}
export interface Macro extends Base {
  type: 'Macro';
  name: string;
  args: Name[];
  defaults: Expr[];
  body: Stmt[];
}
export interface CallBlock extends Base {
  type: 'CallBlock';
  call: Call;
  args: Name[];
  defaults: Expr[];
  body: Stmt[];
}
export interface FilterBlock extends Base {
  type: 'FilterBlock';
  body: Stmt[];
  filter: Filter;
}
export interface With extends Base {
  type: 'With';
  targets: Expr[];
  values: Expr[];
  body: Stmt[];
}
export interface Block extends Base {
  type: 'Block';
  name: string;
  body: Stmt[];
  scoped: boolean;
  required: boolean;
}
export interface Include extends Base {
  type: 'Include';
  template: Expr;
  with_context: boolean;
  ignore_missing: boolean;
}
export interface Import extends Base {
  type: 'Import';
  template: Expr;
  target: string;
  with_context: boolean;
}
export interface FromImport extends Base {
  type: 'FromImport';
  template: Expr;
  /** a name, or [name, alias] */
  names: (string | [string, string])[];
  with_context: boolean;
}
export interface ExprStmt extends Base {
  type: 'ExprStmt';
  node: Expr;
}
export interface Assign extends Base {
  type: 'Assign';
  target: Expr;
  node: Expr;
}
export interface AssignBlock extends Base {
  type: 'AssignBlock';
  target: Expr;
  filter: Filter | null;
  body: Stmt[];
}
export interface Break extends Base {
  type: 'Break';
}
export interface Continue extends Base {
  type: 'Continue';
}
/** `{% autoescape %}`: parsed, evaluated for its expression; output escaping stays off. */
export interface ScopedEvalContextModifier extends Base {
  type: 'ScopedEvalContextModifier';
  options: Keyword[];
  body: Stmt[];
}
export interface Scope extends Base {
  type: 'Scope';
  body: Stmt[];
}

export type Stmt =
  | Output | Extends | For | If | Macro | CallBlock | FilterBlock | With | Block | Include | Import
  | FromImport | ExprStmt | Assign | AssignBlock | Break | Continue | Scope | ScopedEvalContextModifier;

export type Node = Template | Stmt | Expr | Pair | Keyword | Operand;

/** The node interface of a type name (the binary and the unary nodes share one). */
type NodeOf<T extends Node['type']> = Node extends infer N ? (N extends { type: infer U } ? (T extends U ? N : never) : never) : never;
/** The fields of a node interface that hold child nodes. */
type ChildField<N> = { [K in keyof N]-?: N[K] extends Node | readonly Node[] | null ? K : never }[keyof N];

/**
 * The fields of each node type that hold its children, in Jinja2's field
 * order: one table, so that every walk over the tree visits the same
 * children in the same order.
 */
const CHILD_FIELDS: { readonly [T in Node['type']]: readonly ChildField<NodeOf<T>>[] } = {
  Template: ['body'],
  Output: ['nodes'],
  Extends: ['template'],
  For: ['target', 'iter', 'body', 'else_', 'test'],
  If: ['test', 'body', 'elif_', 'else_'],
  Macro: ['args', 'defaults', 'body'],
  CallBlock: ['call', 'args', 'defaults', 'body'],
  FilterBlock: ['body', 'filter'],
  With: ['targets', 'values', 'body'],
  Block: ['body'],
  Include: ['template'],
  Import: ['template'],
  FromImport: ['template'],
  ExprStmt: ['node'],
  Assign: ['target', 'node'],
  AssignBlock: ['target', 'filter', 'body'],
  Break: [],
  Continue: [],
  Scope: ['body'],
  ScopedEvalContextModifier: ['options', 'body'],
  Name: [],
  NSRef: [],
  Const: [],
  TemplateData: [],
  Tuple: ['items'],
  List: ['items'],
  Dict: ['items'],
  Pair: ['key', 'value'],
  Keyword: ['value'],
  CondExpr: ['test', 'expr1', 'expr2'],
  Filter: ['node', 'args', 'kwargs', 'dyn_args', 'dyn_kwargs'],
  Test: ['node', 'args', 'kwargs', 'dyn_args', 'dyn_kwargs'],
  Call: ['node', 'args', 'kwargs', 'dyn_args', 'dyn_kwargs'],
  Getitem: ['node', 'arg'],
  Getattr: ['node'],
  Slice: ['start', 'stop', 'step'],
  Concat: ['nodes'],
  Compare: ['expr', 'ops'],
  Operand: ['expr'],
  Add: ['left', 'right'],
  Sub: ['left', 'right'],
  Mul: ['left', 'right'],
  Div: ['left', 'right'],
  FloorDiv: ['left', 'right'],
  Mod: ['left', 'right'],
  Pow: ['left', 'right'],
  And: ['left', 'right'],
  Or: ['left', 'right'],
  Not: ['node'],
  Neg: ['node'],
  Pos: ['node'],
};

type ChildSlots = Record<string, Node | Node[] | null>;

/** The direct children of a node, in Jinja2's field order. */
export function children(node: Node, only?: readonly string[], exclude?: readonly string[]): Node[] {
  const out: Node[] = [];
  const fields = node as unknown as ChildSlots;
  for (const field of CHILD_FIELDS[node.type] as readonly string[]) {
    if ((only && !only.includes(field)) || (exclude && exclude.includes(field))) continue;
    const v = fields[field];
    if (Array.isArray(v)) out.push(...v);
    else if (v) out.push(v);
  }
  return out;
}

/** Replaces each direct child of a node, in field order, with what `f` makes of it (the optimizer's rewrite). */
export function replaceChildren(node: Node, f: (child: Node) => Node): void {
  const fields = node as unknown as ChildSlots;
  for (const field of CHILD_FIELDS[node.type] as readonly string[]) {
    const v = fields[field];
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) v[i] = f(v[i]!);
    } else if (v) fields[field] = f(v);
  }
}

/** Every node below (and including) `node`, depth first, of the given type. */
export function findAll<T extends Node['type']>(node: Node, type: T): Extract<Node, { type: T }>[] {
  const out: Extract<Node, { type: T }>[] = [];
  const walk = (x: Node) => {
    if (x.type === type) out.push(x as Extract<Node, { type: T }>);
    for (const c of children(x)) walk(c);
  };
  walk(node);
  return out;
}

/** Whether an assignment target can be assigned to (Jinja2's can_assign). */
export function canAssign(node: Node): boolean {
  if (node.type === 'Name') return !['true', 'false', 'none', 'True', 'False', 'None'].includes(node.name);
  if (node.type === 'Tuple') return node.items.every(canAssign);
  if (node.type === 'NSRef') return true;
  return false;
}

/** Sets the ctx of every Name and Tuple in a target (Jinja2's set_ctx). */
export function setCtx(node: Node, ctx: 'load' | 'store' | 'param'): void {
  if (node.type === 'Name' || node.type === 'Tuple') node.ctx = ctx;
  for (const c of children(node)) setCtx(c, ctx);
}
