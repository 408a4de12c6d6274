// The generic fallback: a recipe tsbuildout does not implement is run by
// the Python bridge from the software release's own eggs, through
// zc.buildout's recipe protocol (constructor `Recipe(buildout, name,
// options)`, install, update, and the `zc.buildout.uninstall` entry point of
// the same name), when its distribution is in `develop-eggs-directory` (an
// `.egg-link` naming a source directory with its `.egg-info`, what
// `setup.py develop` leaves) or in `eggs-directory` (`name-version-….egg`
// directories with their `EGG-INFO`). The distribution's `requires.txt`
// dependencies found there join `sys.path` too; others are expected in the
// interpreter's own site-packages.
import { existsSync, readdirSync, type Dirent } from 'node:fs';
import { createHash } from 'node:crypto';
import { basename, isAbsolute, join, resolve } from 'node:path';
import { compare, valid } from '@renovatebot/pep440';
import { RecipeError, type RecipeModule } from './api.ts';
import type { Buildout } from '../profile/buildout.ts';
import type { RecipeSpec } from './registry.ts';
import { isDir, read } from './lib/eggs/dists.ts';

export interface Distribution {
  /** Normalised (PEP 503). */
  project: string;
  /** As the distribution spells it (PKG-INFO's Name). */
  name: string;
  version: string;
  /** The sys.path entry. */
  location: string;
  /** Where its metadata is (`….egg-info` or `EGG-INFO`). */
  metadata: string;
  develop: boolean;
}

export interface RecipeEgg {
  dist: Distribution;
  /** sys.path entries: the distribution, then the dependencies found. */
  paths: string[];
  /** The distribution and the dependencies found. */
  dists: Distribution[];
  /** `module:attr` of the `zc.buildout` entry point, and of `zc.buildout.uninstall` when there is one. */
  entry: string;
  uninstall?: string;
}

/** PEP 503 normalisation (zc.buildout compares project names case-insensitively, `-`/`_`/`.` alike). */
export function normalise(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, '-');
}

/** A directory's entries; none when it does not exist. */
function listEntries(dir: string): Dirent[] {
  try {
    return readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
}

function listDir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

function metadataField(metadata: string, field: string): string | undefined {
  const m = new RegExp(`^${field}:\\s*(.+)$`, 'm').exec(read(join(metadata, 'PKG-INFO')) ?? '');
  return m ? m[1]!.trim() : undefined;
}

/** The distributions of `project` in a develop-eggs directory. */
function developDists(dir: string, project: string): Distribution[] {
  const out: Distribution[] = [];
  for (const name of listDir(dir)) {
    if (!name.endsWith('.egg-link') || normalise(name.slice(0, -9)) !== project) continue;
    const first = (read(join(dir, name)) ?? '').split('\n').find((l) => l.trim());
    if (!first) continue;
    const location = isAbsolute(first.trim()) ? first.trim() : resolve(dir, first.trim());
    const info = listDir(location).find((e) => e.endsWith('.egg-info') && normalise(e.slice(0, -9).split('-')[0]!) === project);
    if (!info) continue;
    const metadata = join(location, info);
    out.push({ project, name: metadataField(metadata, 'Name') ?? name.slice(0, -9), version: metadataField(metadata, 'Version') ?? '0', location, metadata, develop: true });
  }
  return out;
}

/** The distributions of `project` in an eggs directory (`name-version[-pyX.Y[-platform]].egg`). */
function eggDists(dir: string, project: string): Distribution[] {
  const out: Distribution[] = [];
  for (const name of listDir(dir)) {
    if (!name.endsWith('.egg')) continue;
    const [n, version] = name.slice(0, -4).split('-');
    if (!n || !version || normalise(n) !== project) continue;
    const location = join(dir, name);
    const metadata = join(location, 'EGG-INFO');
    if (isDir(metadata)) out.push({ project, name: n, version, location, metadata, develop: false });
  }
  return out;
}

function newest(dists: Distribution[], pin: string | undefined): Distribution | undefined {
  const candidates = pin ? dists.filter((d) => d.version === pin) : dists;
  return [...candidates].sort((a, b) => (valid(a.version) && valid(b.version) ? compare(b.version, a.version) : b.version.localeCompare(a.version)))[0];
}

export interface EggDirectories {
  develop: string;
  eggs: string;
  /** `[versions]` pins, normalised names. */
  pins: ReadonlyMap<string, string>;
}

/** A distribution: develop eggs first (zc.buildout prefers them), then eggs. */
export function findDistribution(dirs: EggDirectories, name: string): Distribution | undefined {
  const project = normalise(name);
  const develop = developDists(dirs.develop, project);
  if (develop.length) return develop[0];
  return newest(eggDists(dirs.eggs, project), dirs.pins.get(project));
}

export function parseEntryPoints(text: string): Map<string, Map<string, string>> {
  const groups = new Map<string, Map<string, string>>();
  let group: Map<string, string> | undefined;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#') || line.startsWith(';')) continue;
    const header = /^\[(.*)\]$/.exec(line);
    if (header) {
      const name = header[1]!.trim();
      group = groups.get(name) ?? new Map();
      groups.set(name, group);
    } else if (group && line.includes('=')) {
      const i = line.indexOf('=');
      group.set(line.slice(0, i).trim(), line.slice(i + 1).split('[')[0]!.trim());
    }
  }
  return groups;
}

