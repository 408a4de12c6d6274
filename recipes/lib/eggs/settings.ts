// The installer's settings from a run's [buildout] (zc.buildout 2.13's
// Buildout.__init__: newest unless offline, prefer-final,
// allow-picked-versions, `[versions]` lowercased, download-cache's `dist`
// subdirectory, install-from-cache refused offline).
import { isAbsolute, join, resolve } from 'node:path';
import { markerEnvironment } from '../../../profile/conditions.ts';
import { TargetEnvironment } from '../../../profile/environment.ts';
import { pySplitWhitespace } from '../../../python/index.ts';
import { RecipeError, type BuildoutView, type Logger } from '../../api.ts';
import type { InstallSettings } from './installer.ts';
import type { PackageIndex } from './package-index.ts';

function flag(value: string | undefined, fallback: boolean, name: string): boolean {
  const v = value?.trim();
  if (!v) return fallback;
  if (v === 'true') return true;
  if (v === 'false') return false;
  throw new RecipeError(`Invalid value for '${name}' option: '${v}'`);
}

const environments = new Map<string, () => Record<string, string>>();

/** The marker environment of an interpreter, computed once. */
function markerEnv(executable: string): () => Record<string, string> {
  let f = environments.get(executable);
  if (!f) {
    let env: Record<string, string> | undefined;
    f = () => (env ??= markerEnvironment(new TargetEnvironment(executable)));
    environments.set(executable, f);
  }
  return f;
}

export interface PartSources {
  /** The part's `find-links` (else [buildout]'s), split. */
  links?: readonly string[];
  index?: string;
}

/** What the settings read of a run. */
export type RunView = Pick<BuildoutView, 'section' | 'hasSection' | 'offline' | 'directory' | 'perRun'>;

/**
 * Whether eggs missing for the run itself (recipe eggs, extensions) are
 * installed: where the profile names find-links or an index, and the run is
 * not offline; without those, zc.buildout would look on PyPI, and
 * tsbuildout does not.
 */
export function mayInstall(run: RunView): boolean {
  const b = run.section('buildout');
  const [links, index] = [b.get('find-links')?.trim(), b.get('index')?.trim()];
  return !!(links || index) && !run.offline;
}

/** Settings for installing into eggs-directory, as a recipe of this run would. */
export function installSettings(buildout: RunView, logger: Logger, part: PartSources = {}): InstallSettings {
  const b = buildout.section('buildout');
  const get = (k: string) => b.get(k);
  const offline = buildout.offline || flag(get('offline'), false, 'offline');
  const versions = new Map<string, string>();
  const vname = get('versions')?.trim();
  if (vname && buildout.hasSection(vname)) {
    const v = buildout.section(vname);
    for (const k of v.keys()) versions.set(k.toLowerCase(), v.get(k)!.trim());
  }
  const eggs = b.require('eggs-directory');
  const develop = b.require('develop-eggs-directory');
  let downloadCache: string | undefined;
  const dc = get('download-cache')?.trim();
  if (dc) {
    downloadCache = join(resolve(buildout.directory, dc), 'dist');
  }
  const installFromCache = flag(get('install-from-cache'), false, 'install-from-cache');
  if (installFromCache && offline) {
    throw new RecipeError("install-from-cache can't be used with offline mode.\nNothing is installed, even from cache, in offline\nmode, which might better be called 'no-install mode'.\n");
  }
  const executable = get('executable') || 'python3';
  // zc.buildout runs from the buildout directory: relative local paths are relative to it
  const local = (l: string) => (/^[a-z][a-z0-9+.-]*:\/\//i.test(l) || isAbsolute(l) ? l : resolve(buildout.directory, l));
  const rawIndex = part.index ?? get('index');
  const index = rawIndex?.trim() ? local(rawIndex.trim()) : undefined;
  return {
    dest: offline ? undefined : eggs,
    path: offline ? [develop, eggs] : [develop],
    links: (part.links ?? pySplitWhitespace(get('find-links') ?? '')).map(local),
    ...(index ? { index } : {}),
    newest: !offline && flag(get('newest'), true, 'newest'),
    versions,
    preferFinal: flag(get('prefer-final'), true, 'prefer-final'),
    allowPicked: flag(get('allow-picked-versions'), true, 'allow-picked-versions'),
    allowUnknownExtras: flag(get('allow-unknown-extras'), false, 'allow-unknown-extras'),
    ...(downloadCache ? { downloadCache } : {}),
    installFromCache,
    offline,
    allowHosts: (get('allow-hosts') ?? '*')
      .split('\n')
      .map((h) => h.trim())
      .filter(Boolean),
    ...(get('socket-timeout')?.trim() ? { socketTimeout: get('socket-timeout')!.trim() } : {}),
    executable,
    logger,
    markerEnv: markerEnv(executable),
    indexes: buildout.perRun('egg-installer.indexes', () => new Map<string, PackageIndex>()),
  };
}
