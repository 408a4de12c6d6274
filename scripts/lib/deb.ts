// The Debian package (`npm run deb`, scripts/deb.ts): the npm package's
// files under /usr/lib/tsbuildout, the runtime closure of its one
// dependency (better-sqlite3, with the SQLite binding built for Debian's
// Node), /usr/bin/tsbuildout, built with dpkg-deb.
//
// Not `_all`: the binding is machine code for one architecture and one
// Node ABI, hence Architecture is this machine's and nodejs is bounded to
// the major version the binding was built for (Debian's own addons depend
// on nodejs-abi-N, which NodeSource's nodejs does not provide). No binding
// at all was not an option: Node 20 has no SQLite of its own, sql.js keeps
// the database in memory, and node-sqlite3-wasm does not lock the file —
// the master's database is shared by the served master, the node's commands
// and the real slapos proxy (README "The master").
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';
import { run } from './package.ts';

/** Where the package installs tsbuildout. */
export const DEB_LIB = '/usr/lib/tsbuildout';

/** better-sqlite3's dependencies that only its install script uses (it downloads or builds the binding, which the .deb ships). */
const INSTALL_ONLY = new Set(['prebuild-install']);

/** What better-sqlite3 loads at run time; its SQLite sources and build files stay out. */
const BINDING_RUNTIME = ['package.json', 'LICENSE', 'lib', 'build/Release/better_sqlite3.node'];

export interface DebOptions {
  /** the checkout: its node_modules give the dependencies and the built binding */
  root: string;
  /** the npm package (`npm pack`) the .deb holds */
  tarball: string;
  outDir: string;
  /** the Node the .deb depends on: Debian's nodejs (/usr/bin/node) */
  node?: string;
}

export interface Deb {
  file: string;
  control: string;
  /** KiB, as the control file's Installed-Size */
  installedSize: number;
}

interface TargetNode {
  node: string;
  /** the nodejs package's version, and Node's major version */
  packageVersion: string;
  major: number;
}

/** Debian's nodejs, whose /usr/bin/node the package's command runs. */
function targetNode(node: string): TargetNode {
  let owner: string;
  try {
    owner = run('dpkg-query', ['-S', node]).split(':')[0]!;
  } catch {
    throw new Error(`${node} belongs to no Debian package: the .deb depends on Debian's nodejs (apt-get install nodejs)`);
  }
  if (owner !== 'nodejs') throw new Error(`${node} belongs to the Debian package ${owner}, not nodejs`);
  const packageVersion = run('dpkg-query', ['-W', '-f', '${Version}', 'nodejs']).trim();
  const major = Number(run(node, ['-p', 'process.versions.node']).split('.')[0]);
  return { node, packageVersion, major };
}

/**
 * The packages better-sqlite3 needs at run time: `dependencies` followed
 * from the package's own, resolved as Node resolves them (the nearest
 * node_modules up), less the install-only ones. Paths relative to `root`.
 */
