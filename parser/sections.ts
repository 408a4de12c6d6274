// The syntax tree of one file, read the way zc.buildout's configparser
// reads it: section headers and their conditions, options and their
// continuation lines, the two whitespace modes, repeated keys, and the
// errors that depend on state (content before the first header, an
// indented line that continues nothing). Values keep, line by line, the
// file position they come from.
import type { Diagnostic, Span } from './diagnostic.ts';
import type { HeaderNode, OptionNode, ProfileTree } from './tree.ts';
import { dedent, isPySpaceCode, pyRstrip, pyStrip, removeLeadingBlankLines, strRepr } from '../python/index.ts';
import { describeJunkLine } from './junk.ts';

/** Where each line of a value comes from (1-based line and column). */
export interface ValuePosition {
  line: number;
  column: number;
}

export interface RawOption {
  /** The key as stored: `name`, `name +`, `name-`, … */
  key: string;
  value: string;
  file: string;
  /** The option line that set the value (the last one, for accumulated keys). */
  node: OptionNode;
  /** One entry per line of `value`. */
  positions: ValuePosition[];
}

export interface FileSection {
  name: string;
  options: Map<string, RawOption>;
  /** The headers (with a true or no condition) that opened this section. */
  headers: HeaderNode[];
}

export interface FileSections {
  file: string;
  sections: Map<string, FileSection>;
  /** Headers whose condition was false: their lines were skipped. */
  skipped: HeaderNode[];
  errors: Diagnostic[];
}

export interface SectionReadOptions {
  /**
   * How a key that appears twice in one file combines:
   * `overwrite` (zc.buildout 2.x and 3.0.x: the later line wins) or
   * `accumulate` (≥ 3.1.1, issue 656: repeated `+=`/`-=` lines add up and a
   * plain `k =` drops a pending `k +`/`k -`).
   */
  repeatedKeys: 'overwrite' | 'accumulate';
  /** Decides a header's condition; may throw a BuildoutError. */
  condition: (header: HeaderNode) => boolean;
  /**
   * The file's name in zc.buildout's messages (its configparser's `fpname`),
   * asked for only when there is an error: a remote file's names the local
   * copy it was read from. Default: the tree's file.
   */
  nameInMessages?: () => string;
}

interface Building {
  /** The option being read: its value accumulates in place until the end of the file. */
  raw: RawOption;
  block: boolean;
}

/** Apply zc.buildout's configparser state machine to a parsed file. */
export function readSections(tree: ProfileTree, options: SectionReadOptions): FileSections {
  const file = tree.file;
  const sections = new Map<string, FileSection>();
  const skipped: HeaderNode[] = [];
  const errors: Diagnostic[] = [];
  /** Every option started, so their values are finished once at the end. */
  const started: RawOption[] = [];

  let current: FileSection | null = null;
  let conditionTrue = true;
  let open: Building | null = null;
  let missingHeaderReported = false;
  /** The lines zc.buildout's ParsingError lists, and the diagnostic that carries its text. */
  const parsingErrors: { line: number; text: string }[] = [];
  let parsingError: Diagnostic | undefined;
  const nameInMessages = options.nameInMessages ?? (() => file);

  const badLine = (d: Diagnostic, line: number, text: string) => {
    errors.push(d);
    parsingErrors.push({ line, text });
    parsingError ??= d;
  };

  const missingHeader = (line: number, s: Span, text: string) => {
    if (missingHeaderReported) return;
    missingHeaderReported = true;
    errors.push({
      severity: 'error',
      rule: 'syntax',
      message: `File contains no section headers: line ${line} ${pyReprLine(text)} comes before any [section] header`,
      // configparser.py MissingSectionHeaderError
      buildoutMessage: `File contains no section headers.\nfile: ${nameInMessages()}, line: ${line}\n${pyReprLine(text)}`,
      span: s,
      hint: skipped.length && !sections.size
        ? `the first header of the file, [${skipped[0]!.name}], has a false condition, so zc.buildout has no current section (a zc.buildout bug, reproduced)`
        : 'start the file with a section header such as [buildout]',
    });
  };

  const appendLine = (b: Building, text: string, line: number, column: number) => {
    b.raw.value += '\n' + text;
    b.raw.positions.push({ line, column });
  };

  for (const node of tree.nodes) {
    if (node.kind === 'header') {
      conditionTrue = true;
      if (node.condition && node.condition.text !== '') {
        conditionTrue = options.condition(node);
        if (!conditionTrue) {
          // zc.buildout keeps the previous section and option current here
          skipped.push(node);
          continue;
        }
      }
      let section = sections.get(node.name);
      if (!section) {
        section = { name: node.name, options: new Map(), headers: [] };
        sections.set(node.name, section);
      }
      section.headers.push(node);
      current = section;
      open = null;
      continue;
    }

    if (node.kind === 'junk') {
      if (current === null) missingHeader(node.line, node.span, node.text);
      else badLine(junkError(node.text, node.span), node.line, node.text);
      continue;
    }

    if (node.kind === 'orphan') {
      if (current !== null && open !== null) {
        // zc.buildout's continuation branch: the option stays open across
        // junk lines and false headers (whose lines are skipped)
        if (conditionTrue) {
          if (open.block) appendLine(open, pyRstrip(node.text), node.line, 1);
          else if (pyStrip(node.text) !== '') appendLine(open, pyStrip(node.text), node.line, leadingSpace(node.text) + 1);
        }
        continue;
      }
      if (pyStrip(node.text) === '') continue;
      if (current === null) missingHeader(node.line, node.span, node.text);
      else
        badLine(
          {
            severity: 'error',
            rule: 'syntax',
            message: `indented line ${pyReprLine(node.text)} does not continue any option`,
            span: node.span,
            hint: 'an option starts in column 0 (`name = value`); indented lines continue the option above them',
          },
          node.line,
          node.text,
        );
      continue;
    }

    // an option line with its continuation lines
    if (current === null) {
      missingHeader(node.line, node.span, node.text);
      continue;
    }
    if (!conditionTrue) continue;
    const raw = startOption(current, node, options, started);
    open = { raw, block: node.first.text === '' };
    for (const c of node.continuation) {
      if (open.block) appendLine(open, pyRstrip(c.text), c.line, 1);
      else {
        const stripped = pyStrip(c.text);
        if (stripped === '') continue;
        appendLine(open, stripped, c.line, leadingSpace(c.text) + 1);
      }
    }
  }

  if (parsingError && !missingHeaderReported) {
    // configparser.py ParsingError: raised at the end of the file, listing every bad line
    parsingError.buildoutMessage =
      `File contains parsing errors: ${nameInMessages()}` +
      parsingErrors.map((e) => `\n\t[line ${String(e.line).padStart(2)}]: ${pyReprLine(e.text)}`).join('');
  }
  for (const raw of started) finishValue(raw);
  return { file, sections, skipped, errors };
}

