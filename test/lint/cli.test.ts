// The lint command: output formats (SARIF 2.1.0 checked against the
// official schema, GitHub annotations, JSON), exit codes, inline
// suppression and the baseline.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv-draft-04';
import { withTree } from '../helpers/files.ts';
import { repositoryRoot } from '../helpers/paths.ts';
import { lint } from '../../lint/engine.ts';
import { toSarif } from '../../lint/format/sarif.ts';

const BAD = '[buildout]\nparts = p\n[p]\nrecipe = r\nx = ${nope:y}\nz = ${HOME}\nw = ${d:typo}\n[d]\nv = 1\n';

function cli(dir: string, ...args: string[]) {
  return spawnSync(process.execPath, [join(repositoryRoot(), 'bin', 'tsbuildout.js'), '--env', 'python=3.11', 'lint', ...args], { cwd: dir, encoding: 'utf8' });
}

test('lint --format sarif validates against the SARIF 2.1.0 schema', async () => {
  const schema = JSON.parse(readFileSync(join(repositoryRoot(), 'fixtures', 'lint', 'sarif-schema-2.1.0.json'), 'utf8'));
  // the schema's language pattern is not a valid Unicode regular expression
  const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
  ajv.addFormat('uri', () => true);
  ajv.addFormat('uri-reference', () => true);
  ajv.addFormat('date-time', () => true);
  const validate = ajv.compile(schema);
  await withTree({ 'buildout.cfg': BAD }, async (dir) => {
    const r = cli(dir, '--format', 'sarif');
    assert.equal(r.status, 1, r.stderr);
    const sarif = JSON.parse(r.stdout) as { runs: { results: { ruleId: string; level: string; locations: { physicalLocation: { artifactLocation: unknown; region: { startLine: number } } }[] }[] }[] };
    assert.ok(validate(sarif), JSON.stringify(validate.errors, null, 1));
    const results = sarif.runs[0].results;
    assert.ok(results.length >= 3);
    const first = results.find((x) => x.ruleId === 'undefined-section')!;
    assert.equal(first.level, 'error');
    assert.deepEqual(first.locations[0].physicalLocation.artifactLocation, { uri: 'buildout.cfg', uriBaseId: 'SRCROOT' });
    assert.equal(first.locations[0].physicalLocation.region.startLine, 5);
    // a run without findings validates too
    const empty = toSarif([], dir);
    assert.ok(validate(empty), JSON.stringify(validate.errors));
  });
});

test('lint --format github prints workflow annotations', async () => {
  await withTree({ 'buildout.cfg': BAD }, async (dir) => {
    const r = cli(dir, '--format', 'github');
    assert.equal(r.status, 1);
    const lines = r.stdout.trim().split('\n');
    assert.ok(lines.every((l) => /^::(error|warning|notice) file=buildout\.cfg,line=\d+,col=\d+,endLine=\d+,endColumn=\d+,title=tsbuildout [a-z-]+::/.test(l)), r.stdout);
    assert.ok(lines.some((l) => l.startsWith('::error file=buildout.cfg,line=5,col=5,')));
  });
});

test('lint exit codes: 0 clean, 1 errors, 2 could not run', async () => {
  await withTree({ 'buildout.cfg': '[buildout]\nparts =\n', 'bad.cfg': BAD }, async (dir) => {
    assert.equal(cli(dir).status, 0);
    assert.equal(cli(dir, 'bad.cfg').status, 1);
    assert.equal(cli(dir, 'missing.cfg').status, 2);
    assert.equal(cli(dir, '--format', 'xml').status, 2);
    assert.equal(cli(dir, '--rule', 'no-such-rule=off').status, 2);
    // a rule turned down: no error left
    assert.equal(cli(dir, 'bad.cfg', '--rule', 'undefined-section=warning,invalid-substitution=off,undefined-option=info').status, 0);
  });
});

test('lint --format json and stylish', async () => {
  await withTree({ 'buildout.cfg': BAD }, async (dir) => {
    const j = JSON.parse(cli(dir, '--format', 'json').stdout);
    assert.equal(j.ok, false);
    assert.equal(j.summary.error, 3);
    assert.ok(j.findings.every((f: { file: string; line: number; rule: string }) => f.file && f.line && f.rule));
    const s = cli(dir).stdout;
    assert.match(s, /buildout\.cfg\n {2}5:5 +error +The referenced section, 'nope', was not defined/);
    assert.match(s, /3 errors/);
  });
});

test('inline suppression: # tsbuildout: disable=RULE on the line above, disable-file', async () => {
  const text = '[buildout]\nparts = p\n[p]\nrecipe = r\n# tsbuildout: disable=undefined-section\nx = ${nope:y}\nz = ${nope:z}\n';
  await withTree({ 'buildout.cfg': text }, async (dir) => {
    const r = await lint([join(dir, 'buildout.cfg')], { options: { semantics: 'slapos', executable: 'python3', env: { python: '3.11' }, rules: {}, cwd: dir } });
    assert.deepEqual(r.findings.map((f) => f.span?.line), [7]);
    assert.equal(r.suppressed, 1);
  });
  await withTree({ 'buildout.cfg': '# tsbuildout: disable-file=undefined-section\n' + text }, async (dir) => {
    const r = await lint([join(dir, 'buildout.cfg')], { options: { semantics: 'slapos', executable: 'python3', env: { python: '3.11' }, rules: {}, cwd: dir } });
    assert.equal(r.findings.length, 0);
  });
});

test('baseline: --update-baseline records findings, --baseline accepts them, new ones still fail', async () => {
  await withTree({ 'buildout.cfg': BAD }, async (dir) => {
    assert.equal(cli(dir, '--baseline', 'lint-baseline.json', '--update-baseline').status, 0);
    const recorded = JSON.parse(readFileSync(join(dir, 'lint-baseline.json'), 'utf8'));
    assert.equal(recorded.findings.length, 3);
    assert.equal(cli(dir, '--baseline', 'lint-baseline.json').status, 0);
    writeFileSync(join(dir, 'buildout.cfg'), BAD + 'q = ${other:x}\n');
    const r = cli(dir, '--baseline', 'lint-baseline.json', '--format', 'json');
    assert.equal(r.status, 1);
    assert.deepEqual(JSON.parse(r.stdout).findings.map((f: { line: number }) => f.line), [10]);
  });
});

test('lint of a directory: every profile, templates of other formats skipped', async () => {
  await withTree(
    {
      'software.cfg': '[buildout]\nparts =\n',
      'instance.cfg.in': '[buildout]\nparts = {{ parts }}\n',
      'nginx.cfg.in': 'daemon off;\nhttp {\n}\n',
    },
    async (dir) => {
      const r = JSON.parse(cli(dir, '.', '--format', 'json').stdout);
      assert.deepEqual(r.profiles.map((p: string) => p.replace(dir + '/', '')).sort(), ['instance.cfg.in', 'software.cfg']);
    },
  );
});
