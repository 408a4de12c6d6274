// pprint.pformat (Python 3.11, width 80, sorted dicts, any indent): a repr
// when it fits, else one item per line with the layout rules of
// PrettyPrinter for dicts, lists, tuples, sets and long strings. Used by
// Jinja2's pprint filter and by recipes that write Python files.

import { pyCompare } from './compare.ts';
import { PyException } from './exceptions.ts';
import { repr } from './repr.ts';
import { PY_WS_CLASS, pySplitLines } from './text.ts';
import { strLen } from './codepoints.ts';
import { PyDict, PyList, PyObject, PySet, PySetBase, PyTuple, typeName, type PyValue } from './value.ts';

const WIDTH = 80;
const RUNS = new RegExp(`[^${PY_WS_CLASS}]*[${PY_WS_CLASS}]*`, 'gu');

/** pprint's _safe_key ordering: `<`, or else by type name then identity. */
function safeLess(a: PyValue, b: PyValue): boolean {
  try {
    return pyCompare('<', a, b);
  } catch (e) {
    if (!(e instanceof PyException && e.pyType === 'TypeError')) throw e;
    const ta = `<class '${typeName(a)}'>`;
    const tb = `<class '${typeName(b)}'>`;
    if (ta !== tb) return ta < tb;
    const ida = a instanceof PyObject ? a.objectId : 0;
    const idb = b instanceof PyObject ? b.objectId : 0;
    return ida < idb;
  }
}

function sortedSafe<T>(items: T[], key: (t: T) => PyValue[]): T[] {
  return items
    .map((v, i) => ({ v, i, k: key(v) }))
    .sort((x, y) => {
      for (let j = 0; j < x.k.length; j++) {
        if (safeLess(x.k[j]!, y.k[j]!)) return -1;
        if (safeLess(y.k[j]!, x.k[j]!)) return 1;
      }
      return x.i - y.i;
    })
    .map((e) => e.v);
}

function sortedItems(d: PyDict): [PyValue, PyValue][] {
  return sortedSafe([...d.entries()], (e) => e);
}

/** PrettyPrinter._safe_repr: repr with dict keys sorted, recursively. */
function safeRepr(v: PyValue, context: Set<PyObject>): string {
  if (v instanceof PyDict) {
    if (v.size === 0) return '{}';
    if (context.has(v)) return `<Recursion on dict with id=${v.objectId}>`;
    context.add(v);
    const parts = sortedItems(v).map(([k, x]) => `${safeRepr(k, context)}: ${safeRepr(x, context)}`);
    context.delete(v);
    return `{${parts.join(', ')}}`;
  }
  if (v instanceof PyList || v instanceof PyTuple) {
    if (v instanceof PyList && v.items.length === 0) return '[]';
    if (v instanceof PyTuple && v.items.length === 0) return '()';
    if (context.has(v)) return `<Recursion on ${v.typeName} with id=${v.objectId}>`;
    context.add(v);
    const parts = v.items.map((x) => safeRepr(x, context));
    context.delete(v);
    if (v instanceof PyList) return `[${parts.join(', ')}]`;
    return parts.length === 1 ? `(${parts[0]},)` : `(${parts.join(', ')})`;
  }
  return repr(v);
}

class Printer {
  private out: string[] = [];
  constructor(private readonly perLevel: number) {}

  format(obj: PyValue, indent: number, allowance: number, context: Set<PyObject>, level: number): void {
    if (obj instanceof PyObject && context.has(obj)) {
      this.out.push(`<Recursion on ${obj.typeName} with id=${obj.objectId}>`);
      return;
    }
    const rep = safeRepr(obj, new Set(context));
    const maxWidth = WIDTH - indent - allowance;
    if (strLen(rep) > maxWidth) {
      const dispatched =
        obj instanceof PyDict || obj instanceof PyList || obj instanceof PyTuple || obj instanceof PySetBase ||
        typeof obj === 'string';
      if (dispatched) {
        if (obj instanceof PyObject) context.add(obj);
        this.dispatch(obj, indent, allowance, context, level + 1);
        if (obj instanceof PyObject) context.delete(obj);
        return;
      }
    }
    this.out.push(rep);
  }

