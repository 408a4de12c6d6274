// A workspace that keeps each root's extends merge (the language server's):
// an edit of the root below its extends reuses the merge, an edit of a file
// of the tree or of the root's extends entries does not, and every lint
// gives what a new workspace gives for the same texts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { lint } from '../../lint/engine.ts';
import type { ProfileModel } from '../../lint/model.ts';
import { Workspace } from '../../lint/workspace.ts';
import { corpusRoot, repositoryRoot } from '../helpers/paths.ts';

function options(root: string) {
  return { semantics: 'slapos' as const, rules: {}, env: {}, executable: 'python3', cwd: dirname(root) };
}

/** Lint a root on a workspace: the findings and what the model read. */
async function run(ws: Workspace, root: string) {
  let model: ProfileModel | undefined;
  const r = await lint([root], { options: options(root), workspace: ws, onProfile: (m) => (model = m) });
  const m = model!;
  const raw = [...(m.assembled?.raw ?? [])].map(([name, s]) => [name, [...s].map(([k, e]) => [k, e.value])]);
  return {
    findings: r.findings,
    files: m.files.map((f) => f.path),
    events: m.events.map((e) => [e.kind, e.location.key, e.chain, e.includer]),
    includedBy: [...m.includedBy],
    raw,
  };
}

function editor(root: string) {
  const texts = new Map<string, string>();
  const ws = new Workspace(options(root), (p) => texts.get(p), true);
  const edit = (path: string, text: string) => {
    texts.set(path, text);
    ws.forget(path);
  };
  /** The same texts in a workspace that keeps nothing. */
  const fresh = () => run(new Workspace(options(root), (p) => texts.get(p)), root);
  return { ws, edit, fresh };
}

test('an edit of the root below its extends reuses their merge; other edits merge again; the results are a new workspace\'s', async () => {
  const dir = join(repositoryRoot(), 'fixtures/lsp/project');
  const root = join(dir, 'buildout.cfg');
  const base = join(dir, 'base.cfg');
  const text = readFileSync(root, 'utf8');
  const { ws, edit, fresh } = editor(root);
  const first = await run(ws, root);
  assert.equal(ws.keptReused, 0);
  assert.deepEqual(first, await fresh());
  assert.deepEqual(first.files, [root, base]);

  // below the extends: a new reference to an undefined section is found, the merge is reused
  edit(root, text + '\n[more]\nrecipe = slapos.recipe.template\noutput = ${nowhere:x}\n');
  const below = await run(ws, root);
  assert.equal(ws.keptReused, 1);
  assert.deepEqual(below, await fresh());
  assert.ok(below.findings.some((f) => f.rule === 'undefined-section' && f.span?.file === root));

  // a file of the tree changes: merged again, its new value read
  edit(base, readFileSync(base, 'utf8').replace('greeting = hi', 'greeting = ho'));
  const tree = await run(ws, root);
  assert.equal(ws.keptReused, 1);
  assert.deepEqual(tree, await fresh());
  const hello = new Map(tree.raw.find(([name]) => name === 'hello')![1] as [string, string][]);
  assert.equal(hello.get('greeting'), 'ho\nthere');

  // the extends entry moves (a line above it): merged again, "extended by" points at its new line
  edit(root, '# moved\n' + text);
  const moved = await run(ws, root);
  assert.equal(ws.keptReused, 1);
  assert.deepEqual(moved, await fresh());
  assert.deepEqual(moved.includedBy, [[base, { file: root, span: { file: root, line: 3, column: 11, endLine: 3, endColumn: 19 } }]]);

  // unchanged since: reused
  edit(root, '# moved\n' + text + '\n');
  assert.deepEqual(await run(ws, root), await fresh());
  assert.equal(ws.keptReused, 2);
});

test('a missing extends file stays missing until the workspace is told it changed', async () => {
  const dir = join(repositoryRoot(), 'fixtures/lsp/project');
  const root = join(dir, 'new-root.cfg');
  const { ws, edit, fresh } = editor(root);
  edit(root, '[buildout]\nextends = base.cfg not-yet.cfg\nparts =\n');
  const missing = await run(ws, root);
  assert.deepEqual(missing, await fresh());
  assert.deepEqual(missing.events.map((e) => e[0]), ['missing']);
  edit(root, '[buildout]\nextends = base.cfg not-yet.cfg\nparts =\n\n[x]\ny = 1\n');
  assert.deepEqual((await run(ws, root)).events, missing.events);
  assert.equal(ws.keptReused, 1);
  // it appears (unsaved, as an editor would show it)
  edit(join(dir, 'not-yet.cfg'), '[x]\nz = 2\n');
  const found = await run(ws, root);
  assert.equal(ws.keptReused, 1);
  assert.deepEqual(found, await fresh());
  assert.deepEqual(found.events, []);
});

test('corpus: edits of software/erp5/software.cfg give a new workspace\'s findings', async (t) => {
  const corpus = corpusRoot();
  if (!corpus) {
    t.skip('../shared/corpus/slapos is absent');
    return;
  }
  const root = join(corpus, 'software/erp5/software.cfg');
  const text = readFileSync(root, 'utf8');
  const { ws, edit, fresh } = editor(root);
  await run(ws, root);
  edit(root, text + '\n[zz]\nrecipe = slapos.recipe.template\noutput = ${nowhere:x}\n');
  const edited = await run(ws, root);
  assert.equal(ws.keptReused, 1);
  assert.deepEqual(edited, await fresh());
  assert.ok(edited.findings.some((f) => f.rule === 'undefined-section' && f.span?.file === root));
});
