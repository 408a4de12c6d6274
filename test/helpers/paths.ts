// The repository root, found from wherever the bundled test runs.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let root: string | undefined;

export function repositoryRoot(): string {
  if (root) return root;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'tsbuildout') return (root = dir);
    const up = dirname(dir);
    if (up === dir) throw new Error('repository root not found');
    dir = up;
  }
}

/** ../shared/corpus/slapos, when this checkout has it. */
export function corpusRoot(): string | undefined {
  const p = join(repositoryRoot(), '..', 'shared', 'corpus', 'slapos');
  return existsSync(p) ? p : undefined;
}
