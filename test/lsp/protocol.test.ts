// `tsbuildout lsp` driven over stdio by a JSON-RPC client (test/helpers/
// lsp-client.ts): every request the server offers, on fixtures of our own
// (fixtures/lsp/project) and on corpus profiles, each answer's content and
// ranges checked against the text.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LspClient, uri } from '../helpers/lsp-client.ts';
import { corpusRoot, repositoryRoot } from '../helpers/paths.ts';

const root = repositoryRoot();
let dir: string;
let client: LspClient;
const texts = new Map<string, string>();
const versions = new Map<string, number>();

/** The position of the `at`-th character of the n-th occurrence of a needle. */
function pos(text: string, needle: string, at = 0, nth = 0) {
  let i = -1;
  for (let k = 0; k <= nth; k++) {
    i = text.indexOf(needle, i + 1);
    assert.ok(i >= 0, `${needle} not found`);
  }
  const before = text.slice(0, i + at);
  const line = before.split('\n').length - 1;
  return { line, character: before.length - before.lastIndexOf('\n') - 1 };
}

function range(text: string, needle: string, nth = 0) {
  const start = pos(text, needle, 0, nth);
  return { start, end: { line: start.line, character: start.character + needle.length } };
}

function open(name: string): { path: string; text: string } {
  const path = join(dir, name);
  const text = readFileSync(path, 'utf8');
  texts.set(path, text);
  versions.set(path, 1);
  client.open(path, text);
  return { path, text };
}

/** Replace text in an open document (an incremental change) and return its diagnostics. */
async function edit(path: string, from: string, to: string) {
  const text = texts.get(path)!;
  const r = range(text, from);
  const version = versions.get(path)! + 1;
  versions.set(path, version);
  texts.set(path, text.replace(from, to));
  const published = client.diagnostics(path, version);
  client.notify('textDocument/didChange', { textDocument: { uri: uri(path), version }, contentChanges: [{ range: r, text: to }] });
  return (await published).diagnostics;
}

const at = (path: string, position: { line: number; character: number }) => ({ textDocument: { uri: uri(path) }, position });

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tsbuildout-lsp-'));
  cpSync(join(root, 'fixtures/lsp/project'), dir, { recursive: true });
  client = LspClient.start(process.execPath, [join(root, 'bin/tsbuildout.js'), 'lsp', '--stdio'], dir);
  const init = await client.initialize(dir);
  assert.equal(init.serverInfo.name, 'tsbuildout');
  const caps = init.capabilities;
  for (const c of ['hoverProvider', 'definitionProvider', 'declarationProvider', 'referencesProvider', 'documentSymbolProvider', 'workspaceSymbolProvider', 'foldingRangeProvider']) assert.equal(caps[c], true, c);
  assert.deepEqual(caps.renameProvider, { prepareProvider: true });
  assert.ok(caps.completionProvider.triggerCharacters.includes('{'));
  assert.deepEqual(caps.executeCommandProvider.commands.sort(), ['tsbuildout.explain', 'tsbuildout.plan', 'tsbuildout.updateMd5sum', 'tsbuildout.why']);
});

after(async () => {
  assert.equal(await client.stop(), 0, client.stderr);
  rmSync(dir, { recursive: true, force: true });
});

