// The syntax tree of one .cfg file: every line that means something, in
// file order, each with its location. It says nothing yet about which
// lines count (conditions, state); sections.ts decides that.
import type { Span } from './diagnostic.ts';

export interface HeaderNode {
  kind: 'header';
  name: string;
  line: number;
  /** The whole header line. */
  span: Span;
  nameSpan: Span;
  /** The text after `:` up to the closing bracket, as written (escapes kept). */
  condition?: { text: string; span: Span };
  /** `]`, then whitespace and the trailing comment if any. */
  tail: string;
}

export type Operator = '=' | '+=' | '-=';

export interface OptionNode {
  kind: 'option';
  /** The key as zc.buildout stores it: name, spacing and operator (`b    +`). */
  key: string;
  /** The option name the key applies to (operator and spacing removed). */
  name: string;
  operator: Operator;
  /** Written as `=> …`, which means `<part-dependencies> = …`. */
  partDependencies: boolean;
  line: number;
  /** The option line as written (without its line break). */
  text: string;
  /** The option line. */
  span: Span;
  keySpan: Span;
  /** The value on the option line, stripped, and the column where it starts. */
  first: { text: string; column: number };
  /** The lines that continue the option: raw text ('' for a blank line). Never changed once made (most options share one empty list). */
  continuation: readonly { text: string; line: number }[];
}

/** The continuation of an option that has none: one list for all of them (an array per option is 32 bytes of every option held). */
export const NO_CONTINUATION: OptionNode['continuation'] = Object.freeze([]);

/** orphan: an indented line no option owns; junk: not a buildout line. */
export interface LineNode<K extends 'orphan' | 'junk' = 'orphan' | 'junk'> {
  kind: K;
  text: string;
  line: number;
  span: Span;
}

export interface CommentNode {
  text: string;
  line: number;
  span: Span;
}

export type TreeNode = HeaderNode | OptionNode | LineNode<'orphan'> | LineNode<'junk'>;

export interface ProfileTree {
  file: string;
  nodes: TreeNode[];
  comments: CommentNode[];
  lineCount: number;
}
