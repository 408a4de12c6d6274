#!/usr/bin/env node
'use strict';
// Runs the bundled command (dist/cli.cjs: built by `npm install` in a clone,
// shipped in the npm and Debian packages) with V8's code cache: the compiled
// bytecode of the previous run is reused, which saves most of the compile
// time of the bundle at every start. CommonJS (bin/package.json), so that
// starting it costs no ES module loader.
const { readFileSync, renameSync, writeFileSync } = require('node:fs');
const { dirname, join } = require('node:path');
const vm = require('node:vm');

const file = join(__dirname, '..', 'dist', 'cli.cjs');
const cacheFile = file + '.v8cache';
let source;
try {
  source = readFileSync(file, 'utf8');
} catch {
  process.stderr.write(`Error: ${file} is missing: run \`npm install\` (or \`npm run build\`) in the tsbuildout directory\n`);
  process.exit(1);
}
let cachedData;
try {
  cachedData = readFileSync(cacheFile);
} catch {
  // first run
}
const wrapped = `(function (exports, require, module, __filename, __dirname) {${source}\n})`;
const script = new vm.Script(wrapped, { filename: file, cachedData, importModuleDynamically: undefined });
const cli = { exports: {} };
script.runInThisContext()(cli.exports, require('node:module').createRequire(file), cli, file, dirname(file));
if (!cachedData || script.cachedDataRejected) {
  // after the run, so the cache holds the functions the run compiled
  process.once('beforeExit', () => {
    try {
      const tmp = `${cacheFile}.${process.pid}`;
      writeFileSync(tmp, script.createCachedData());
      renameSync(tmp, cacheFile);
    } catch {
      // a read-only installation runs without the cache (the Debian
      // package ships one made by the Node it depends on)
    }
  });
}
