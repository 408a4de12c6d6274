// --format json: the findings as data (the Diagnostic shape of the whole
// project, with the profiles that produced each).
import type { LintFinding } from '../types.ts';
import { countBySeverity } from '../engine.ts';

export function findingJson(f: LintFinding): Record<string, unknown> {
  const out: Record<string, unknown> = { severity: f.severity, rule: f.rule, message: f.message };
  if (f.span) Object.assign(out, { file: f.span.file, line: f.span.line, column: f.span.column, endLine: f.span.endLine, endColumn: f.span.endColumn });
  if (f.hint) out.hint = f.hint;
  if (f.related?.length) out.related = f.related;
  if (f.chain?.length) out.chain = f.chain;
  if (f.profiles?.length) out.profiles = f.profiles;
  if (f.fixes?.length) out.fixes = f.fixes;
  return out;
}

export function formatJson(findings: LintFinding[], profiles: string[]): string {
  return JSON.stringify({ ok: countBySeverity(findings).error === 0, summary: countBySeverity(findings), profiles, findings: findings.map(findingJson) }, null, 1);
}
