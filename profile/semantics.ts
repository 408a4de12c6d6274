// The three flavours of buildout tsbuildout reproduces, as data. Code asks one
// question of the mode (`rules.dedupeExtends`, …) instead of testing mode
// names everywhere. See docs/buildout-language.md#nested-extends,
// docs/buildout-language.md#flattened-extends,
// docs/slapos-fork.md#summary-of-the-differences and the README ("Semantics").

export type SemanticsMode = 'slapos' | 'buildout2' | 'upstream';

export const MODES: readonly SemanticsMode[] = ['slapos', 'buildout2', 'upstream'];

export interface Semantics {
  mode: SemanticsMode;
  /** Extends are merged as nested results (zc.buildout ≤ 3.0.x) or flattened into one fold (≥ 3.1.1). */
  extendsMerge: 'nested' | 'flattened';
  /** The SlapOS fork applies each extended file once: a file extended again is skipped. */
  dedupeExtends: boolean;
  /** How repeated keys of one file combine (see parser/sections.ts). */
  repeatedKeys: 'overwrite' | 'accumulate';
  /** ≥ 3.1.1 normalises `k +`/`k -` keys of sections new to the merge. */
  normaliseNewSections: boolean;
  /** Where user defaults go: under everything (2.x) or into the first leaf of the extends tree (≥ 3.0). */
  userDefaults: 'bottom' | 'first-leaf';
  /** `buildout:extends=…` on the command line loads files after the main configuration (≥ 3.0). */
  commandLineExtends: boolean;
  optionalExtends: boolean;
  /** `${:_profile_base_location_}` injection (SlapOS fork). */
  profileBaseLocation: boolean;
  /** `$${` reaches consumers as `${` (SlapOS fork); otherwise `$$` is kept. */
  unescapeDollar: boolean;
  /** download-cache, eggs-directory, extends-cache set to '' count as unset (SlapOS fork). */
  emptyCacheDirectoryUnset: boolean;
  /** `!py!` typed option values (SlapOS fork). */
  typedValues: boolean;
  /** Relative `../` extends of a remote file cut the base URL (SlapOS fork). */
  relativeUrlDotDot: boolean;
  /** Conditions are tried as PEP 508 markers before Python (≥ 3.0). */
  markers: boolean;
  /** The highest `pythonXY` condition global (python36 in 2.x, python315 in 3.x). */
  pythonGlobals: readonly string[];
  /**
   * Part signatures include hashes of the sections a part depends on
   * (docs/slapos-fork.md#dependency-hashes-in-signatures).
   */
  dependencySignatures: boolean;
  /** An updated part keeps its place in .installed.cfg (fork) or moves to the end (upstream). */
  stableInstalledOrder: boolean;
  /** Paths an update returns join the recorded ones as a sorted union (fork) or are appended. */
  updatePathsUnion: boolean;
  /** The running buildout version, pinned as `zc.buildout = >=…` in [versions]. */
  buildoutVersion: string;
  /**
   * The warning for options nobody read: 2.13's one line (`Unused options for
   * S: 'a'.`) or ≥ 3's two (`Section \`S\` contains unused option(s): …`).
   */
  unusedOptions: 'terse' | 'explained';
  /**
   * zc.buildout's install first checks for upgrades (buildout.py
   * _maybe_upgrade): tsbuildout upgrades nothing, but refuses there what the
   * check's installer refuses (executor/upgrade-check.ts). Not for the fork,
   * whose runs keep tsbuildout's behaviour.
   */
  upgradeCheck: boolean;
  /** Extra [buildout] defaults of this flavour. */
  extraDefaults: Readonly<Record<string, string>>;
}

const py2 = ['24', '25', '26', '27'];
const py3old = ['30', '31', '32', '33', '34', '35', '36'];
const py3new = ['37', '38', '39', '310', '311', '312', '313', '314', '315'];

const slapos: Semantics = {
  mode: 'slapos',
  extendsMerge: 'nested',
  dedupeExtends: true,
  repeatedKeys: 'overwrite',
  normaliseNewSections: false,
  userDefaults: 'first-leaf',
  commandLineExtends: true,
  optionalExtends: false,
  profileBaseLocation: true,
  unescapeDollar: true,
  emptyCacheDirectoryUnset: true,
  typedValues: true,
  relativeUrlDotDot: true,
  markers: true,
  pythonGlobals: [...py2, ...py3old, ...py3new],
  dependencySignatures: true,
  stableInstalledOrder: true,
  updatePathsUnion: true,
  buildoutVersion: '3.0.1+slapos010',
  unusedOptions: 'explained',
  upgradeCheck: false,
  extraDefaults: { 'dry-run': 'false', 'check-signature': 'true' },
};

const buildout2: Semantics = {
  mode: 'buildout2',
  extendsMerge: 'nested',
  dedupeExtends: false,
  repeatedKeys: 'overwrite',
  normaliseNewSections: false,
  userDefaults: 'bottom',
  commandLineExtends: false,
  optionalExtends: false,
  profileBaseLocation: false,
  unescapeDollar: false,
  emptyCacheDirectoryUnset: false,
  typedValues: false,
  relativeUrlDotDot: false,
  markers: false,
  pythonGlobals: [...py2, ...py3old],
  dependencySignatures: false,
  stableInstalledOrder: false,
  updatePathsUnion: false,
  buildoutVersion: '2.13.2',
  unusedOptions: 'terse',
  upgradeCheck: true,
  extraDefaults: {},
};

const upstream: Semantics = {
  mode: 'upstream',
  extendsMerge: 'flattened',
  dedupeExtends: false,
  repeatedKeys: 'accumulate',
  normaliseNewSections: true,
  userDefaults: 'first-leaf',
  commandLineExtends: true,
  optionalExtends: true,
  profileBaseLocation: false,
  unescapeDollar: false,
  emptyCacheDirectoryUnset: false,
  typedValues: false,
  relativeUrlDotDot: false,
  markers: true,
  pythonGlobals: [...py2, ...py3old, ...py3new],
  dependencySignatures: false,
  stableInstalledOrder: false,
  updatePathsUnion: false,
  buildoutVersion: '3.3',
  unusedOptions: 'explained',
  upgradeCheck: true,
  extraDefaults: {},
};

export function semantics(mode: SemanticsMode): Semantics {
  return mode === 'slapos' ? slapos : mode === 'buildout2' ? buildout2 : upstream;
}

export function isMode(s: string): s is SemanticsMode {
  return (MODES as readonly string[]).includes(s);
}
