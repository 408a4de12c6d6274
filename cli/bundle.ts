// Runs one of dist/'s CommonJS bundles through vm.Script with V8's code
// cache (Node 20 has no module compile cache): the bytecode the previous run
// compiled is reused, which saves most of a big bundle's compile time. The
// entry (dist/cli.cjs: arguments, --help, --version) loads the commands'
// bundle (dist/commands.cjs) this way only when a command runs.
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { Script } from 'node:vm';

export function runBundle(file: string): Record<string, unknown> {
  const source = readFileSync(file, 'utf8');
  const cacheFile = file + '.v8cache';
  let cachedData: Buffer | undefined;
  try {
    cachedData = readFileSync(cacheFile);
  } catch {
    // first run
  }
  const wrapped = `(function (exports, require, module, __filename, __dirname) {${source}\n})`;
  const script = new Script(wrapped, { filename: file, cachedData });
  const bundle = { exports: {} as Record<string, unknown> };
  (script.runInThisContext() as (...a: unknown[]) => void)(bundle.exports, createRequire(file), bundle, file, dirname(file));
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
  return bundle.exports;
}
