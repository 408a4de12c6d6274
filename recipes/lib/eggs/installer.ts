// The one egg installer (zc.buildout 2.13's easy_install.py Installer and
// install()): requirements resolved breadth-first over what is installed
// (develop-eggs-directory, eggs-directory, the interpreter's own
// distributions) and what is available (recipes/lib/eggs/package-index.ts),
// `[versions]` pins constraining every requirement, `newest`,
// `prefer-final`, `allow-picked-versions` and `install-from-cache` as
// zc.buildout has them; what is missing is installed into eggs-directory
// (recipes/lib/eggs/build.ts). zc.recipe.egg and recipe eggs both use it.
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { strRepr } from '../../../python/index.ts';
import { RecipeError, type Logger, type SoftwareStep } from '../../api.ts';
import { installDist, pythonFacts } from './build.ts';
import {
  compatible,
  DEVELOP_DIST,
  developDists,
  distExtras,
  distRequires,
  distText,
  eggsDirDists,
  siteDists,
  SOURCE_DIST,
  type Dist,
  type PythonFacts,
} from './dists.ts';
import { DEFAULT_INDEX, PackageIndex } from './package-index.ts';
import { compareVersions, constrain, isExact, isPrerelease, parseRequirement, requirementText, versionMatches, type Requirement } from './requirement.ts';

/** A refusal about one requirement or pin; `pin` names the `[versions]` entry at fault, for the location. */
export class InstallError extends RecipeError {
  constructor(
    message: string,
    readonly pin?: string,
  ) {
    super(message);
  }
}

export interface InstallSettings {
  /** eggs-directory; undefined: nothing is installed (offline: easy_install.working_set). */
  dest: string | undefined;
  /** develop-eggs-directory (and, offline, eggs-directory). */
  path: string[];
  links: string[];
  index?: string;
  newest: boolean;
  /** `[versions]`, keys lowercased (easy_install.normalize_versions). */
  versions: ReadonlyMap<string, string>;
  preferFinal: boolean;
  allowPicked: boolean;
  allowUnknownExtras: boolean;
  /** `<download-cache>/dist`. */
  downloadCache?: string;
  installFromCache: boolean;
  offline: boolean;
  /** `allow-hosts`, one pattern a line. */
  allowHosts?: readonly string[];
  socketTimeout?: string;
  executable: string;
  logger: Logger;
  /** The PEP 508 marker environment. */
  markerEnv: () => Record<string, string>;
  buildExt?: Record<string, string>;
  /**
   * The run's package indexes by what they read (easy_install._indexes,
   * keyed by the index and the find-links): each page and find-links entry
   * is read once per run, whichever part asks. Absent: the installer's own.
   */
  indexes?: Map<string, PackageIndex>;
  /**
   * Plan only (`tsbuildout plan`): nothing is installed; what would be is
   * recorded here, each distribution to get taken as installed (its
   * requirements read where its metadata is on disk: an unpacked egg).
   */
  plan?: SoftwareStep[];
}

/** pkg_resources' hashcmp order, best first: version, precedence, then location. */
function bestFirst(a: Dist, b: Dist): number {
  return compareVersions(b.version, a.version) || b.precedence - a.precedence || (b.location < a.location ? -1 : b.location > a.location ? 1 : 0);
}

export class Installer {
  private readonly index: PackageIndex;
  private env = new Map<string, Dist[]>();
  private readonly facts: () => PythonFacts;
  /** Versions picked (not pinned, not develop): zc.buildout's _picked_versions. */
  readonly picked = new Map<string, string>();

