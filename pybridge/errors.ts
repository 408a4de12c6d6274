// Python errors as located buildout errors: the part, the option and the
// line of inline code, placed at that line in the profile file that wrote
// it, with the traceback of the user's code (the bridge's own frames are
// left out on the Python side).
import type { Diagnostic, Span } from '../parser/diagnostic.ts';
import type { Buildout } from '../profile/buildout.ts';
import { lineOrigins } from '../profile/provenance.ts';
import type { PythonErrorDetail, PythonFrame } from './process.ts';

/** Inline code is compiled under this name (tsbuildout_bridge.py's _Code). */
const CODE_FILE = /^<tsbuildout \[(.*)\] ([^\]]*)>$/;

export function inlineCode(file: string | null | undefined): { part: string; option: string } | undefined {
  const m = file ? CODE_FILE.exec(file) : null;
  return m ? { part: m[1]!, option: m[2]! } : undefined;
}

/**
 * Where line `line` (1-based) of the code in `[part] option` was written.
 * The code is the substituted value: a reference that expands to several
 * lines shifts the lines after it, so each raw line is substituted alone.
 */
export function codeLineSpan(buildout: Buildout, part: string, option: string, line: number, offset?: number | null): Span | undefined {
  const options = buildout.sections.get(part);
  const entry = options?.raw.get(option);
  if (!options || !entry) return undefined;
  const origins = lineOrigins(entry);
  const rawLines = entry.value.split('\n');
  let index = line - 1;
  const code = options.data.get(option) ?? options.cooked.get(option);
  if (code !== undefined && code.split('\n').length !== rawLines.length) {
    let seen = 0;
    index = rawLines.length - 1;
    for (let i = 0; i < rawLines.length; i++) {
      let n = 1;
      try {
        n = options.substituteText(rawLines[i]!).split('\n').length;
      } catch {
        // keep one line
      }
      if (line - 1 < seen + n) {
        index = i;
        break;
      }
      seen += n;
    }
  }
  const o = origins[index];
  if (!o) return undefined;
  const column = o.column + (offset && offset > 0 ? offset - 1 : 0);
  return { file: o.file, line: o.line, column, endLine: o.line, endColumn: column };
}

function frameText(f: PythonFrame, located: boolean): string {
  const code = inlineCode(f.file);
  const where = code ? `[${code.part}] ${code.option}, line ${f.line}, in` : located ? 'in' : `File "${f.file}", line ${f.line}, in`;
  return `${where} ${f.name}${f.text ? `: ${f.text}` : ''}`;
}

function frameSpan(buildout: Buildout, f: PythonFrame): Span | undefined {
  const code = inlineCode(f.file);
  if (code) return codeLineSpan(buildout, code.part, code.option, f.line);
  return f.file.startsWith('<') ? undefined : { file: f.file, line: f.line, column: 1, endLine: f.line, endColumn: 1 };
}

/** A failure of Python code run for `[part]` (option: what was running) as a located error. */
export function pythonError(buildout: Buildout, d: PythonErrorDetail, part: string | undefined, option: string | undefined): Error {
  const frames = d.frames ?? [];
  let span: Span | undefined;
  let at = part !== undefined ? `[${part}]${option ? ` ${option}` : ''}` : '';
  const related: NonNullable<Diagnostic['related']> = [];
  const syntax = d.syntax ? inlineCode(d.syntax.file) : undefined;
  let message: string;
  if (d.syntax && d.type && /Error$/.test(d.type) && (syntax || !frames.length)) {
    message = `${d.type}: ${d.syntax.msg}`;
    if (syntax) {
      at = `[${syntax.part}] ${syntax.option}, line ${d.syntax.line}`;
      span = codeLineSpan(buildout, syntax.part, syntax.option, d.syntax.line ?? 1, d.syntax.offset);
      if (d.syntax.text) related.push({ message: d.syntax.text.replace(/\n$/, ''), ...(span ? { span } : {}) });
    }
  } else {
    message = d.user ? d.message : (d.text ?? `${d.type}: ${d.message}`).trim().split('\n').pop()!;
    // the innermost frame of inline code locates the error
    for (let i = frames.length - 1; i >= 0; i--) {
      const code = inlineCode(frames[i]!.file);
      if (code) {
        at = `[${code.part}] ${code.option}, line ${frames[i]!.line}`;
        span = frameSpan(buildout, frames[i]!);
        break;
      }
    }
    if (frames.length) {
      related.push({ message: 'Traceback (most recent call last):' });
      for (const f of frames) {
        const s = frameSpan(buildout, f);
        related.push({ message: frameText(f, s !== undefined), ...(s ? { span: s } : {}) });
      }
    }
  }
  const error = buildout.error({ rule: 'python', message: at ? `${at}: ${message}` : message, span, ...(d.user ? { buildoutMessage: d.message } : {}) });
  if (related.length) error.primary.related = related;
  // zc.buildout reports any other exception as its internal error, with the traceback
  if (!d.user && d.kind === 'python' && (frames.length || d.text)) error.primary.traceback = pythonTraceback(frames, d);
  return error;
}

/** traceback.format_exception's text (the bridge's own frames left out). */
function pythonTraceback(frames: PythonFrame[], d: PythonErrorDetail): string {
  const lines = frames.length ? ['Traceback (most recent call last):'] : [];
  for (const f of frames) {
    lines.push(`  File "${f.file}", line ${f.line}, in ${f.name}`);
    if (f.text) lines.push(`    ${f.text.trim()}`);
  }
  lines.push((d.text ?? `${d.type}: ${d.message}`).replace(/\n$/, ''));
  return lines.join('\n');
}
