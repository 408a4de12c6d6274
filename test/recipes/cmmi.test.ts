// slapos.recipe.cmmi building for real: a tiny package of the test's own
// (a configure script and a Makefile, no autotools), patched, with a Python
// hook; shared parts; the download cache; the errors that must leave
// nothing half-installed. The corpus's component/zstd build is
// test/recipes/cmmi-zstd.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync, chmodSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { withTree } from '../helpers/files.ts';
import { repositoryRoot } from '../helpers/paths.ts';
import { installedOptions, read, run, writeProfile } from './run.ts';

const cli = join(repositoryRoot(), 'bin', 'tsbuildout.js');
const md5 = (path: string) => createHash('md5').update(readFileSync(path)).digest('hex');

const CONFIGURE = `#!/bin/sh
prefix=/usr/local
for a; do case $a in --prefix=*) prefix=\${a#--prefix=};; esac; done
echo "PREFIX = $prefix" > config.mk
[ -z "$BUILD_LOG" ] || echo "configure $prefix" >> "$BUILD_LOG"
`;
const MAKEFILE = `include config.mk
all: hello
hello: hello.sh
\tsed "s|@GREETING@|$(GREETING)|" hello.sh > hello && chmod +x hello
install: all
\tmkdir -p $(PREFIX)/bin && cp hello $(PREFIX)/bin/hello
`;
const HELLO = '#!/bin/sh\necho "@GREETING@ from hello"\n';
const PATCH = `--- a/hello.sh
+++ b/hello.sh
@@ -1,2 +1,2 @@
 #!/bin/sh
-echo "@GREETING@ from hello"
+echo "@GREETING@ from patched hello"
`;
const HOOK = `import os
def before(options, buildout, environ):
    with open('hook-ran', 'w') as f:
        f.write('%s|%s|%s|%s' % (options['prefix'], environ['GREETING'], buildout['buildout']['directory'], os.path.exists('configure')))
    options['hooked'] = 'yes'
`;

/** The package as the test writes it: `src/hello-1.0/…`, packed into `hello-1.0.tar.gz` (and a zip). */
function writePackage(dir: string, makefile = MAKEFILE): void {
  const src = join(dir, 'src', 'hello-1.0');
  mkdirSync(src, { recursive: true });
  writeFileSync(join(src, 'configure'), CONFIGURE);
  chmodSync(join(src, 'configure'), 0o755);
  writeFileSync(join(src, 'Makefile'), makefile);
  writeFileSync(join(src, 'hello.sh'), HELLO);
  writeFileSync(join(dir, 'fix.patch'), PATCH);
  writeFileSync(join(dir, 'hook.py'), HOOK);
  const tar = spawnSync('tar', ['czf', join(dir, 'hello-1.0.tar.gz'), '-C', join(dir, 'src'), 'hello-1.0']);
  assert.equal(tar.status, 0, String(tar.stderr));
  const zip = spawnSync('/usr/bin/python3', ['-c', 'import shutil,sys; shutil.make_archive(sys.argv[1], "zip", sys.argv[2], "hello-1.0")', join(dir, 'hello-1.0'), join(dir, 'src')]);
  assert.equal(zip.status, 0, String(zip.stderr));
}

function helloSection(dir: string, extra = ''): string {
  return `[hello]
recipe = slapos.recipe.cmmi
url = \${buildout:directory}/hello-1.0.tar.gz
md5sum = ${md5(join(dir, 'hello-1.0.tar.gz'))}
patches = \${buildout:directory}/fix.patch#${md5(join(dir, 'fix.patch'))}
patch-options = -p1
environment =
  GREETING=Hi %(HOME)s
pre-configure-hook = \${buildout:directory}/hook.py:before
pre-configure = echo pre-configure > pre-configure-ran
pre-build = echo %(prefix)s > pre-build-ran
post-install = cp hook-ran pre-configure-ran pre-build-ran %(location)s/
promises =
  \${buildout:parts-directory}/hello/bin/hello
  \${buildout:parts-directory}/hello/bin/no-such-file
${extra}`;
}

function cliRun(dir: string, args: string[], env: NodeJS.ProcessEnv = {}) {
  return spawnSync(process.execPath, [cli, '-U', '--python', '/usr/bin/python3', ...args], { cwd: dir, encoding: 'utf8', env: { ...process.env, ...env } });
}

