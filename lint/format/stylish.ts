// The default output, for people: findings grouped by file, one line each
// (`line:col  severity  message  rule`), then the hint, related places and
// the chain that led there, and a summary line.
import { isAbsolute, relative } from 'node:path';
import type { Span } from '../../parser/diagnostic.ts';
import type { LintFinding } from '../types.ts';
import { countBySeverity } from '../engine.ts';

export function displayPath(file: string, cwd: string): string {
  if (!isAbsolute(file)) return file;
  const rel = relative(cwd, file);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : file;
}

function at(s: Span | undefined, cwd: string): string {
  return s ? `${displayPath(s.file, cwd)}:${s.line}:${s.column}` : '';
}

function oneLine(s: string): string {
  return s.replace(/\s*\n\s*/g, ' ').trim();
}

export function formatStylish(findings: LintFinding[], cwd: string, profiles: number): string {
  const out: string[] = [];
  let current: string | undefined;
  for (const f of findings) {
    const file = f.span ? displayPath(f.span.file, cwd) : '(no file)';
    if (file !== current) {
      if (current !== undefined) out.push('');
      out.push(file);
      current = file;
    }
    const pos = f.span ? `${f.span.line}:${f.span.column}` : '';
    out.push(`  ${pos.padEnd(8)} ${f.severity.padEnd(7)} ${oneLine(f.message)}  ${f.rule}`);
    if (f.span && f.sourceLine !== undefined && f.severity !== 'info') {
      const text = f.sourceLine.replace(/\t/g, ' ');
      const width = f.span.endLine === f.span.line ? Math.max(1, f.span.endColumn - f.span.column) : Math.max(1, text.length - f.span.column + 1);
      out.push(`           | ${text}`);
      out.push(`           | ${' '.repeat(Math.max(0, f.span.column - 1))}${'^'.repeat(Math.min(width, 200))}`);
    }
    if (f.hint) out.push(`           hint: ${oneLine(f.hint)}`);
    for (const r of f.related ?? []) out.push(`           ${r.span ? at(r.span, cwd) + ': ' : ''}${oneLine(r.message)}`);
    for (const c of f.chain ?? []) out.push(`           ${c.replace(/(\/[^\s:()]+)(?=:\d+:\d+)/g, (p) => displayPath(p, cwd))}`);
  }
  const n = countBySeverity(findings);
  const total = n.error + n.warning + n.info;
  if (out.length) out.push('');
  out.push(
    `${total ? '✖' : '✔'} ${total} finding${total === 1 ? '' : 's'} (${n.error} error${n.error === 1 ? '' : 's'}, ${n.warning} warning${n.warning === 1 ? '' : 's'}, ${n.info} info) in ${profiles} profile${profiles === 1 ? '' : 's'}`,
  );
  return out.join('\n');
}
