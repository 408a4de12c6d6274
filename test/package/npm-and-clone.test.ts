// Two of the README's ways to install tsbuildout (the third, the Debian
// package: deb.test.ts). The npm package as its users get it: `npm pack` of
// a copy of the checkout (prepack, prepare's build of dist/ and postpack run
// as for a release), then the tarball installed into an empty directory
// (`npx tsbuildout`) and globally under a temporary prefix (`tsbuildout` on
// PATH), each running the commands of installed.ts. And the clone: that
// copy, its dist/ built by the same prepare `npm install` runs there, used in
// place as the README's set-up does. npm's cache is the machine's (warm after
// `npm ci`); the SQLite binding's download is stood in
// (scripts/lib/package.ts prebuiltBindingEnv).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { copyCheckout, npmEnv, pack, prebuiltBindingEnv, run, type Packed } from '../../scripts/lib/package.ts';
import { repositoryRoot } from '../helpers/paths.ts';
import { installedCommands, type Installed } from './installed.ts';

const NPM_INSTALL = ['install', '--prefer-offline', '--no-audit', '--no-fund'];

describe('tsbuildout from a clone and from its npm package', { timeout: 600_000 }, () => {
  let work = '';
  let checkout = '';
  let packed: Packed;
  let env: NodeJS.ProcessEnv = {};
  before(() => {
    work = mkdtempSync(join(tmpdir(), 'tsbuildout-npm-'));
    checkout = copyCheckout(repositoryRoot(), join(work, 'checkout'));
    packed = pack(checkout, work);
    env = npmEnv(prebuiltBindingEnv(repositoryRoot(), join(work, 'prebuilds')));
  });
  after(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('the tarball holds what runs: no sources, tests or fixtures', (t) => {
    assert.deepEqual(packed.files, ['LICENSE', 'README.md', 'bin/package.json', 'bin/slapgrid-buildout.py', 'bin/tsbuildout.js', 'dist/cli.cjs', 'dist/commands.cjs', 'npm-shrinkwrap.json', 'package.json']);
    t.diagnostic(`${packed.files.length} files, ${packed.size} bytes packed, ${packed.unpackedSize} unpacked`);
  });

  // the README's set-up (`npx tsbuildout -c examples/hello/buildout.cfg`); the
  // other commands from a checkout are the rest of the tests' business
  describe('a clone, used in place with npx', () => {
    installedCommands(() => ({ command: ['npx', 'tsbuildout'], bin: join(checkout, 'bin', 'tsbuildout.js'), packageDir: checkout, work: checkout, env: npmEnv({ npm_config_yes: 'false' }) }), ['example']);
  });

  describe('installed into an empty directory, run with npx', () => {
    let installed: Installed;
    before(() => {
      const app = join(work, 'app');
      mkdirSync(app);
      run('npm', [...NPM_INSTALL, packed.tarball], { cwd: app, env });
      // npm_config_yes=false: never fetch a `tsbuildout` from the registry instead
      installed = { command: ['npx', 'tsbuildout'], bin: join(app, 'node_modules', '.bin', 'tsbuildout'), packageDir: join(app, 'node_modules', 'tsbuildout'), work: app, env: npmEnv({ npm_config_yes: 'false' }) };
    });
    installedCommands(() => installed);
  });

  describe('installed globally under a prefix, run from PATH', () => {
    let installed: Installed;
    before(() => {
      const prefix = join(work, 'prefix');
      run('npm', [...NPM_INSTALL, '--global', '--prefix', prefix, packed.tarball], { cwd: work, env });
      const here = join(work, 'elsewhere');
      mkdirSync(here);
      const PATH = `${join(prefix, 'bin')}:${process.env.PATH ?? ''}`;
      installed = { command: ['tsbuildout'], bin: join(prefix, 'bin', 'tsbuildout'), packageDir: join(prefix, 'lib', 'node_modules', 'tsbuildout'), work: here, env: { PATH } };
    });
    installedCommands(() => installed);
  });
});
