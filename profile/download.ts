// Fetching remote extends files with zc.buildout's cache rules
// (docs/buildout-language.md#remote-files-and-the-extends-cache):
// `extends-cache` holds files named by the MD5 of their URL; in newest mode a
// cached file is refreshed once per run and is only the fallback; offline,
// only the cache is read. The HTTP exchange is http-download.ts's (a
// `socket-timeout`, the Content-Length checked, at most MAX_PROFILE_BYTES).
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, realpathSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MAX_PROFILE_BYTES, readProfileBytes } from './local-file.ts';
import { downloadAsync, timeoutMs } from './http-download.ts';

export interface DownloadSettings {
  /** The buildout directory, against which a relative cache is resolved. */
  directory: string;
  /** `extends-cache`, if set and non-empty. */
  extendsCache?: string;
  offline: boolean;
  newest: boolean;
  /** Seconds; `socket-timeout`. */
  timeout?: number;
}

/** A download that failed; the loader adds the including file to the message. */
export class DownloadError extends Error {}

export function md5hex(text: string): string {
  return createHash('md5').update(text).digest('hex');
}

export class ExtendsDownloader {
  /** URLs fetched in this run: the cache is refreshed only on the first fetch. */
  private readonly fetched = new Set<string>();
  /** Bytes of each URL read in this run (fetched once per process). */
  private readonly memory = new Map<string, Buffer>();
  /** The local file each URL was read from: its cached copy, or a file: URL's path. */
  private readonly localFiles = new Map<string, string>();

  async get(url: string, settings: DownloadSettings): Promise<Buffer> {
    const known = this.memory.get(url);
    if (known) return known;
    const fallback = settings.newest && !this.fetched.has(url);
    this.fetched.add(url);
    const data = await this.load(url, settings, fallback);
    this.memory.set(url, data);
    return data;
  }

  private async load(url: string, settings: DownloadSettings, fallback: boolean): Promise<Buffer> {
    if (settings.extendsCache) {
      const cache = resolve(settings.directory, settings.extendsCache);
      if (!existsSync(cache)) {
        throw new DownloadError(`The directory:\n'${cache}'\nto be used as a download cache doesn't exist.\n`);
      }
      const cached = join(realpathSync(cache), md5hex(url));
      this.localFiles.set(url, cached);
      if (existsSync(cached)) {
        if (fallback && !settings.offline) {
          try {
            atomicWrite(cached, await this.fetch(url, settings));
          } catch {
            // the cached copy stands in for an unreachable URL
          }
        }
        return readFileSync(cached);
      }
      const data = await this.fetchOrRefuse(url, settings);
      atomicWrite(cached, data);
      return data;
    }
    if (url.startsWith('file://')) this.localFiles.set(url, fileURLToPath(url));
    return this.fetchOrRefuse(url, settings);
  }

  /**
   * The local file a URL read in this run is in, as zc.buildout names it in
   * a parse error (`URL (downloaded as PATH)`, buildout.py `_open`): its
   * cached copy, a file: URL's path, or else, as zc.buildout's download to
   * a temporary file, a `buildout-…` file in the temporary directory,
   * written now and left for the user to look at (zc.buildout leaves it too);
   * undefined when it cannot be written.
   */
  localFile(url: string): string | undefined {
    const known = this.localFiles.get(url);
    if (known) return known;
    const data = this.memory.get(url);
    if (!data) return undefined;
    const path = join(tmpdir(), 'buildout-' + randomBytes(6).toString('hex'));
    try {
      writeFileSync(path, data, { flag: 'wx', mode: 0o600 });
    } catch {
      // no temporary directory to write to: the message names the URL alone
      return undefined;
    }
    this.localFiles.set(url, path);
    return path;
  }

  private async fetchOrRefuse(url: string, settings: DownloadSettings): Promise<Buffer> {
    if (url.startsWith('file://')) return this.fetch(url, settings);
    if (settings.offline) throw new DownloadError(`Couldn't download '${url}' in offline mode.`);
    return this.fetch(url, settings);
  }

  private async fetch(url: string, settings: DownloadSettings): Promise<Buffer> {
    if (url.startsWith('file://')) {
      try {
        return readProfileBytes(fileURLToPath(url));
      } catch (e) {
        throw new DownloadError(`Error downloading extends for URL ${url}: ${(e as Error).message}`);
      }
    }
    const outcome = await downloadAsync({ url, timeoutMs: timeoutMs(settings.timeout), maxBytes: MAX_PROFILE_BYTES });
    if ('error' in outcome) throw new DownloadError(`Error downloading extends for URL ${url}: ${outcome.error}`);
    return outcome.body!;
  }
}

/** Write through a temporary file and a rename, so a reader never sees half a file. */
function atomicWrite(path: string, data: Buffer): void {
  const dir = mkdtempSync(path + '.tmp-');
  const tmp = join(dir, 'data');
  try {
    writeFileSync(tmp, data);
    renameSync(tmp, path);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
