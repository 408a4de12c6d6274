// `plan --inventory`: what a build would fetch and share, read from the
// resolved profile without fetching anything.
// - downloads: every `url` (and `X-url` with an `X-md5sum`) of the sections
//   the build reaches, with its md5sum or the lack of one, and URLs listed
//   by several sections (with conflicting md5sums called out);
// - remote extends: profile files loaded over the network, where each was
//   named, and whether the extends-cache holds a copy;
// - shared parts (`shared = true`, slapos.recipe.cmmi and
//   slapos.recipe.build): the `[buildout] shared-part-list` directories and
//   the builds of each part already there.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { BuildoutError } from '../parser/diagnostic.ts';
import { valueSpan } from '../parser/references.ts';
import { md5hex } from '../profile/download.ts';
import { locate } from '../profile/location.ts';
import { sortedPy } from '../profile/merge.ts';
import { consumerValue } from '../profile/values.ts';
import { isPySpaceCode, pySplitWhitespace } from '../python/index.ts';
import { hasUnknown } from './host.ts';
import type { Inspection } from './model.ts';
import { originOf, type Origin } from './origin.ts';
import { showOrigin, showPath } from './text.ts';

export interface Download {
  section: string;
  option: string;
  url: string;
  /** http(s)/ftp, as opposed to a local path or file: URL. */
  remote: boolean;
  md5sum?: string;
  /** The md5sum option to set when it is missing. */
  md5Option: string;
  origin?: Origin;
  /** The URL has parts a recipe not run here would compute. */
  unknown?: boolean;
}

export interface Duplicate {
  url: string;
  sections: string[];
  md5sums: string[];
  /** Different md5sums for one URL. */
  conflict: boolean;
}

export interface RemoteExtends {
  url: string;
  /** The file whose extends names it, and where. */
  from?: string;
  at?: { file: string; line: number; column: number };
  /** The extends-cache holds a copy (undefined: no extends-cache). */
  cached?: boolean;
}

export interface SharedPart {
  part: string;
  recipe?: string;
  /** Existing builds, as `<root>/<part>/<signature>` directories. */
  builds: string[];
  /** Some shared-part-list directory has a directory for this part. */
  exists: boolean;
}

export interface Inventory {
  downloads: Download[];
  missingMd5sum: number;
  duplicates: Duplicate[];
  remoteExtends: RemoteExtends[];
  sharedPartList: string[];
  sharedParts: SharedPart[];
}

const REMOTE = /^(https?|ftp):\/\//i;

function downloadsOf(insp: Inspection): Download[] {
  const out: Download[] = [];
  const { buildout } = insp;
  for (const name of sortedPy(buildout.sections.keys())) {
    if (name === 'buildout') continue;
    const opts = buildout.sections.get(name)!;
    const keys = opts.keys();
    const has = new Set(keys);
    for (const k of keys) {
      let md5Option: string;
      if (k === 'url') md5Option = 'md5sum';
      else if (k.endsWith('-url') && has.has(k.slice(0, -4) + '-md5sum')) md5Option = k.slice(0, -4) + '-md5sum';
      else continue;
      let url: string | undefined;
      let md5: string | undefined;
      try {
        url = opts.get(k);
        md5 = opts.get(md5Option);
      } catch (e) {
        if (!(e instanceof BuildoutError)) throw e;
        continue;
      }
      if (!url) continue;
      url = consumerValue(buildout.semantics, url).trim();
      const d: Download = { section: name, option: k, url, remote: REMOTE.test(url), md5Option };
      if (md5 && md5.trim()) d.md5sum = md5.trim();
      const o = originOf(insp, name, k);
      if (o) d.origin = o;
      if (hasUnknown(url)) d.unknown = true;
      out.push(d);
    }
  }
  return out;
}

function duplicatesOf(downloads: Download[]): Duplicate[] {
  const byUrl = new Map<string, Download[]>();
  for (const d of downloads) {
    if (d.unknown) continue;
    let l = byUrl.get(d.url);
    if (!l) byUrl.set(d.url, (l = []));
    l.push(d);
  }
  const out: Duplicate[] = [];
  for (const [url, list] of byUrl) {
    const sections = [...new Set(list.map((d) => d.section))];
    if (sections.length < 2) continue;
    const md5sums = [...new Set(list.map((d) => d.md5sum).filter((m): m is string => !!m))];
    out.push({ url, sections, md5sums, conflict: md5sums.length > 1 });
  }
  return out.sort((a, b) => (a.url < b.url ? -1 : 1));
}