  private dispatch(obj: PyValue, indent: number, allowance: number, context: Set<PyObject>, level: number): void {
    if (obj instanceof PyDict) {
      this.out.push('{');
      if (this.perLevel > 1) this.out.push(' '.repeat(this.perLevel - 1));
      if (obj.size) this.dictItems(sortedItems(obj), indent, allowance + 1, context, level);
      this.out.push('}');
    } else if (obj instanceof PyList) {
      this.out.push('[');
      this.items(obj.items, indent, allowance + 1, context, level);
      this.out.push(']');
    } else if (obj instanceof PyTuple) {
      this.out.push('(');
      const end = obj.items.length === 1 ? ',)' : ')';
      this.items(obj.items, indent, allowance + end.length, context, level);
      this.out.push(end);
    } else if (obj instanceof PySetBase) {
      if (obj.size === 0) {
        this.out.push(repr(obj));
        return;
      }
      let end = '}';
      if (obj instanceof PySet) this.out.push('{');
      else {
        this.out.push('frozenset({');
        end = '})';
        indent += 'frozenset'.length + 1;
      }
      const items = sortedSafe([...obj.values()], (v) => [v]);
      this.items(items, indent, allowance + end.length, context, level);
      this.out.push(end);
    } else if (typeof obj === 'string') {
      this.str(obj, indent, allowance, level);
    }
  }

  private dictItems(items: [PyValue, PyValue][], indent: number, allowance: number, context: Set<PyObject>, level: number): void {
    indent += this.perLevel;
    const delim = ',\n' + ' '.repeat(indent);
    items.forEach(([k, v], i) => {
      const last = i === items.length - 1;
      const rep = safeRepr(k, new Set(context));
      this.out.push(rep, ': ');
      this.format(v, indent + strLen(rep) + 2, last ? allowance : 1, context, level);
      if (!last) this.out.push(delim);
    });
  }

  private items(items: readonly PyValue[], indent: number, allowance: number, context: Set<PyObject>, level: number): void {
    indent += this.perLevel;
    if (this.perLevel > 1) this.out.push(' '.repeat(this.perLevel - 1));
    const delimnl = ',\n' + ' '.repeat(indent);
    let delim = '';
    items.forEach((v, i) => {
      const last = i === items.length - 1;
      this.out.push(delim);
      delim = delimnl;
      this.format(v, indent, last ? allowance : 1, context, level);
    });
  }

  private str(s: string, indent: number, allowance: number, level: number): void {
    if (s.length === 0) {
      this.out.push(repr(s));
      return;
    }
    const chunks: string[] = [];
    const lines = pySplitLines(s, true);
    if (level === 1) {
      indent += 1;
      allowance += 1;
    }
    let maxWidth1 = WIDTH - indent;
    const maxWidth = maxWidth1;
    let rep = '';
    lines.forEach((line, i) => {
      rep = repr(line);
      if (i === lines.length - 1) maxWidth1 -= allowance;
      if (strLen(rep) <= maxWidth1) chunks.push(rep);
      else {
        // alternating runs of non-space and space characters
        const parts = line.match(RUNS)!;
        parts.pop(); // the empty match at the end
        let maxWidth2 = maxWidth;
        let current = '';
        parts.forEach((part, j) => {
          const candidate = current + part;
          if (j === parts.length - 1 && i === lines.length - 1) maxWidth2 -= allowance;
          if (strLen(repr(candidate)) > maxWidth2) {
            if (current) chunks.push(repr(current));
            current = part;
          } else current = candidate;
        });
        if (current) chunks.push(repr(current));
      }
    });
    if (chunks.length === 1) {
      this.out.push(rep);
      return;
    }
    if (level === 1) this.out.push('(');
    chunks.forEach((c, i) => {
      if (i > 0) this.out.push('\n' + ' '.repeat(indent));
      this.out.push(c);
    });
    if (level === 1) this.out.push(')');
  }

  result(): string {
    return this.out.join('');
  }
}

/** pprint.pformat(value, indent) */
export function pformat(value: PyValue, indent = 1): string {
  const p = new Printer(indent);
  p.format(value, 0, 0, new Set(), 0);
  return p.result();
}
