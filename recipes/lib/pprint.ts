// Python's pprint.pformat (width 80, sort_dicts, CPython ≥ 3.5 rules) for
// the values recipes print into generated Python files: dicts, tuples and
// lists of strings (long strings are broken at whitespace into adjacent
// literals, as pprint does). Other values are printed with repr.
import { repr, strRepr } from '../../python/repr.ts';
import { strLen } from '../../python/codepoints.ts';
import { PY_WS_CLASS, pySplitLines } from '../../python/text.ts';
import { PyDict, PyList, PyTuple, type PyValue } from '../../python/value.ts';
import { sortCompare } from '../../python/compare.ts';

const WIDTH = 80;

/** A JavaScript record or map of strings as a Python dict. */
export function pyDictOf(entries: Iterable<readonly [string, PyValue]>): PyDict {
  return new PyDict(entries);
}

export function pformat(value: PyValue, indent = 1): string {
  const p = new Printer(indent);
  p.format(value, 0, 0, 0);
  return p.out;
}

function sortedItems(d: PyDict): [PyValue, PyValue][] {
  return [...d.entries()].sort((a, b) => sortCompare(a[0], b[0]));
}

/** repr with dict keys sorted, as pprint's _safe_repr. */
function safeRepr(v: PyValue): string {
  if (v instanceof PyDict) {
    if (!v.size) return '{}';
    return '{' + sortedItems(v).map(([k, x]) => `${safeRepr(k)}: ${safeRepr(x)}`).join(', ') + '}';
  }
  if (v instanceof PyList) return '[' + v.items.map(safeRepr).join(', ') + ']';
  if (v instanceof PyTuple) {
    if (v.items.length === 1) return '(' + safeRepr(v.items[0]!) + ',)';
    return '(' + v.items.map(safeRepr).join(', ') + ')';
  }
  return repr(v);
}

class Printer {
  out = '';
  constructor(private readonly perLevel: number) {}

  format(v: PyValue, indent: number, allowance: number, level: number): void {
    const rep = safeRepr(v);
    if (strLen(rep) > WIDTH - indent - allowance) {
      if (v instanceof PyDict) return this.dict(v, indent, allowance, level + 1);
      if (v instanceof PyList) return this.sequence(v.items, '[', ']', indent, allowance, level + 1);
      if (v instanceof PyTuple) return this.sequence(v.items, '(', v.items.length === 1 ? ',)' : ')', indent, allowance, level + 1);
      if (typeof v === 'string') return this.str(v, indent, allowance, level + 1);
    }
    this.out += rep;
  }

  private dict(d: PyDict, indent: number, allowance: number, level: number): void {
    this.out += '{';
    if (this.perLevel > 1) this.out += ' '.repeat(this.perLevel - 1);
    const items = sortedItems(d);
    if (items.length) {
      indent += this.perLevel;
      const delimnl = ',\n' + ' '.repeat(indent);
      items.forEach(([k, v], i) => {
        const last = i === items.length - 1;
        const rep = safeRepr(k);
        this.out += rep + ': ';
        this.format(v, indent + strLen(rep) + 2, last ? allowance + 1 : 1, level);
        if (!last) this.out += delimnl;
      });
    }
    this.out += '}';
  }

  private sequence(items: readonly PyValue[], open: string, close: string, indent: number, allowance: number, level: number): void {
    this.out += open;
    allowance += close.length;
    indent += this.perLevel;
    if (this.perLevel > 1) this.out += ' '.repeat(this.perLevel - 1);
    const delimnl = ',\n' + ' '.repeat(indent);
    items.forEach((v, i) => {
      const last = i === items.length - 1;
      if (i) this.out += delimnl;
      this.format(v, indent, last ? allowance : 1, level);
    });
    this.out += close;
  }

  private str(s: string, indent: number, allowance: number, level: number): void {
    if (!s) {
      this.out += strRepr(s);
      return;
    }
    const chunks: string[] = [];
    const lines = pySplitLines(s, true);
    if (level === 1) {
      indent += 1;
      allowance += 1;
    }
    const maxWidth = WIDTH - indent;
    let maxWidth1 = maxWidth;
    let rep = '';
    lines.forEach((line, i) => {
      rep = strRepr(line);
      const lastLine = i === lines.length - 1;
      if (lastLine) maxWidth1 -= allowance;
      if (strLen(rep) <= maxWidth1) {
        chunks.push(rep);
        return;
      }
      const parts = [...line.matchAll(PARTS)].map((m) => m[0]);
      parts.pop(); // the empty match at the end
      let maxWidth2 = maxWidth;
      let current = '';
      parts.forEach((part, j) => {
        const candidate = current + part;
        if (j === parts.length - 1 && lastLine) maxWidth2 -= allowance;
        if (strLen(strRepr(candidate)) > maxWidth2) {
          if (current) chunks.push(strRepr(current));
          current = part;
        } else current = candidate;
      });
      if (current) chunks.push(strRepr(current));
    });
    if (chunks.length === 1) {
      this.out += rep;
      return;
    }
    if (level === 1) this.out += '(';
    this.out += chunks.join('\n' + ' '.repeat(indent));
    if (level === 1) this.out += ')';
  }
}

const PARTS = new RegExp(`[^${PY_WS_CLASS}]*[${PY_WS_CLASS}]*`, 'gu');
