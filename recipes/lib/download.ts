// Fetching what recipes download (templates, files, archives, inline
// Python's `self.download()`), as zc.buildout's download API does for them
// (docs/buildout-run.md#downloads): a path or file: URL is read, an http(s)
// URL fetched (never when offline) within `socket-timeout`, its body checked
// against its Content-Length, and an md5sum checked. Synchronous, because
// some recipes fetch at init (slapos.recipe.template substitutes its
// template when the section is initialised): the HTTP exchange of
// profile/http-download.ts runs in a worker thread meanwhile.
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, copyFileSync, existsSync, openSync, readFileSync, readSync, realpathSync, renameSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { downloadSync, timeoutMs, type DownloadRequest } from '../../profile/http-download.ts';
import { strRepr } from '../../python/index.ts';
import { RecipeError, type BuildoutView, type RecipeContext, type SoftwareStep } from '../api.ts';
import { md5Hex } from './files.ts';

export interface FetchSettings {
  /** The buildout directory: relative paths are relative to it. */
  directory: string;
  offline: boolean;
  /** The part, for messages. */
  part: string;
  /** `[buildout] socket-timeout` (seconds; empty: the default). */
  socketTimeout?: string;
  /** `[buildout] download-cache`. */
  downloadCache?: string;
}

/** The settings of a part's downloads, from its [buildout] options. */
export function fetchSettings(buildoutOption: (key: string) => string | undefined, part: string): FetchSettings {
  const get = (k: string) => buildoutOption(k)?.trim();
  return {
    directory: get('directory') ?? process.cwd(),
    offline: get('offline') === 'true' || get('install-from-cache') === 'true',
    part,
    ...(get('socket-timeout') ? { socketTimeout: get('socket-timeout')! } : {}),
    ...(get('download-cache') ? { downloadCache: get('download-cache')! } : {}),
  };
}

/** The settings of a part's downloads in a run (the run decides whether it is offline; plan says as a run would be). */
export function runFetchSettings(buildout: BuildoutView, part: string, offline = buildout.offline): FetchSettings {
  const b = buildout.section('buildout');
  return { ...fetchSettings((k) => b.get(k), part), directory: buildout.directory, offline };
}

/**
 * A download of a software release under --stub-software: a file that
 * cannot be had — a remote one offline or without network, a local one
 * absent (a partial checkout) — is not a failure, since the run stands in
 * for what it does not have, but an empty stand-in, with a warning;
 * undefined then. A checksum mismatch stays an error.
 */
export function fetchOrStandIn(location: string, ctx: Pick<RecipeContext, 'name' | 'buildout' | 'logger'>, md5sum?: string): Buffer | undefined {
  const settings = runFetchSettings(ctx.buildout, ctx.name);
  if (!ctx.buildout.stubSoftware) return fetchBytes(location, settings, md5sum);
  try {
    return fetchBytes(location, settings, md5sum);
  } catch (e) {
    if (!cannotBeHad(e)) throw e;
    ctx.logger.warning(`${e.message.startsWith("[") ? "" : `[${ctx.name}] `}${e.message}: an empty stand-in instead (--stub-software)`);
    return undefined;
  }
}

/** A download that failed because the file cannot be had (offline, the network, the server, a local file absent), not because it is wrong (a checksum mismatch). */
export function cannotBeHad(e: unknown): e is RecipeError {
  return e instanceof RecipeError && !e.message.startsWith('MD5 checksum mismatch') && !e.message.includes('unsupported URL scheme');
}

const SCHEME = /^([a-zA-Z][a-zA-Z0-9+.-]*):/;

/** Is this a URL (as opposed to a local path)? */
export function isUrl(location: string): boolean {
  const m = SCHEME.exec(location);
  return !!m && m[1]!.length > 1;
}

/** The local path a path or file: URL names, or undefined for other URLs. */
export function localPath(location: string, directory: string): string | undefined {
  if (location.startsWith('file:')) return fileURLToPath(location);
  if (isUrl(location)) return undefined;
  return isAbsolute(location) ? location : resolve(directory, location);
}

