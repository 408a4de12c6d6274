// Asking a Python interpreter about itself (version, implementation) costs
// a process start (tens of milliseconds, more than loading most profiles).
// The answer is kept in the user's cache directory, keyed by the
// interpreter's real path and its file identity (device, inode, size,
// modification time), so an upgraded or replaced interpreter is asked again.
import { readFileSync, realpathSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeCacheDirectory, userCacheDirectory } from './user-cache.ts';

const PROBE = `import sys, json
print(json.dumps([list(sys.version_info[:3]), sys.version_info[3], sys.version_info[4], sys.implementation.name, sys.version]))`;

/** What the probe prints: version_info[:3], releaselevel, serial, implementation name, sys.version. */
export type ProbeAnswer = [[number, number, number], string, number, string, string];

function cacheFile(): string {
  return join(userCacheDirectory(), 'python-facts.json');
}

/** The interpreter's identity, or undefined when it cannot be found (the probe then says why). */
function identity(executable: string): string | undefined {
  try {
    const path = realpathSync(executable.includes('/') ? executable : which(executable) ?? executable);
    const s = statSync(path);
    return `${path}\0${s.dev}:${s.ino}:${s.size}:${s.mtimeMs}`;
  } catch {
    return undefined;
  }
}

function which(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(':')) {
    const candidate = join(dir || '.', name);
    try {
      if (statSync(candidate).isFile()) return candidate;
    } catch {
      // not there
    }
  }
  return undefined;
}

function readCache(file: string): Record<string, unknown> {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch {
    return {};
  }
}

/**
 * An answer about an interpreter, kept in the cache file `name` under the
 * interpreter's identity: computed when absent, or when `fresh` says the
 * kept one is out of date; undefined when it cannot be computed.
 */
export function cachedAnswer<T>(executable: string, name: string, compute: () => T | undefined, fresh: (t: T) => boolean = () => true): T | undefined {
  const key = identity(executable);
  const file = join(cacheFile(), '..', name);
  const cache = key ? readCache(file) : {};
  if (key && cache[key] !== undefined && fresh(cache[key] as T)) return cache[key] as T;
  const answer = compute();
  if (answer === undefined) return undefined;
  if (key) {
    try {
      makeCacheDirectory(join(file, '..'));
      const tmp = `${file}.${process.pid}`;
      writeFileSync(tmp, JSON.stringify({ ...cache, [key]: answer }));
      renameSync(tmp, file);
    } catch {
      // a read-only home: ask again next time
    }
  }
  return answer;
}

/** The interpreter's answer, from the cache or by running it; undefined when it cannot run. */
export function probePython(executable: string): ProbeAnswer | undefined {
  return cachedAnswer(executable, 'python-facts.json', () => {
    // node:child_process loaded here only: a run whose answer is cached does not load it
    const { spawnSync } = require('node:child_process') as typeof import('node:child_process');
    const r = spawnSync(executable, ['-c', PROBE], { encoding: 'utf8', timeout: 10_000 });
    if (r.status !== 0) return undefined;
    try {
      return JSON.parse(r.stdout) as ProbeAnswer;
    } catch {
      return undefined;
    }
  });
}