/** Requirement names of a distribution's requires.txt (the unconditional ones). */
function requirements(dist: Distribution): string[] {
  const out: string[] = [];
  for (const raw of (read(join(dist.metadata, 'requires.txt')) ?? '').split('\n')) {
    const line = raw.trim();
    if (line.startsWith('[')) break;
    const m = /^[A-Za-z0-9][A-Za-z0-9._-]*/.exec(line);
    if (m) out.push(m[0]);
  }
  return out;
}

/** A distribution and the dependencies of it found there: their sys.path entries, the distribution first. */
function withDependencies(dirs: EggDirectories, dist: Distribution): { paths: string[]; dists: Distribution[] } {
  const paths = [dist.location];
  const dists = [dist];
  const seen = new Set([dist.project]);
  const queue = requirements(dist);
  while (queue.length) {
    const name = normalise(queue.shift()!);
    if (seen.has(name)) continue;
    seen.add(name);
    const dep = findDistribution(dirs, name);
    if (!dep) continue;
    if (!paths.includes(dep.location)) {
      paths.push(dep.location);
      dists.push(dep);
    }
    queue.push(...requirements(dep));
  }
  return { paths, dists };
}

function entryPoints(dist: Distribution): Map<string, Map<string, string>> {
  return parseEntryPoints(read(join(dist.metadata, 'entry_points.txt')) ?? '');
}

/** The recipe's egg, its entry point and dependencies; undefined when the egg is not there. */
export function findRecipeEgg(dirs: EggDirectories, spec: RecipeSpec): RecipeEgg | undefined {
  const dist = findDistribution(dirs, spec.project);
  if (!dist) return undefined;
  const points = entryPoints(dist);
  const entry = points.get('zc.buildout')?.get(spec.entry);
  if (!entry) return undefined;
  const uninstall = points.get('zc.buildout.uninstall')?.get(spec.entry);
  return { dist, ...withDependencies(dirs, dist), entry, ...(uninstall ? { uninstall } : {}) };
}

/** A buildout extension's egg (zc.buildout's `extensions`): its sys.path entries and its load and unload entry points, in file order. */
export interface ExtensionEgg {
  dist: Distribution;
  paths: string[];
  load: string[];
  unload: string[];
}

