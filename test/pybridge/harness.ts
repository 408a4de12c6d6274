// Running fixtures of the Python bridge with tsbuildout and, where the
// profile is plain zc.buildout, with the real one (Debian's zc.buildout
// 2.13 on /usr/bin/python3) to compare what both leave on disk.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { readInstalled } from '../../executor/installed.ts';
import { repositoryRoot } from '../helpers/paths.ts';

export const PYTHON = '/usr/bin/python3';

/** Debian's zc.buildout 2.13 still imports MutableMapping from collections. */
const ZC_BUILDOUT = [
  'import collections, collections.abc, sys',
  'collections.MutableMapping = collections.abc.MutableMapping',
  'import zc.buildout.buildout',
  'sys.exit(zc.buildout.buildout.main(sys.argv[1:]))',
].join('\n');

let available: boolean | undefined;

export function realBuildoutAvailable(): boolean {
  available ??= spawnSync(PYTHON, ['-c', 'import zc.buildout.buildout'], { encoding: 'utf8' }).status === 0;
  return available;
}

/** Run the real zc.buildout in `dir` (offline, no user defaults). */
export function realBuildout(dir: string, ...args: string[]): { status: number | null; output: string } {
  const r = spawnSync(PYTHON, ['-c', ZC_BUILDOUT, '-U', '-c', join(dir, 'buildout.cfg'), ...args], {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, PYTHONHASHSEED: '0' },
  });
  return { status: r.status, output: (r.stdout ?? '') + (r.stderr ?? '') };
}

export function fixture(name: string): string {
  return join(repositoryRoot(), 'fixtures', 'pybridge', name);
}

/** A copy of a fixture directory in `dir`. */
export function copyFixture(name: string, dir: string): string {
  cpSync(fixture(name), dir, { recursive: true });
  return dir;
}

/**
 * Make the bridge's Script class the `slapos.recipe.build` recipe of the
 * real zc.buildout (a develop egg), so a profile of slapos.recipe.build
 * parts runs in both and the options protocol can be compared.
 */
export function scriptAsDevelopEgg(dir: string): void {
  const src = join(dir, 'srb-src');
  mkdirSync(join(src, 'slapos.recipe.build.egg-info'), { recursive: true });
  cpSync(join(repositoryRoot(), 'pybridge', 'tsbuildout_bridge.py'), join(src, 'tsbuildout_bridge.py'));
  writeFileSync(join(src, 'slapos.recipe.build.egg-info', 'PKG-INFO'), 'Metadata-Version: 2.1\nName: slapos.recipe.build\nVersion: 0.65\n');
  writeFileSync(join(src, 'slapos.recipe.build.egg-info', 'entry_points.txt'), '[zc.buildout]\ndefault = tsbuildout_bridge:Script\n');
  mkdirSync(join(dir, 'develop-eggs'), { recursive: true });
  writeFileSync(join(dir, 'develop-eggs', 'slapos.recipe.build.egg-link'), `${src}\n.`);
}

/** Every file under `root/sub` with its content, `root` replaced by `<dir>`. */
export function tree(root: string, sub = 'parts'): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    if (!existsSync(d)) return;
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out[relative(root, p)] = readFileSync(p, 'utf8').replaceAll(root, '<dir>');
    }
  };
  walk(join(root, sub));
  return out;
}

/** The recorded parts and their options, paths normalised, signatures left out. */
export function record(root: string): { parts: string[]; options: Record<string, Record<string, string>> } {
  const state = readInstalled(join(root, '.installed.cfg'));
  const options: Record<string, Record<string, string>> = {};
  for (const [part, o] of state.options) {
    options[part] = {};
    for (const [k, v] of o) if (k !== '__buildout_signature__') options[part]![k] = v.replaceAll(root, '<dir>');
  }
  return { parts: state.parts, options };
}
