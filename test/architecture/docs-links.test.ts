// The documents comments cite are in the repository (docs/) and every
// reference resolves: each `docs/<file>.md#<anchor>` written in a source,
// test, script, fixture or README names an existing document and one of its
// headings (GitHub's anchors), and so does each link between the documents.
// No file cites the research notes that stay outside the repository
// (../shared/spec, ../shared/design.md, "spec §…").
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { repositoryRoot } from '../helpers/paths.ts';

const SKIP_DIRS = new Set(['node_modules', 'dist']);
const TEXT = /\.(ts|mjs|cjs|js|py|md|json|cfg|sh)$/;

/**
 * Files that still cite the notes outside the repository, to be pointed at
 * docs/ (their replacements are listed in the commit that added this test).
 * Remove an entry when its file is converted.
 */
const PENDING = new Set<string>([]);

function files(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(join(root, dir))) {
      if (name.startsWith('.') || SKIP_DIRS.has(name) || name === 'package-lock.json') continue;
      const path = dir ? `${dir}/${name}` : name;
      if (statSync(join(root, path)).isDirectory()) walk(path);
      else if (TEXT.test(name)) out.push(path);
    }
  };
  walk('');
  return out.sort();
}

/** GitHub's anchor of a heading's text. */
export function slug(heading: string): string {
  return heading
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/`/g, '')
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

/** The anchors of a Markdown file's headings (outside code fences), with GitHub's -1, -2 … for repeats. */
export function anchors(markdown: string): Set<string> {
  const found = new Set<string>();
  const seen = new Map<string, number>();
  let fence = false;
  for (const line of markdown.split('\n')) {
    if (/^\s*(```|~~~)/.test(line)) fence = !fence;
    if (fence) continue;
    const m = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (!m) continue;
    const base = slug(m[1]!);
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    found.add(n === 0 ? base : `${base}-${n}`);
  }
  return found;
}

function resolves(root: string, target: string, anchor: string | undefined, cache: Map<string, Set<string> | null>): string | undefined {
  if (!cache.has(target)) {
    const path = join(root, target);
    cache.set(target, existsSync(path) ? anchors(readFileSync(path, 'utf8')) : null);
  }
  const found = cache.get(target);
  if (!found) return `${target} does not exist`;
  if (anchor !== undefined && !found.has(anchor)) return `${target} has no heading #${anchor}`;
  return undefined;
}

test('docs: the slug of a heading is GitHub’s', () => {
  assert.equal(slug('The .installed.cfg record'), 'the-installedcfg-record');
  assert.equal(slug('`promise.plugin`'), 'promiseplugin');
  assert.equal(slug('Merging sections: += and -='), 'merging-sections--and--');
  assert.deepEqual([...anchors('# A\n## B\n```\n## C\n```\n## B\n')], ['a', 'b', 'b-1']);
});

test('docs: every docs/<file>.md#<anchor> cited in the repository resolves', () => {
  const root = repositoryRoot();
  const cache = new Map<string, Set<string> | null>();
  const broken: string[] = [];
  let count = 0;
  for (const file of files(root)) {
    if (file.startsWith('docs/')) continue;
    const lines = readFileSync(join(root, file), 'utf8').split('\n');
    lines.forEach((line, i) => {
      for (const m of line.matchAll(/\bdocs\/([\w.-]+\.md)(?:#([\w-]+))?/g)) {
        count++;
        const error = resolves(root, `docs/${m[1]}`, m[2], cache);
        if (error) broken.push(`${file}:${i + 1}: ${m[0]}: ${error}`);
      }
    });
  }
  assert.deepEqual(broken, []);
  assert.ok(count > 0, 'no docs/ reference found: is the pattern still right?');
});

test('docs: links between the documents resolve', () => {
  const root = repositoryRoot();
  const cache = new Map<string, Set<string> | null>();
  const broken: string[] = [];
  for (const file of files(root).filter((f) => f.startsWith('docs/') && f.endsWith('.md'))) {
    const lines = readFileSync(join(root, file), 'utf8').split('\n');
    lines.forEach((line, i) => {
      for (const m of line.matchAll(/\]\(([^)\s#]*)(?:#([^)\s]+))?\)/g)) {
        const [, path, anchor] = m;
        if (/^[a-z]+:/.test(path!)) continue; // an outside URL
        const target = path ? normalize(relative(root, join(root, dirname(file), path))) : file;
        const error = resolves(root, target, anchor, cache);
        if (error) broken.push(`${file}:${i + 1}: ${m[0]}: ${error}`);
      }
    });
  }
  assert.deepEqual(broken, []);
});

test('docs: nothing cites the notes outside the repository', () => {
  const root = repositoryRoot();
  const offending: string[] = [];
  for (const file of files(root)) {
    if (PENDING.has(file) || file === 'test/architecture/docs-links.test.ts') continue;
    const lines = readFileSync(join(root, file), 'utf8').split('\n');
    lines.forEach((line, i) => {
      if (/§|shared\/spec\b|shared\/design\.md/.test(line)) offending.push(`${file}:${i + 1}: ${line.trim()}`);
    });
  }
  assert.deepEqual(offending, [], 'cite docs/<file>.md#<anchor> instead');
});
