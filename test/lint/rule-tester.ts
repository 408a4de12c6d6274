// ESLint's RuleTester, for tsbuildout lint rules: a table of valid cases
// (no finding of the rule) and invalid cases (exactly the findings listed,
// by file, line, column and severity), each a small tree of files linted
// with only the rule under test turned on.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { withTree } from '../helpers/files.ts';
import { lint } from '../../lint/engine.ts';
import { RULES } from '../../lint/rules/index.ts';
import type { LintFinding, LintOptions, RuleSetting } from '../../lint/types.ts';
import type { Severity } from '../../parser/diagnostic.ts';

export interface Case {
  name: string;
  files: Record<string, string>;
  /** The profile to lint (default buildout.cfg). */
  root?: string;
  semantics?: LintOptions['semantics'];
  env?: LintOptions['env'];
  /** The rule's setting (default: its default). */
  setting?: RuleSetting;
}

export interface Expected {
  line: number;
  column?: number;
  severity: Severity;
  /** A piece of the message. */
  message?: string;
  /** The file, relative to the tree (default: the root). */
  file?: string;
}

export interface InvalidCase extends Case {
  findings: Expected[];
}

export async function lintTree(c: Case, only?: string): Promise<{ dir: string; findings: LintFinding[] }> {
  return withTree(c.files, async (dir) => {
    const rules: Record<string, RuleSetting> = {};
    if (only) for (const r of RULES) rules[r.meta.id] = r.meta.id === only ? (c.setting ?? r.meta.defaultSeverity) : 'off';
    const result = await lint([join(dir, c.root ?? 'buildout.cfg')], {
      options: { semantics: c.semantics ?? 'slapos', executable: '/usr/bin/python3', env: c.env ?? { python: '3.11' }, rules, cwd: dir },
    });
    return { dir, findings: result.findings };
  });
}

function describe(fs: LintFinding[], dir: string): string {
  return fs.map((f) => `${f.span?.file.replace(dir + '/', '')}:${f.span?.line}:${f.span?.column} ${f.severity} ${f.message}`).join('\n') || '(none)';
}

export function ruleTests(rule: string, cases: { valid: Case[]; invalid: InvalidCase[] }): void {
  for (const c of cases.valid) {
    test(`${rule} valid: ${c.name}`, async () => {
      const { dir, findings } = await lintTree(c, rule);
      const mine = findings.filter((f) => f.rule === rule);
      assert.equal(mine.length, 0, `expected no ${rule} finding, got:\n${describe(mine, dir)}`);
    });
  }
  for (const c of cases.invalid) {
    test(`${rule} invalid: ${c.name}`, async () => {
      const { dir, findings } = await lintTree(c, rule);
      const mine = findings.filter((f) => f.rule === rule);
      const got = describe(mine, dir);
      assert.equal(mine.length, c.findings.length, `expected ${c.findings.length} ${rule} finding(s), got:\n${got}`);
      const left = [...mine];
      for (const e of c.findings) {
        const file = join(dir, e.file ?? c.root ?? 'buildout.cfg');
        const i = left.findIndex(
          (f) =>
            f.span?.file === file &&
            f.span.line === e.line &&
            (e.column === undefined || f.span.column === e.column) &&
            f.severity === e.severity &&
            (e.message === undefined || f.message.includes(e.message)),
        );
        assert.ok(i >= 0, `no ${rule} finding ${e.file ?? c.root ?? 'buildout.cfg'}:${e.line}${e.column ? ':' + e.column : ''} ${e.severity}${e.message ? ` "${e.message}"` : ''}; got:\n${got}`);
        left.splice(i, 1);
      }
    });
  }
}

/** Lines joined with newlines, and a final newline. */
export const cfg = (...lines: string[]) => lines.join('\n') + '\n';
