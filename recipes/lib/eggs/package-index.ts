// Where distributions are available, as setuptools' PackageIndex finds
// them for zc.buildout (easy_install.py _get_index): each `find-links`
// entry (a directory, whose files are distributions; a file or URL of one
// distribution; an HTML page, whose links are) and the index's page of the
// project (`<index>/<name>/`, a local directory or a PEP 503 simple page).
// Pages are read once per index; what cannot be read is skipped with
// setuptools' warning, as it does ("Some packages may not be found!").
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { downloadSync, timeoutMs } from '../../../profile/http-download.ts';
import type { Logger } from '../../api.ts';
import { fnmatchRegExp } from '../fnmatch.ts';
import { distsForFilename, type Dist, type PythonFacts } from './dists.ts';

export interface IndexSettings {
  links: readonly string[];
  /** The index URL or path (zc.buildout's default is PyPI's simple index). */
  index: string;
  offline: boolean;
  /** `allow-hosts` patterns (default `*`): remote links and pages of other hosts are skipped. */
  allowHosts?: readonly string[];
  socketTimeout?: string;
  logger: Logger;
  facts: () => PythonFacts;
}

/**
 * The index when none is named: PyPI's, or, as zc.buildout's
 * easy_install.default_index_url, the `buildout-testing-index-url`
 * environment variable's (set by zc.buildout's test set-ups).
 */
export function defaultIndex(): string {
  return process.env['buildout-testing-index-url'] || 'https://pypi.org/simple';
}

function isRemote(s: string): boolean {
  return /^https?:\/\//i.test(s);
}

function localOf(s: string): string | undefined {
  if (s.startsWith('file://')) {
    try {
      return fileURLToPath(s);
    } catch {
      return s.slice(7);
    }
  }
  return isRemote(s) || /^[a-z][a-z0-9+.-]*:\/\//i.test(s) ? undefined : s;
}

function statOf(p: string): 'dir' | 'file' | undefined {
  try {
    const s = statSync(p);
    return s.isDirectory() ? 'dir' : 'file';
  } catch {
    return undefined;
  }
}

/** The hrefs of an HTML page, resolved against its URL. */
function hrefs(html: string, base: string): string[] {
  const out: string[] = [];
  for (const m of html.matchAll(/href\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))/gi)) {
    const raw = (m[1] ?? m[2] ?? m[3] ?? '').replace(/&amp;/g, '&');
    try {
      out.push(new URL(raw, base).href);
    } catch {
      // not a URL: setuptools skips it too
    }
  }
  return out;
}

/** AllowHostsPackageIndex.url_ok: a local file always, a URL whose host[:port] matches a pattern. */
function urlAllowed(url: string, patterns: readonly RegExp[]): boolean {
  if (!isRemote(url)) return true;
  let host: string;
  try {
    host = new URL(url).host;
  } catch {
    return false;
  }
  return patterns.some((p) => p.test(host));
}

export class PackageIndex {
  /** key → distributions found, per source already read. */
  private readonly found = new Map<string, Dist[]>();
  private readonly read = new Set<string>();
  private linksScanned = false;

  private readonly allow: RegExp[];

  constructor(private readonly s: IndexSettings) {
    this.allow = (s.allowHosts?.length ? s.allowHosts : ['*']).map(fnmatchRegExp);
  }

  /** The available distributions of a project (PackageIndex.obtain, then index[project]). */
  dists(key: string, projectName: string): Dist[] {
    if (!this.linksScanned) {
      this.linksScanned = true;
      for (const link of this.s.links) this.scan(link, true);
    }
    const page = this.s.index.replace(/\/*$/, '/') + projectName + '/';
    this.scan(page, false);
    return this.found.get(key) ?? [];
  }

  private add(location: string, basename: string): void {
    let md5: string | undefined;
    const hash = location.indexOf('#');
    if (hash >= 0) {
      md5 = /md5=([0-9a-f]{32})/i.exec(location.slice(hash))?.[1];
      location = location.slice(0, hash);
      basename = basename.split('#')[0]!;
    }
    for (const d of distsForFilename(location, decodeURIComponent(basename), this.s.facts)) {
      if (md5) d.md5 = md5;
      const list = this.found.get(d.key) ?? [];
      if (!list.some((x) => x.location === d.location)) list.push(d);
      this.found.set(d.key, list);
    }
  }

  /** A find-links entry or an index page. */
  private scan(where: string, findLink: boolean): void {
    if (this.read.has(where)) return;
    this.read.add(where);
    const local = localOf(where);
    if (local !== undefined) {
      const kind = statOf(local);
      if (kind === 'dir') {
        const html = join(local, 'index.html');
        if (statOf(html) === 'file') for (const h of hrefs(readFileSync(html, 'utf8'), `file://${local.replace(/\/*$/, '/')}`)) this.addUrl(h);
        else for (const f of readdirSync(local).sort()) this.add(join(local, f), f);
      } else if (kind === 'file') this.add(local, local.split('/').pop()!);
      else if (!findLink) this.s.logger.debug(`Not found: ${local}`);
      else this.s.logger.warning(`Link to ${local} not found`);
      return;
    }
    if (!isRemote(where) || !urlAllowed(where, this.allow)) return;
    const base = where.split('#')[0]!.split('/').pop()!;
    if (distsForFilename(where, base, this.s.facts).length) {
      this.add(where, base);
      return;
    }
    if (this.s.offline) return;
    const outcome = downloadSync({ url: where, timeoutMs: timeoutMs(this.s.socketTimeout), maxBytes: 64 << 20 });
    if ('error' in outcome) {
      if (!/404/.test(outcome.error)) this.s.logger.warning(`Download error on ${where}: ${outcome.error} -- Some packages may not be found!`);
      return;
    }
    for (const h of hrefs(outcome.body?.toString('utf8') ?? '', where)) this.addUrl(h);
  }

  private addUrl(url: string): void {
    if (!urlAllowed(url, this.allow)) return;
    const path = url.split('#')[0]!;
    const basename = path.split('/').pop() ?? '';
    if (url.startsWith('file://')) this.add(localOf(path)! + url.slice(path.length), basename);
    else this.add(url, basename);
  }
}
