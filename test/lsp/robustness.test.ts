// Bad input never kills the server: fast-check sends random edits (binary
// text, unterminated headers, extends and reference cycles, Jinja2
// fragments, whole-text and ranged changes, out-of-range positions) and
// random requests, some cancelled at once, to one `tsbuildout lsp`; every
// request must be answered (or cancelled), no handler may fail inside, and
// the process stays up. Bounded in runs and time.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { LspClient, uri } from '../helpers/lsp-client.ts';
import { repositoryRoot } from '../helpers/paths.ts';

const pieces = [
  '[buildout]\n', '[a]\n', '[b]\n', '[a', '[b:python3]\n', '[x-{{ k }}]\n', '[', ']', '\n', '  ', '\t', '=', '+=', '-=', ':',
  'parts = a b\n', 'extends = a.cfg\n', 'extends = b.cfg\n', 'extends = cycle.cfg\n', 'extends = missing.cfg\n', 'extends = http://127.0.0.1:9/x.cfg\n',
  'x = ${a:y}\n', 'y = ${b:x}\n', 'z = ${:z}\n', '<= a\n', '<= b\n', 'recipe = slapos.recipe.template\n', 'recipe = slapos.recipe.template:jinja2\n',
  'url = ${:_profile_base_location_}/config.in\n', 'md5sum = 00\n', 'context = key v a:x\n', 'output = ${buildout:directory}/o\n',
  '${', '${a:', '}', '$${a:b}', '{{ v }}', '{% if x %}', '{% endif %}', '{% for i in l %}', '{# c #}', '# comment\n', '\0', '\r\n', '\uFFFD', '\uD800', 'é',
];

const text = fc.oneof(
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 120 }) },
  { weight: 4, arbitrary: fc.array(fc.constantFrom(...pieces), { maxLength: 40 }).map((a) => a.join('')) },
);
const position = fc.record({ line: fc.integer({ min: -1, max: 30 }), character: fc.integer({ min: -1, max: 60 }) });
const docs = ['a.cfg', 'b.cfg', 'instance.cfg.in'];
const METHODS = [
  'textDocument/hover', 'textDocument/definition', 'textDocument/declaration', 'textDocument/references', 'textDocument/prepareRename',
  'textDocument/rename', 'textDocument/completion', 'textDocument/codeAction', 'textDocument/documentSymbol', 'textDocument/foldingRange',
  'textDocument/semanticTokens/full', 'workspace/symbol', 'workspace/executeCommand',
];

const command = fc.oneof(
  fc.record({ kind: fc.constant('replace' as const), doc: fc.constantFrom(...docs), text }),
  fc.record({ kind: fc.constant('splice' as const), doc: fc.constantFrom(...docs), start: position, end: position, text }),
  fc.record({ kind: fc.constant('request' as const), doc: fc.constantFrom(...docs), method: fc.constantFrom(...METHODS), at: position, name: fc.constantFrom('n', 'a', 'a:b', '', 'x y'), cancel: fc.boolean() }),
  fc.record({ kind: fc.constant('close-open' as const), doc: fc.constantFrom(...docs), text }),
);

function params(c: { doc: string; method: string; at: { line: number; character: number }; name: string }, dir: string): unknown {
  const textDocument = { uri: uri(join(dir, c.doc)) };
  switch (c.method) {
    case 'textDocument/references':
      return { textDocument, position: c.at, context: { includeDeclaration: true } };
    case 'textDocument/rename':
      return { textDocument, position: c.at, newName: c.name };
    case 'textDocument/codeAction':
      return { textDocument, range: { start: c.at, end: c.at }, context: { diagnostics: [] } };
    case 'textDocument/documentSymbol':
    case 'textDocument/foldingRange':
    case 'textDocument/semanticTokens/full':
      return { textDocument };
    case 'workspace/symbol':
      return { query: c.name };
    case 'workspace/executeCommand':
      return { command: c.name === 'n' ? 'tsbuildout.plan' : c.name === 'a' ? 'tsbuildout.why' : 'tsbuildout.explain', arguments: [textDocument.uri, c.at] };
    default:
      return { textDocument, position: c.at };
  }
}

test('random edits and requests never stop the server', { timeout: 120_000 }, async (t) => {
  const root = repositoryRoot();
  const dir = mkdtempSync(join(tmpdir(), 'tsbuildout-lsp-fuzz-'));
  cpSync(join(root, 'fixtures/lsp/project'), dir, { recursive: true });
  const client = LspClient.start(process.execPath, [join(root, 'bin/tsbuildout.js'), 'lsp'], dir);
  try {
    await client.initialize(dir);
    const version = new Map<string, number>();
    for (const d of docs) {
      version.set(d, 1);
      client.open(join(dir, d), '[buildout]\n');
    }
    let requests = 0;
    let cancelled = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(command, { minLength: 1, maxLength: 20 }), async (commands) => {
        const answers: Promise<void>[] = [];
        for (const c of commands) {
          const docUri = uri(join(dir, c.doc));
          if (c.kind === 'replace' || c.kind === 'splice') {
            const v = version.get(c.doc)! + 1;
            version.set(c.doc, v);
            const change = c.kind === 'replace' ? { text: c.text } : { range: { start: c.start, end: c.end }, text: c.text };
            client.notify('textDocument/didChange', { textDocument: { uri: docUri, version: v }, contentChanges: [change] });
          } else if (c.kind === 'close-open') {
            client.notify('textDocument/didClose', { textDocument: { uri: docUri } });
            version.set(c.doc, 1);
            client.open(join(dir, c.doc), c.text);
          } else {
            requests++;
            const id = client.upcomingId;
            const answer = client.call(c.method, params(c, dir), 30_000).then((m) => {
              if (m.error) {
                // refused renames and bad arguments are answers; a failure inside is not
                assert.notEqual(m.error.code, -32603, `${c.method}: ${m.error.message}`);
                if (m.error.code === -32800) cancelled++;
              }
            });
            if (c.cancel) client.notify('$/cancelRequest', { id });
            answers.push(answer);
          }
        }
        await Promise.all(answers);
        assert.equal(client.child.exitCode, null, `the server stopped: ${client.stderr}`);
        const bugs = client.notifications.filter((m) => m.method === 'window/logMessage' && /a bug in tsbuildout/.test((m.params as { message: string }).message));
        assert.deepEqual(bugs.map((m) => (m.params as { message: string }).message), []);
      }),
      { numRuns: 250, interruptAfterTimeLimit: 40_000, seed: Number(process.env.FC_SEED ?? 424242) },
    );
    assert.ok(requests > 50, `only ${requests} requests were sent`);
    // still serving after all that
    const symbols = await client.request<unknown[]>('textDocument/documentSymbol', { textDocument: { uri: uri(join(dir, 'a.cfg')) } });
    assert.ok(Array.isArray(symbols));
    t.diagnostic(`${requests} requests, ${cancelled} cancelled before their answer`);
  } finally {
    assert.equal(await client.stop(), 0, client.stderr);
    rmSync(dir, { recursive: true, force: true });
  }
  // closing its input ends a server whose editor went away
  const orphan = LspClient.start(process.execPath, [join(root, 'bin/tsbuildout.js'), 'lsp'], tmpdir());
  orphan.child.stdin!.end();
  const timer = setTimeout(() => orphan.child.kill('SIGKILL'), 10_000);
  await orphan.exited;
  clearTimeout(timer);
  assert.notEqual(orphan.child.signalCode, 'SIGKILL', 'the server outlived its input');
});
