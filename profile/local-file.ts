// Reading a local configuration file safely: only a regular file, and not
// an endless one (`extends = /dev/zero` would grow without end, a FIFO
// would block).
import { readFileSync, statSync } from 'node:fs';

/** The largest configuration file read (SlapOS's largest profiles are under 100 kB). */
export const MAX_PROFILE_BYTES = 16 * 1024 * 1024;

/** Why a local file cannot be a profile: not a regular file, or too large. */
export class ProfileFileRefused extends Error {
  constructor(readonly code: string, message: string) {
    super(message);
  }
}

/**
 * A local profile's bytes: only a regular file (a device, a FIFO or a
 * socket would never end, or block) of at most MAX_PROFILE_BYTES. Throws
 * the read's error (ENOENT…) or ProfileFileRefused.
 */
export function readProfileBytes(path: string): Buffer {
  let size: number | undefined;
  try {
    const st = statSync(path);
    if (st.isDirectory()) throw new ProfileFileRefused('EISDIR', 'is a directory');
    if (!st.isFile()) throw new ProfileFileRefused('ENOTREG', `is not a regular file (${st.isFIFO() ? 'a FIFO' : st.isCharacterDevice() || st.isBlockDevice() ? 'a device' : st.isSocket() ? 'a socket' : 'a special file'})`);
    size = st.size;
  } catch (e) {
    // a file only the reader knows (diff --against reads a git revision) is read as it is
    if (e instanceof ProfileFileRefused || (e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  if (size !== undefined && size > MAX_PROFILE_BYTES) throw new ProfileFileRefused('EFBIG', `is larger than ${MAX_PROFILE_BYTES} bytes (${size})`);
  return readFileSync(path);
}
