// Reading a local configuration file safely: never an endless one
// (`extends = /dev/zero` would grow without end) nor one that blocks (a
// FIFO waits for a writer). zc.buildout opens whatever it is given;
// tsbuildout reads a regular file or a device (/dev/null is a valid empty
// profile) up to MAX_PROFILE_BYTES, and refuses FIFOs and sockets.
import { closeSync, openSync, readFileSync, readSync, statSync, type Stats } from 'node:fs';

/** The largest configuration file read (SlapOS's largest profiles are under 100 kB). */
export const MAX_PROFILE_BYTES = 16 * 1024 * 1024;

/** Why a local file cannot be a profile: a FIFO or a socket, or too large. */
export class ProfileFileRefused extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const tooLarge = (size?: number) => new ProfileFileRefused('EFBIG', `is larger than ${MAX_PROFILE_BYTES} bytes${size === undefined ? '' : ` (${size})`}`);

/** A device's bytes, read up to the limit (one more byte tells it is over). */
function readBounded(path: string): Buffer {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(MAX_PROFILE_BYTES + 1);
    let n = 0;
    for (let got; n < buf.length && (got = readSync(fd, buf, n, buf.length - n, null)) > 0; ) n += got;
    if (n > MAX_PROFILE_BYTES) throw tooLarge();
    return buf.subarray(0, n);
  } finally {
    closeSync(fd);
  }
}

/** A local profile's bytes. Throws the read's error (ENOENT…) or ProfileFileRefused. */
export function readProfileBytes(path: string): Buffer {
  let st: Stats | undefined;
  try {
    st = statSync(path);
  } catch (e) {
    // a file only the reader knows (diff --against reads a git revision) is read as it is
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  if (st) {
    if (st.isDirectory()) throw new ProfileFileRefused('EISDIR', 'is a directory');
    if (st.isFIFO() || st.isSocket()) throw new ProfileFileRefused('ENOTREG', `is not a regular file (${st.isFIFO() ? 'a FIFO' : 'a socket'})`);
    if (st.isCharacterDevice() || st.isBlockDevice()) return readBounded(path);
    if (st.size > MAX_PROFILE_BYTES) throw tooLarge(st.size);
  }
  return readFileSync(path);
}
