// The real zc.buildout with the real SlapOS recipes
// (../shared/tools/cookbook-oracle), and why a test that needs it skips.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { repositoryRoot } from './paths.ts';

export const cookbookOracle = join(repositoryRoot(), '..', 'shared', 'tools', 'cookbook-oracle');

/** false when the oracle can run, else the reason its tests skip. */
export function cookbookOracleSkip(): string | false {
  if (!existsSync(cookbookOracle)) return 'no ../shared/tools/cookbook-oracle';
  if (spawnSync('/usr/bin/python3', ['-c', 'import zc.buildout'], { stdio: 'ignore' }).status !== 0) return "no zc.buildout for the cookbook oracle (Debian's python3-zc.buildout)";
  return false;
}
