// Fetching what recipes download (templates, files, archives), as
// zc.buildout's download API does for them: a path or file: URL is read, an
// http(s) URL fetched (never when offline), and an md5sum checked.
// Synchronous, because some recipes fetch at init (slapos.recipe.template
// substitutes its template when the section is initialised): a remote URL is
// fetched by a child Node process.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { strRepr } from '../../python/index.ts';
import { RecipeError, type RecipeContext } from '../api.ts';
import { md5Hex } from './files.ts';

export interface FetchSettings {
  /** The buildout directory: relative paths are relative to it. */
  directory: string;
  offline: boolean;
  /** The part, for messages. */
  part: string;
}

/**
 * Where a recipe downloads from, as its context says: relative to the
 * buildout directory, offline when the run is.
 */
export function fetchSettings(ctx: Pick<RecipeContext, 'name' | 'buildout'>): FetchSettings {
  return { directory: ctx.buildout.directory, offline: ctx.buildout.offline, part: ctx.name };
}

/**
 * A download of a software release under --stub-software: a file that
 * cannot be had — a remote one offline or without network, a local one
 * absent (a partial checkout) — is not a failure, since the run stands in
 * for what it does not have, but an empty stand-in, with a warning;
 * undefined then. A checksum mismatch stays an error.
 */
export function fetchOrStandIn(location: string, ctx: Pick<RecipeContext, 'name' | 'buildout' | 'logger'>, md5sum?: string): Buffer | undefined {
  const settings = fetchSettings(ctx);
  if (!ctx.buildout.stubSoftware) return fetchBytes(location, settings, md5sum);
  try {
    return fetchBytes(location, settings, md5sum);
  } catch (e) {
    if (!(e instanceof DownloadError)) throw e;
    ctx.logger.warning(`${e.message.startsWith("[") ? "" : `[${ctx.name}] `}${e.message}: an empty stand-in instead (--stub-software)`);
    return undefined;
  }
}

/** A file that could not be had: remote and not fetched (offline, the network, the server), or local and absent. */
export class DownloadError extends RecipeError {}

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

const FETCH = `
const url = process.argv[1];
fetch(url, { redirect: 'follow' }).then(async (r) => {
  if (!r.ok) { process.stderr.write(r.status + ' ' + r.statusText); process.exit(2); }
  process.stdout.write(Buffer.from(await r.arrayBuffer()));
}, (e) => { process.stderr.write(String(e && e.cause ? e.cause.message || e.cause : e)); process.exit(2); });
`;

/** The bytes at a path or URL; md5sum (if given) must match. */
export function fetchBytes(location: string, settings: FetchSettings, md5sum?: string): Buffer {
  let data: Buffer;
  const path = localPath(location, settings.directory);
  if (path !== undefined) {
    try {
      data = readFileSync(path);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      throw new (code === 'ENOENT' ? DownloadError : RecipeError)(`[${settings.part}] cannot read ${path}: ${code ?? (e as Error).message}`);
    }
  } else if (!/^https?:/i.test(location)) {
    throw new RecipeError(`[${settings.part}] unsupported URL scheme: ${location}`);
  } else if (settings.offline) {
    throw new DownloadError(`Couldn't download ${strRepr(location)} in offline mode.`);
  } else {
    const r = spawnSync(process.execPath, ['-e', FETCH, location], { maxBuffer: 1 << 30, timeout: 600_000 });
    if (r.status !== 0) {
      throw new DownloadError(`Error downloading ${strRepr(location)}: ${r.stderr?.toString() || r.error?.message || `exit status ${r.status}`}`);
    }
    data = r.stdout;
  }
  if (md5sum && md5Hex(data) !== md5sum.trim().toLowerCase()) {
    throw new RecipeError(`MD5 checksum mismatch downloading ${strRepr(location)}`);
  }
  return data;
}
