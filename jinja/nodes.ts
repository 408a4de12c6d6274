// The template syntax tree, node for node as Jinja2's nodes.py (same class
// names, same fields in the same order, since the order in which children
// are visited decides how names are scoped).

import type { PyValue } from '../python/value.ts';

interface Base {
  lineno: number;
}

// ---- expressions ------------------------------------------------------------------

export type BinaryNodeType = 'Add' | 'Sub' | 'Mul' | 'Div' | 'FloorDiv' | 'Mod' | 'Pow' | 'And' | 'Or';
export type UnaryNodeType = 'Not' | 'Neg' | 'Pos';
export type CompareOp = 'eq' | 'ne' | 'lt' | 'lteq' | 'gt' | 'gteq' | 'in' | 'notin';

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

/** The direct children of a node, in Jinja2's field order. */
export function children(node: Node, only?: readonly string[], exclude?: readonly string[]): Node[] {
  const out: Node[] = [];
  const add = (field: string, v: Node | Node[] | null | undefined) => {
    if ((only && !only.includes(field)) || (exclude && exclude.includes(field))) return;
    if (Array.isArray(v)) out.push(...v);
    else if (v) out.push(v);
  };
  switch (node.type) {
    case 'Template':
      add('body', node.body);
      break;
    case 'Output':
      add('nodes', node.nodes);
      break;
    case 'Extends':
      add('template', node.template);
      break;
    case 'For':
      add('target', node.target);
      add('iter', node.iter);
      add('body', node.body);
      add('else_', node.else_);
      add('test', node.test);
      break;
    case 'If':
      add('test', node.test);
      add('body', node.body);
      add('elif_', node.elif_);
      add('else_', node.else_);
      break;
    case 'Macro':
      add('args', node.args);
      add('defaults', node.defaults);
      add('body', node.body);
      break;
    case 'CallBlock':
      add('call', node.call);
      add('args', node.args);
      add('defaults', node.defaults);
      add('body', node.body);
      break;
    case 'FilterBlock':
      add('body', node.body);
      add('filter', node.filter);
      break;
    case 'With':
      add('targets', node.targets);
      add('values', node.values);
      add('body', node.body);
      break;
    case 'Block':
      add('body', node.body);
      break;
    case 'Include':
    case 'Import':
    case 'FromImport':
      add('template', node.template);
      break;
    case 'ExprStmt':
      add('node', node.node);
      break;
    case 'Assign':
      add('target', node.target);
      add('node', node.node);
      break;
    case 'AssignBlock':
      add('target', node.target);
      add('filter', node.filter);
      add('body', node.body);
      break;
    case 'Scope':
      add('body', node.body);
      break;
    case 'ScopedEvalContextModifier':
      add('options', node.options);
      add('body', node.body);
      break;
    case 'Tuple':
    case 'List':
      add('items', node.items);
      break;
    case 'Dict':
      add('items', node.items);
      break;
    case 'Pair':
      add('key', node.key);
      add('value', node.value);
      break;
    case 'Keyword':
      add('value', node.value);
      break;
    case 'CondExpr':
      add('test', node.test);
      add('expr1', node.expr1);
      add('expr2', node.expr2);
      break;
    case 'Filter':
    case 'Test':
    case 'Call':
      add('node', node.node);
      add('args', node.args);
      add('kwargs', node.kwargs);
      add('dyn_args', node.dyn_args);
      add('dyn_kwargs', node.dyn_kwargs);
      break;
    case 'Getitem':
      add('node', node.node);
      add('arg', node.arg);
      break;
    case 'Getattr':
      add('node', node.node);
      break;
    case 'Slice':
      add('start', node.start);
      add('stop', node.stop);
      add('step', node.step);
      break;
    case 'Concat':
      add('nodes', node.nodes);
      break;
    case 'Compare':
      add('expr', node.expr);
      add('ops', node.ops);
      break;
    case 'Operand':
      add('expr', node.expr);
      break;
    case 'Add':
    case 'Sub':
    case 'Mul':
    case 'Div':
    case 'FloorDiv':
    case 'Mod':
    case 'Pow':
    case 'And':
    case 'Or':
      add('left', node.left);
      add('right', node.right);
      break;
    case 'Not':
    case 'Neg':
    case 'Pos':
      add('node', node.node);
      break;
  }
  return out;
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
