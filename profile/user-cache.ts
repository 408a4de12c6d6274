// The user's cache directory for tsbuildout (XDG Base Directory:
// $XDG_CACHE_HOME, else ~/.cache): what is worth keeping between runs and
// can always be computed again.
import { existsSync, mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export function userCacheDirectory(): string {
  return join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'tsbuildout');
}

/**
 * Make `dir`, a directory under the user's cache, as the XDG spec asks
 * (missing parents made too), but never the home directory itself: with
 * no $XDG_CACHE_HOME and a home that does not exist (a service user's
 * HOME=/nonexistent), nothing is written and the caller runs uncached.
 */
export function makeCacheDirectory(dir: string): void {
  if (!process.env.XDG_CACHE_HOME && !existsSync(homedir())) throw new Error(`no home directory: ${homedir()}`);
  mkdirSync(dir, { recursive: true });
}
