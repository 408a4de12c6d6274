// The linter's findings as the protocol's diagnostics: the rule id as the
// code, the severity, the hint and chain in the message, the related
// locations, and tags for what is unused or deprecated.
import { DiagnosticSeverity, DiagnosticTag, type Diagnostic } from 'vscode-languageserver';
import type { LintFinding } from '../lint/types.ts';
import { pathToUri, toRange } from './convert.ts';

const SEVERITY = { error: DiagnosticSeverity.Error, warning: DiagnosticSeverity.Warning, info: DiagnosticSeverity.Information } as const;

export function toDiagnostic(f: LintFinding): Diagnostic {
  const range = f.span ? toRange(f.span) : { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
  let message = f.message;
  if (f.hint) message += `\n${f.hint}`;
  if (f.chain?.length && f.rule !== 'internal-error') message += '\n' + f.chain.join('\n');
  const d: Diagnostic = { range, severity: SEVERITY[f.severity], code: f.rule, source: 'tsbuildout', message };
  const related = (f.related ?? []).filter((r) => r.span);
  if (related.length) d.relatedInformation = related.map((r) => ({ location: { uri: pathToUri(r.span!.file), range: toRange(r.span!) }, message: r.message }));
  if (f.rule === 'unused-section' || f.rule === 'redundant-override') d.tags = [DiagnosticTag.Unnecessary];
  else if (f.rule === 'deprecated-recipe-option') d.tags = [DiagnosticTag.Deprecated];
  if (f.fixes?.length) d.data = { fixes: f.fixes.map((x) => x.title) };
  return d;
}

/** The findings located in one file, as diagnostics. */
export function diagnosticsFor(path: string, findings: LintFinding[]): Diagnostic[] {
  return findings.filter((f) => f.span?.file === path || (!f.span && f.profiles?.includes(path))).map(toDiagnostic);
}
