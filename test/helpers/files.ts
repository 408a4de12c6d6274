// Temporary profile trees for tests.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { resolveAll } from '../../cli/commands/resolve.ts';
import { loadBuildout, loadRaw, type LoadOptions } from '../../profile/load.ts';
import type { SemanticsMode } from '../../profile/semantics.ts';

export function makeTree(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'tsbuildout-test-'));
  for (const [name, text] of Object.entries(files)) {
    const path = join(dir, name);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
  }
  return dir;
}

export async function withTree<T>(files: Record<string, string>, f: (dir: string) => Promise<T>): Promise<T> {
  const dir = makeTree(files);
  try {
    return await f(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export type TestLoad = Partial<LoadOptions> & { semantics?: SemanticsMode };

function options(dir: string, o: TestLoad): LoadOptions {
  return {
    config: join(dir, 'buildout.cfg'),
    cwd: dir,
    userDefaults: false,
    executable: '/usr/bin/python3',
    env: { python: '3.11.2' },
    ...o,
  };
}

/** The raw merged configuration as {section: {option: value}}. */
export async function rawOf(files: Record<string, string>, o: TestLoad = {}): Promise<Record<string, Record<string, string>>> {
  return withTree(files, async (dir) => {
    const { assembled } = await loadRaw(options(dir, o));
    const out: Record<string, Record<string, string>> = {};
    for (const [name, section] of assembled.raw) {
      out[name] = {};
      for (const [k, e] of section) out[name]![k] = e.value;
    }
    return out;
  });
}

/** `resolve --all` as {parts, sections}. */
export async function resolvedOf(files: Record<string, string>, o: TestLoad = {}) {
  return withTree(files, async (dir) => {
    const { buildout } = await loadBuildout(options(dir, o));
    return resolveAll(buildout, true);
  });
}

/** The error a load raises (fails the test if none). */
export async function loadError(files: Record<string, string>, o: TestLoad = {}) {
  return withTree(files, async (dir) => {
    try {
      await loadBuildout(options(dir, o));
    } catch (e) {
      return { error: e as import('../../parser/diagnostic.ts').BuildoutError, dir };
    }
    throw new Error('expected the load to fail');
  });
}
