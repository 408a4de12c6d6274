// Runs one of dist/'s CommonJS bundles through vm.Script with V8's code
// cache (Node 20 has no module compile cache): the bytecode the previous run
// compiled is reused, which saves most of a big bundle's compile time. The
// entry (dist/cli.cjs: arguments, --help, --version) loads the commands'
// bundle (dist/commands.cjs) this way only when a command runs.
import { accessSync, constants, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { Script } from 'node:vm';

export function runBundle(file: string, command?: string): Record<string, unknown> {
  const source = readFileSync(file, 'utf8');
  // one cache per command, written by its first run: it holds the functions
  // that command compiled (a no-op run deserialises no resolver of the whole
  // corpus, and finds every function it runs compiled); the bundle's own
  // cache, which the Debian package ships, serves every command instead, and
  // nothing is written under /usr/lib at run time
  // (no command, a name that is not one: the bundle's cache is read, none written)
  const own = command ? `${file}.${command}.v8cache` : undefined;
  let cachedData: Buffer | undefined;
  for (const cacheFile of own ? [own, `${file}.v8cache`] : [`${file}.v8cache`]) {
    try {
      cachedData = readFileSync(cacheFile);
      break;
    } catch {
      // first run
    }
  }
  const wrapped = `(function (exports, require, module, __filename, __dirname) {${source}\n})`;
  const script = new Script(wrapped, { filename: file, cachedData });
  const bundle = { exports: {} as Record<string, unknown> };
  (script.runInThisContext() as (...a: unknown[]) => void)(bundle.exports, createRequire(file), bundle, file, dirname(file));
  // (serialising a cache costs a run: not where it cannot be written, as an installation only root may change)
  if (own && (!cachedData || script.cachedDataRejected) && writable(dirname(file))) {
    // after the run, so the cache holds the functions the run compiled
    process.once('beforeExit', () => {
      try {
        const tmp = `${own}.${process.pid}`;
        writeFileSync(tmp, script.createCachedData());
        renameSync(tmp, own);
      } catch {
        // a read-only installation runs without the cache (the Debian
        // package ships one made by the Node it depends on)
      }
    });
  }
  return bundle.exports;
}

function writable(dir: string): boolean {
  try {
    accessSync(dir, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}