function remoteExtendsOf(insp: Inspection): RemoteExtends[] {
  const files = insp.assembled.files.files;
  const includers = new Map<string, { from: string; at?: RemoteExtends['at'] }>();
  const sem = insp.assembled.semantics;
  for (const f of files.values()) {
    const b = f.sections.sections.get('buildout');
    for (const key of ['extends', 'optional-extends']) {
      const raw = b?.options.get(key);
      if (!raw) continue;
      const v = raw.value;
      let i = 0;
      while (i < v.length) {
        while (i < v.length && isPySpaceCode(v.charCodeAt(i))) i++;
        const start = i;
        while (i < v.length && !isPySpaceCode(v.charCodeAt(i))) i++;
        if (i === start) break;
        const located = locate(f.location.base, v.slice(start, i), sem.relativeUrlDotDot);
        if (!located.remote || includers.has(located.key)) continue;
        const span = valueSpan(raw.file, v, raw.positions, start, i);
        includers.set(located.key, span ? { from: f.location.name, at: { file: span.file, line: span.line, column: span.column } } : { from: f.location.name });
      }
    }
  }
  const cacheDir = insp.buildout.sections.get('buildout')?.get('extends-cache');
  const out: RemoteExtends[] = [];
  for (const f of files.values()) {
    if (!f.location.remote) continue;
    const r: RemoteExtends = { url: f.location.name };
    const inc = includers.get(f.location.key);
    if (inc) {
      r.from = inc.from;
      if (inc.at) r.at = inc.at;
    }
    if (cacheDir) r.cached = existsSync(join(resolve(insp.assembled.directory ?? '.', cacheDir), md5hex(f.location.name)));
    out.push(r);
  }
  return out;
}

function isDirectory(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

function sharedOf(insp: Inspection): { roots: string[]; parts: SharedPart[] } {
  const { buildout, host } = insp;
  const roots = pySplitWhitespace(buildout.sections.get('buildout')?.get('shared-part-list') ?? '');
  const parts: SharedPart[] = [];
  for (const name of buildout.parts) {
    let shared: string | undefined;
    try {
      shared = buildout.sections.get(name)?.get('shared');
    } catch {
      continue;
    }
    if (!shared || shared.trim().toLowerCase() !== 'true') continue;
    const builds: string[] = [];
    let exists = false;
    for (const root of roots) {
      const dir = join(root, name);
      if (!isDirectory(dir)) continue;
      exists = true;
      for (const sig of readdirSync(dir).sort()) if (isDirectory(join(dir, sig))) builds.push(join(dir, sig));
    }
    const p: SharedPart = { part: name, builds, exists };
    const recipe = host.parts.get(name)?.recipe;
    if (recipe) p.recipe = recipe;
    parts.push(p);
  }
  return { roots, parts };
}

export function inventory(insp: Inspection): Inventory {
  if (insp.partsError) throw insp.partsError;
  const downloads = downloadsOf(insp);
  const shared = sharedOf(insp);
  return {
    downloads,
    missingMd5sum: downloads.filter((d) => d.remote && !d.md5sum).length,
    duplicates: duplicatesOf(downloads),
    remoteExtends: remoteExtendsOf(insp),
    sharedPartList: shared.roots,
    sharedParts: shared.parts,
  };
}

export function formatInventory(inv: Inventory, cwd: string): string {
  const out: string[] = [];
  const remote = inv.downloads.filter((d) => d.remote);
  out.push(`Downloads: ${inv.downloads.length} (${remote.length} remote, ${inv.missingMd5sum} remote without md5sum)`);
  for (const d of inv.downloads) {
    const md5 = d.md5sum ? `md5sum ${d.md5sum}` : d.remote ? `NO ${d.md5Option}` : 'no md5sum (local)';
    out.push(`  [${d.section}] ${d.option} = ${showPath(d.url, cwd)}`);
    out.push(`      ${md5}${d.unknown ? ', url computed by a recipe not run here' : ''}${d.origin ? `  (${showOrigin(d.origin, cwd)})` : ''}`);
  }
  out.push('', `Same URL in several sections: ${inv.duplicates.length}`);
  for (const d of inv.duplicates) {
    out.push(`  ${d.url}`);
    out.push(`      in ${d.sections.map((s) => `[${s}]`).join(' ')}${d.conflict ? `  CONFLICTING md5sums: ${d.md5sums.join(' ')}` : ''}`);
  }
  out.push('', `Remote extends: ${inv.remoteExtends.length}`);
  for (const r of inv.remoteExtends) {
    const at = r.at ? `${showPath(r.at.file, cwd)}:${r.at.line}` : r.from ? showPath(r.from, cwd) : '';
    out.push(`  ${r.url}${at ? `  (named at ${at})` : ''}${r.cached === undefined ? '' : r.cached ? '  cached' : '  NOT in extends-cache'}`);
  }
  out.push('', `Shared parts: ${inv.sharedParts.length}${inv.sharedPartList.length ? ` (shared-part-list: ${inv.sharedPartList.join(' ')})` : ' (no [buildout] shared-part-list: they are built in the software directory)'}`);
  for (const p of inv.sharedParts) {
    const state = !inv.sharedPartList.length ? '' : p.exists ? `${p.builds.length} build${p.builds.length === 1 ? '' : 's'} present` : 'not built yet';
    out.push(`  [${p.part}] ${p.recipe ?? ''}  ${state}`.trimEnd());
    for (const b of p.builds) out.push(`      ${b}`);
  }
  return out.join('\n');
}
