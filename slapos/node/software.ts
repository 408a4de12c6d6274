// `node software URL`: a software release installed into the software root
// (<root>/software/<md5 of url>/), as slapgrid-sr does, by running its
// software.cfg there: software is built for real (slapos.recipe.cmmi,
// shared parts under slapos.cfg's shared_part_list), or with --stub-software
// every part of `[buildout] parts` is installed by its recipe's role under
// --stub-software (recipes/stand-in.ts: what writes files the instances
// read — templates, downloads, directories — runs; what builds software or
// runs commands is stood in, its location created with an empty bin/; a
// download that cannot be fetched offline is an empty stand-in file). Any
// computed option can be given as an assignment, `section:option=value`.
// `--stub-bin DIR` is the tree of stand-in executables laid out as the
// release (`bin/x` lands in <sr>/bin/x, `parts/nginx/sbin/nginx` in
// <sr>/parts/nginx/sbin/nginx): a stand-in copies in the subtree of its
// location when it creates it, and the whole tree is copied in at the end.
// `install` does the same under the real slapgrid when
// TSBUILDOUT_STUB_SOFTWARE / TSBUILDOUT_STUB_BIN are set
// (cli/commands/install.ts): one implementation, runSoftwareRelease.
import { existsSync, mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { runBuildout, type RunOptions } from '../../executor/run.ts';
import type { Assignment } from '../../profile/assemble.ts';
import type { Logger } from '../../recipes/api.ts';
import { overlayTree } from '../../recipes/lib/files.ts';
import { PyList } from '../../python/index.ts';
import type { MasterApi } from '../../slap/api.ts';
import type { SlapObject } from '../../slap/marshal.ts';
import { NodeError, type NodePaths } from './config.ts';

/** A software URL as the node keys it: local paths made absolute. */
export function softwareUrl(url: string, cwd = process.cwd()): string {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) return url;
  return isAbsolute(url) ? url : resolve(cwd, url);
}

export const COMPLETED = '.completed';

export function softwareCompleted(paths: NodePaths, url: string): boolean {
  return existsSync(join(paths.software(url), COMPLETED));
}

/** How a software release is installed: for real, or stubbed (above). */
export interface StubOptions {
  /** Every part by its recipe's role: what builds software stood in. */
  stubSoftware: boolean;
  /** The tree of stand-in files copied into the release. */
  stubBin?: string;
  /** What names the tree in messages (`--stub-bin`, `TSBUILDOUT_STUB_BIN`). */
  stubBinName?: string;
}

/**
 * Run a software release's buildout (its directory `directory`), as `node
 * software` does and as `install` does under slapgrid when the environment
 * asks for stubs: for real, or stubbed (every part by its recipe's role),
 * the stub tree copied in by the stand-ins and at the end.
 */
export async function runSoftwareRelease(run: RunOptions, directory: string, stub: StubOptions): Promise<void> {
  if (stub.stubBin && (!existsSync(stub.stubBin) || !statSync(stub.stubBin).isDirectory())) throw new NodeError(`${stub.stubBinName ?? '--stub-bin'} ${stub.stubBin}: no such directory`);
  await runBuildout({ ...run, stubSoftware: stub.stubSoftware, ...(stub.stubSoftware && stub.stubBin ? { stubTree: stub.stubBin } : {}) });
  if (stub.stubBin && !run.dryRun) overlayTree(stub.stubBin, directory);
}

export interface SoftwareOptions {
  stubSoftware: boolean;
  stubBin?: string;
  assignments?: Assignment[];
  executable: string;
  logger: Logger;
}

export async function installSoftware(paths: NodePaths, url: string, o: SoftwareOptions): Promise<{ directory: string }> {
  const dir = paths.software(url);
  mkdirSync(dir, { recursive: true });
  rmSync(join(dir, COMPLETED), { force: true });
  const config = join(dir, 'buildout.cfg');
  // as slapgrid writes it (SlapObject.py Software._create_buildout_profile, configparser's format): profiles read both lists;
  // shared-part-list is slapos.cfg's shared_part_list (where shared parts are built and reused)
  const shared = (paths.layout.sharedPartList ?? '').replace(/\n/g, '\n\t');
  writeFileSync(config, `[buildout]\nextends = ${url}\nshared-part-list = ${shared}\nbuild-time-part-list = \n\n`);
  await runSoftwareRelease(
    { config, cwd: dir, userDefaults: false, assignments: o.assignments ?? [], executable: o.executable, logger: o.logger },
    dir,
    { stubSoftware: o.stubSoftware, ...(o.stubBin ? { stubBin: o.stubBin } : {}) },
  );
  // slapgrid-sr's marker: `node` alone does not build a completed software release again
  writeFileSync(join(dir, COMPLETED), new Date().toISOString() + '\n');
  return { directory: dir };
}

/**
 * What slapgrid-sr does with the software releases the master lists for
 * this computer: each one not completed yet (every one with `force`) is
 * reported building, installed, reported available (or its error reported
 * with softwareReleaseError, and the run stops); one requested destroyed
 * is removed and reported destroyed (Software.destroy).
 */
export async function processSoftwareReleases(paths: NodePaths, settings: { computer: string }, api: MasterApi, o: SoftwareOptions & { force: boolean; say: (line: string) => void }): Promise<void> {
  const info = await api.computerInformation(settings.computer);
  const list = info.attr('_software_release_list');
  for (const sr of list instanceof PyList ? (list.items as SlapObject[]) : []) {
    const url = String(sr.attr('_software_release'));
    const dir = paths.software(url);
    if (sr.attr('_requested_state') === 'destroyed') {
      if (!existsSync(dir)) continue;
      o.say(`Removing software release ${url}.`);
      rmSync(dir, { recursive: true, force: true });
      await api.softwareReleaseState(url, settings.computer, 'destroyed');
      continue;
    }
    if (softwareCompleted(paths, url) && !o.force) continue;
    o.say(`Installing software release ${url}.`);
    await api.softwareReleaseState(url, settings.computer, 'building');
    try {
      await installSoftware(paths, url, o);
    } catch (e) {
      await api.softwareReleaseError(url, settings.computer, (e as Error).message).catch(() => undefined);
      throw e;
    }
    await api.softwareReleaseState(url, settings.computer, 'available');
  }
}
