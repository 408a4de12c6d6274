// npm run deb: the Debian package, dist-deb/tsbuildout_<version>_<arch>.deb
// (scripts/lib/deb.ts), holding the npm package `npm pack` makes of this
// checkout (dist/ just built by the npm script) and the SQLite binding its
// node_modules has, which must be built for Debian's /usr/bin/node.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repositoryRoot } from '../test/helpers/paths.ts';
import { buildDeb } from './lib/deb.ts';
import { pack } from './lib/package.ts';

const root = repositoryRoot();
const work = mkdtempSync(join(tmpdir(), 'tsbuildout-pack-'));
try {
  const { tarball } = pack(root, work, true);
  const deb = buildDeb({ root, tarball, outDir: join(root, 'dist-deb') });
  process.stdout.write(`${deb.file}\n${deb.control}`);
} catch (e) {
  process.stderr.write(`Error: ${(e as Error).message}\n`);
  process.exitCode = 1;
} finally {
  rmSync(work, { recursive: true, force: true });
}
