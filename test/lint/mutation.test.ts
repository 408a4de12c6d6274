// Mutation test: take the valid fixture tree fixtures/lint/valid/software,
// inject one mistake of each kind, and check that lint reports it with the
// right rule at the right line. The unmutated tree has no error and no
// warning.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { discoverProfiles } from '../../lint/discover.ts';
import { lint } from '../../lint/engine.ts';
import type { LintFinding } from '../../lint/types.ts';
import { repositoryRoot } from '../helpers/paths.ts';

const FIXTURE = join(repositoryRoot(), 'fixtures', 'lint', 'valid', 'software');

interface Mutation {
  kind: string;
  file: string;
  /** Replace the first occurrence of `from` by `to` in the file. */
  from: string;
  to: string;
  rule: string;
  /** The expected line: the line where `to` starts (or the given line of the file). */
  line?: number;
  severity?: 'error' | 'warning' | 'info';
  /** The file the finding is in, when not the mutated one. */
  at?: string;
  /** Extra files to write. */
  also?: Record<string, string>;
  /** Files to remove. */
  remove?: string[];
}

const MUTATIONS: Mutation[] = [
  { kind: 'a typo in a section name of a reference', file: 'instance.cfg.in', from: 'wrapper-path = ${directory:service}', to: 'wrapper-path = ${directroy:service}', rule: 'undefined-section' },
  { kind: 'a typo in an option name of a reference', file: 'component/hello.cfg', from: '${hello-settings:name}', to: '${hello-settings:nmae}', rule: 'undefined-option', severity: 'error' },
  { kind: 'a cycle of references', file: 'component/hello.cfg', from: 'name = world', to: 'name = ${hello:md5sum}${hello:configure-options}', rule: 'circular-reference', line: 11, severity: 'error' },
  { kind: 'a removed extends file', file: 'software.cfg', from: '', to: '', remove: ['component/hello.cfg'], rule: 'missing-extends', line: 7, severity: 'error' },
  { kind: 'a bad section header', file: 'component/hello.cfg', from: '[hello-settings]', to: '[hello settings]', rule: 'syntax', severity: 'error' },
  { kind: 'an option written with a colon', file: 'component/hello.cfg', from: 'shared = true', to: 'shared: true', rule: 'syntax', severity: 'error' },
  { kind: 'a changed md5sum', file: 'buildout.hash.cfg', from: 'md5sum = ', to: 'md5sum = 0', rule: 'md5sum-mismatch', severity: 'error' },
  { kind: 'a template changed after its md5sum', file: 'instance.cfg.in', from: 'port = 8080', to: 'port = 8081', rule: 'md5sum-mismatch', at: 'buildout.hash.cfg', line: 4, severity: 'error' },
  { kind: 'a reference without a colon', file: 'instance.cfg.in', from: 'etc = ${buildout:directory}/etc', to: 'etc = ${HOME}/etc', rule: 'invalid-substitution' },
  { kind: 'an extends cycle', file: 'component/hello.cfg', from: '[buildout]\n', to: '[buildout]\nextends = ../software.cfg\n', rule: 'extends-cycle', line: 2, severity: 'error' },
  { kind: 'an extends over http', file: 'software.cfg', from: '  component/hello.cfg', to: '  component/hello.cfg\n  http://example.invalid/x.cfg', rule: 'insecure-extends', line: 8 },
  { kind: 'a typo in parts', file: 'software.cfg', from: '  instance-profile\n', to: '  instance-profil\n', rule: 'part-without-section', severity: 'error' },
  { kind: 'a part without a recipe', file: 'component/hello.cfg', from: 'recipe = slapos.recipe.cmmi\n', to: '', rule: 'part-without-recipe', line: 2, severity: 'error' },
  { kind: 'a required recipe option removed', file: 'instance.cfg.in', from: 'command-line = {{ hello_location }}/bin/hello --port ${:port}\n', to: '', rule: 'missing-recipe-option', line: 15, severity: 'warning' },
  { kind: 'a typo in a recipe option', file: 'instance.cfg.in', from: 'wrapper-path =', to: 'wraper-path =', rule: 'unknown-recipe-option' },
  { kind: '+= on a section no earlier file defines', file: 'component/hello.cfg', from: 'name = world', to: 'name += world', rule: 'plus-equals-without-base', severity: 'warning' },
  { kind: '-= of a line that is not there', file: 'software.cfg', from: '[versions]', to: '[hello]\nconfigure-options -= --enable-greting\n\n[versions]', rule: 'minus-equals-absent', line: 24, severity: 'warning' },
  { kind: 'an unknown name in a condition', file: 'component/hello.cfg', from: '[hello-settings]', to: '[hello-settings:pythn3]', rule: 'condition-unknown-name', severity: 'error' },
  { kind: 'a download without md5sum', file: 'component/hello.cfg', from: 'md5sum = 0123456789abcdef0123456789abcdef\n', to: '', rule: 'url-without-md5sum', line: 6, severity: 'warning' },
  { kind: 'a Jinja2 syntax error', file: 'instance.cfg.in', from: '{%- endif %}', to: '{%- endfi %}', rule: 'jinja-syntax' },
  { kind: 'a context reading a missing option', file: 'software.cfg', from: 'key hello_location hello:location', to: 'key hello_location hello:locaton', rule: 'jinja-context', severity: 'error' },
  { kind: 'a template name the context does not give', file: 'software.cfg', from: '  section buildout buildout\n', to: '', rule: 'jinja-context', at: 'instance.cfg.in', line: 5, severity: 'warning' },
  { kind: 'a shared part using a non-shared location', file: 'component/hello.cfg', from: 'name = world', to: 'name = ${helper:location}\n\n[helper]\nrecipe = slapos.recipe.cmmi\nurl = https://example.invalid/h.tgz\nmd5sum = 0123456789abcdef0123456789abcdef', rule: 'shared-references-unshared', line: 11, severity: 'warning' },
  { kind: 'a section nothing uses', file: 'software.cfg', from: '[versions]', to: '[forgotten-part]\nrecipe = slapos.recipe.cmmi\n\n[versions]', rule: 'unused-section', severity: 'info' },
  { kind: 'a pin set again to the same value', file: 'software.cfg', from: 'slapos.recipe.cmmi = 0.23', to: 'slapos.recipe.cmmi = 0.22', rule: 'redundant-override', severity: 'info' },
];