test('diagnostics: the linter findings of the unsaved text, with rule, severity, ranges, related locations', async () => {
  const clean = open('buildout.cfg');
  assert.deepEqual((await client.diagnostics(clean.path)).diagnostics, []);
  const { path, text } = open('errors.cfg');
  const d = (await client.diagnostics(path)).diagnostics;
  const got = d.map((x: any) => [x.code, x.severity, x.range]);
  assert.deepEqual(got, [
    ['missing-recipe-option', 1, range(text, 'recipe')],
    ['undefined-option', 1, range(text, '${hello:location}')],
    ['undefined-section', 1, range(text, '${helo:name}')],
    ['undefined-option', 1, range(text, '${hello:outpt}')],
  ]);
  const section = d.find((x: any) => x.code === 'undefined-section');
  assert.match(section.message, /The referenced section, 'helo', was not defined/);
  assert.match(section.message, /did you mean \$\{hello:name\}\?/);
  assert.equal(section.source, 'tsbuildout');
  assert.deepEqual(section.relatedInformation, [{ location: { uri: uri(path), range: range(text, 'hello', 2) }, message: '[hello] is defined here' }]);
  // an edit that is not saved: the fixed reference goes, a new one appears where it is typed
  const after1 = await edit(path, '${helo:name}', '${hello:output}');
  assert.deepEqual(after1.map((x: any) => x.code), ['missing-recipe-option', 'undefined-option', 'undefined-option']);
  const after2 = await edit(path, 'inline = Hi', 'inline = ${nowhere:x}');
  const added = after2.find((x: any) => x.code === 'undefined-section');
  assert.deepEqual(added.range, range(texts.get(path)!, '${nowhere:x}'));
  // a comment changes nothing the analysis read: the same findings, at the new version
  const again = await edit(path, '# a profile with mistakes', '# a profile with many mistakes');
  assert.deepEqual(again, after2);
  // the file on disk was not touched
  assert.equal(readFileSync(path, 'utf8'), text);
});

test('hover: resolved and raw values with the provenance of each step; sections; recipes', async () => {
  const p = join(dir, 'buildout.cfg');
  const text = texts.get(p)!;
  const greeting = await client.request<any>('textDocument/hover', at(p, pos(text, '${hello:greeting}', 9)));
  assert.deepEqual(greeting.range, range(text, '${hello:greeting}'));
  const v = greeting.contents.value as string;
  assert.match(v, /\*\*\[hello\] greeting\*\*/);
  assert.match(v, /```text\nhi\nthere\n```/);
  assert.match(v, /- `=` base\.cfg:10\n- `\+=` buildout\.cfg:10/);
  const address = (await client.request<any>('textDocument/hover', at(p, pos(text, 'address')))).contents.value as string;
  assert.match(address, /```text\n\[::1\]:8080\n```/);
  assert.match(address, /Raw:\n\n```text\n\[::1\]:\$\{:port\}\n```/);
  // a value copied from a macro says so
  const output = (await client.request<any>('textDocument/hover', at(p, pos(text, '${config:output}', 10)))).contents.value as string;
  assert.match(output, /- `=` base\.cfg:6 \(through `<= template-base`\)/);
  assert.ok(output.includes(`${dir}/config.txt`), output);
  // a section: recipe, where it is defined
  const section = (await client.request<any>('textDocument/hover', at(p, pos(text, '${hello:greeting}', 3)))).contents.value as string;
  assert.match(section, /recipe `slapos.recipe.template`/);
  assert.match(section, /Defined at buildout\.cfg:5, base\.cfg:9/);
  // a recipe: documentation and options from its schema
  const recipe = await client.request<any>('textDocument/hover', at(p, pos(text, 'slapos.recipe.template:jinja2', 3)));
  assert.deepEqual(recipe.range, range(text, 'slapos.recipe.template:jinja2'));
  assert.match(recipe.contents.value, /Jinja2 template/);
  assert.match(recipe.contents.value, /- `context`: the template variables/);
  // nothing under the cursor
  assert.equal(await client.request('textDocument/hover', at(p, { line: 3, character: 0 })), null);
});