  constructor(private readonly s: InstallSettings) {
    let facts: PythonFacts | undefined;
    this.facts = () => (facts ??= pythonFacts(s.executable));
    let links = s.links;
    let index = s.index || DEFAULT_INDEX;
    if (s.installFromCache) {
      if (!s.downloadCache) throw new RecipeError('install_from_cache set to true with no download cache');
      links = [];
      index = s.downloadCache;
    }
    if (s.downloadCache && !links.includes(s.downloadCache)) links = [s.downloadCache, ...links];
    // zc.buildout's Buildout.__init__ makes <download-cache>/dist (a plan makes nothing)
    if (s.downloadCache && !s.plan) mkdirSync(s.downloadCache, { recursive: true });
    // easy_install._get_index: one per index and find-links (allow-hosts,
    // offline and the interpreter are the run's, the same for every part)
    const key = JSON.stringify([index, links, s.executable]);
    let found = s.indexes?.get(key);
    if (!found) {
      found = new PackageIndex({
        links,
        index: index.replace(/^file:\/\//, ''),
        offline: s.offline,
        logger: s.logger,
        facts: this.facts,
        ...(s.allowHosts ? { allowHosts: s.allowHosts } : {}),
        ...(s.socketTimeout ? { socketTimeout: s.socketTimeout } : {}),
      });
      s.indexes?.set(key, found);
    }
    this.index = found;
    this.scanEnv();
  }

  private scanEnv(): void {
    const all: Dist[] = [];
    // pkg_resources.Environment over the paths: egg-links and eggs alike
    for (const p of this.s.path) all.push(...developDists(p), ...eggsDirDists(p, this.facts));
    if (this.s.dest) all.push(...eggsDirDists(this.s.dest, this.facts));
    this.env = new Map();
    for (const d of all) this.env.set(d.key, [...(this.env.get(d.key) ?? []), d]);
    for (const list of this.env.values()) list.sort(bestFirst);
  }

  private site: Map<string, Dist[]> | undefined;

  /** Installed candidates for a key; the interpreter's own ones are asked for only when needed. */
  private installed(key: string): Dist[] {
    if (!this.site) {
      this.site = new Map();
      for (const d of siteDists(this.facts())) this.site.set(d.key, [...(this.site.get(d.key) ?? []), d]);
    }
    return [...(this.env.get(key) ?? []), ...(this.site.get(key) ?? [])].sort(bestFirst);
  }

  private constrain(r: Requirement): Requirement {
    const pin = this.s.versions.get(r.projectName.toLowerCase());
    if (!pin) return r;
    try {
      return constrain(r, pin);
    } catch (e) {
      throw new InstallError((e as Error).message, r.projectName.toLowerCase());
    }
  }

  private final(d: Dist): boolean {
    return !isPrerelease(d.version);
  }

  /** Installer._obtain: the best available distribution. */
  private obtain(r: Requirement, source = false): Dist | undefined {
    let dists = this.index.dists(r.key, r.projectName).filter((d) => compatible(d, this.facts) && versionMatches(d.version, r) && (!source || d.precedence === SOURCE_DIST));
    if (this.s.preferFinal) {
      const f = dists.filter((d) => this.final(d));
      if (f.length) dists = f;
    }
    let best: Dist[] = [];
    for (const d of dists) {
      const c = best.length ? compareVersions(d.version, best[0]!.version) : 1;
      if (c > 0) best = [d];
      else if (c === 0) best.push(d);
    }
    if (best.length <= 1) return best[0];
    if (this.s.downloadCache) {
      const cached = best.find((d) => d.location.startsWith(this.s.downloadCache! + '/'));
      if (cached) return cached;
    }
    return [...best].sort(bestFirst)[0];
  }

  /** Installer._satisfied: [an installed distribution to use, or the available one to install]. */
  private satisfied(r: Requirement, source = false): [Dist | undefined, Dist | undefined] {
    let dists = this.installed(r.key).filter((d) => versionMatches(d.version, r));
    if (!dists.length) return [undefined, this.obtain(r, source)];
    const develop = dists.find((d) => d.precedence === DEVELOP_DIST);
    if (develop) return [develop, undefined];
    if (isExact(r)) return [dists[0], undefined];
    if (this.s.preferFinal) {
      const f = dists.filter((d) => this.final(d));
      if (f.length) dists = f;
    }
    const have = dists[0]!;
    // Installer.__init__: without a destination, never the newest
    if (!this.s.newest || !this.s.dest) return [have, undefined];
    const available = this.obtain(r, source);
    if (!available) return [have, undefined];
    const newer = compareVersions(have.version, available.version) < 0;
    if (this.s.preferFinal) {
      if (this.final(available)) {
        if (!this.final(have) || newer) return [undefined, available];
      } else if (!this.final(have) && newer) return [undefined, available];
    } else if (newer) return [undefined, available];
    return [have, undefined];
  }

  /** A plan's step for a distribution to get (undefined: none found, recorded as missing). */
  private planned(r: Requirement, avail: Dist | undefined): Dist | undefined {
    const text = requirementText(r);
    if (!avail || !this.s.dest) {
      // asked again from the requirements' queue: said once
      if (this.s.plan!.some((x) => x.action === 'missing' && x.what === text)) return undefined;
      this.s.plan!.push({ action: 'missing', what: text, reason: this.s.dest ? `Couldn't find a distribution for ${strRepr(text)}.` : "we don't have a distribution and can't install one in offline (no-install) mode" });
      return undefined;
    }
    const have = this.installed(r.key)[0];
    const remote = /^[a-z][a-z0-9+.-]*:\/\//i.test(avail.location);
    const why = have ? `newer than the installed ${have.version}` : 'not installed';
    const step: SoftwareStep = { action: avail.precedence === SOURCE_DIST ? 'build' : remote ? 'fetch' : 'local', what: distText(avail), path: avail.location, reason: avail.precedence === SOURCE_DIST ? `${why}; a source distribution, built with its setup.py (its requirements are known once built)` : why };
    this.s.plan!.push(step);
    // an unpacked egg's requirements are on disk: the plan follows them
    const info = join(avail.location, 'EGG-INFO');
    return !avail.metadata && !remote && existsSync(join(info, 'PKG-INFO')) ? { ...avail, metadata: info } : avail;
  }

  /** Installer._get_dist: the distribution, and whether it was installed now (undefined: a plan found none). */
  private getDist(r: Requirement): [Dist, boolean] | undefined {
    let [dist, avail] = this.satisfied(r);
    const text = requirementText(r);
    const fresh = !dist;
    if (!dist && this.s.plan) {
      const d = this.planned(r, avail);
      return d && [d, true];
    }
    if (!dist) {
      if (!this.s.dest) throw new InstallError(`We don't have a distribution for ${text}\nand can't install one in offline (no-install) mode.\n`);
      const doing = `Getting distribution for ${strRepr(text)}.`;
      this.s.logger.info(doing);
      // easy_install's _get_dist: its __doing__ is in the While: block of what fails here
      try {
        if (!avail) throw new InstallError(`Couldn't find a distribution for ${strRepr(text)}.`, isExact(r) && this.s.versions.has(r.projectName.toLowerCase()) ? r.projectName.toLowerCase() : undefined);
        installDist(avail, this.s.dest, this.settingsForBuild());
        this.scanEnv();
        dist = (this.env.get(r.key) ?? []).find((d) => versionMatches(d.version, r));
        if (!dist) throw new InstallError(`Couldn't install: ${distText(avail)}`);
      } catch (e) {
        if (e instanceof RecipeError) e.doing = [doing, ...(e.doing ?? [])];
        throw e;
      }
      this.s.logger.info(`Got ${distText(dist)}.`);
    }
    // _check_picked_requirement_versions
    if (dist.precedence !== DEVELOP_DIST && !isExact(r)) {
      this.picked.set(dist.projectName, dist.version);
      if (!this.s.allowPicked) throw new InstallError(`Picked: ${dist.projectName} = ${dist.version}`);
    }
    return [dist, fresh];
  }

  private settingsForBuild() {
    return {
      executable: this.s.executable,
      offline: this.s.offline,
      logger: this.s.logger,
      ...(this.s.downloadCache ? { downloadCache: this.s.downloadCache } : {}),
      ...(this.s.socketTimeout ? { socketTimeout: this.s.socketTimeout } : {}),
      ...(this.s.buildExt ? { buildExt: this.s.buildExt } : {}),
    };
  }

  /** Installer.build (zc.recipe.egg:custom): an installed match, else the source distribution built with build_ext options. */
  build(spec: string): string[] {
    const r = this.constrain(parseRequirement(spec));
    const [dist, avail] = this.satisfied(r, true);
    if (dist) return [dist.location];
    const text = requirementText(r);
    if (!avail) throw new InstallError(`Couldn't find a source distribution for ${strRepr(text)}.`);
    if (!this.s.dest) throw new InstallError(`We don't have a distribution for ${text}\nand can't build one in offline (no-install) mode.\n`);
    return [installDist(avail, this.s.dest, this.settingsForBuild())];
  }

  /** Installer.install: the working set of `specs`, in the order zc.buildout builds it. */
  install(specs: readonly string[]): Dist[] {
    // a WorkingSet's entries: what was installed now goes first (zc.buildout adds
    // it with replace=True, which pkg_resources' insert_on puts at the front),
    // what was there is appended; so a first run's order differs from the next's
    const ws = new Map<string, Dist>();
    let entries: Dist[] = [];
    const add = ([d, fresh]: [Dist, boolean]): Dist => {
      if (ws.has(d.key)) return d;
      ws.set(d.key, d);
      entries = fresh ? [d, ...entries] : [...entries, d];
      return d;
    };
    const requirements = specs.map((s) => this.constrain(parseRequirement(s)));
    for (const r of requirements) {
      const got = this.getDist(r);
      if (got) add(got);
    }
    const queue = [...requirements].reverse();
    const processed = new Set<string>();
    const best = new Map<string, Dist>();
    while (queue.length) {
      const current = queue.shift()!;
      const req = this.constrain(current);
      const id = requirementText(req);
      if (processed.has(id)) continue;
      let dist = best.get(req.key) ?? ws.get(req.key);
      if (!dist) {
        const got = this.getDist(req);
        if (!got) {
          processed.add(id);
          continue;
        }
        dist = add(got);
      }
      if (!versionMatches(dist.version, req)) throw new InstallError(this.conflict(dist, req, [...ws.values()]), this.s.versions.has(req.key) ? req.key : undefined);
      best.set(req.key, dist);
      const missing = req.extras.filter((e) => !distExtras(dist!).includes(e)).sort();
      for (const m of missing) this.s.logger.warning(`${distText(dist)} does not provide the extra '${m}'`);
      if (missing.length && !this.s.allowUnknownExtras) {
        throw new InstallError(
          "Couldn't find the required extra. This means the requirement is incorrect. If the requirement is itself from software you requested, then there might be a bug in requested software. You can ignore this by using 'allow-unknown-extras=true', however that may simply cause needed software to be omitted.",
        );
      }
      const more = missing.length ? [] : distRequires(dist, req.extras, this.s.markerEnv).reverse();
      queue.push(...more);
      processed.add(id);
    }
    return entries;
  }

  /** easy_install.VersionConflict's text. */
  private conflict(dist: Dist, req: Requirement, ws: Dist[]): string {
    const lines = ['There is a version conflict.', `We already have: ${distText(dist)}`];
    for (const d of [...ws].sort((a, b) => -bestFirst(a, b))) {
      if (distRequires(d, [], this.s.markerEnv).some((x) => requirementText(x) === requirementText(req))) lines.push(`but ${distText(d)} requires ${strRepr(requirementText(req))}.`);
    }
    return lines.join('\n');
  }
}
