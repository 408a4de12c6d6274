// The server's settings: `[tsbuildout]` of tsbuildout.cfg at the
// workspace's root, then the editor's (initializationOptions, then
// workspace/didChangeConfiguration), each over the one before; a bad value
// is reported to the user and the others still apply.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LspClient, uri } from '../helpers/lsp-client.ts';
import { repositoryRoot } from '../helpers/paths.ts';

test('settings from tsbuildout.cfg, then the editor', async () => {
  const root = repositoryRoot();
  const dir = mkdtempSync(join(tmpdir(), 'tsbuildout-lsp-settings-'));
  cpSync(join(root, 'fixtures/lsp/project'), dir, { recursive: true });
  writeFileSync(join(dir, 'tsbuildout.cfg'), '[tsbuildout]\nsemantics = slapos\nrules = undefined-section=off\n');
  const client = LspClient.start(process.execPath, [join(root, 'bin/tsbuildout.js'), 'lsp'], dir);
  try {
    await client.initialize(dir, { tsbuildout: { rules: { 'undefined-option': 'warning' } } });
    const path = join(dir, 'errors.cfg');
    client.open(path, readFileSync(path, 'utf8'));
    const d = (await client.diagnostics(path)).diagnostics;
    // the file turned undefined-section off, the editor lowered undefined-option
    assert.deepEqual(d.map((x: any) => [x.code, x.severity]), [
      ['missing-recipe-option', 1],
      ['undefined-option', 2],
      ['undefined-option', 2],
    ]);
    // new editor settings: analysed again; a bad value is said and skipped
    const again = client.waitFor('textDocument/publishDiagnostics', (p) => p.uri === uri(path) && p.diagnostics.length === 4);
    // the user is told (a message box: vscode-languageserver shows messages as requests)
    const warned = new Promise<void>((done) =>
      client.handlers.set('window/showMessageRequest', (p) => {
        if (/semantics: expected slapos, buildout2 or upstream, got 'bogus'/.test((p as { message: string }).message)) done();
        return null;
      }),
    );
    client.notify('workspace/didChangeConfiguration', { settings: { tsbuildout: { semantics: 'bogus', rules: { 'undefined-section': 'error' } } } });
    await warned;
    const all = (await again).diagnostics;
    assert.deepEqual(all.map((x: any) => x.code).sort(), ['missing-recipe-option', 'undefined-option', 'undefined-option', 'undefined-section']);
  } finally {
    assert.equal(await client.stop(), 0, client.stderr);
    rmSync(dir, { recursive: true, force: true });
  }
});
