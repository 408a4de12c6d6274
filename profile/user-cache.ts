// The user's cache directory for tsbuildout (XDG Base Directory:
// $XDG_CACHE_HOME, else ~/.cache): what is worth keeping between runs and
// can always be computed again.
import { homedir } from 'node:os';
import { join } from 'node:path';

export function userCacheDirectory(): string {
  return join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'tsbuildout');
}