test('definition: the winning line of a value, section headers, macros, extends, template files, Jinja2 variables', async () => {
  const p = join(dir, 'buildout.cfg');
  const base = join(dir, 'base.cfg');
  const text = texts.get(p)!;
  const baseText = readFileSync(base, 'utf8');
  const def = (position: { line: number; character: number }, path = p) => client.request<any[]>('textDocument/definition', at(path, position));
  // the last step (`+=` here) is the line that set the value that wins
  assert.deepEqual(await def(pos(text, '${hello:greeting}', 10)), [{ uri: uri(p), range: range(text, 'greeting +') }]);
  assert.deepEqual(await def(pos(text, '${config:output}', 10)), [{ uri: uri(base), range: range(baseText, 'output') }]);
  assert.deepEqual(await def(pos(text, '${hello:greeting}', 3)), [
    { uri: uri(p), range: range(text, 'hello', 0) },
    { uri: uri(base), range: range(baseText, 'hello', 1) },
  ]);
  assert.deepEqual(await def(pos(text, 'template-base', 2)), [{ uri: uri(base), range: range(baseText, 'template-base') }]);
  const start = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
  assert.deepEqual(await def(pos(text, 'base.cfg', 1)), [{ uri: uri(base), range: start }]);
  assert.deepEqual(await def(pos(text, '/config.in', 2)), [{ uri: uri(join(dir, 'config.in')), range: start }]);
  // declaration answers the same
  assert.deepEqual(await client.request<any[]>('textDocument/declaration', at(p, pos(text, '${config:output}', 10))), [{ uri: uri(base), range: range(baseText, 'output') }]);
  // in the template: a variable goes to the context line of the part that renders it
  const tpl = join(dir, 'instance.cfg.in');
  const tplText = readFileSync(tpl, 'utf8');
  assert.deepEqual(await def(pos(tplText, '{{ bin }}', 4), tpl), [{ uri: uri(p), range: range(text, 'raw bin /usr/bin') }]);
  assert.deepEqual(await def(pos(tplText, '{{ port }}', 4), tpl), [
    { uri: uri(p), range: range(text, 'key port config:port') },
    { uri: uri(p), range: range(text, 'port', 0) },
  ]);
});

test('references and rename of a section and of an option, across the extends tree', async () => {
  const p = join(dir, 'buildout.cfg');
  const base = join(dir, 'base.cfg');
  const text = texts.get(p)!;
  const baseText = readFileSync(base, 'utf8');
  const refs = await client.request<any[]>('textDocument/references', { ...at(p, pos(text, '[hello]', 2)), context: { includeDeclaration: true } });
  assert.deepEqual(refs, [
    { uri: uri(base), range: range(baseText, 'hello', 0) },
    { uri: uri(base), range: range(baseText, 'hello', 1) },
    { uri: uri(p), range: range(text, 'hello', 0) },
    { uri: uri(p), range: range(text, 'hello', 2) },
    // the jinja2 context names it too
    { uri: uri(p), range: range(text, 'hello', 3) },
  ]);
  const uses = await client.request<any[]>('textDocument/references', { ...at(p, pos(text, '[hello]', 2)), context: { includeDeclaration: false } });
  assert.equal(uses.length, 3);
  // an option: its key and `${:port}`, and the template's context line is not a reference
  const prepared = await client.request<any>('textDocument/prepareRename', at(p, pos(text, '${:port}', 4)));
  assert.deepEqual(prepared, { range: range(text, 'port', 1), placeholder: 'port' });
  const edit = await client.request<any>('textDocument/rename', { ...at(p, pos(text, '${:port}', 4)), newName: 'http-port' });
  assert.deepEqual(edit.changes[uri(p)].map((e: any) => [e.range, e.newText]), [
    [range(text, 'port', 0), 'http-port'],
    [range(text, 'port', 1), 'http-port'],
    // `key port config:port` of the jinja2 part: its option, not its variable name
    [range(text, 'port', 3), 'http-port'],
  ]);
  const section = await client.request<any>('textDocument/rename', { ...at(p, pos(text, '${hello:greeting}', 4)), newName: 'greeter' });
  assert.equal(section.changes[uri(base)].length, 2);
  assert.equal(section.changes[uri(p)].length, 3);
  // applied, the profile is as clean as before
  let renamed = text;
  for (const e of [...section.changes[uri(p)]].reverse()) {
    const lines = renamed.split('\n');
    lines[e.range.start.line] = lines[e.range.start.line]!.slice(0, e.range.start.character) + e.newText + lines[e.range.start.line]!.slice(e.range.end.character);
    renamed = lines.join('\n');
  }
  assert.match(renamed, /\[greeter\]\nrecipe/);
  assert.match(renamed, /message = \$\{greeter:greeting\}/);
  // a name a template builds may be the one renamed: refused
  const tpl = open('instance.cfg.in');
  await client.diagnostics(tpl.path);
  const refused = await client.call('textDocument/rename', { ...at(tpl.path, pos(tpl.text, '[service-main]', 2)), newName: 'svc' });
  assert.ok(refused.error, 'rename must be refused');
  assert.match(refused.error!.message, /cannot rename \[service-main\]: .*instance\.cfg\.in:\d+ builds a name with a template expression/);
  const bad = await client.call('textDocument/rename', { ...at(p, pos(text, '[hello]', 2)), newName: 'a:b' });
  assert.match(bad.error!.message, /cannot be a section name/);
});

