// The working set zc.buildout computes for a list of eggs over the
// release's develop-eggs and eggs directories
// (zc.buildout.easy_install.working_set, which slapos.cookbook's
// promise.plugin lists on sys.path): the requested eggs, then their
// requirements, from the requires.txt of a develop egg's .egg-info or of
// an egg's EGG-INFO, recursively, in the order easy_install's
// Installer.install adds them (a queue, each distribution's requirements
// appended last to first). tsbuildout installs nothing: a requirement found
// in neither directory is left to the interpreter's own site-packages.
import { readdirSync, readFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { compare, valid } from '@renovatebot/pep440';
import { holds } from './eggs/dists.ts';

export interface EggLocation {
  /** Normalised project name (PEP 503). */
  project: string;
  /** The sys.path entry: a develop egg's source directory, or the egg. */
  location: string;
  /** The metadata directory (`….egg-info`, `EGG-INFO`), when there is one. */
  metadata?: string;
}

export interface Requirement {
  project: string;
  extras: string[];
  /** The whole requirement, normalised: what "already processed" compares. */
  key: string;
}

export function normaliseProject(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, '-');
}

/** pkg_resources.safe_extra */
function safeExtra(name: string): string {
  return name.replace(/[^A-Za-z0-9.-]+/g, '_').toLowerCase();
}

function list(dir: string): string[] {
  try {
    return readdirSync(dir).sort();
  } catch {
    return [];
  }
}

function read(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/**
 * A project in the develop-eggs directory (`<name>.egg-link`, whose first
 * line is the source directory) or the eggs directory (the newest
 * `<name>-<version>[-…].egg`); develop eggs first, as zc.buildout prefers them.
 */
export function locateEgg(project: string, developEggs: string, eggs: string): EggLocation | undefined {
  for (const f of list(developEggs)) {
    if (!f.endsWith('.egg-link') || normaliseProject(f.slice(0, -9)) !== project) continue;
    const target = (read(join(developEggs, f)) ?? '').split('\n')[0]!.trim();
    if (!target) continue;
    const location = isAbsolute(target) ? target : resolve(developEggs, target);
    const info = list(location).find((e) => e.endsWith('.egg-info') && normaliseProject(e.slice(0, -9).split('-')[0]!) === project);
    return { project, location, ...(info ? { metadata: join(location, info) } : {}) };
  }
  const found = list(eggs)
    .filter((f) => f.endsWith('.egg') && normaliseProject(f.split('-')[0]!) === project)
    .map((f) => ({ f, version: f.slice(0, -4).split('-')[1] ?? '' }))
    .sort((a, b) => (valid(a.version) && valid(b.version) ? compare(a.version, b.version) : a.f < b.f ? -1 : a.f > b.f ? 1 : 0));
  const egg = found[found.length - 1];
  if (!egg) return undefined;
  const location = join(eggs, egg.f);
  return { project, location, metadata: join(location, 'EGG-INFO') };
}

/** A requirement line (`name[extra,…] specifiers ; marker`); undefined for blanks and what is not one. */
export function parseRequirement(line: string): (Requirement & { marker?: string }) | undefined {
  const text = line.split('#')[0]!.trim();
  const m = /^([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[([^\]]*)\])?([^;]*)(?:;(.*))?$/.exec(text);
  if (!m) return undefined;
  const project = normaliseProject(m[1]!);
  const extras = (m[2] ?? '').split(',').map((e) => safeExtra(e.trim())).filter(Boolean).sort();
  const marker = m[4]?.trim();
  return { project, extras, key: `${project}[${extras.join(',')}]${m[3]!.replace(/\s+/g, '')};${marker ?? ''}`, ...(marker ? { marker } : {}) };
}

/**
 * A distribution's requirements for the extras asked (pkg_resources
 * Distribution.requires): the lines before any section, then those of
 * `[extra]` / `[extra:marker]` / `[:marker]` sections whose extra is asked
 * (none for `[:marker]`) and whose marker holds.
 */
export function requirementsOf(metadata: string | undefined, extras: string[], env: () => Record<string, string>): Requirement[] {
  if (!metadata) return [];
  const out: Requirement[] = [];
  let active = true;
  for (const raw of (read(join(metadata, 'requires.txt')) ?? '').split('\n')) {
    const line = raw.trim();
    if (!line) continue;
    const section = /^\[(.*)\]$/.exec(line);
    if (section) {
      const [extra, marker] = section[1]!.includes(':') ? [section[1]!.slice(0, section[1]!.indexOf(':')), section[1]!.slice(section[1]!.indexOf(':') + 1)] : [section[1]!, undefined];
      active = (!extra.trim() || extras.includes(safeExtra(extra.trim()))) && holds(marker, env);
      continue;
    }
    if (!active) continue;
    const r = parseRequirement(line);
    if (r && holds(r.marker, env)) out.push({ project: r.project, extras: r.extras, key: r.key });
  }
  return out;
}

/**
 * The sys.path entries of the working set of `specs`, in zc.buildout's
 * order; `env` gives the marker environment (asked only when a marker is met).
 */
export function workingSet(specs: readonly string[], developEggs: string, eggs: string, env: () => Record<string, string>): string[] {
  const set = new Map<string, EggLocation>();
  const add = (project: string): EggLocation | undefined => {
    let dist = set.get(project);
    if (!dist) {
      dist = locateEgg(project, developEggs, eggs);
      if (dist) set.set(project, dist);
    }
    return dist;
  };
  const requested = specs.map(parseRequirement).filter((r): r is NonNullable<typeof r> => !!r);
  for (const r of requested) add(r.project);
  const queue: Requirement[] = [...requested].reverse();
  const processed = new Set<string>();
  while (queue.length) {
    const r = queue.shift()!;
    if (processed.has(r.key)) continue;
    processed.add(r.key);
    const dist = add(r.project);
    if (dist) queue.push(...requirementsOf(dist.metadata, r.extras, env).reverse());
  }
  return [...new Set([...set.values()].map((d) => d.location))];
}
