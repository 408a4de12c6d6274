// tsbuildout's npm package as its users get it: packed as `npm pack` packs
// it, and the stand-in for the prebuilt SQLite binding npm would download.
// Shared by `npm run deb` (scripts/deb.ts), the tests that install the
// packages (test/package/) and the benchmark of an install (bench/package.ts).
import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, symlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** Runs a command; its standard output, or an error with everything it printed. */
export function run(command: string, args: string[], options: SpawnSyncOptions = {}): string {
  const r = spawnSync(command, args, { encoding: 'utf8', maxBuffer: 1 << 28, ...options });
  if (r.error) throw new Error(`${command} ${args.join(' ')}: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`${command} ${args.join(' ')} exited ${r.status ?? r.signal}\n${String(r.stdout)}\n${String(r.stderr)}`);
  return String(r.stdout);
}

/**
 * The environment for a child npm: without the `npm_…` variables an
 * enclosing `npm test` or `npm run` sets (npm_config_local_prefix would make
 * it work on this checkout instead of its own directory).
 */
export function npmEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k) && k !== 'INIT_CWD'));
  return { ...env, ...extra };
}

export interface Packed {
  tarball: string;
  /** bytes of the .tgz, and of its files unpacked */
  size: number;
  unpackedSize: number;
  files: string[];
}

/**
 * `npm pack` of the package in `dir` into `dest`: prepack (npm-shrinkwrap.json),
 * prepare (the build of dist/) and postpack run, unless `ignoreScripts`.
 */
export function pack(dir: string, dest: string, ignoreScripts = false): Packed {
  mkdirSync(dest, { recursive: true });
  const out = run('npm', ['pack', '--json', '--pack-destination', dest, ...(ignoreScripts ? ['--ignore-scripts'] : [])], { cwd: dir, env: npmEnv() });
  // the scripts' output precedes npm's JSON on standard output
  const [j] = JSON.parse(out.slice(out.indexOf('\n[') + 1)) as { filename: string; size: number; unpackedSize: number; files: { path: string }[] }[];
  return { tarball: join(dest, j!.filename), size: j!.size, unpackedSize: j!.unpackedSize, files: j!.files.map((f) => f.path).sort() };
}

/**
 * The checkout's files (tracked and not ignored, as git lists them) copied
 * to `dest`, with a link to its node_modules: `npm pack` runs its scripts
 * there, so the build it makes does not replace the checkout's dist/ (which
 * the running tests come from).
 */
export function copyCheckout(root: string, dest: string): string {
  const listed = run('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: root }).split('\0');
  for (const rel of listed) {
    if (!rel || rel === 'node_modules' || !existsSync(join(root, rel))) continue;
    mkdirSync(dirname(join(dest, rel)), { recursive: true });
    cpSync(join(root, rel), join(dest, rel), { preserveTimestamps: true });
  }
  symlinkSync(join(root, 'node_modules'), join(dest, 'node_modules'));
  return dest;
}

/** The SQLite binding the checkout's `npm install` built (for the Node running it). */
export function checkoutBinding(root: string): { version: string; file: string } {
  const pkg = join(root, 'node_modules', 'better-sqlite3');
  const { version } = JSON.parse(readFileSync(join(pkg, 'package.json'), 'utf8')) as { version: string };
  return { version, file: join(pkg, 'build', 'Release', 'better_sqlite3.node') };
}

/**
 * better-sqlite3's install script (prebuild-install) downloads the binding
 * prebuilt for this Node from the project's releases, else compiles SQLite
 * (about four minutes on this 2-core machine). Those releases cannot be
 * reached here, so the prebuilt archive is made from the checkout's binding
 * (the same version, built for the same Node) in `dir`, and the returned
 * environment tells prebuild-install to take it from there
 * (`npm_config_better_sqlite3_local_prebuilds`), as it takes a download it
 * cached. Only that step differs from an install on a connected machine.
 */
export function prebuiltBindingEnv(root: string, dir: string): NodeJS.ProcessEnv {
  const { version, file } = checkoutBinding(root);
  const staging = join(dir, 'staging');
  mkdirSync(join(staging, 'build', 'Release'), { recursive: true });
  cpSync(file, join(staging, 'build', 'Release', 'better_sqlite3.node'));
  const name = `better-sqlite3-v${version}-node-v${process.versions.modules}-${process.platform}-${process.arch}.tar.gz`;
  run('tar', ['-czf', join(dir, name), '-C', staging, 'build']);
  return { npm_config_better_sqlite3_local_prebuilds: dir };
}
