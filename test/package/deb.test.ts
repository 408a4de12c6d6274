// The Debian package as an operator gets it: built as `npm run deb` builds
// it (the npm package of this checkout, dist/ just built by `npm test`),
// installed with `apt-get install ./tsbuildout_*.deb` (apt resolves the
// dependencies), the commands of installed.ts run from /usr/bin/tsbuildout,
// then `apt-get remove`: nothing is left under /usr/lib/tsbuildout.
// It installs a system package, so it runs only where asked to
// (TSBUILDOUT_TEST_DEB=1, which .ci/run sets), as root, and never over a
// tsbuildout already installed.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { buildDeb, DEB_LIB, type Deb } from '../../scripts/lib/deb.ts';
import { pack, run } from '../../scripts/lib/package.ts';
import { repositoryRoot } from '../helpers/paths.ts';
import { installedCommands, type Installed } from './installed.ts';
import { VERSION } from '../../version.ts';

const installedVersion = () => spawnSync('dpkg-query', ['-W', '-f', '${db:Status-Abbrev}', 'tsbuildout'], { encoding: 'utf8' }).stdout;

function skipReason(): string | false {
  if (process.env.TSBUILDOUT_TEST_DEB !== '1') return 'the Debian package is built, installed and removed only with TSBUILDOUT_TEST_DEB=1 (.ci/run sets it)';
  if (process.getuid?.() !== 0) return 'installing the Debian package needs root';
  if (installedVersion().startsWith('i')) return 'tsbuildout is installed on this machine as a Debian package: not replaced by the test';
  return false;
}
const skip = skipReason();

const APT_ENV = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
const CACHE = join(DEB_LIB, 'dist', 'commands.cjs.v8cache');

describe('the Debian package', { skip, timeout: 600_000 }, () => {
  let work = '';
  let deb: Deb;
  let cache: { mtimeMs: number; size: number };
  before(() => {
    work = mkdtempSync(join(tmpdir(), 'tsbuildout-deb-test-'));
    const { tarball } = pack(repositoryRoot(), join(work, 'pack'), true);
    deb = buildDeb({ root: repositoryRoot(), tarball, outDir: work });
    run('apt-get', ['install', '-y', '-qq', `./${basename(deb.file)}`], { cwd: work, env: APT_ENV });
    const s = statSync(CACHE);
    cache = { mtimeMs: s.mtimeMs, size: s.size };
    mkdirSync(join(work, 'run'));
  });
  after(() => {
    if (installedVersion().startsWith('i')) spawnSync('apt-get', ['remove', '-y', '-qq', 'tsbuildout'], { env: APT_ENV });
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('installed by apt-get with its dependencies: nodejs of the binding, python3, supervisor, openssl', () => {
    const status = run('dpkg-query', ['-W', '-f', '${Version} ${Architecture} ${Depends}', 'tsbuildout']);
    assert.ok(status.startsWith(`${VERSION} ${run('dpkg', ['--print-architecture']).trim()} `), status);
    assert.match(status, / nodejs \(>= 20\), nodejs \(<< 21\), python3, supervisor, openssl, libc6/);
    assert.equal(run('readlink', ['/usr/bin/tsbuildout']).trim(), '../lib/tsbuildout/bin/tsbuildout.js');
  });

  installedCommands((): Installed => ({ command: ['tsbuildout'], bin: '/usr/bin/tsbuildout', packageDir: DEB_LIB, work: join(work, 'run') }));

  it("the code cache it ships is V8's for this Node: the runs above used it and did not rewrite it", () => {
    const s = statSync(CACHE);
    assert.deepEqual({ mtimeMs: s.mtimeMs, size: s.size }, cache);
  });

  it('apt-get remove leaves nothing under /usr/lib/tsbuildout', () => {
    run('apt-get', ['remove', '-y', '-qq', 'tsbuildout'], { env: APT_ENV });
    assert.equal(existsSync(DEB_LIB), false);
    assert.equal(existsSync('/usr/bin/tsbuildout'), false);
    assert.equal(installedVersion().startsWith('i'), false);
  });
});
