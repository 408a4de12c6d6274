// PEP 508 environment markers, as the packaging library zc.buildout 3.x
// uses (21.x): `python_version >= "3.8" and os_name == "posix"`, the
// PEP 345 dotted aliases (`platform.machine`), versions compared with
// PEP 440 specifiers when the right side is one, strings otherwise.
import { satisfies, validRange } from '@renovatebot/pep440';

export type MarkerValue = { kind: 'variable'; name: string } | { kind: 'value'; text: string };
export type MarkerItem = { kind: 'item'; lhs: MarkerValue; op: string; rhs: MarkerValue };
/** A list of atoms separated by `and`/`or` (evaluated as packaging does: `or` splits groups). */
export type MarkerExpr = { kind: 'expr'; parts: (MarkerItem | MarkerExpr | 'and' | 'or')[] };

const VARIABLES = [
  'implementation_version',
  'platform_python_implementation',
  'implementation_name',
  'python_full_version',
  'platform_release',
  'platform_version',
  'platform_machine',
  'platform_system',
  'python_version',
  'sys_platform',
  'os_name',
  'os.name',
  'sys.platform',
  'platform.version',
  'platform.machine',
  'platform.python_implementation',
  'python_implementation',
  'extra',
];
const ALIASES: Record<string, string> = {
  'os.name': 'os_name',
  'sys.platform': 'sys_platform',
  'platform.version': 'platform_version',
  'platform.machine': 'platform_machine',
  'platform.python_implementation': 'platform_python_implementation',
  python_implementation: 'platform_python_implementation',
};
const OPERATORS = ['===', '==', '>=', '<=', '!=', '~=', '>', '<', 'not in', 'in'];

export class MarkerError extends Error {}

/** Parse a marker; null when the text is not one (zc.buildout then tries Python). */
export function parseMarker(text: string): MarkerExpr | null {
  let i = 0;
  let depth = 0;
  const skip = () => {
    while (i < text.length && ' \t\n\r'.includes(text[i]!)) i++;
  };
  const literal = (words: string[]): string | null => {
    skip();
    for (const w of words) if (text.startsWith(w, i)) return (i += w.length), w;
    return null;
  };
  const value = (): MarkerValue | null => {
    const v = literal(VARIABLES);
    if (v) return { kind: 'variable', name: ALIASES[v] ?? v };
    skip();
    const q = text[i];
    if (q !== "'" && q !== '"') return null;
    const end = text.indexOf(q, i + 1);
    if (end < 0) return null;
    const body = text.slice(i + 1, end);
    if (body.includes('\n')) return null;
    i = end + 1;
    return { kind: 'value', text: body };
  };
  const atom = (): MarkerItem | MarkerExpr | null => {
    const save = i;
    const lhs = value();
    if (lhs) {
      const op = literal(OPERATORS);
      const rhs = op ? value() : null;
      if (op && rhs) return { kind: 'item', lhs, op, rhs };
    }
    i = save;
    // deeper than Python's own limit (200 brackets), it is no marker: the Python reading refuses it
    if (depth < 200 && literal(['('])) {
      depth++;
      const inner = expr();
      depth--;
      if (inner && literal([')'])) return inner;
    }
    return null;
  };
  const expr = (): MarkerExpr | null => {
    const parts: MarkerExpr['parts'] = [];
    const first = atom();
    if (!first) return null;
    parts.push(first);
    for (;;) {
      const save = i;
      const op = literal(['and', 'or']) as 'and' | 'or' | null;
      const next = op ? atom() : null;
      if (!op || !next) {
        i = save;
        break;
      }
      parts.push(op, next);
    }
    return { kind: 'expr', parts };
  };
  const result = expr();
  skip();
  return result && i === text.length ? result : null;
}

export function evaluateMarker(m: MarkerExpr, env: Record<string, string>): boolean {
  const groups: boolean[][] = [[]];
  for (const p of m.parts) {
    if (p === 'or') groups.push([]);
    else if (p === 'and') continue;
    else if (p.kind === 'expr') groups[groups.length - 1]!.push(evaluateMarker(p, env));
    else groups[groups.length - 1]!.push(evaluateItem(p, env));
  }
  return groups.some((g) => g.every(Boolean));
}

function lookup(env: Record<string, string>, name: string): string {
  const v = env[name];
  if (v === undefined) throw new MarkerError(`UndefinedEnvironmentName: '${name}' does not exist in evaluation environment.`);
  return v;
}

function evaluateItem(item: MarkerItem, env: Record<string, string>): boolean {
  let lhs: string;
  let rhs: string;
  // packaging reads the variable on one side and takes the other side's text as is
  if (item.lhs.kind === 'variable') {
    lhs = lookup(env, item.lhs.name);
    rhs = item.rhs.kind === 'variable' ? item.rhs.name : item.rhs.text;
  } else {
    lhs = item.lhs.text;
    rhs = lookup(env, item.rhs.kind === 'variable' ? item.rhs.name : item.rhs.text);
  }
  const op = item.op;
  if (op === '===') return lhs.toLowerCase() === rhs.toLowerCase();
  if (op !== 'in' && op !== 'not in' && !rhs.includes(',') && validRange(op + rhs)) {
    return satisfies(lhs, op + rhs);
  }
  switch (op) {
    case 'in':
      return rhs.includes(lhs);
    case 'not in':
      return !rhs.includes(lhs);
    case '<':
      return lhs < rhs;
    case '<=':
      return lhs <= rhs;
    case '==':
      return lhs === rhs;
    case '!=':
      return lhs !== rhs;
    case '>=':
      return lhs >= rhs;
    case '>':
      return lhs > rhs;
  }
  throw new MarkerError(`UndefinedComparison: Undefined ${op} on '${lhs}' and '${rhs}'.`);
}
