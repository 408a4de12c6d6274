#!/usr/bin/env node
'use strict';
// Runs the bundled command: dist/cli.cjs (built by `npm install` in a clone,
// shipped in the npm and Debian packages) parses the arguments and loads
// the commands' bundle with V8's code cache (cli/bundle.ts). CommonJS
// (bin/package.json), so that starting it costs no ES module loader.
const { join } = require('node:path');

const file = join(__dirname, '..', 'dist', 'cli.cjs');
try {
  require(file);
} catch (e) {
  if (e && e.code === 'MODULE_NOT_FOUND' && e.message.includes(file)) {
    process.stderr.write(`Error: ${file} is missing: run \`npm install\` (or \`npm run build\`) in the tsbuildout directory\n`);
    process.exit(1);
  }
  throw e;
}
