// Diagnostics for people (one `Error:` line with its location, then the
// hint and the chain that led there) and for programs (JSON).
import { relative, isAbsolute } from 'node:path';
import { BuildoutError, UserError, type Diagnostic, type Span } from '../parser/diagnostic.ts';
import { UsageError } from './args.ts';

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

/**
 * tsbuildout's own lines after zc.buildout's text start with this, so that
 * whatever matches buildout's text keeps matching (docs/errors.md#buildouts-text-first).
 */
export const EXTRA_LINE_MARKER = '  | ';

const INTERNAL_ERROR = '\nAn internal error occurred due to a bug in either zc.buildout or in a\nrecipe being used:';

/**
 * zc.buildout's report of an error (buildout.py main, _doing, _error): the
 * `While:` block, then `Error: message`, or for an exception in a recipe
 * its internal-error text and the traceback; tsbuildout's location, hint,
 * related places and other errors follow, each line marked.
 */
export function formatBuildoutText(ds: Diagnostic[], cwd?: string): string {
  const [first, ...rest] = ds;
  const d = first!;
  const lines: string[] = [];
  const extra: string[] = [];
  // zc.buildout's process ended without a word: tsbuildout's lines only
  if (d.exitCode !== undefined) extra.push(`Error: ${oneLine(d.message)}`);
  else {
    if (d.doing?.length) lines.push('While:', ...d.doing.map((s) => `  ${s}`));
    if (d.traceback) lines.push(INTERNAL_ERROR, d.traceback);
    else lines.push(`Error: ${d.buildoutMessage ?? d.message}`);
  }
  const where = formatSpan(d.span, cwd);
  if (where) extra.push(`at ${where}${d.buildoutMessage || d.traceback ? `: ${oneLine(d.message)}` : ''}`);
  if (d.hint) extra.push(`hint: ${d.hint}`);
  if (!d.traceback) for (const r of d.related ?? []) extra.push(`${r.span ? formatSpan(r.span, cwd) + ': ' : ''}${r.message}`);
  for (const o of rest) {
    const w = formatSpan(o.span, cwd);
    extra.push(`also: ${w ? w + ': ' : ''}${oneLine(o.message)}${o.hint ? ` (${o.hint})` : ''}`);
  }
  for (const e of extra) for (const l of e.split('\n')) lines.push(EXTRA_LINE_MARKER + l);
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

/**
 * How a command that threw ends (exit status 1): bad input as `Error:` lines
 * (and the JSON error with --json); anything else is a bug and says so.
 */
export function reportFailure(e: unknown, o: { json: boolean; semantics: string; out: (t: string) => void; err: (t: string) => void }): number {
  const { json, out, err } = o;
  if (e instanceof BuildoutError) {
    if (json) out(JSON.stringify({ ok: false, error: diagnosticJson(e.primary), errors: e.diagnostics.map(diagnosticJson) }, null, 1));
    // zc.buildout's own text where tsbuildout models a zc.buildout release; the fork's runs keep tsbuildout's
    // zc.buildout's _error ends its text with a newline, after a message's own (a blank line then)
    err(json || o.semantics === 'slapos' ? formatErrors(e.diagnostics) : formatBuildoutText(e.diagnostics) + '\n');
    return e.primary.exitCode ?? 1;
  }
  if (e instanceof UsageError || e instanceof UserError || (e instanceof Error && e.message.startsWith('--env'))) {
    if (json) out(JSON.stringify({ ok: false, error: { message: e.message } }, null, 1));
    err(`Error: ${e.message}`);
    return 1;
  }
  err('\nAn internal error occurred due to a bug in tsbuildout; please report it with this output:\n');
  err(e instanceof Error ? (e.stack ?? e.message) : String(e));
  return 1;
}