function lineOf(text: string, needle: string): number {
  const at = text.indexOf(needle);
  assert.ok(at >= 0, `mutation text not found: ${needle}`);
  return text.slice(0, at).split('\n').length;
}

async function lintDir(dir: string): Promise<LintFinding[]> {
  const r = await lint(discoverProfiles(dir), { options: { semantics: 'slapos', executable: '/usr/bin/python3', env: { python: '3.11' }, rules: {}, cwd: dir } });
  return r.findings;
}

function show(fs: LintFinding[], dir: string): string {
  return fs.map((f) => `${f.span?.file.replace(dir + '/', '')}:${f.span?.line}:${f.span?.column} ${f.severity}[${f.rule}] ${f.message}`).join('\n') || '(none)';
}

test('mutation: the valid fixture has no error and no warning', async () => {
  const findings = await lintDir(FIXTURE);
  const bad = findings.filter((f) => f.severity !== 'info');
  assert.equal(bad.length, 0, show(bad, FIXTURE));
});

for (const m of MUTATIONS) {
  test(`mutation: ${m.kind} → ${m.rule}`, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tsbuildout-mutation-'));
    try {
      cpSync(FIXTURE, dir, { recursive: true });
      const path = join(dir, m.file);
      const before = readFileSync(path, 'utf8');
      let line = m.line;
      if (m.from) {
        assert.ok(before.includes(m.from), `mutation text not found in ${m.file}: ${m.from}`);
        const after = before.replace(m.from, m.to);
        writeFileSync(path, after);
        line ??= lineOf(after, m.to.trim() || m.from);
      }
      for (const r of m.remove ?? []) rmSync(join(dir, r));
      for (const [name, text] of Object.entries(m.also ?? {})) writeFileSync(join(dir, name), text);
      const findings = await lintDir(dir);
      const where = join(dir, m.at ?? m.file);
      const hit = findings.find(
        (f) => f.rule === m.rule && f.span?.file === where && f.span.line === line && (m.severity === undefined || f.severity === m.severity),
      );
      assert.ok(hit, `expected ${m.severity ?? ''}[${m.rule}] at ${m.at ?? m.file}:${line}; got:\n${show(findings, dir)}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

test('mutation: every rule that reports mistakes has a mutation', () => {
  const covered = new Set(MUTATIONS.map((m) => m.rule));
  for (const rule of ['syntax', 'undefined-section', 'undefined-option', 'circular-reference', 'invalid-substitution', 'missing-extends', 'extends-cycle', 'insecure-extends', 'part-without-section', 'part-without-recipe', 'missing-recipe-option', 'unknown-recipe-option', 'unused-section', 'redundant-override', 'plus-equals-without-base', 'minus-equals-absent', 'condition-unknown-name', 'md5sum-mismatch', 'url-without-md5sum', 'jinja-syntax', 'jinja-context', 'shared-references-unshared']) {
    assert.ok(covered.has(rule), `no mutation for ${rule}`);
  }
});
