// Getting one distribution into eggs-directory, as zc.buildout 2.13 does
// (easy_install.py Installer._fetch, _move_to_eggs_dir_and_compile): the
// file fetched (into the download cache when there is one), then built or
// unpacked by the buildout's Python (egg_tools.py) into a temporary
// directory of eggs-directory and renamed into place, so that an
// interrupted install never leaves a half egg under its final name; an
// egg another run put there meanwhile is accepted, as zc.buildout does.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { downloadSync, timeoutMs } from '../../../profile/http-download.ts';
import { cachedAnswer } from '../../../profile/python-probe.ts';
import { strRepr } from '../../../python/index.ts';
import { RecipeError, type Logger } from '../../api.ts';
import { md5Hex } from '../files.ts';
import { BINARY_DIST, distText, type Dist, type PythonFacts } from './dists.ts';
import tools from './egg_tools.py';

export interface BuildSettings {
  executable: string;
  /** `<download-cache>/dist`, when set. */
  downloadCache?: string;
  offline: boolean;
  socketTimeout?: string;
  logger: Logger;
  /** zc.recipe.egg:custom's build_ext options. */
  buildExt?: Record<string, string>;
}

const probes = new Map<string, PythonFacts>();

function siteMtime(dir: string): number {
  try {
    return statSync(dir).mtimeMs;
  } catch {
    return -1;
  }
}

/**
 * The interpreter's facts, asked once per interpreter and kept in the
 * user's cache (profile/python-probe.ts) until the interpreter or its
 * site directory changes: the probe imports pkg_resources and scans the
 * site's distributions, seconds on a loaded machine.
 */
export function pythonFacts(executable: string): PythonFacts {
  let facts = probes.get(executable);
  if (!facts) {
    let failure = '';
    facts = cachedAnswer(
      executable,
      'egg-facts.json',
      () => {
        const p = spawnSync(executable, ['-c', tools, 'probe'], { encoding: 'utf8', maxBuffer: 64 << 20, env: { ...process.env, PYTHONWARNINGS: 'ignore' } });
        if (p.status !== 0) {
          failure = (p.stderr || String(p.error ?? '')).trim().split('\n').pop() ?? '';
          return undefined;
        }
        const f = JSON.parse(p.stdout) as PythonFacts;
        return { ...f, siteMtime: siteMtime(f.siteDir) };
      },
      (f) => f.siteMtime === siteMtime(f.siteDir),
    );
    if (!facts) throw new RecipeError(`${executable} cannot install eggs (it needs setuptools): ${failure}`);
    probes.set(executable, facts);
  }
  return facts;
}

/** The file of an available distribution, local (the cache, a path) or downloaded into `tmp`. */
function fetch(dist: Dist, tmp: string, s: BuildSettings): string {
  let path: string;
  const name = basename(dist.location.split('#')[0]!);
  if (/^https?:\/\//i.test(dist.location)) {
    const cached = s.downloadCache ? join(s.downloadCache, name) : undefined;
    if (cached && existsSync(cached)) path = cached;
    else {
      if (s.offline) throw new RecipeError(`Couldn't download distribution ${distText(dist)} in offline mode.`);
      path = join(cached ? s.downloadCache! : tmp, name);
      s.logger.debug(`Fetching ${distText(dist)} from: ${dist.location}`);
      const outcome = downloadSync({ url: dist.location, file: path, timeoutMs: timeoutMs(s.socketTimeout) });
      if ('error' in outcome) {
        rmSync(path, { force: true });
        throw new RecipeError(`Couldn't download distribution ${distText(dist)}: ${outcome.error}`);
      }
    }
  } else path = dist.location;
  if (dist.md5 && statSync(path).isFile() && md5Hex(readFileSync(path)) !== dist.md5) {
    throw new RecipeError(`MD5 checksum mismatch downloading ${strRepr(dist.location)}`);
  }
  return path;
}

/** Install an available distribution into `dest`; the path of the new egg. */
export function installDist(dist: Dist, dest: string, s: BuildSettings): string {
  mkdirSync(dest, { recursive: true });
  const tmp = mkdtempSync(join(tmpdir(), 'tsbuildout-get_dist-'));
  const tmpDest = mkdtempSync(join(dest, 'tmp'));
  try {
    const file = fetch(dist, tmp, s);
    if (statSync(file).isDirectory() && dist.precedence >= BINARY_DIST) cpSync(file, join(tmpDest, basename(file)), { recursive: true });
    else {
      const kind = file.endsWith('.egg') ? 'egg' : file.endsWith('.whl') ? 'wheel' : 'sdist';
      const args = ['-c', tools, 'build', kind, file, tmpDest, ...(s.buildExt ? [JSON.stringify(s.buildExt)] : [])];
      const p = spawnSync(s.executable, args, { encoding: 'utf8', maxBuffer: 64 << 20, env: { ...process.env, PYTHONWARNINGS: 'ignore' } });
      if (p.status !== 0) {
        const output = `${p.stdout ?? ''}${p.stderr ?? ''}`.trim();
        if (output) process.stderr.write(output + '\n');
        s.logger.warning(`An error occurred when trying to install ${file}. Look above this message for any errors that were output by easy_install.`);
        throw new RecipeError(`Couldn't install: ${distText(dist)}`);
      }
    }
    const entries = readdirSync(tmpDest);
    if (entries.length !== 1) throw new RecipeError(`Couldn't install: ${distText(dist)}`);
    const target = join(dest, entries[0]!);
    try {
      renameSync(join(tmpDest, entries[0]!), target);
    } catch (e) {
      if (!existsSync(target)) throw e;
      s.logger.warning(
        `Path ${target} unexpectedly already exists.\nMaybe a buildout running in parallel has added it. We will accept it.\nIf this contains a wrong package, please remove it yourself.`,
      );
    }
    return target;
  } finally {
    rmSync(tmpDest, { recursive: true, force: true });
    rmSync(tmp, { recursive: true, force: true });
  }
}
