// Distributions as pkg_resources sees them: what a file name says (the
// package index's distros_for_location), what eggs-directory and
// develop-eggs-directory hold (Environment over those paths), and their
// metadata (requires.txt, entry_points.txt).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { projectKey, safeExtra, safeName, parseRequirement, type Requirement } from './requirement.ts';
import { evaluateMarker, parseMarker } from '../../../profile/markers.ts';

/** pkg_resources' precedences. */
export const EGG_DIST = 3;
export const BINARY_DIST = 2;
export const SOURCE_DIST = 1;
export const DEVELOP_DIST = -1;

export interface Dist {
  projectName: string;
  key: string;
  version: string;
  /** A path or URL: the sys.path entry once installed, the file to fetch when available. */
  location: string;
  precedence: number;
  /** `py3.11` part of an egg name, the platform of an egg. */
  pyVersion?: string;
  platform?: string;
  /** Metadata directory (`EGG-INFO`, `….egg-info`, `….dist-info`) of an installed distribution. */
  metadata?: string;
  /** requires as pkg_resources gives them, for distributions whose metadata is not requires.txt (the interpreter's). */
  requires?: string[];
  /** md5 from a `#md5=` link fragment. */
  md5?: string;
}

/** The interpreter's facts the installer needs (probe.py). */
export interface PythonFacts {
  /** `3.11`, pkg_resources.PY_MAJOR. */
  pyMajor: string;
  /** pkg_resources.get_build_platform() */
  platform: string;
  /** Wheel tags the interpreter supports (`cp311-cp311-manylinux_2_17_x86_64`). */
  tags: string[];
  /** Where the interpreter's setuptools is (zc.buildout's buildout_and_setuptools_path), and its modification time. */
  siteDir: string;
  siteMtime?: number;
  /** The distributions there. */
  site: { projectName: string; version: string; location: string; metadata?: string; requires: string[] }[];
}

const SDIST = ['.tar.gz', '.tar.bz2', '.tar', '.zip', '.tgz'];

function list(dir: string): string[] {
  try {
    return readdirSync(dir).sort();
  } catch {
    return [];
  }
}

/** Whether a path is a directory (false when it does not exist). */
export function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/** A text file's content; undefined when it cannot be read. */
export function read(p: string): string | undefined {
  try {
    return readFileSync(p, 'utf8');
  } catch {
    return undefined;
  }
}

/** pkg_resources.safe_version (PEP 440 versions as they are; others with runs of odd characters as `-`). */
function safeVersion(v: string): string {
  return v.replace(/ /g, '.').replace(/[^A-Za-z0-9.]+/g, '-');
}

function make(location: string, name: string, version: string, precedence: number, extra: Partial<Dist> = {}): Dist {
  const projectName = safeName(name);
  return { projectName, key: projectName.toLowerCase(), version: safeVersion(version), location, precedence, ...extra };
}

/** Distribution.from_location for `name-version[-pyX.Y[-platform]].egg`. */
export function eggFromName(location: string, basename: string, extra: Partial<Dist> = {}): Dist | undefined {
  const m = /^([^-]+)(?:-([^-]+)(?:-py([^-]+)(?:-(.+))?)?)?\.egg$/i.exec(basename);
  if (!m || !m[2]) return undefined;
  return make(location, m[1]!, m[2], EGG_DIST, { ...(m[3] ? { pyVersion: m[3] } : {}), ...(m[4] ? { platform: m[4] } : {}), ...extra });
}

/** setuptools.package_index.distros_for_location: what a file name says it holds. */
export function distsForFilename(location: string, basename: string, facts: () => PythonFacts): Dist[] {
  if (basename.endsWith('.egg.zip')) basename = basename.slice(0, -4);
  if (basename.endsWith('.egg') && basename.includes('-')) {
    const d = eggFromName(location, basename);
    return d ? [d] : [];
  }
  if (basename.endsWith('.whl') && basename.includes('-')) {
    const parts = basename.slice(0, -4).split('-');
    if (parts.length < 5) return [];
    const [py, abi, plat] = parts.slice(-3) as [string, string, string];
    const supported = new Set(facts().tags);
    const ok = py.split('.').some((p) => abi.split('.').some((a) => plat.split('.').some((pl) => supported.has(`${p}-${a}-${pl}`))));
    return ok ? [make(location, parts[0]!, parts[1]!, EGG_DIST + 1)] : [];
  }
  for (const ext of SDIST) {
    if (!basename.endsWith(ext)) continue;
    const parts = basename.slice(0, -ext.length).split('-');
    // interpret_distro_name: a bdist_dumb is not an sdist
    if (parts.slice(2).some((p) => /^py\d\.\d$/.test(p))) return [];
    let p = parts.findIndex((x) => /^\d/.test(x));
    if (p < 0) p = parts.length;
    return [make(location, parts.slice(0, p).join('-'), parts.slice(p).join('-'), SOURCE_DIST)];
  }
  return [];
}