test('slapos.recipe.cmmi builds a package: patch with #md5, environment, Python hook, shell steps, promises; a second run builds nothing', async () => {
  await withTree({}, async (dir) => {
    writePackage(dir);
    writeProfile(dir, `[buildout]\nparts = hello\n\n${helloSection(dir)}`);
    const first = await run(dir);
    const location = join(dir, 'parts', 'hello');
    const hello = spawnSync(join(location, 'bin', 'hello'), { encoding: 'utf8' });
    assert.equal(hello.stdout, `Hi ${process.env.HOME} from patched hello\n`);
    // the hook ran in the source directory, before configure, with the options, the buildout and the environment
    assert.equal(read(join(location, 'hook-ran')), `${location}|Hi ${process.env.HOME}|${dir}|True`);
    assert.equal(read(join(location, 'pre-build-ran')), `${location}\n`);
    assert.ok(first.lines.includes(`[ENV] GREETING = Hi ${process.env.HOME}`));
    assert.deepEqual(first.warnings, [`could not find promise "${join(location, 'bin', 'no-such-file')}"`]);
    // the compile directory is gone; the part is recorded with its location
    assert.equal(existsSync(`${location}__compile__`), false);
    assert.equal(installedOptions(dir, 'hello')!.get('__buildout_installed__'), location);
    const built = statSync(join(location, 'bin', 'hello')).mtimeMs;
    const again = await run(dir);
    assert.deepEqual(again.report.installed, []);
    assert.deepEqual(again.report.updated, ['hello']);
    assert.equal(statSync(join(location, 'bin', 'hello')).mtimeMs, built);
  });
});

test('slapos.recipe.cmmi: path (built in place), a zip with strip-top-level-dir, configure-command, make-targets, keep-compile-dir', async () => {
  await withTree({}, async (dir) => {
    writePackage(dir);
    writeProfile(
      dir,
      `[buildout]\nparts = tree zip\n\n[tree]\nrecipe = slapos.recipe.cmmi\npath = \${buildout:directory}/src/hello-1.0\nenvironment = GREETING=tree\n\n` +
        `[zip]\nrecipe = slapos.recipe.cmmi\nurl = \${buildout:directory}/hello-1.0.zip\nstrip-top-level-dir = true\nconfigure-command = ./configure --prefix=%(location)s\nmake-targets = install\nenvironment = GREETING=zip\nkeep-compile-dir = true\n`,
    );
    await run(dir);
    assert.equal(spawnSync(join(dir, 'parts', 'tree', 'bin', 'hello'), { encoding: 'utf8' }).stdout, 'tree from hello\n');
    // built in the source tree itself, which stays
    assert.ok(existsSync(join(dir, 'src', 'hello-1.0', 'config.mk')));
    assert.equal(installedOptions(dir, 'tree')!.get('compile-directory'), join(dir, 'src', 'hello-1.0'));
    assert.equal(spawnSync(join(dir, 'parts', 'zip', 'bin', 'hello'), { encoding: 'utf8' }).stdout, 'zip from hello\n');
    // stripped: the sources are at the top of the kept compile directory, which the part owns
    assert.ok(existsSync(join(dir, 'parts', 'zip__compile__', 'configure')));
    assert.deepEqual(installedOptions(dir, 'zip')!.get('__buildout_installed__')!.split('\n'), [join(dir, 'parts', 'zip__compile__'), join(dir, 'parts', 'zip')]);
  });
});

test('slapos.recipe.cmmi shared: built once under the last shared-part-list entry, signed last, reused by another buildout; an unsigned one is rebuilt', async () => {
  await withTree({}, async (dir) => {
    writePackage(dir);
    const shared = join(dir, 'shared');
    mkdirSync(shared);
    const log = join(dir, 'builds.log');
    const section = `[buildout]\nparts = hello\nshared-part-list = ${join(dir, 'unused')}\n  ${shared}\n\n[hello]\nrecipe = slapos.recipe.cmmi\nshared = true\nurl = ${join(dir, 'hello-1.0.tar.gz')}\nlocation = @@LOCATION@@\nconfigure-options = --prefix=@@LOCATION@@\nenvironment =\n  GREETING=shared\n  BUILD_LOG=${log}\n`;
    for (const name of ['one', 'two']) {
      mkdirSync(join(dir, name));
      writeFileSync(join(dir, name, 'buildout.cfg'), section);
    }
    await run(join(dir, 'one'));
    const [digest] = readdirSync(join(shared, 'hello'));
    const location = join(shared, 'hello', digest!);
    assert.equal(read(log), `configure ${location}\n`);
    assert.equal(spawnSync(join(location, 'bin', 'hello'), { encoding: 'utf8' }).stdout, 'shared from hello\n');
    const signature = read(join(location, '.buildout-shared.json'));
    assert.equal(createHash('md5').update(signature).digest('hex'), digest);
    assert.match(signature, /"location": "@@LOCATION@@"/);
    // read-only, and not recorded as the buildout's to remove
    assert.equal(statSync(join(location, 'bin', 'hello')).mode & 0o222, 0);
    assert.equal(installedOptions(join(dir, 'one'), 'hello')!.get('__buildout_installed__'), '');
    const two = await run(join(dir, 'two'));
    assert.ok(two.lines.includes('This shared package has been installed by other package'));
    assert.equal(read(log), `configure ${location}\n`);
    // a build that never signed (interrupted) is not taken for finished
    const three = join(dir, 'three');
    mkdirSync(three);
    writeFileSync(join(three, 'buildout.cfg'), section);
    spawnSync('chmod', ['-R', 'u+w', location]);
    spawnSync('rm', [join(location, '.buildout-shared.json')]);
    await run(three);
    assert.equal(read(log), `configure ${location}\nconfigure ${location}\n`);
    assert.ok(existsSync(join(location, '.buildout-shared.json')));
  });
});

