// The syntax tree of a Python expression. `pos` is the 0-based offset of
// the node's first token in the source text.

import type { BinaryOperator } from '../ops.ts';
import type { PyValue } from '../value.ts';

export type CompareOperator = '==' | '!=' | '<' | '<=' | '>' | '>=' | 'in' | 'not in' | 'is' | 'is not';

export interface Comprehension {
  target: Expr;
  iter: Expr;
  ifs: Expr[];
}

export interface Keyword {
  /** null for `**mapping` */
  name: string | null;
  value: Expr;
}

export interface Parameter {
  name: string;
  default: Expr | null;
  kind: 'positional' | 'varargs' | 'keyword-only' | 'kwargs';
}

export type Expr =
  | { kind: 'Constant'; pos: number; value: PyValue }
  | { kind: 'Name'; pos: number; id: string }
  | { kind: 'Attribute'; pos: number; value: Expr; attr: string }
  | { kind: 'Subscript'; pos: number; value: Expr; index: Expr }
  | { kind: 'Slice'; pos: number; lower: Expr | null; upper: Expr | null; step: Expr | null }
  | { kind: 'Call'; pos: number; func: Expr; args: Expr[]; keywords: Keyword[] }
  | { kind: 'Starred'; pos: number; value: Expr }
  | { kind: 'UnaryOp'; pos: number; op: '-' | '+' | '~' | 'not'; operand: Expr }
  | { kind: 'BinOp'; pos: number; op: BinaryOperator; left: Expr; right: Expr }
  | { kind: 'BoolOp'; pos: number; op: 'and' | 'or'; values: Expr[] }
  | { kind: 'Compare'; pos: number; left: Expr; ops: CompareOperator[]; comparators: Expr[] }
  | { kind: 'IfExp'; pos: number; test: Expr; body: Expr; orelse: Expr }
  | { kind: 'Tuple' | 'List' | 'Set'; pos: number; elts: Expr[] }
  | { kind: 'Dict'; pos: number; keys: (Expr | null)[]; values: Expr[] }
  | { kind: 'ListComp' | 'SetComp' | 'GeneratorExp'; pos: number; elt: Expr; generators: Comprehension[] }
  | { kind: 'DictComp'; pos: number; key: Expr; value: Expr; generators: Comprehension[] }
  | { kind: 'Lambda'; pos: number; params: Parameter[]; body: Expr }
  | { kind: 'NamedExpr'; pos: number; target: string; value: Expr };
