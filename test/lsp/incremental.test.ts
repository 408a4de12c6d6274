// The server's incremental analysis gives what a full lint gives: after
// each edit of a sequence (values, references, sections, comments, an
// extended file, a Jinja2 template, a text that does not parse), every open
// document's last published diagnostics equal those of a fresh lint of the
// same unsaved texts (a new workspace, nothing kept).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { LspClient, uri } from '../helpers/lsp-client.ts';
import { repositoryRoot } from '../helpers/paths.ts';
import { lint } from '../../lint/engine.ts';
import { Workspace } from '../../lint/workspace.ts';
import { diagnosticsFor } from '../../lsp/diagnostics.ts';
import { findPython } from '../../cli/python.ts';

/** [file, text replaced, replacement]: each applied to the document's current text. */
const EDITS: [string, string, string][] = [
  ['buildout.cfg', 'name = World', 'name = Earth'],
  ['base.cfg', 'greeting = hi', 'greeting = ${hello:nope}'],
  ['buildout.cfg', 'message = ${hello:greeting}', 'message = ${helo:greeting}'],
  ['base.cfg', '[template-base]', '[template-bas]'],
  ['buildout.cfg', '[instance]', '# a comment\n[instance]'],
  ['buildout.cfg', '# a comment', '# another comment'],
  ['instance.cfg.in', '[buildout]', '# {{ not closed\n[buildout]'],
  ['instance.cfg.in', '# {{ not closed', '# {{ closed }}'],
  ['base.cfg', '[template-bas]', '[template-base]'],
  ['buildout.cfg', 'port = 8080', 'port = 8080\n[broken'],
  ['buildout.cfg', '[broken', ''],
  ['base.cfg', 'greeting = ${hello:nope}', 'greeting = hi'],
  ['buildout.cfg', 'message = ${helo:greeting}', 'message = ${hello:greeting}'],
];

/** Wait until the server published nothing for `quietMs` (the dependents' refresh comes 300 ms after an edit). */
async function settle(client: LspClient, quietMs = 500, maxMs = 30_000): Promise<void> {
  const t0 = Date.now();
  let seen = client.notifications.length;
  let since = Date.now();
  while (Date.now() - since < quietMs && Date.now() - t0 < maxMs) {
    await new Promise((r) => setTimeout(r, 50));
    if (client.notifications.length !== seen) {
      seen = client.notifications.length;
      since = Date.now();
    }
  }
}

function lastPublished(client: LspClient, path: string): unknown[] | undefined {
  for (let i = client.notifications.length - 1; i >= 0; i--) {
    const m = client.notifications[i]!;
    if (m.method === 'textDocument/publishDiagnostics' && (m.params as { uri: string }).uri === uri(path)) return (m.params as { diagnostics: unknown[] }).diagnostics;
  }
  return undefined;
}

/** A fresh lint of the documents' texts, as the server analyses each (`tsbuildout lint PATH`, slapos semantics). */
async function fresh(path: string, texts: Map<string, string>, python: string): Promise<unknown[]> {
  const options = { semantics: 'slapos' as const, executable: python, env: {}, rules: {}, cwd: dirname(path) };
  const workspace = new Workspace({ ...options, cwd: '/' }, (p) => texts.get(p), true);
  const result = await lint([path], { options, workspace });
  return JSON.parse(JSON.stringify(diagnosticsFor(path, result.findings))) as unknown[];
}

test('after each edit of a sequence, every open document has the diagnostics of a fresh lint of the same texts', async () => {
  const root = repositoryRoot();
  const dir = mkdtempSync(join(tmpdir(), 'tsbuildout-lsp-incr-'));
  cpSync(join(root, 'fixtures/lsp/project'), dir, { recursive: true });
  const client = LspClient.start(process.execPath, [join(root, 'bin/tsbuildout.js'), 'lsp', '--stdio'], dir);
  try {
    await client.initialize(dir);
    const python = findPython(undefined);
    const texts = new Map<string, string>();
    const versions = new Map<string, number>();
    for (const name of ['buildout.cfg', 'base.cfg', 'instance.cfg.in']) {
      const path = join(dir, name);
      texts.set(path, readFileSync(path, 'utf8'));
      versions.set(path, 1);
      const first = client.diagnostics(path);
      client.open(path, texts.get(path)!);
      await first;
    }
    let compared = 0;
    for (const [name, from, to] of EDITS) {
      const path = join(dir, name);
      const text = texts.get(path)!;
      const at = text.indexOf(from);
      assert.ok(at >= 0, `${from} not in ${name}`);
      const start = text.slice(0, at).split('\n');
      const end = text.slice(0, at + from.length).split('\n');
      const range = { start: { line: start.length - 1, character: start.at(-1)!.length }, end: { line: end.length - 1, character: end.at(-1)!.length } };
      texts.set(path, text.slice(0, at) + to + text.slice(at + from.length));
      const version = versions.get(path)! + 1;
      versions.set(path, version);
      const published = client.diagnostics(path, version);
      client.notify('textDocument/didChange', { textDocument: { uri: uri(path), version }, contentChanges: [{ range, text: to }] });
      await published;
      await settle(client);
      for (const p of texts.keys()) {
        assert.deepEqual(lastPublished(client, p), await fresh(p, texts, python), `${p} after ${name}: ${from} → ${to}`);
        compared++;
      }
    }
    assert.equal(compared, EDITS.length * 3);
    // the sequence found something to compare: an edit that breaks a reference is reported
    assert.ok(EDITS.length && client.notifications.some((m) => m.method === 'textDocument/publishDiagnostics' && (m.params as { diagnostics: { code: string }[] }).diagnostics.some((d) => d.code === 'undefined-section')));
  } finally {
    assert.equal(await client.stop(), 0, client.stderr);
    rmSync(dir, { recursive: true, force: true });
  }
});