test('completion: sections, options, recipe options, recipe names, extends files, parts, Jinja2 variables', async () => {
  // a document not saved yet: no file on disk
  const path = join(dir, 'new.cfg');
  texts.set(path, '');
  versions.set(path, 1);
  client.open(path, '');
  const labels = async (text: string, line: number, character: number) => {
    const v = versions.get(path)! + 1;
    versions.set(path, v);
    client.notify('textDocument/didChange', { textDocument: { uri: uri(path), version: v }, contentChanges: [{ text }] });
    const items = await client.request<any[]>('textDocument/completion', at(path, { line, character }));
    return items.map((i) => i.label);
  };
  const head = '[buildout]\nextends = buildout.cfg\n\n[x]\n';
  const sections = await labels(head + 'a = ${', 4, 6);
  for (const s of ['hello', 'config', 'instance', 'template-base', 'buildout']) assert.ok(sections.includes(s), s);
  const options = await labels(head + 'a = ${hello:', 4, 12);
  for (const o of ['greeting', 'name', 'output', 'config-file']) assert.ok(options.includes(o), o);
  assert.ok((await labels(head + 'a = ${:', 4, 7)).includes('a'));
  const keys = await labels(head + 'recipe = slapos.recipe.template:jinja2\n', 5, 0);
  for (const k of ['context', 'import-list', 'url', 'output', 'extensions']) assert.ok(keys.includes(k), k);
  assert.ok(!keys.includes('recipe'));
  const recipes = await labels(head + 'recipe = ', 4, 9);
  for (const r of ['slapos.recipe.template', 'slapos.cookbook:wrapper', 'plone.recipe.command']) assert.ok(recipes.includes(r), r);
  const files = await labels('[buildout]\nextends = ', 1, 10);
  for (const f of ['base.cfg', 'buildout.cfg', 'errors.cfg']) assert.ok(files.includes(f), f);
  const parts = await labels(head + '[buildout]\nparts = ', 5, 8);
  // the sections with a recipe (their own or through `<=`): [x] and [buildout] have none
  assert.deepEqual([...parts].sort(), ['config', 'hello', 'instance', 'template-base']);
  const header = await labels(head + '[hel', 4, 4);
  assert.ok(header.includes('hello'));
  // in the template: the rendering part's context
  const tpl = join(dir, 'instance.cfg.in');
  const tplText = texts.get(tpl)!;
  const items = await client.request<any[]>('textDocument/completion', at(tpl, pos(tplText, '{{ port }}', 3)));
  assert.deepEqual(items.map((i) => i.label).sort(), ['bin', 'name', 'port']);
  assert.equal(items.find((i) => i.label === 'port').detail, 'key config:port ([instance])');
});