test('slapos.recipe.cmmi: a wrong md5sum, an archive entry going up with .., a failing make: one located Error: line, nothing half-installed', async () => {
  await withTree({}, async (dir) => {
    writePackage(dir);
    const evil = spawnSync('/usr/bin/python3', ['-c', 'import tarfile,sys; t=tarfile.open(sys.argv[1], "w:gz"); t.add(sys.argv[2], arcname="hello-1.0"); t.add(sys.argv[3], arcname="../evil"); t.close()', join(dir, 'evil.tar.gz'), join(dir, 'src', 'hello-1.0'), join(dir, 'fix.patch')]);
    assert.equal(evil.status, 0, String(evil.stderr));
    const cases: [string, string, RegExp][] = [
      ['md5', `url = ${join(dir, "hello-1.0.tar.gz")}\nmd5sum = 0123456789abcdef0123456789abcdef\n`, /MD5 checksum mismatch for local resource at '.*hello-1\.0\.tar\.gz'/],
      ['escape', `url = ${join(dir, "evil.tar.gz")}\n`, /\[part\] cannot unpack '.*evil\.tar\.gz': the entry '\.\.\/evil' is outside the target/],
      ['make', `url = ${join(dir, "hello-1.0.tar.gz")}\nmake-options = NO_SUCH_TARGET_EITHER=1 no-such-target\n`, /\[part\] command failed \(exit status 2\): make NO_SUCH_TARGET_EITHER=1 no-such-target/],
    ];
    for (const [name, options, message] of cases) {
      const b = join(dir, name);
      mkdirSync(b);
      writeFileSync(join(b, 'buildout.cfg'), `[buildout]\nparts = part\n\n[part]\nrecipe = slapos.recipe.cmmi\n${options}`);
      const r = cliRun(b, []);
      assert.equal(r.status, 1, name);
      const errors = r.stderr.split('\n').filter((l) => l.startsWith('Error:'));
      assert.equal(errors.length, 1, r.stderr);
      assert.match(errors[0]!, message);
      assert.match(r.stderr, /^  while: Installing part\.$/m, `${name}: located`);
      assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
      assert.equal(existsSync(join(b, 'parts', 'part')), false, `${name}: no location`);
      assert.equal(existsSync(join(dir, 'evil')) || existsSync(join(b, 'parts', 'evil')), false);
      assert.equal(existsSync(join(b, '.installed.cfg')) && read(join(b, '.installed.cfg')).includes('[part]'), false);
    }
    // the failed build is left to inspect, with the script that reproduces its environment
    assert.ok(existsSync(join(dir, 'make', 'parts', 'part__compile__', 'hello-1.0', 'slapos.recipe.build.env.sh')));
  });
});