function startOption(
  section: FileSection,
  node: OptionNode,
  options: SectionReadOptions,
  started: RawOption[],
): RawOption {
  const existing = section.options.get(node.key);
  const firstPos = { line: node.line, column: node.first.column };
  if (options.repeatedKeys === 'accumulate') {
    if (node.operator === '=') {
      // a plain assignment drops a pending `k +` / `k -` written with one space
      section.options.delete(node.key + ' +');
      section.options.delete(node.key + ' -');
    } else if (existing) {
      existing.value = pyRstrip(existing.value);
      existing.positions.length = existing.value.split('\n').length;
      if (node.first.text !== '') {
        existing.value += '\n' + node.first.text;
        existing.positions.push(firstPos);
      }
      existing.node = node;
      return existing;
    }
  }
  const raw: RawOption = { key: node.key, value: node.first.text, file: node.span.file, node, positions: [firstPos] };
  if (existing) section.options.delete(node.key);
  section.options.set(node.key, raw);
  started.push(raw);
  return raw;
}

/**
 * The configparser's last step: a value that starts with whitespace (an
 * empty first line) is right-stripped, dedented, and loses its leading
 * blank lines.
 */
function finishValue(raw: RawOption): void {
  const text = raw.value;
  if (text === '' || !isPySpaceCode(text.charCodeAt(0))) return;
  const positions = raw.positions;
  const stripped = pyRstrip(text);
  const before = stripped.split('\n');
  const dedented = dedent(stripped);
  const after = dedented.split('\n');
  const final = removeLeadingBlankLines(dedented);
  const dropped = after.length - final.split('\n').length;
  const pos: ValuePosition[] = [];
  for (let i = dropped; i < before.length; i++) {
    pos.push({ line: positions[i]!.line, column: positions[i]!.column + (before[i]!.length - after[i]!.length) });
  }
  raw.value = final;
  raw.positions = pos;
}

function leadingSpace(text: string): number {
  let lead = 0;
  while (lead < text.length && isPySpaceCode(text.charCodeAt(lead))) lead++;
  return lead;
}

function junkError(text: string, s: Span): Diagnostic {
  const { message, hint } = describeJunkLine(text);
  return { severity: 'error', rule: 'syntax', message, span: s, hint };
}

/** Python's repr() of a line as the configparser reports it (with its newline). */
export function pyReprLine(line: string): string {
  return strRepr(line + '\n');
}
