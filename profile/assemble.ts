// Assembling the raw configuration (zc.buildout's Buildout.__init__ up to
// substitution: docs/buildout-language.md#configuration-layers,
// docs/buildout-language.md#normalisation-after-merging): built-in defaults,
// user defaults, the profile with its extends, command-line extends and
// assignments, [versions] defaults, directories made absolute.
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { BuildoutError } from '../parser/diagnostic.ts';
import { pySplitWhitespace } from '../python/index.ts';
import { directory as directoryEntry, entry, source, type Config, type Section } from './entry.ts';
import { ExtendsDownloader } from './download.ts';
import { ExtendsLoader, type LoadSettings, type LoadStats } from './extends.ts';
import { ProfileFiles, type ConditionEvaluator } from './files.ts';
import { isUrl, locateRoot, pyJoin } from './location.ts';
import { cloneConfig, comparePy, mergeInto, mergeSection } from './merge.ts';
import { semantics as semanticsOf, type Semantics, type SemanticsMode } from './semantics.ts';

export interface Assignment {
  section: string;
  option: string;
  value: string;
}

export interface AssembleOptions {
  /** `-c`: a path or URL; default `buildout.cfg`. Null: no configuration file. */
  config?: string | null;
  cwd?: string;
  semantics?: SemanticsMode;
  /** false with `-U`. */
  userDefaults?: boolean;
  /** `section:option=value` assignments and the flags that become assignments (-o, -N, …). */
  assignments?: Assignment[];
  /** The Python interpreter buildout "runs with": `${buildout:executable}`. */
  executable: string;
  conditions: ConditionEvaluator;
  /** Environment variables (BUILDOUT_HOME, HOME); defaults to process.env. */
  env?: Record<string, string | undefined>;
  /**
   * The file reader to use (default: a new ProfileFiles). The linter passes
   * one that keeps parsed files across profiles and records errors instead
   * of stopping at the first.
   */
  files?: ProfileFiles;
}

export interface Assembled {
  semantics: Semantics;
  /** What `annotate` shows: the merged data before the standard directories are made absolute. */
  annotated: Config;
  /** The raw configuration that resolution starts from. */
  raw: Config;
  /** The buildout directory, when known. */
  directory: string | undefined;
  rootFile: string | undefined;
  files: ProfileFiles;
  stats: LoadStats;
}

const DEFAULTS: Record<string, string> = {
  'allow-hosts': '*',
  'allow-picked-versions': 'true',
  'bin-directory': 'bin',
  'develop-eggs-directory': 'develop-eggs',
  'eggs-directory': 'eggs',
  'find-links': '',
  'install-from-cache': 'false',
  installed: '.installed.cfg',
  'log-format': '',
  'log-level': 'INFO',
  newest: 'true',
  offline: 'false',
  'parts-directory': 'parts',
  'prefer-final': 'true',
  python: 'buildout',
  'show-picked-versions': 'false',
  'socket-timeout': '',
  'update-versions-file': '',
  'use-dependency-links': 'true',
  'allow-unknown-extras': 'false',
};

/** The names of the built-in [buildout] defaults of a semantics. */
export function defaultOptionNames(sem: Semantics): string[] {
  return [...Object.keys(DEFAULTS), 'executable', ...Object.keys(sem.extraDefaults)];
}

export async function assemble(opts: AssembleOptions): Promise<Assembled> {
  const sem = semanticsOf(opts.semantics ?? 'slapos');
  const cwd = opts.cwd ?? process.cwd();
  const env = opts.env ?? process.env;
  const files = opts.files ?? new ProfileFiles(sem.repeatedKeys, opts.conditions, new ExtendsDownloader());
  const stats: LoadStats = { visits: 0 };

  const defaults: Section = new Map();
  for (const [k, v] of Object.entries({ ...DEFAULTS, executable: opts.executable, ...sem.extraDefaults })) {
    defaults.set(k, entry(v, 'DEFAULT_VALUE'));
  }
  const data: Config = new Map([['buildout', defaults]]);

  const configName = opts.config === undefined ? 'buildout.cfg' : opts.config;
  const root = configName === null ? undefined : locateRoot(configName, cwd);
  if (root && !root.remote) {
    if (!files.exists(root.key)) {
      throw new BuildoutError({ severity: 'error', rule: 'missing-file', message: `Couldn't open ${root.key}`, doing: ['Initializing.'] });
    }
    defaults.set('directory', entry(dirname(root.key), 'COMPUTED_VALUE'));
  }

  const commandLine = groupAssignments(opts.assignments ?? []);
  const override: Section = new Map(commandLine.get('buildout') ?? []);

  // user defaults
  let userDefaults: Config | null = null;
  if (opts.userDefaults !== false) {
    const home = env.BUILDOUT_HOME ? env.BUILDOUT_HOME : join(env.HOME ?? homedir(), '.buildout');
    const userConfig = resolve(cwd, join(home, 'default.cfg'));
    if (existsSync(userConfig)) {
      const loader = new ExtendsLoader(sem, files, { options: data.get('buildout')!, override }, cwd);
      userDefaults = await loader.loadRoot(locateRoot(userConfig, cwd));
      stats.visits += loader.stats.visits;
      if (sem.userDefaults === 'bottom') {
        mergeInto(data, cloneConfig(userDefaults), sem);
        userDefaults = null;
      }
    }
  }

  const load = async (located: ReturnType<typeof locateRoot>) => {
    // user defaults apply to how the project's files are fetched
    // (docs/buildout-language.md#remote-files-and-the-extends-cache)
    const udBuildout = userDefaults?.get('buildout');
    const options = udBuildout ? mergeSection(data.get('buildout')!, udBuildout) : data.get('buildout')!;
    const settings: LoadSettings = { options, override };
    const loader = new ExtendsLoader(sem, files, settings, cwd);
    loader.pendingUserDefaults = userDefaults;
    const result = await loader.loadRoot(located);
    stats.visits += loader.stats.visits;
    mergeInto(data, cloneConfig(result), sem);
  };

  if (root) await load(root);

  if (sem.commandLineExtends) {
    const clBuildout = commandLine.get('buildout');
    const clExtends = clBuildout?.get('extends');
    if (clBuildout && clExtends) {
      clBuildout.delete('extends');
      // each file is resolved against the working directory and gets the
      // user defaults merged in again at its first leaf
      // (docs/buildout-language.md#configuration-layers)
      for (const name of pySplitWhitespace(clExtends.value)) await load(locateRoot(name, cwd));
    }
  }

  mergeInto(data, commandLine, sem);
  addVersions(data, sem);
  absolutiseDirectories(data, sem, cwd);

  const annotated = cloneConfig(data);
  const raw = cloneConfig(data);
  const buildout = new Map(raw.get('buildout')!);
  const dir = buildout.get('directory')?.value;
  if (dir !== undefined) {
    for (const name of ['bin', 'parts', 'eggs', 'develop-eggs']) {
      const key = name + '-directory';
      const e = buildout.get(key);
      if (e && !e.value.includes('${')) buildout.set(key, { value: pyJoin(dir, e.value), history: e.history });
    }
  }
  raw.set('buildout', buildout);

  return {
    semantics: sem,
    annotated,
    raw,
    directory: dir,
    rootFile: root?.name,
    files,
    stats,
  };
}

