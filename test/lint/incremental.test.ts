// An editor's workspace works out again only what an edit can change (the
// facts of the sections that read a changed section, lint/carry.ts; the
// file rules of the edited file): after each edit of a random sequence
// (values, references, macros, lines added and removed, sections renamed,
// of the root and of the files it extends, some of them twice, and of a
// Jinja2 template), its findings are exactly those
// of a new workspace linting the same texts. On profiles of our own, and on
// software/erp5 of the corpus when it is present.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { lint } from '../../lint/engine.ts';
import type { CarryStats } from '../../lint/carry.ts';
import type { ProfileModel } from '../../lint/model.ts';
import { Workspace } from '../../lint/workspace.ts';
import { corpusRoot } from '../helpers/paths.ts';

function options(root: string) {
  return { semantics: 'slapos' as const, rules: {}, env: {}, executable: 'python3', cwd: dirname(root) };
}

/** A seeded generator (the sequence is the same at every run). */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** One random edit of a text: a character typed or deleted, a line duplicated, removed or added, a reference, a macro, a header renamed. */
function edit(text: string, rnd: () => number, sections: readonly string[]): string {
  const lines = text.split('\n');
  const i = Math.floor(rnd() * lines.length);
  const line = lines[i]!;
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)]!;
  const at = Math.floor(rnd() * (line.length + 1));
  switch (Math.floor(rnd() * 9)) {
    case 0:
      lines[i] = line.slice(0, at) + pick(['x', ' ', '$', '{', ':', '}', '1', '-']) + line.slice(at);
      break;
    case 1:
      lines[i] = line.slice(0, at) + line.slice(at + 1);
      break;
    case 2:
      lines.splice(i, 0, line);
      break;
    case 3:
      lines.splice(i, 1);
      break;
    case 4:
      lines.splice(i + 1, 0, `added-${Math.floor(rnd() * 100)} = \${${pick(sections)}:${pick(['url', 'recipe', 'nope', 'location', 'x'])}}`);
      break;
    case 5:
      lines.splice(i + 1, 0, `<= ${pick(sections)}`);
      break;
    case 6:
      lines.splice(i, 0, '', `[${pick(sections)}]`, `x = \${${pick(sections)}:x}`);
      break;
    case 7:
      lines[i] = line.replace(/^\[([^\]]+)\]/, (_m, n: string) => `[${n}x]`);
      break;
    default:
      lines[i] = line + ' ';
  }
  return lines.join('\n');
}

/** Lint on the editor's workspace and on a new one; the findings must be the same. */
async function check(root: string, files: string[], texts: Map<string, string>, steps: number, seed: number): Promise<CarryStats[]> {
  const ws = new Workspace(options(root), (p) => texts.get(p), true);
  const carried: CarryStats[] = [];
  const onCarry = (_p: string, s: CarryStats | undefined) => s && carried.push(s);
  let model: ProfileModel | undefined;
  await lint([root], { options: options(root), workspace: ws, onProfile: (m) => (model = m) });
  const rnd = random(seed);
  for (let n = 0; n < steps; n++) {
    const path = files[Math.floor(rnd() * files.length)]!;
    const before = texts.get(path)!;
    const after = edit(before, rnd, model?.sectionNames() ?? ['buildout']);
    texts.set(path, after);
    ws.forget(path);
    const incremental = await lint([root], { options: options(root), workspace: ws, onCarry, onProfile: (m) => (model = m) });
    const fresh = await lint([root], { options: options(root), workspace: new Workspace(options(root), (p) => texts.get(p)) });
    assert.deepEqual(JSON.parse(JSON.stringify(incremental.findings)), JSON.parse(JSON.stringify(fresh.findings)), `edit ${n} of ${path} (seed ${seed})`);
  }
  return carried;
}

const COMMON = `[buildout]
parts =

[common]
value = 1
path = \${zlib:location}/lib

[zlib]
shared = true

[render]
recipe = slapos.recipe.template:jinja2
url = \${:_profile_base_location_}/template.in
output = \${buildout:directory}/out
context =
  key value common:value
  section zlib zlib
  raw x 1
`;

const TEMPLATE = `{{ value }} {{ zlib['shared'] }} {{ missing }}
{% if x %}{{ x }}{% endif %}
`;

const OTHER = `[buildout]
extends = common.cfg

[other]
recipe = slapos.recipe.build
x = \${common:value}
`;

const BASE = `[buildout]
extends = common.cfg
parts = app

[macro]
recipe = slapos.recipe.build
location = \${buildout:parts-directory}/\${:_buildout_section_name_}
url = https://example.com/\${:name}.tar.gz

[lib]
<= macro
name = lib
depends = \${zlib:location}

[zlib]
<= macro
name = zlib

[unused]
recipe = slapos.recipe.template
output = \${buildout:directory}/x
`;

const ROOT = `[buildout]
extends = other.cfg base.cfg
parts += app tool

[app]
recipe = slapos.recipe.template
inline = \${lib:location} \${zlib:url}
output = \${buildout:directory}/app
loop = \${tool:loop}

[tool]
recipe = slapos.recipe.build
loop = \${app:loop}
path = \${lib:depends}/bin
missing = \${lib:nope}
`;

test('random edits of a profile and of its extends: the editor workspace finds what a new one finds', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tsbuildout-incremental-'));
  try {
    const root = join(dir, 'buildout.cfg');
    const files: [string, string][] = [
      [root, ROOT],
      [join(dir, 'base.cfg'), BASE],
      [join(dir, 'other.cfg'), OTHER],
      [join(dir, 'common.cfg'), COMMON],
      [join(dir, 'template.in'), TEMPLATE],
    ];
    for (const [path, text] of files) writeFileSync(path, text);
    let carried = 0;
    let partly = 0;
    for (const seed of [1, 2, 3, 4]) {
      const texts = new Map(files);
      for (const s of await check(root, [root, ...files.map(([p]) => p)], texts, 40, seed)) {
        carried++;
        if (s.carried > 0 && s.stale > 0) partly++;
      }
    }
    // the sequences exercised the carry, with some sections worked out again and others not
    assert.ok(carried > 20, `${carried} carries`);
    assert.ok(partly > 5, `${partly} partial carries`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('random edits of software/erp5 of the corpus: the editor workspace finds what a new one finds', async (t) => {
  const corpus = corpusRoot();
  if (!corpus) {
    t.diagnostic('skipped: no corpus at ../shared/corpus/slapos');
    return;
  }
  const root = join(corpus, 'software/erp5/software.cfg');
  // the root, a file it extends, a file deep in the tree that extends others
  const files = [root, join(corpus, 'software/erp5/base.cfg'), join(corpus, 'stack/wendelin/buildout.cfg')];
  const texts = new Map(files.map((f) => [f, readFileSync(f, 'utf8')]));
  const stats = await check(root, files, texts, 9, 7);
  assert.ok(stats.some((s) => s.carried > 0), 'some facts were carried');
});
