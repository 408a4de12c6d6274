import { test } from 'node:test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LspClient, uri } from '../helpers/lsp-client.ts';
import { repositoryRoot } from '../helpers/paths.ts';
test('smoke', async () => {
  const root = repositoryRoot();
  const dir = join(root, 'fixtures/lsp/project');
  const c = LspClient.start(process.execPath, [join(root, 'bin/tsbuildout.js'), 'lsp'], dir);
  console.log(JSON.stringify(await c.initialize(dir)).slice(0, 300));
  const f = join(dir, 'buildout.cfg');
  const e = join(dir, 'errors.cfg');
  c.open(f, readFileSync(f, 'utf8'));
  c.open(e, readFileSync(e, 'utf8'));
  console.log(JSON.stringify(await c.diagnostics(f)));
  console.log(JSON.stringify(await c.diagnostics(e)));
  const d = uri(f);
  for (const [m, pos] of [['textDocument/hover', { line: 17, character: 14 }], ['textDocument/hover', { line: 10, character: 2 }], ['textDocument/definition', { line: 17, character: 14 }], ['textDocument/references', { line: 4, character: 3 }], ['textDocument/completion', { line: 17, character: 18 }]] as const) {
    console.log(m, JSON.stringify(await c.request(m, { textDocument: { uri: d }, position: pos, context: { includeDeclaration: true } })).slice(0, 1500));
  }
  console.log(JSON.stringify(await c.request('textDocument/documentSymbol', { textDocument: { uri: d } })).slice(0, 600));
  console.log(JSON.stringify(await c.request('textDocument/codeAction', { textDocument: { uri: uri(e) }, range: { start: { line: 7, character: 10 }, end: { line: 7, character: 10 } }, context: { diagnostics: [] } })).slice(0, 1500));
  console.log(await c.request('workspace/executeCommand', { command: 'tsbuildout.explain', arguments: [d, { line: 17, character: 14 }] }));
  console.log(await c.stop(), c.stderr);
});