/** The egg of one `extensions` requirement (its name: a version constraint is not checked); undefined when it is not there. */
export function findExtensionEgg(dirs: EggDirectories, requirement: string): ExtensionEgg | undefined {
  const name = /^[A-Za-z0-9][A-Za-z0-9._-]*/.exec(requirement.trim())?.[0];
  const dist = name ? findDistribution(dirs, name) : undefined;
  if (!dist) return undefined;
  const points = entryPoints(dist);
  return { dist, paths: withDependencies(dirs, dist).paths, load: [...(points.get('zc.buildout.extension')?.values() ?? [])], unload: [...(points.get('zc.buildout.unloadextension')?.values() ?? [])] };
}

/**
 * zc.buildout's signature entry of a distribution: the egg's file name, or
 * for a develop egg `<project>-<md5 of its source tree>` (tsbuildout's hash:
 * paths and contents, version-control directories and bytecode left out),
 * so that editing a develop recipe reinstalls its parts. As zc.buildout's
 * _dir_hash walks (os.walk), a broken symlink is left out and a symlinked
 * directory is named but not entered.
 */
export function distributionSignature(dist: Distribution): string {
  if (!dist.develop) return basename(dist.location);
  const h = createHash('md5');
  const walk = (dir: string, rel: string) => {
    for (const entry of listEntries(dir).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      const name = entry.name;
      if (['.git', '.svn', 'CVS', '__pycache__'].includes(name) || /\.py[co]$/.test(name)) continue;
      const path = join(dir, name);
      if (entry.isDirectory()) walk(path, `${rel}${name}/`);
      else if (entry.isSymbolicLink() && !existsSync(path)) continue;
      else if (entry.isSymbolicLink() && isDir(path)) h.update(`${rel}${name}/\0`);
      else {
        h.update(`${rel}${name}\0`);
        h.update(read(path) ?? '');
        h.update('\0');
      }
    }
  };
  walk(dist.location, '');
  return `${dist.name}-${h.digest('hex')}`;
}

/** A recipe module that runs the egg's recipe through the bridge. */
export function pythonEggRecipe(spec: RecipeSpec, egg: RecipeEgg): RecipeModule {
  const where = `${egg.dist.name} ${egg.dist.version}${egg.dist.develop ? ' (develop)' : ''} from ${egg.dist.location}`;
  let signature: string | undefined;
  return {
    names: [spec.text],
    signature: () => {
      // the recipe and the dependencies found, sorted, as zc.buildout lists its working set
      signature ??= egg.dists.map(distributionSignature).sort().join(' ');
      return signature;
    },
    init(ctx) {
      if (!ctx.python) throw new RecipeError(`[${ctx.name}] ${spec.text}: a Python recipe egg needs the Python bridge, which only runs with a run of the profile`);
      const session = ctx.python();
      const r = session.call(ctx.name, 'constructor', 'egg.init', [ctx.name, egg.paths, egg.entry]) as { handle: number; update: boolean };
      const h = { handle: r.handle, part: ctx.name };
      return {
        via: `Python recipe egg ${where}`,
        install: () => session.install(h),
        ...(r.update ? { update: () => session.update(h) } : {}),
      };
    },
    ...(egg.uninstall
      ? {
          uninstall(ctx) {
            if (!ctx.python) return;
            ctx.python().call(undefined, undefined, 'egg.uninstall', [ctx.name, egg.paths, egg.uninstall, [...ctx.options]]);
          },
        }
      : {}),
  };
}

/** The egg directories of a run: [buildout] develop-eggs-directory, eggs-directory, and the [versions] pins. */
export function eggDirectories(buildout: Buildout): EggDirectories {
  const b = buildout.section('buildout');
  const pins = new Map<string, string>();
  const versions = b.get('versions');
  const v = versions ? buildout.rawSection(versions) : undefined;
  for (const [k, e] of v ?? []) pins.set(normalise(k), e.value.trim());
  return { develop: b.require('develop-eggs-directory'), eggs: b.require('eggs-directory'), pins };
}
