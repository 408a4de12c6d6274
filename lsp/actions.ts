// Code actions: the fixes the linter attaches to its findings (a
// did-you-mean, a local file's md5sum, a missing required option), and for
// a section downloading a remote `url`, "download it and set md5sum", which
// runs as a command and asks the user before anything is downloaded.
import { createHash } from 'node:crypto';
import { CodeActionKind, type CodeAction, type Connection, type Diagnostic as LspDiagnostic, type Range, type TextEdit, type WorkspaceEdit } from 'vscode-languageserver';
import type { Span } from '../parser/diagnostic.ts';
import { pyStrip } from '../python/index.ts';
import type { ProfileModel } from '../lint/model.ts';
import type { LintFinding } from '../lint/types.ts';
import type { LintFile } from '../lint/workspace.ts';
import { pathToUri, toRange } from './convert.ts';
import { optionAt, sectionAt, valueLines } from './cursor.ts';
import { toDiagnostic } from './diagnostics.ts';
import type { Project } from './project.ts';

export const UPDATE_MD5SUM = 'tsbuildout.updateMd5sum';

function overlaps(s: Span, r: Range): boolean {
  const a = toRange(s);
  const before = (x: { line: number; character: number }, y: { line: number; character: number }) => x.line < y.line || (x.line === y.line && x.character < y.character);
  return !before(a.end, r.start) && !before(r.end, a.start);
}

export function codeActions(uri: string, file: LintFile, model: ProfileModel | undefined, findings: LintFinding[], range: Range): CodeAction[] {
  const out: CodeAction[] = [];
  for (const f of findings) {
    if (!f.fixes?.length || !f.span || f.span.file !== file.path || !overlaps(f.span, range)) continue;
    const diagnostic: LspDiagnostic = toDiagnostic(f);
    f.fixes.forEach((fix, i) => {
      const changes: Record<string, TextEdit[]> = {};
      for (const e of fix.edits) (changes[pathToUri(e.span.file)] ??= []).push({ range: toRange(e.span), newText: e.text });
      out.push({ title: fix.title, kind: CodeActionKind.QuickFix, diagnostics: [diagnostic], isPreferred: i === 0 && f.fixes!.length === 1, edit: { changes } });
    });
  }
  const section = sectionAt(file, range.start.line + 1);
  if (model && section !== undefined) {
    const url = model.value(section, 'url');
    if (url && /^https?:\/\//.test(pyStrip(url))) {
      const node = optionAt(file, range.start.line + 1);
      if (!node || node.name === 'url' || node.name === 'md5sum') {
        out.push({ title: `Download ${pyStrip(url)} and set md5sum`, kind: CodeActionKind.QuickFix, command: { title: 'Set md5sum', command: UPDATE_MD5SUM, arguments: [uri, section] } });
      }
    }
  }
  return out;
}

/** The edit setting `md5sum` of a section of this file: its value replaced, or a line added after `url`. */
export function md5sumEdit(uri: string, file: LintFile, section: string, md5: string): WorkspaceEdit | undefined {
  let current: string | undefined;
  let url: { line: number; end: number } | undefined;
  for (const n of file.tree.nodes) {
    if (n.kind === 'header') current = n.name;
    if (n.kind !== 'option' || current !== section) continue;
    if (n.name === 'md5sum') {
      const [line, column, text] = valueLines(n)[0]!;
      const range = { start: { line: line - 1, character: column - 1 }, end: { line: line - 1, character: column - 1 + text.length } };
      return { changes: { [uri]: [{ range, newText: md5 }] } };
    }
    if (n.name === 'url') {
      const last = n.continuation.at(-1);
      url = { line: last ? last.line : n.line, end: (last ? last.text : n.text).length };
    }
  }
  if (!url) return undefined;
  const at = { line: url.line - 1, character: url.end };
  return { changes: { [uri]: [{ range: { start: at, end: at }, newText: `\nmd5sum = ${md5}` }] } };
}

/** The MD5 of what a URL serves (the user agreed to download it). */
export async function downloadMd5(url: string): Promise<string> {
  const response = await fetch(url, { signal: AbortSignal.timeout(120_000), redirect: 'follow' });
  if (!response.ok) throw new Error(`HTTP ${response.status} ${response.statusText}`);
  return createHash('md5').update(Buffer.from(await response.arrayBuffer())).digest('hex');
}

/**
 * The command behind "download it and set md5sum": asks the user, and only
 * on a yes downloads the section's url and sets its md5sum in the document.
 */
export async function updateMd5sum(connection: Connection, project: Project, uri: string, path: string, section: string): Promise<string | null> {
  const a = await project.analysis(path);
  const url = a.model?.value(section, 'url');
  const file = project.file(path);
  if (!url || !file) return null;
  const target = pyStrip(url);
  const choice = await connection.window.showInformationMessage(`Download ${target} to compute its md5sum?`, { title: 'Download' }, { title: 'Cancel' });
  if (choice?.title !== 'Download') return null;
  let md5: string;
  try {
    md5 = await downloadMd5(target);
  } catch (e) {
    connection.window.showErrorMessage(`tsbuildout: cannot download ${target}: ${(e as Error).message}`);
    return null;
  }
  const edit = md5sumEdit(uri, file, section, md5);
  if (edit) await connection.workspace.applyEdit(edit);
  return md5;
}