function runtimeClosure(root: string, names: string[]): string[] {
  const found = new Set<string>();
  const visit = (from: string, name: string) => {
    if (INSTALL_ONLY.has(name)) return;
    for (let dir = from; ; dir = dirname(dir)) {
      const candidate = join(dir, 'node_modules', name);
      if (existsSync(join(candidate, 'package.json'))) {
        const rel = relative(root, candidate);
        if (found.has(rel)) return;
        found.add(rel);
        const pkg = JSON.parse(readFileSync(join(candidate, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
        for (const dep of Object.keys(pkg.dependencies ?? {})) visit(candidate, dep);
        return;
      }
      if (dir === root || dirname(dir) === dir) throw new Error(`${name} (needed by ${relative(root, from) || 'tsbuildout'}) is not installed: run npm install`);
    }
  };
  for (const name of names) visit(root, name);
  return [...found].sort();
}

/** Files 0644, directories and executables 0755, whatever the umask. */
function normaliseModes(dir: string): void {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    const s = statSync(p, { throwIfNoEntry: false });
    if (!s) continue; // a dangling link (/usr/bin/tsbuildout, relative)
    if (s.isDirectory()) {
      chmodSync(p, 0o755);
      normaliseModes(p);
    } else chmodSync(p, s.mode & 0o100 ? 0o755 : 0o644);
  }
}

function sizeKiB(dir: string): number {
  let bytes = 0;
  const walk = (d: string) => {
    for (const name of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, name.name);
      if (name.isDirectory()) walk(p);
      else if (name.isFile()) bytes += statSync(p).size;
    }
  };
  walk(dir);
  return Math.ceil(bytes / 1024);
}

/** The shared libraries the binding links to, as Debian dependencies (dpkg-shlibdeps). */
function bindingLibraries(binding: string): string {
  const work = mkdtempSync(join(tmpdir(), 'tsbuildout-shlibs-'));
  try {
    mkdirSync(join(work, 'debian'));
    writeFileSync(join(work, 'debian', 'control'), 'Source: tsbuildout\n\nPackage: tsbuildout\nArchitecture: any\n');
    // Node's own symbols (v8::…) are the node binary's: nodejs covers them
    const out = run('dpkg-shlibdeps', ['-O', '--warnings=0', binding], { cwd: work });
    return /^shlibs:Depends=(.*)$/m.exec(out)?.[1]?.trim() ?? '';
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

export function buildDeb(o: DebOptions): Deb {
  const target = targetNode(o.node ?? '/usr/bin/node');
  const work = mkdtempSync(join(tmpdir(), 'tsbuildout-deb-'));
  try {
    const stage = join(work, 'stage');
    const lib = join(stage, DEB_LIB);
    const doc = join(stage, 'usr/share/doc/tsbuildout');
    run('tar', ['-xzf', o.tarball, '-C', work, '--no-same-owner']);
    mkdirSync(dirname(lib), { recursive: true });
    cpSync(join(work, 'package'), lib, { recursive: true });
    const pkg = JSON.parse(readFileSync(join(lib, 'package.json'), 'utf8')) as { version: string; description: string; author: string; dependencies: Record<string, string> };

    // Debian keeps the documentation and the licence apart
    mkdirSync(doc, { recursive: true });
    writeFileSync(join(doc, 'README.md.gz'), gzipSync(readFileSync(join(lib, 'README.md')), { level: 9 }));
    cpSync(join(lib, 'LICENSE'), join(doc, 'copyright'));
    for (const f of ['README.md', 'LICENSE', 'npm-shrinkwrap.json']) rmSync(join(lib, f), { force: true });

    // the dependencies, as the checkout installed them (its lock is the shrinkwrap)
    for (const rel of runtimeClosure(o.root, Object.keys(pkg.dependencies))) {
      const from = join(o.root, rel);
      const to = join(lib, rel);
      if (rel.endsWith('node_modules/better-sqlite3')) {
        for (const keep of BINDING_RUNTIME) {
          mkdirSync(dirname(join(to, keep)), { recursive: true });
          cpSync(join(from, keep), join(to, keep), { recursive: true });
        }
      } else cpSync(from, to, { recursive: true, filter: (src) => !relative(from, src).split('/').includes('node_modules') });
    }
    // stripped, as Debian ships binaries (dpkg-shlibdeps reads its dependencies below)
    const binding = join(lib, 'node_modules/better-sqlite3/build/Release/better_sqlite3.node');
    run('strip', ['--strip-unneeded', binding]);
    // the binding must load in the Node the package depends on
    const check = `const D = require(${JSON.stringify(join(lib, 'node_modules', 'better-sqlite3'))}); new D(':memory:').prepare('select 1').get();`;
    try {
      run(target.node, ['-e', check]);
    } catch (e) {
      throw new Error(`the SQLite binding in ${o.root}/node_modules does not load in ${target.node} (Node ${target.major}): run \`npm rebuild better-sqlite3\` with that Node\n${(e as Error).message}`);
    }

    mkdirSync(join(stage, 'usr/bin'), { recursive: true });
    symlinkSync(relative(join(stage, 'usr/bin'), join(lib, 'bin/tsbuildout.js')), join(stage, 'usr/bin/tsbuildout'));
    normaliseModes(stage);
    // V8's code cache of the commands' bundle, made by that Node by a
    // command's run (resolve of an empty profile): the users slapgrid runs
    // buildout as cannot write it under /usr/lib (cli/bundle.ts)
    const empty = join(work, 'cache-run');
    mkdirSync(empty);
    writeFileSync(join(empty, 'buildout.cfg'), '[buildout]\nparts =\n');
    run(target.node, [join(lib, 'bin/tsbuildout.js'), '-c', join(empty, 'buildout.cfg'), 'resolve'], { cwd: empty, env: { ...process.env, TSBUILDOUT_PARSE_CACHE: 'off' } });
    // that run wrote its command's cache; shipped as the bundle's own, it serves every command
    renameSync(join(lib, 'dist/commands.cjs.resolve.v8cache'), join(lib, 'dist/commands.cjs.v8cache'));
    chmodSync(join(lib, 'dist/commands.cjs.v8cache'), 0o644);

    const arch = run('dpkg', ['--print-architecture']).trim();
    const installedSize = sizeKiB(stage);
    const depends = [`nodejs (>= ${target.major})`, `nodejs (<< ${target.major + 1})`, 'python3', 'supervisor', 'openssl', bindingLibraries(binding)].filter(Boolean).join(', ');
    const control =
      [
        'Package: tsbuildout',
        `Version: ${pkg.version}`,
        `Architecture: ${arch}`,
        `Maintainer: ${pkg.author}`,
        `Installed-Size: ${installedSize}`,
        `Depends: ${depends}`,
        'Section: admin',
        'Priority: optional',
        `Description: ${pkg.description}`,
        ' tsbuildout reads buildout profiles as zc.buildout does, runs them, lints',
        ' and inspects them, and runs a SlapOS node (tsbuildout node, tsbuildout',
        ` master). For slapgrid, name ${DEB_LIB}/bin/slapgrid-buildout.py as the`,
        ' buildout of slapos.cfg.',
      ].join('\n') + '\n';
    const debian = join(stage, 'DEBIAN');
    mkdirSync(debian);
    writeFileSync(join(debian, 'control'), control);
    // a run killed between writing the code cache's temporary file and
    // renaming it leaves that file behind, and a command run as root under
    // another Node (the shipped cache rejected) writes its own cache
    // (cli/bundle.ts): dpkg would keep dist/ for them
    writeFileSync(join(debian, 'prerm'), `#!/bin/sh\nset -e\nrm -f ${DEB_LIB}/dist/commands.cjs.v8cache.* ${DEB_LIB}/dist/commands.cjs.*.v8cache ${DEB_LIB}/dist/commands.cjs.*.v8cache.*\n`);
    chmodSync(join(debian, 'prerm'), 0o755);

    mkdirSync(o.outDir, { recursive: true });
    const file = join(o.outDir, `tsbuildout_${pkg.version}_${arch}.deb`);
    run('dpkg-deb', ['--root-owner-group', '-Zxz', '--build', stage, file]);
    return { file, control, installedSize };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