test('code actions: the fixes of findings, the md5sum of a download with the user\'s consent only', async () => {
  const e = join(dir, 'errors.cfg');
  // undo the edits of the first test
  await edit(e, '${nowhere:x}', 'Hi');
  const text = texts.get(e)!;
  const actions = await client.request<any[]>('textDocument/codeAction', { textDocument: { uri: uri(e) }, range: range(text, '${hello:outpt}'), context: { diagnostics: [] } });
  assert.equal(actions.length, 1);
  assert.equal(actions[0].title, 'Change to ${hello:output}');
  assert.equal(actions[0].kind, 'quickfix');
  assert.deepEqual(actions[0].edit.changes[uri(e)], [{ range: range(text, '${hello:outpt}'), newText: '${hello:output}' }]);
  assert.equal(actions[0].diagnostics[0].code, 'undefined-option');
  const add = await client.request<any[]>('textDocument/codeAction', { textDocument: { uri: uri(e) }, range: range(text, 'recipe'), context: { diagnostics: [] } });
  const fix = add.find((a) => a.title === "Add 'url'");
  assert.ok(fix, JSON.stringify(add));
  const endOfRecipe = pos(text, 'slapos.recipe.template\noutput = ${hello:location}', 'slapos.recipe.template'.length);
  assert.deepEqual(fix.edit.changes[uri(e)], [{ range: { start: endOfRecipe, end: endOfRecipe }, newText: '\nurl = ' }]);

  // a remote url: the action runs a command, which asks before downloading
  let hits = 0;
  const body = 'the downloaded file\n';
  const server = createServer((_, res) => {
    hits++;
    res.end(body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  try {
    const port = (server.address() as { port: number }).port;
    const d = join(dir, 'download.cfg');
    writeFileSync(d, `[buildout]\nparts = archive\n\n[archive]\nrecipe = slapos.recipe.build:download\nurl = http://127.0.0.1:${port}/file.txt\nmd5sum = 0123\n`);
    const doc = open('download.cfg');
    const [action] = (await client.request<any[]>('textDocument/codeAction', { textDocument: { uri: uri(d) }, range: range(doc.text, 'url'), context: { diagnostics: [] } })).filter((a) => a.command);
    assert.equal(action.title, `Download http://127.0.0.1:${port}/file.txt and set md5sum`);
    client.handlers.set('window/showMessageRequest', () => ({ title: 'Cancel' }));
    assert.equal(await client.request('workspace/executeCommand', action.command), null);
    assert.equal(hits, 0, 'nothing is downloaded without consent');
    client.handlers.set('window/showMessageRequest', () => ({ title: 'Download' }));
    const md5 = createHash('md5').update(body).digest('hex');
    assert.equal(await client.request('workspace/executeCommand', action.command), md5);
    assert.equal(hits, 1);
    const applied = client.serverRequests.filter((m) => m.method === 'workspace/applyEdit').at(-1)!.params as any;
    assert.deepEqual(applied.edit.changes[uri(d)], [{ range: range(doc.text, '0123'), newText: md5 }]);
  } finally {
    server.close();
    client.handlers.set('window/showMessageRequest', () => null);
  }
});

test('symbols, folding, semantic tokens', async () => {
  const p = join(dir, 'buildout.cfg');
  const text = texts.get(p)!;
  const symbols = await client.request<any[]>('textDocument/documentSymbol', { textDocument: { uri: uri(p) } });
  assert.deepEqual(symbols.map((s) => s.name), ['buildout', 'hello', 'config', 'instance']);
  const hello = symbols[1];
  assert.equal(hello.detail, 'slapos.recipe.template');
  assert.deepEqual(hello.selectionRange, range(text, 'hello'));
  assert.deepEqual(hello.children.map((c: any) => c.name), ['recipe', 'inline', 'output', 'name', 'greeting +', 'config-file']);
  assert.equal(hello.range.end.line, pos(text, 'config-file').line);
  const ws = await client.request<any[]>('workspace/symbol', { query: 'TEMPLATE' });
  assert.deepEqual(ws.map((s) => s.name), ['template-base']);
  const folds = await client.request<any[]>('textDocument/foldingRange', { textDocument: { uri: uri(p) } });
  assert.ok(folds.some((f) => f.startLine === pos(text, '[instance]').line && f.endLine === pos(text, 'key port').line));
  assert.ok(folds.some((f) => f.startLine === pos(text, 'context =').line && f.endLine === pos(text, 'key port').line));
  const tokens = await client.request<any>('textDocument/semanticTokens/full', { textDocument: { uri: uri(p) } });
  // first token: `buildout` of the first header, a namespace (type 0), 8 long
  assert.deepEqual(tokens.data.slice(0, 5), [0, 1, 8, 0, 0]);
  assert.equal(tokens.data.length % 5, 0);
  const tpl = join(dir, 'instance.cfg.in');
  const tplTokens = await client.request<any>('textDocument/semanticTokens/full', { textDocument: { uri: uri(tpl) } });
  assert.ok(tplTokens.data.length > 20);
});

test('commands: explain, plan and why of what is under the cursor', async () => {
  const p = join(dir, 'buildout.cfg');
  const text = texts.get(p)!;
  const explained = await client.request<string>('workspace/executeCommand', { command: 'tsbuildout.explain', arguments: [uri(p), pos(text, '${hello:greeting}', 10)] });
  assert.match(explained, /^\[hello\] greeting\n/);
  assert.match(explained, /set +base\.cfg:10 +greeting = hi/);
  assert.match(explained, /\+= +buildout\.cfg:10 +greeting \+= there/);
  const planned = await client.request<string>('workspace/executeCommand', { command: 'tsbuildout.plan', arguments: [uri(p), pos(text, 'address')] });
  assert.match(planned, /config/);
  assert.match(planned, /install/);
  const why = await client.request<string>('workspace/executeCommand', { command: 'tsbuildout.why', arguments: [uri(p), pos(text, '[hello]', 2)] });
  assert.match(why, /hello/);
  const unknown = await client.call('workspace/executeCommand', { command: 'tsbuildout.nope', arguments: [uri(p)] });
  assert.ok(unknown.error);
});

test('corpus profiles: diagnostics, hover and definition on real SlapOS files', async (t) => {
  const corpus = corpusRoot();
  if (!corpus) {
    t.skip('../shared/corpus/slapos is absent');
    return;
  }
  const path = join(corpus, 'software/helloworld/software.cfg');
  assert.ok(existsSync(path));
  const text = readFileSync(path, 'utf8');
  client.open(path, text);
  const d = await client.diagnostics(path);
  assert.ok(Array.isArray(d.diagnostics));
  for (const x of d.diagnostics) assert.equal(typeof x.code, 'string');
  // the first reference of the file: its hover names it and gives a value or says why not
  const m = /^[^#\n]*?(\$\{([-a-zA-Z0-9._]+):([-a-zA-Z0-9._]+)\})/m.exec(text)!.slice(1);
  const hover = await client.request<any>('textDocument/hover', at(path, pos(text, m[0]!, m[1]!.length + 3)));
  assert.ok(hover.contents.value.startsWith(`**[${m[1]}] ${m[2]}**`), hover.contents.value);
  assert.deepEqual(hover.range, range(text, m[0]!));
  // the extends entries lead to files that exist
  const ext = /^extends =(?:\n(?:#.*|\s*))*?\n\s+([^#\s]\S*)$/m.exec(text)!;
  const entryAt = text.slice(0, ext.index + ext[0].length - ext[1]!.length + 1).split('\n');
  const def = await client.request<any[]>('textDocument/definition', at(path, { line: entryAt.length - 1, character: entryAt.at(-1)!.length }));
  assert.equal(def.length, 1);
  assert.ok(existsSync(new URL(def[0].uri)));
  const symbols = await client.request<any[]>('textDocument/documentSymbol', { textDocument: { uri: uri(path) } });
  assert.ok(symbols.some((s) => s.name === 'buildout'));
  // its instance template: a variable leads to the context line of [instance-profile], and `{{ ` offers that context
  const tpl = join(corpus, 'software/helloworld/instance.cfg.in');
  const tplText = readFileSync(tpl, 'utf8');
  client.open(tpl, tplText);
  await client.diagnostics(tpl);
  assert.deepEqual(await client.request<any[]>('textDocument/definition', at(tpl, pos(tplText, '{{ template_monitor }}', 4))), [
    { uri: uri(path), range: range(text, 'raw template_monitor ${monitor2-template:output}') },
  ]);
  const names = await client.request<any[]>('textDocument/completion', at(tpl, pos(tplText, '{{ template_monitor }}', 3)));
  assert.deepEqual(names.map((i) => i.label).sort(), ['buildout', 'template_monitor']);
  for (const p of [path, tpl]) client.notify('textDocument/didClose', { textDocument: { uri: uri(p) } });
});
