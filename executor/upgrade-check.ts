// zc.buildout's install starts by checking for upgrades of itself and
// setuptools when newest (buildout.py Buildout._maybe_upgrade): an
// easy_install.install of both, made before the record is read. tsbuildout
// is no egg and upgrades nothing, but makes the check's installer settings,
// so that what easy_install's Installer refuses in them ends the run at the
// same step, as zc.buildout's internal error (install-from-cache without a
// download-cache: a ValueError). Only in the semantics that model a
// zc.buildout release (README "zc.buildout's own test suite").
import type { Buildout } from '../profile/buildout.ts';
import type { Logger } from '../recipes/api.ts';
import { refuseCachelessInstall } from '../recipes/lib/eggs/installer.ts';
import { installSettings } from '../recipes/lib/eggs/settings.ts';
import { guard } from './runtime.ts';
import { runView } from './view.ts';

export function checkForUpgrades(buildout: Buildout, log: Logger): void {
  if (!buildout.semantics.upgradeCheck) return;
  buildout.trail.push({ kind: 'step', text: 'Checking for upgrades.' });
  try {
    guard(buildout, () => {
      const settings = installSettings(runView(buildout), log);
      // Buildout.newest: not offline and `newest`
      if (!settings.newest) return;
      refuseCachelessInstall(settings);
      // easy_install.install's first line (the distributions are tsbuildout's own: nothing to get)
      log.debug("Installing 'zc.buildout', 'setuptools'.");
    });
  } finally {
    buildout.trail.pop();
  }
}
