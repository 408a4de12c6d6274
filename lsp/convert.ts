// Between tsbuildout's locations (1-based lines and columns, end
// exclusive, file paths) and the protocol's (0-based lines and UTF-16
// characters, URIs). Columns are JavaScript string offsets plus one, so
// UTF-16 code units on both sides.
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Location, Position, Range } from 'vscode-languageserver';
import type { Span } from '../parser/diagnostic.ts';

export function toRange(s: Span): Range {
  return { start: { line: s.line - 1, character: s.column - 1 }, end: { line: s.endLine - 1, character: s.endColumn - 1 } };
}

export function toLocation(s: Span): Location {
  return { uri: pathToUri(s.file), range: toRange(s) };
}

/** A URI's file path; undefined for what is not a file (untitled buffers, remote schemes). */
export function uriToPath(uri: string): string | undefined {
  if (!uri.startsWith('file:')) return undefined;
  try {
    return fileURLToPath(uri);
  } catch {
    return undefined;
  }
}

export function pathToUri(path: string): string {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(path) ? path : pathToFileURL(path).href;
}

/** Is a protocol position inside a span (its end included, so a cursor right after a name is on it)? */
export function within(s: Span, p: Position): boolean {
  const line = p.line + 1;
  const col = p.character + 1;
  if (line < s.line || line > s.endLine) return false;
  if (line === s.line && col < s.column) return false;
  if (line === s.endLine && col > s.endColumn) return false;
  return true;
}