test('slapos.recipe.cmmi downloads through zc.buildout\'s download cache (<cache>/<md5 of the URL>): install-from-cache builds without the server, offline without it fails', async () => {
  await withTree({}, async (dir) => {
    writePackage(dir);
    const archive = readFileSync(join(dir, 'hello-1.0.tar.gz'));
    let served = 0;
    const server = createServer((_req, res) => {
      served++;
      res.end(archive);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/hello-1.0.tar.gz`;
    const cache = join(dir, 'cache');
    mkdirSync(cache);
    const profile = (extra: string) => `[buildout]\nparts = hello\ndownload-cache = ${cache}\n${extra}\n[hello]\nrecipe = slapos.recipe.cmmi\nurl = ${url}\nmd5sum = ${md5(join(dir, 'hello-1.0.tar.gz'))}\nenvironment = GREETING=cached\n`;
    try {
      mkdirSync(join(dir, 'a'));
      writeFileSync(join(dir, 'a', 'buildout.cfg'), profile(''));
      const a = await cliRunAsync(join(dir, 'a'));
      assert.equal(a.status, 0, a.stderr);
    } finally {
      server.close();
    }
    assert.equal(served, 1);
    const key = createHash('md5').update(url).digest('hex');
    assert.deepEqual(readFileSync(join(cache, key)), archive);
    mkdirSync(join(dir, 'b'));
    writeFileSync(join(dir, 'b', 'buildout.cfg'), profile('install-from-cache = true'));
    const b = cliRun(join(dir, 'b'), []);
    assert.equal(b.status, 0, b.stderr);
    assert.equal(spawnSync(join(dir, 'b', 'parts', 'hello', 'bin', 'hello'), { encoding: 'utf8' }).stdout, 'cached from hello\n');
    mkdirSync(join(dir, 'c', 'empty'), { recursive: true });
    writeFileSync(join(dir, 'c', 'buildout.cfg'), profile('offline = true').replace(`download-cache = ${cache}`, `download-cache = ${join(dir, 'c', 'empty')}`));
    const c = cliRun(join(dir, 'c'), []);
    assert.equal(c.status, 1);
    assert.match(c.stderr, /^Error: Couldn't download 'http:\/\/127\.0\.0\.1:\d+\/hello-1\.0\.tar\.gz' in offline mode\./m);
    assert.equal(existsSync(join(dir, 'c', 'parts', 'hello')), false);
  });
});

/** The CLI without blocking this process (the test's HTTP server must answer meanwhile). */
async function cliRunAsync(dir: string): Promise<{ status: number; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cli, '-U', '--python', '/usr/bin/python3'], { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ status: code ?? -1, stderr }));
  });
}

test('node software builds a release for real (no --stub-software); slapos.cfg\'s shared_part_list becomes its shared-part-list', async () => {
  await withTree({}, async (dir) => {
    writePackage(dir);
    writeFileSync(join(dir, 'software.cfg'), `[buildout]\nparts = hello\n\n[hello]\nrecipe = slapos.recipe.cmmi\nurl = \${:_profile_base_location_}/hello-1.0.tar.gz\nenvironment = GREETING=node\n`);
    const node = (...args: string[]) => spawnSync(process.execPath, [cli, 'node', '--root', join(dir, 'root'), ...args], { cwd: dir, encoding: 'utf8' });
    const first = node('software', join(dir, 'software.cfg'));
    assert.equal(first.status, 0, first.stderr);
    const [release] = readdirSync(join(dir, 'root', 'software'));
    const hello = join(dir, 'root', 'software', release!, 'parts', 'hello', 'bin', 'hello');
    assert.equal(spawnSync(hello, { encoding: 'utf8' }).stdout, 'node from hello\n');
    const built = statSync(hello).mtimeMs;
    const again = node('software', join(dir, 'software.cfg'));
    assert.equal(again.status, 0, again.stderr);
    assert.match(again.stdout + again.stderr, /Updating hello\./);
    assert.equal(statSync(hello).mtimeMs, built);
    writeFileSync(join(dir, 'slapos.cfg'), `[slapos]\nmaster_url = http://127.0.0.1:1\ncomputer_id = C\nsoftware_root = ${join(dir, 'sr')}\ninstance_root = ${join(dir, 'ir')}\nshared_part_list =\n  ${join(dir, 'a')}\n  ${join(dir, 'b')}\n`);
    const { readSlaposCfg } = await import('../../slapos/node/slapos-cfg.ts');
    const { installSoftware } = await import('../../slapos/node/software.ts');
    const { paths } = readSlaposCfg(join(dir, 'slapos.cfg'));
    const quiet = { info: () => undefined, warning: () => undefined, debug: () => undefined };
    const { directory } = await installSoftware(paths, join(dir, 'software.cfg'), { stubSoftware: true, executable: '/usr/bin/python3', logger: quiet });
    assert.match(read(join(directory, 'buildout.cfg')), new RegExp(`^shared-part-list = \\n\\t${join(dir, 'a')}\\n\\t${join(dir, 'b')}\\n`, 'm'));
  });
});