/** One remote download (into `file`, or in memory), its failure as the recipe's error. */
function fetchRemote(location: string, settings: FetchSettings, file?: string): Buffer | undefined {
  if (!/^https?:/i.test(location)) throw new RecipeError(`[${settings.part}] unsupported URL scheme: ${location}`);
  if (settings.offline) throw new RecipeError(`Couldn't download ${strRepr(location)} in offline mode.`);
  const req: DownloadRequest = { url: location, timeoutMs: timeoutMs(settings.socketTimeout), ...(file !== undefined ? { file } : {}) };
  const outcome = downloadSync(req);
  if ('error' in outcome) throw new RecipeError(`Error downloading ${strRepr(location)}: ${outcome.error}`);
  return outcome.body;
}

/** The bytes at a path or URL; md5sum (if given) must match. */
export function fetchBytes(location: string, settings: FetchSettings, md5sum?: string): Buffer {
  let data: Buffer;
  const path = localPath(location, settings.directory);
  if (path !== undefined) {
    try {
      data = readFileSync(path);
    } catch (e) {
      throw new RecipeError(`[${settings.part}] cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
  } else data = fetchRemote(location, settings)!;
  if (md5sum && md5Hex(data) !== md5sum.trim().toLowerCase()) {
    throw new RecipeError(`MD5 checksum mismatch downloading ${strRepr(location)}`);
  }
  return data;
}

function fileMd5(path: string): string {
  const h = createHash('md5');
  const fd = openSync(path, 'r');
  try {
    const chunk = Buffer.alloc(1 << 16);
    for (let n; (n = readSync(fd, chunk, 0, chunk.length, null)) > 0; ) h.update(chunk.subarray(0, n));
  } finally {
    closeSync(fd);
  }
  return h.digest('hex');
}

function checkMd5(path: string, md5sum: string | undefined, message: string): void {
  if (md5sum && fileMd5(path) !== md5sum.trim().toLowerCase()) throw new RecipeError(message);
}

/** A new private temporary file (tempfile.mkstemp(prefix='buildout-')). */
function newTemporary(): string {
  for (;;) {
    const path = join(tmpdir(), `buildout-${randomBytes(6).toString('hex')}`);
    try {
      closeSync(openSync(path, 'wx', 0o600));
      return path;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
  }
}

/** A remote file downloaded to a new temporary file (removed when the download fails). */
function toTemporary(url: string, settings: FetchSettings, md5sum: string | undefined): string {
  const path = newTemporary();
  try {
    fetchRemote(url, settings, path);
    checkMd5(path, md5sum, `MD5 checksum mismatch downloading ${strRepr(url)}`);
    return path;
  } catch (e) {
    rmSync(path, { force: true });
    throw e;
  }
}

/**
 * Where downloadFile takes a file from, decided without touching anything
 * (plan shows it: plannedDownload): `local`, a path read where it is;
 * `cache`, the download cache holds it at `path`; `fetch`, it is fetched
 * (a local file copied) into the cache at `path`, or without a cache to a
 * temporary file.
 */
export interface DownloadSource {
  from: 'local' | 'cache' | 'fetch';
  path?: string;
}

export function downloadSource(url: string, settings: FetchSettings, hashName = true): DownloadSource {
  const local = localPath(url, settings.directory);
  if (local !== undefined && !settings.downloadCache) return { from: 'local', path: local };
  if (!settings.downloadCache) return { from: 'fetch' };
  const cacheRoot = resolve(settings.directory, settings.downloadCache);
  if (!existsSync(cacheRoot)) throw new RecipeError(`The directory:\n${strRepr(cacheRoot)}\nto be used as a download cache doesn't exist.\n`);
  const cached = join(realpathSync(cacheRoot), hashName ? md5Hex(url) : urlFileName(url));
  return { from: existsSync(cached) ? 'cache' : 'fetch', path: cached };
}

/**
 * zc.buildout's Download as slapos.recipe.build's `self.download()` makes
 * it (hash_name, the download-cache): a local file as it is; with a cache,
 * `<cache>/<md5 of the URL>` (`hashName` false: the URL's file name;
 * downloaded there when missing); else a
 * temporary file (`temporary`: the caller removes it). The alternate URL
 * is tried when the URL fails.
 */
export function downloadFile(url: string, settings: FetchSettings, md5sum?: string, alternate?: string, hashName = true): { path: string; temporary: boolean } {
  const source = downloadSource(url, settings, hashName);
  if (source.from === 'local') {
    const local = source.path!;
    if (!existsSync(local)) throw new RecipeError(`[${settings.part}] cannot read ${local}: ENOENT`);
    checkMd5(local, md5sum, `MD5 checksum mismatch for local resource at ${strRepr(local)}.`);
    return { path: local, temporary: false };
  }
  const attempt = <T>(f: (u: string) => T): T => {
    try {
      return f(url);
    } catch (e) {
      if (!alternate || !(e instanceof RecipeError)) throw e;
      return f(alternate);
    }
  };
  const cached = source.path;
  if (cached === undefined) return { path: attempt((u) => toTemporary(u, settings, md5sum)), temporary: true };
  if (source.from === 'cache') {
    checkMd5(cached, md5sum, `MD5 checksum mismatch for cached download from ${strRepr(url)} at ${strRepr(cached)}`);
    return { path: cached, temporary: false };
  }
  const tmp = attempt((u) => (localPath(u, settings.directory) !== undefined ? copyLocal(u, settings, md5sum) : toTemporary(u, settings, md5sum)));
  moveFile(tmp, cached);
  return { path: cached, temporary: false };
}

/**
 * What downloadFile would do with this URL, as `plan` shows it: nothing
 * read, fetched or written (the md5sum is checked at install).
 */
export function plannedDownload(url: string, settings: FetchSettings, hashName = true): SoftwareStep {
  let source: DownloadSource;
  try {
    source = downloadSource(url, settings, hashName);
  } catch (e) {
    if (!(e instanceof RecipeError)) throw e;
    return { action: 'missing', what: url, reason: e.message.replace(/\n/g, ' ').trim() };
  }
  const localFile = localPath(url, settings.directory);
  const local = localFile !== undefined;
  if (source.from === 'cache') return { action: 'cached', what: url, path: source.path!, reason: 'in the download cache' };
  if (local && !existsSync(localFile)) return { action: 'missing', what: url, path: localFile, reason: 'no such file' };
  if (source.from === 'local') return { action: 'local', what: url, path: localFile!, reason: 'a local file, read where it is' };
  if (!local && settings.offline) {
    return { action: 'missing', what: url, ...(source.path ? { path: source.path } : {}), reason: `${source.path ? 'not in the download cache, and ' : ''}offline: Couldn't download ${strRepr(url)} in offline mode.` };
  }
  if (source.path) return { action: 'fetch', what: url, path: source.path, reason: local ? 'copied into the download cache' : 'not in the download cache: fetched into it' };
  return { action: 'fetch', what: url, reason: 'no download-cache: fetched to a temporary file' };
}

/** zc.buildout's Download.filename without hash_name: the last non-empty component of the URL's path (`host:port` when there is none). */
export function urlFileName(url: string): string {
  const local = localPath(url, '/');
  if (local !== undefined) return local.split('/').filter(Boolean).pop() ?? '';
  const u = new URL(url);
  return u.pathname.split('/').filter(Boolean).pop() ?? `${u.hostname}:${u.port || 'None'}`;
}

/** A local file copied to a temporary (to be moved into the cache). */
function copyLocal(url: string, settings: FetchSettings, md5sum: string | undefined): string {
  const data = fetchBytes(url, settings, md5sum);
  const path = newTemporary();
  writeFileSync(path, data);
  return path;
}

/** shutil.move of a file: a rename, or a copy when the temporary is on another file system. */
function moveFile(from: string, to: string): void {
  try {
    renameSync(from, to);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EXDEV') throw e;
    copyFileSync(from, to);
    unlinkSync(from);
  }
}