/**
 * Command-line assignments, grouped by section. zc.buildout sorts the
 * (section, option, value) triples first, so when one option is assigned
 * twice the larger value wins, whatever the order on the command line.
 */
function groupAssignments(list: Assignment[]): Config {
  const sorted = [...list].sort(
    (a, b) => comparePy(a.section, b.section) || comparePy(a.option, b.option) || comparePy(a.value, b.value),
  );
  const out: Config = new Map();
  for (const a of sorted) {
    let s = out.get(a.section);
    if (!s) out.set(a.section, (s = new Map()));
    s.set(a.option, entry(a.value, 'COMMAND_LINE_VALUE'));
  }
  return out;
}

function addVersions(data: Config, sem: Semantics): void {
  let buildout = data.get('buildout')!;
  if (!buildout.has('versions')) {
    buildout = new Map(buildout).set('versions', entry('versions', 'DEFAULT_VALUE'));
    data.set('buildout', buildout);
    if (!data.has('versions')) data.set('versions', new Map());
  }
  const name = buildout.get('versions')!.value;
  if (!name) return;
  const versions = data.get(name);
  if (!versions) {
    throw new BuildoutError({
      severity: 'error',
      rule: 'undefined-section',
      message: `The versions section, '${name}', named by [buildout] versions, was not defined.`,
      span: buildout.get('versions')!.history.step.origin?.node.span,
    });
  }
  const pins = new Map(versions);
  if (!pins.has('zc.buildout')) pins.set('zc.buildout', entry('>=' + sem.buildoutVersion, 'DEFAULT_VALUE'));
  if (!pins.has('zc.recipe.egg')) pins.set('zc.recipe.egg', entry('>=2.0.6', 'DEFAULT_VALUE'));
  data.set(name, pins);
}

/**
 * download-cache, eggs-directory and extends-cache: `~` expanded, and a
 * relative value resolved against the directory of the file that last set
 * it (docs/buildout-language.md#normalisation-after-merging, item 3).
 */
function absolutiseDirectories(data: Config, sem: Semantics, cwd: string): void {
  const buildout = new Map(data.get('buildout')!);
  for (const name of ['download-cache', 'eggs-directory', 'extends-cache']) {
    const e = buildout.get(name);
    if (!e) continue;
    if (sem.emptyCacheDirectoryUnset && e.value === '') {
      // the SlapOS fork treats an empty value as unset
      buildout.delete(name);
      continue;
    }
    const value = e.value;
    if (value.includes('${') || isAbsolute(value)) continue;
    const src = source(e);
    let base: string;
    if (src === 'DEFAULT_VALUE' || src === 'COMPUTED_VALUE' || src === 'COMMAND_LINE_VALUE') {
      base = buildout.get('directory')?.value ?? cwd;
    } else if (isUrl(src)) {
      throw new BuildoutError({
        severity: 'error',
        rule: 'invalid-option',
        message: `Setting "${name}" to a non absolute location ("${value}") within a\nremote configuration file ("${src}") is ambiguous.`,
        span: e.history.step.origin?.node.span,
      });
    } else {
      base = dirname(src);
    }
    let abs = value.startsWith('~') ? expandUser(value) : value;
    if (!isAbsolute(abs)) abs = pyJoin(base, abs);
    buildout.set(name, directoryEntry(e, resolve(abs)));
  }
  data.set('buildout', buildout);
}

function expandUser(p: string): string {
  if (p === '~' || p.startsWith('~/')) return homedir() + p.slice(1);
  return p;
}

