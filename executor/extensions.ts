// Buildout extensions, as zc.buildout 2.13 loads them (buildout.py
// Buildout._load_extensions / _unload_extensions): before anything of an
// install (its directories and develop eggs included), each requirement of
// `${buildout:extensions}` is found among the develop eggs and the eggs
// (recipes/python-egg.ts), and the
// `zc.buildout.extension` entry points of its distribution are called with
// the buildout, in the Python bridge (one that is missing is installed by
// the egg installer where the profile names find-links or an index); after a successful install, its
// `zc.buildout.unloadextension` entry points.
import type { Buildout } from '../profile/buildout.ts';
import { pySplitWhitespace, strRepr } from '../python/index.ts';
import type { Logger, PythonBridge } from '../recipes/api.ts';
import { Installer } from '../recipes/lib/eggs/installer.ts';
import { installSettings, mayInstall } from '../recipes/lib/eggs/settings.ts';
import { runView } from './view.ts';
import { eggDirectories, findExtensionEgg, type ExtensionEgg } from '../recipes/python-egg.ts';

/** What zc.buildout now does itself (its refusal, word for word). */
const SUPERSEDED = ['buildout-versions', 'buildout.dumppickedversions'];

/**
 * Load the run's extensions: find them, call their load entry points with
 * the buildout (in the Python bridge); returns them, for `unloadExtensions`.
 * `standIn` (--stub-software, where software is not built nor fetched): an
 * extension that is not there is skipped with a warning (SlapOS software
 * profiles name slapos.rebootstrap, which zc.buildout would fetch).
 */
export function loadExtensions(buildout: Buildout, python: () => PythonBridge, log: Logger, standIn = false): ExtensionEgg[] {
  const specs = pySplitWhitespace(buildout.section('buildout').get('extensions') ?? '');
  return step(buildout, 'Loading extensions.', () => {
    if (specs.some((s) => SUPERSEDED.includes(s))) {
      throw buildout.error({
        rule: 'extensions',
        message: "Buildout now includes 'buildout-versions' (and part of the older 'buildout.dumppickedversions').\nRemove the extension from your configuration and look at the 'show-picked-versions' option in buildout's documentation.",
      });
    }
    if (!specs.length) return [];
    const dirs = eggDirectories(buildout);
    const eggs: ExtensionEgg[] = [];
    // their package indexes are dropped once they are loaded (zc.buildout's
    // _load_extensions clears the index cache: an extension may let it read
    // pages it could not read before)
    const store = new Map<string, unknown>();
    for (const spec of specs) {
      let egg = findExtensionEgg(dirs, spec);
      const run = egg || standIn ? undefined : runView(buildout, store);
      if (run && mayInstall(run)) {
        // zc.buildout's _load_extensions: easy_install.install of the extensions (recipes/lib/eggs/)
        new Installer(installSettings(run, log)).install([spec]);
        egg = findExtensionEgg(dirs, spec);
      }
      if (egg) eggs.push(egg);
      else if (standIn) log.warning(`The extension ${strRepr(spec)} is not installed: not loaded under --stub-software.`);
      // without find-links or an index, zc.buildout would look on PyPI: tsbuildout does not (easy_install's MissingDistribution)
      else throw buildout.error({ rule: 'extensions', message: `Couldn't find a distribution for ${strRepr(spec)}.`, hint: 'name find-links or an index for the egg installer, develop it (develop = …) or put its egg in eggs-directory' });
    }
    call(eggs, 'load', python);
    return eggs;
  });
}

/** After a successful install: the extensions' unload entry points. */
export function unloadExtensions(buildout: Buildout, extensions: readonly ExtensionEgg[], python: () => PythonBridge): void {
  if (extensions.length) step(buildout, 'Unloading extensions.', () => call(extensions, 'unload', python));
}

function call(extensions: readonly ExtensionEgg[], which: 'load' | 'unload', python: () => PythonBridge): void {
  for (const egg of extensions) for (const entry of egg[which]) python().call(undefined, undefined, 'egg.extension', [egg.paths, entry]);
}

/** zc.buildout's __doing__ while `f` runs (its While: block). */
function step<T>(buildout: Buildout, text: string, f: () => T): T {
  buildout.trail.push({ kind: 'step', text });
  try {
    return f();
  } finally {
    buildout.trail.pop();
  }
}
