// Fetching remote extends files with zc.buildout's cache rules
// (docs/buildout-language.md#remote-files-and-the-extends-cache):
// `extends-cache` holds files named by the MD5 of their URL; in newest mode a
// cached file is refreshed once per run and is only the fallback; offline,
// only the cache is read. Node's fetch, no library.
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, realpathSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

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
    return this.fetchOrRefuse(url, settings);
  }

  private async fetchOrRefuse(url: string, settings: DownloadSettings): Promise<Buffer> {
    if (url.startsWith('file://')) return this.fetch(url, settings);
    if (settings.offline) throw new DownloadError(`Couldn't download '${url}' in offline mode.`);
    return this.fetch(url, settings);
  }

  private async fetch(url: string, settings: DownloadSettings): Promise<Buffer> {
    if (url.startsWith('file://')) {
      try {
        return readFileSync(fileURLToPath(url));
      } catch (e) {
        throw new DownloadError(`Error downloading extends for URL ${url}: ${(e as Error).message}`);
      }
    }
    const timeout = settings.timeout && settings.timeout > 0 ? settings.timeout * 1000 : 60_000;
    let response: Response;
    try {
      response = await fetch(url, { signal: AbortSignal.timeout(timeout), redirect: 'follow' });
    } catch (e) {
      const cause = (e as { cause?: { code?: string; message?: string } }).cause;
      const why = cause?.code ?? cause?.message ?? (e as Error).message;
      throw new DownloadError(`Error downloading extends for URL ${url}: ${why}`);
    }
    if (!response.ok) {
      throw new DownloadError(`Error downloading extends for URL ${url}: HTTP Error ${response.status}: ${response.statusText}`);
    }
    return Buffer.from(await response.arrayBuffer());
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
