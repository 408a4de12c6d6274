// Builds dist/ with esbuild: the CLI, the tests, the benchmarks and the
// scripts, each an ES module entry sharing chunks. Bundling matters for
// start-up: chevrotain's package entry imports lodash-es file by file (about
// 400 ms on a small machine), the bundle loads in a few milliseconds.
// Type checking is separate: `tsc -p .` (see package.json).
import { build } from 'esbuild';
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = new URL('.', import.meta.url).pathname;

function walk(dir, keep, out = []) {
  for (const name of readdirSync(join(root, dir))) {
    const path = join(dir, name);
    if (statSync(join(root, path)).isDirectory()) walk(path, keep, out);
    else if (keep(path)) out.push(path);
  }
  return out;
}

const entryPoints = [
  ...walk('test', (p) => p.endsWith('.test.ts')),
  ...walk('bench', (p) => p.endsWith('.ts') && !p.includes('/lib/')),
  ...walk('scripts', (p) => p.endsWith('.ts') && !p.includes('/lib/')),
].map((p) => ({ in: join(root, p), out: relative(root, p).replace(/\.ts$/, '') }));

// The parser's build (version.ts BUILD): a hash of what a parse cache entry depends on
const parserHash = createHash('sha256');
for (const p of [...walk('parser', (p) => p.endsWith('.ts')), ...walk('python', (p) => p.endsWith('.ts')), 'profile/parse-cache.ts'].sort()) parserHash.update(p + '\0').update(readFileSync(join(root, p)));
const define = { TSBUILDOUT_BUILD: JSON.stringify(parserHash.digest('hex').slice(0, 16)) };

rmSync(join(root, 'dist'), { recursive: true, force: true });
await build({
  entryPoints,
  outdir: join(root, 'dist'),
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  outExtension: { '.js': '.mjs' },
  chunkNames: 'chunks/[name]-[hash]',
  sourcemap: 'linked',
  // native or optional packages stay outside the bundle
  external: ['better-sqlite3'],
  // the Python bridge's module is bundled as text
  loader: { '.py': 'text' },
  logLevel: 'warning',
  define,
  // some bundled CommonJS code calls require(); give ESM output one
  banner: {
    js: "import { createRequire as __tsbCreateRequire } from 'node:module'; const require = __tsbCreateRequire(import.meta.url);",
  },
});

// The command: two CommonJS files. dist/cli.cjs, the entry, parses the
// arguments and answers --help and --version; dist/commands.cjs, everything
// else, is loaded by the entry only for a command (cli/main.ts), through
// vm.Script with V8's code cache (cli/bundle.ts: Node 20 has no module
// compile cache).
const cjs = {
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  sourcemap: 'linked',
  external: ['better-sqlite3'],
  // the Python bridge's module is bundled as text
  loader: { '.py': 'text' },
  // whitespace and syntax only (names kept for stack traces): every command reads the whole file
  minifyWhitespace: true,
  minifySyntax: true,
  logLevel: 'warning',
  define,
};
await build({ ...cjs, entryPoints: [join(root, 'cli/main.ts')], outfile: join(root, 'dist/cli.cjs') });
await build({ ...cjs, entryPoints: [join(root, 'cli/run.ts')], outfile: join(root, 'dist/commands.cjs') });

// esbuild writes strings as ASCII but keeps other characters of regular
// expressions and template literals as they are: one such character makes
// V8 decode the whole bundle as UTF-8 into a two-byte string at every start
// (a sixth of an up-to-date `node instance`'s own instructions). Write them
// as \u escapes in the source.
for (const out of ['dist/cli.cjs', 'dist/commands.cjs']) {
  const text = readFileSync(join(root, out), 'latin1');
  const at = text.search(/[^\x00-\x7f]/);
  if (at >= 0) {
    const line = text.slice(0, at).split('\n').length;
    process.stderr.write(`warning: ${out}:${line} holds a non-ASCII character (${JSON.stringify(text.slice(Math.max(0, at - 40), at + 10))}): every start decodes the bundle as UTF-8\n`);
  }
}