/** Environment.can_add: an egg for another Python or platform is not for us. */
export function compatible(d: Dist, facts: () => PythonFacts): boolean {
  if (d.pyVersion && d.pyVersion !== facts().pyMajor) return false;
  if (d.platform && d.platform !== facts().platform) return false;
  return true;
}

/** The develop distributions of a develop-eggs directory (`.egg-link`: first line the source directory, with its `.egg-info`). */
export function developDists(dir: string): Dist[] {
  const out: Dist[] = [];
  for (const f of list(dir)) {
    if (!f.endsWith('.egg-link')) continue;
    const target = (read(join(dir, f)) ?? '').split('\n')[0]!.trim();
    if (!target) continue;
    const location = isAbsolute(target) ? target : resolve(dir, target);
    const info = list(location).find((e) => e.endsWith('.egg-info') && projectKey(e.slice(0, -9).split('-')[0]!) === projectKey(f.slice(0, -9)));
    if (!info) continue;
    const metadata = join(location, info);
    const pkg = read(join(metadata, 'PKG-INFO')) ?? '';
    const field = (k: string) => new RegExp(`^${k}:\\s*(.+)$`, 'm').exec(pkg)?.[1]?.trim();
    out.push(make(location, field('Name') ?? f.slice(0, -9), field('Version') ?? '0', DEVELOP_DIST, { metadata }));
  }
  return out;
}

/** The eggs of an eggs directory (`name-version-pyX.Y[-platform].egg`, as EGG_DIST: easy_install's _eggify_env_dest_dists). */
export function eggsDirDists(dir: string, facts: () => PythonFacts): Dist[] {
  const out: Dist[] = [];
  for (const f of list(dir)) {
    const location = join(dir, f);
    if (!f.endsWith('.egg') || !isDir(join(location, 'EGG-INFO'))) continue;
    const d = eggFromName(location, f, { metadata: join(location, 'EGG-INFO') });
    if (d && compatible(d, facts)) out.push(d);
  }
  return out;
}

/** The interpreter's own distributions (where its setuptools is). */
export function siteDists(facts: PythonFacts): Dist[] {
  return facts.site.map((s) => make(s.location, s.projectName, s.version, EGG_DIST, { ...(s.metadata ? { metadata: s.metadata } : {}), requires: s.requires }));
}

/** entry_points.txt: group → name → `module:attrs`. */
export function entryPoints(d: Dist): Map<string, Map<string, string>> {
  const groups = new Map<string, Map<string, string>>();
  let group: Map<string, string> | undefined;
  for (const raw of (d.metadata ? read(join(d.metadata, 'entry_points.txt')) ?? '' : '').split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#') || line.startsWith(';')) continue;
    const header = /^\[(.*)\]$/.exec(line);
    if (header) {
      group = groups.get(header[1]!.trim()) ?? new Map<string, string>();
      groups.set(header[1]!.trim(), group);
    } else if (group && line.includes('=')) {
      const i = line.indexOf('=');
      group.set(line.slice(0, i).trim(), line.slice(i + 1).split('[')[0]!.trim());
    }
  }
  return groups;
}

/** The extras a distribution declares (requires.txt sections). */
export function distExtras(d: Dist): string[] {
  const out = new Set<string>();
  for (const raw of (d.metadata ? read(join(d.metadata, 'requires.txt')) ?? '' : '').split('\n')) {
    const m = /^\[([^:\]]*)/.exec(raw.trim());
    if (m && m[1]!.trim()) out.add(safeExtra(m[1]!.trim()));
  }
  return [...out];
}

/** Whether a marker holds; one that does not parse never does (pkg_resources drops it). */
export function holds(marker: string | undefined, env: () => Record<string, string>): boolean {
  if (!marker) return true;
  const parsed = parseMarker(marker);
  if (!parsed) return false;
  try {
    return evaluateMarker(parsed, env());
  } catch {
    return false;
  }
}

/**
 * Distribution.requires(extras): requires.txt's lines before any section,
 * then those of `[extra]`, `[extra:marker]` and `[:marker]` sections whose
 * extra is asked and whose marker holds.
 */
export function distRequires(d: Dist, extras: readonly string[], env: () => Record<string, string>): Requirement[] {
  if (d.requires) return d.requires.map(parseRequirement);
  const out: Requirement[] = [];
  let active = true;
  for (const raw of (d.metadata ? read(join(d.metadata, 'requires.txt')) ?? '' : '').split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const section = /^\[(.*)\]$/.exec(line);
    if (section) {
      const i = section[1]!.indexOf(':');
      const extra = (i < 0 ? section[1]! : section[1]!.slice(0, i)).trim();
      const marker = i < 0 ? undefined : section[1]!.slice(i + 1);
      active = (!extra || extras.includes(safeExtra(extra))) && holds(marker, env);
      continue;
    }
    if (!active) continue;
    const r = parseRequirement(line);
    if (holds(r.marker, env)) out.push(r);
  }
  return out;
}

/** pkg_resources' str(dist): `name version`. */
export function distText(d: Dist): string {
  return `${d.projectName} ${d.version}`;
}
