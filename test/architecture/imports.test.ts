// The house plan, checked: the folders form a ladder (README,
// "Architecture"), a file imports only from its own floor or below, and no
// files import each other in a circle (python/, one value model whose
// types, methods and builtins refer to each other, keeps its own circles);
// python/ and jinja/ are entered through their index only.
// Type-only imports count: a type shared by two floors belongs to the
// lower one. Tests, benchmarks and scripts stand above everything.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { repositoryRoot } from '../helpers/paths.ts';

/** Lowest floor first; a root file (version.ts) is its own floor. */
export const LADDER = ['version.ts', 'python', 'parser', 'jinja', 'profile', 'slap', 'recipes', 'pybridge', 'lint', 'executor', 'inspect', 'slapos', 'lsp', 'cli'];
const OUTSIDE = new Set(['node_modules', 'dist', 'test', 'fixtures', 'bench', 'scripts', 'examples', 'bin', 'docs', 'editors']);
/** Circles allowed inside these folders only. */
const CIRCLES_ALLOWED = ['python/'];

function sources(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(join(root, dir))) {
      if (dir === '' && (OUTSIDE.has(name) || name.startsWith('.'))) continue;
      const path = dir ? `${dir}/${name}` : name;
      if (statSync(join(root, path)).isDirectory()) walk(path);
      else if (path.endsWith('.ts') && !path.endsWith('.d.ts') && !(dir === '' && name !== 'version.ts')) out.push(path);
    }
  };
  walk('');
  return out.sort();
}

// `import … from './x.ts'`, `import './x.ts'`, `export … from './x.ts'`, `import('./x.ts')` (also in types)
const IMPORT = /(?:^|[;\s])(?:import|export)\s+(?:type\s+)?(?:[\w*{}\s,$]+?\s+from\s+)?['"](\.{1,2}\/[^'"]+)['"]|\bimport\(\s*['"](\.{1,2}\/[^'"]+)['"]\s*\)/g;

export function importGraph(root: string): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of sources(root)) {
    const text = readFileSync(join(root, file), 'utf8');
    const deps = new Set<string>();
    for (const m of text.matchAll(IMPORT)) deps.add(relative(root, resolve(root, dirname(file), (m[1] ?? m[2])!)));
    graph.set(file, [...deps].sort());
  }
  return graph;
}

/** Tarjan's strongly connected components of more than one file. */
export function circles(graph: Map<string, string[]>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string) => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w)) continue;
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1) found.push(component.sort());
    }
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return found;
}

const floor = (file: string) => LADDER.indexOf(file.includes('/') ? file.split('/')[0]! : file);

const graph = importGraph(repositoryRoot());

test('every source file sits on a floor of the ladder', () => {
  const homeless = [...graph.keys()].filter((f) => floor(f) < 0);
  assert.deepEqual(homeless, [], 'add the folder to LADDER (and to README "Architecture")');
  assert.ok(graph.size > 100, `${graph.size} source files read`);
});

test('no import goes up the ladder', () => {
  const up: string[] = [];
  for (const [file, deps] of graph) for (const d of deps) if (floor(d) > floor(file)) up.push(`${file} imports ${d}`);
  assert.deepEqual(up, []);
});

test('no import circle outside python/', () => {
  const bad = circles(graph).filter((c) => !c.every((f) => CIRCLES_ALLOWED.some((p) => f.startsWith(p))));
  assert.deepEqual(bad, []);
});

/** Folders entered only through their index by the other floors. */
const FRONT_DOORS = ['python', 'jinja'];

test('python/ and jinja/ are entered through their index', () => {
  const side: string[] = [];
  for (const [file, deps] of graph) {
    for (const d of deps) {
      const folder = d.split('/')[0]!;
      if (FRONT_DOORS.includes(folder) && file.split('/')[0] !== folder && d !== `${folder}/index.ts`) side.push(`${file} imports ${d}`);
    }
  }
  assert.deepEqual(side, []);
});

test('the checks find what they look for', () => {
  // a circle and an upward import in a graph made up here
  const g = new Map([
    ['profile/a.ts', ['profile/b.ts']],
    ['profile/b.ts', ['cli/c.ts']],
    ['cli/c.ts', ['profile/a.ts']],
  ]);
  assert.deepEqual(circles(g), [['cli/c.ts', 'profile/a.ts', 'profile/b.ts']]);
  assert.ok(floor('profile/b.ts') < floor('cli/c.ts'));
  // the import forms the real sources use
  const text = "import a from './a.ts';\nimport type { B } from '../b.ts';\nexport { c } from './c.ts';\nlet d: import('./d.ts').D;\nimport './e.ts';";
  assert.deepEqual([...text.matchAll(IMPORT)].map((m) => m[1] ?? m[2]), ['./a.ts', '../b.ts', './c.ts', './d.ts', './e.ts']);
});
