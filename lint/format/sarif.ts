// --format sarif: SARIF 2.1.0 (what code-scanning services read): one run,
// the rules as the tool's driver rules, each finding a result with its
// region; related places as relatedLocations; paths relative to the
// working directory (SRCROOT) when inside it.
import { isAbsolute, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Span } from '../../parser/diagnostic.ts';
import { RULES } from '../rules/index.ts';
import type { LintFinding } from '../types.ts';
import { VERSION } from './version.ts';

const LEVEL = { error: 'error', warning: 'warning', info: 'note' } as const;

function artifact(file: string, cwd: string): Record<string, unknown> {
  if (isAbsolute(file)) {
    const rel = relative(cwd, file);
    if (rel && !rel.startsWith('..') && !isAbsolute(rel)) return { uri: rel.split('\\').join('/'), uriBaseId: 'SRCROOT' };
    return { uri: pathToFileURL(file).href };
  }
  return /^[a-z][a-z0-9+.-]*:/i.test(file) ? { uri: file } : { uri: file, uriBaseId: 'SRCROOT' };
}

function location(s: Span, cwd: string): Record<string, unknown> {
  return {
    physicalLocation: {
      artifactLocation: artifact(s.file, cwd),
      region: { startLine: s.line, startColumn: s.column, endLine: s.endLine, endColumn: Math.max(s.endColumn, s.endLine === s.line ? s.column : 1) },
    },
  };
}

export function toSarif(findings: LintFinding[], cwd: string): Record<string, unknown> {
  const index = new Map(RULES.map((r, i) => [r.meta.id, i]));
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'tsbuildout',
            semanticVersion: VERSION,
            informationUri: 'https://lab.nexedi.com/nexedi/slapos',
            rules: RULES.map((r) => ({
              id: r.meta.id,
              name: r.meta.id.replace(/(^|-)([a-z0-9])/g, (_, __, c: string) => c.toUpperCase()),
              shortDescription: { text: r.meta.description },
              fullDescription: { text: r.meta.details ?? r.meta.description },
              defaultConfiguration: { level: LEVEL[r.meta.defaultSeverity] },
              help: { text: r.meta.details ?? r.meta.description },
            })),
          },
        },
        originalUriBaseIds: { SRCROOT: { uri: pathToFileURL(cwd.endsWith('/') ? cwd : cwd + '/').href } },
        results: findings.map((f) => {
          const r: Record<string, unknown> = {
            ruleId: f.rule,
            level: LEVEL[f.severity],
            message: { text: [f.message, f.hint ? `hint: ${f.hint}` : ''].filter(Boolean).join('\n') },
          };
          const i = index.get(f.rule);
          if (i !== undefined) r.ruleIndex = i;
          if (f.span) r.locations = [location(f.span, cwd)];
          const related = (f.related ?? []).filter((x) => x.span);
          if (related.length) r.relatedLocations = related.map((x, id) => ({ id, ...location(x.span!, cwd), message: { text: x.message } }));
          return r;
        }),
      },
    ],
  };
}

export function formatSarif(findings: LintFinding[], cwd: string): string {
  return JSON.stringify(toSarif(findings, cwd), null, 2);
}
