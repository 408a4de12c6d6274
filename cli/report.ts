// Diagnostics for people (one `Error:` line with its location, then the
// hint and the chain that led there) and for programs (JSON).
import { relative, isAbsolute } from 'node:path';
import type { Diagnostic, Span } from '../parser/diagnostic.ts';

/** A path as a user would type it: relative to the working directory when inside it. */
export function displayPath(file: string, cwd = process.cwd()): string {
  if (!isAbsolute(file)) return file;
  const rel = relative(cwd, file);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : file;
}

export function formatSpan(s: Span | undefined, cwd?: string): string {
  return s ? `${displayPath(s.file, cwd)}:${s.line}:${s.column}` : '';
}

/** `Error: file:line:col: message` and indented context lines. */
export function formatError(d: Diagnostic, cwd?: string): string {
  const where = formatSpan(d.span, cwd);
  const lines = [`Error: ${where ? where + ': ' : ''}${oneLine(d.message)}`];
  if (d.hint) lines.push(`  hint: ${d.hint}`);
  for (const r of d.related ?? []) lines.push(`  ${r.span ? formatSpan(r.span, cwd) + ': ' : ''}${r.message}`);
  for (const c of d.chain ?? []) lines.push(`  while: ${relativise(c, cwd)}`);
  return lines.join('\n');
}

export function formatErrors(ds: Diagnostic[], cwd?: string): string {
  const [first, ...rest] = ds;
  const out = [formatError(first!, cwd)];
  for (const d of rest) {
    const where = formatSpan(d.span, cwd);
    out.push(`  also: ${where ? where + ': ' : ''}${oneLine(d.message)}${d.hint ? ` (${d.hint})` : ''}`);
  }
  return out.join('\n');
}

function oneLine(s: string): string {
  return s.replace(/\s*\n\s*/g, ' ').trim();
}

function relativise(text: string, cwd?: string): string {
  return text.replace(/(\/[^\s:()]+)(?=:\d+:\d+)/g, (p) => displayPath(p, cwd));
}

export function diagnosticJson(d: Diagnostic): Record<string, unknown> {
  const out: Record<string, unknown> = { severity: d.severity, rule: d.rule, message: d.message };
  if (d.span) Object.assign(out, { file: d.span.file, line: d.span.line, column: d.span.column, endLine: d.span.endLine, endColumn: d.span.endColumn });
  if (d.hint) out.hint = d.hint;
  if (d.chain) out.chain = d.chain;
  if (d.related) out.related = d.related;
  if (d.buildoutMessage) out.buildoutMessage = d.buildoutMessage;
  return out;
}
