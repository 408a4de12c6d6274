// npm pack's prepack and postpack: the package ships package-lock.json as
// npm-shrinkwrap.json, which npm honours when it installs the package (a
// package-lock.json it ignores), so `npm install -g tsbuildout` and npx get
// the dependency versions the tests ran with — the native SQLite binding
// first. `--remove` deletes it after packing: the repository keeps one lock.
import { copyFileSync, rmSync } from 'node:fs';

const root = new URL('..', import.meta.url);
const shrinkwrap = new URL('npm-shrinkwrap.json', root);
if (process.argv.includes('--remove')) rmSync(shrinkwrap, { force: true });
else copyFileSync(new URL('package-lock.json', root), shrinkwrap);
