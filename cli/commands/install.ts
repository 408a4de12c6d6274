// `install [PART …]` (the default command): run the profile — uninstall
// what left or changed, install or update the rest. `--dry-run` prints
// what would happen and touches nothing; `--stub-software` lets
// software-side recipes create their location instead of building.
//
// Under the real slapgrid (its bin/buildout written by `bootstrap`), the
// environment can ask for what `node software --stub-software [--stub-bin
// DIR]` does: TSBUILDOUT_STUB_SOFTWARE=1 and TSBUILDOUT_STUB_BIN=DIR. They
// apply to the run of a software release only — a buildout.cfg in
// <software_root>/<md5 of URL>/ that extends URL, as slapgrid writes it
// (slapos/grid/SlapObject.py Software._create_buildout_profile) — never to
// the partitions' runs, which inherit the same environment.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { runBuildout } from '../../executor/run.ts';
import { parseProfileCached } from '../../profile/parse-cache.ts';
import { readSections } from '../../parser/sections.ts';
import { UsageError } from '../args.ts';
import type { CommandContext } from '../context.ts';
import { consoleLogger } from '../logger.ts';

export async function installCommand(ctx: CommandContext): Promise<number> {
  const flags = new Set(ctx.args.args.filter((a) => a.startsWith('--')));
  const parts = ctx.args.args.filter((a) => !a.startsWith('--'));
  const logger = consoleLogger(ctx.args.verbosity, ctx.out);
  const stubbed = stubRequest(process.env);
  const release = stubbed && ctx.load.config ? softwareReleaseDirectory(resolve(ctx.cwd, ctx.load.config)) : undefined;
  if (stubbed && release) {
    if (parts.length) throw new UsageError(`TSBUILDOUT_STUB_SOFTWARE/TSBUILDOUT_STUB_BIN install the software release's own selection of parts: no part can be named (got ${parts.join(' ')})`);
    const { runSoftwareRelease } = await import('../../slapos/node/software.ts');
    await runSoftwareRelease({ ...ctx.load, dryRun: flags.has('--dry-run'), logger }, release, { ...stubbed, stubBinName: 'TSBUILDOUT_STUB_BIN' });
    return 0;
  }
  await runBuildout({
    ...ctx.load,
    installArgs: parts,
    dryRun: flags.has('--dry-run'),
    stubSoftware: flags.has('--stub-software'),
    recipeStdout: !ctx.args.json,
    logger,
  });
  return 0;
}

/** What TSBUILDOUT_STUB_SOFTWARE and TSBUILDOUT_STUB_BIN ask for, if anything. */
export function stubRequest(env: NodeJS.ProcessEnv): { stubSoftware: boolean; stubBin?: string } | undefined {
  const flag = (env.TSBUILDOUT_STUB_SOFTWARE ?? '').trim().toLowerCase();
  const stubSoftware = flag !== '' && !['0', 'false', 'no', 'off'].includes(flag);
  const stubBin = env.TSBUILDOUT_STUB_BIN?.trim();
  if (!stubSoftware && !stubBin) return undefined;
  return { stubSoftware, ...(stubBin ? { stubBin: resolve(stubBin) } : {}) };
}

/**
 * The software release directory a configuration file is the buildout of:
 * `<dir>/buildout.cfg` whose `[buildout] extends` is one URL with md5(URL)
 * the directory's name, as slapgrid and `node software` write it.
 */
export function softwareReleaseDirectory(config: string): string | undefined {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(config) || !existsSync(config)) return undefined;
  let url: string | undefined;
  try {
    const sections = readSections(parseProfileCached(readFileSync(config, 'utf8'), config), { repeatedKeys: 'overwrite', condition: () => true });
    url = sections.sections.get('buildout')?.options.get('extends')?.value.trim();
  } catch {
    return undefined;
  }
  if (!url || /\s/.test(url)) return undefined;
  const dir = dirname(config);
  return basename(dir) === createHash('md5').update(url).digest('hex') ? dir : undefined;
}
