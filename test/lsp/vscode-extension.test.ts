// The VS Code extension (editors/vscode) as data: its manifest names files
// that exist, its grammars are valid and read buildout lines as meant
// (headers, keys, references, Jinja2 tags), its client selects the
// languages it contributes, and its settings are those the server reads.
// `.ci/run` packages it into a .vsix (editors/vscode/package.sh).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repositoryRoot } from '../helpers/paths.ts';

const dir = join(repositoryRoot(), 'editors/vscode');
const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));

interface Rule {
  match?: string;
  begin?: string;
  patterns?: Rule[];
  repository?: Record<string, Rule>;
}

/** Every regular expression of a grammar (Oniguruma's \G has no JavaScript meaning: dropped for the check). */
function regexes(rule: Rule, out: string[] = []): string[] {
  for (const k of ['match', 'begin', 'end'] as const) if (typeof (rule as Record<string, unknown>)[k] === 'string') out.push((rule as Record<string, string>)[k]!);
  for (const p of rule.patterns ?? []) regexes(p, out);
  for (const r of Object.values(rule.repository ?? {})) regexes(r, out);
  return out;
}

test('the manifest names files that exist, and versions follow tsbuildout', () => {
  const root = JSON.parse(readFileSync(join(repositoryRoot(), 'package.json'), 'utf8'));
  assert.equal(manifest.version, root.version);
  assert.ok(existsSync(join(dir, manifest.main)));
  for (const l of manifest.contributes.languages) assert.ok(existsSync(join(dir, l.configuration)), l.configuration);
  for (const g of manifest.contributes.grammars) assert.ok(existsSync(join(dir, g.path)), g.path);
  assert.ok(manifest.dependencies['vscode-languageclient']);
  assert.ok(existsSync(join(dir, 'package-lock.json')));
});

test('the grammars compile and read buildout and Jinja2 lines', () => {
  const buildout = JSON.parse(readFileSync(join(dir, 'syntaxes/buildout.tmLanguage.json'), 'utf8'));
  const jinja = JSON.parse(readFileSync(join(dir, 'syntaxes/buildout-jinja2.tmLanguage.json'), 'utf8'));
  for (const g of [buildout, jinja]) for (const r of regexes(g)) new RegExp(r.replaceAll('\\G', ''));
  const header = new RegExp(buildout.repository.header.match);
  assert.deepEqual(header.exec('[versions:python3] # pins')!.slice(2, 5), ['versions', ':', 'python3']);
  const option = new RegExp(buildout.repository.option.begin);
  assert.deepEqual(option.exec('parts += a b')!.slice(3, 5), ['parts', '+=']);
  assert.equal(option.exec('<= macro')![2], '<');
  const reference = new RegExp(buildout.repository.value.patterns[1].match);
  assert.deepEqual(reference.exec('x = ${my-part:location}/bin')!.slice(2, 5), ['my-part', ':', 'location']);
  const tag = new RegExp(jinja.repository.jinja.patterns[1].begin);
  assert.ok(tag.test('{%- if x %}'));
  assert.equal(jinja.patterns[0].include, '#jinja');
});

test('the client selects the contributed languages and passes the settings the server reads', () => {
  const client = readFileSync(join(dir, 'extension.js'), 'utf8');
  for (const l of manifest.contributes.languages) assert.ok(client.includes(`language: '${l.id}'`), l.id);
  const settings = Object.keys(manifest.contributes.configuration.properties).map((k) => k.replace(/^tsbuildout\./, ''));
  for (const s of ['semantics', 'env', 'rules', 'python']) assert.ok(settings.includes(s), s);
  const server = readFileSync(join(repositoryRoot(), 'lsp/settings.ts'), 'utf8');
  for (const s of ['semantics', 'env', 'rules', 'python']) assert.match(server, new RegExp(`raw\\.${s}\\b`));
  for (const c of manifest.contributes.commands) assert.ok(client.includes(`'${c.command}'`), c.command);
});
