// npm run bench: the figures of tsbuildout's speed. Timings are printed,
// never asserted.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveAll } from '../cli/commands/resolve.ts';
import { BuildoutError } from '../parser/diagnostic.ts';
import { loadBuildout } from '../profile/load.ts';
import { MODES, type SemanticsMode } from '../profile/semantics.ts';
import { userCacheDirectory } from '../profile/user-cache.ts';
import { repositoryRoot } from './lib/paths.ts';
import { median, table } from './lib/stats.ts';
import { measure } from './lib/measure.ts';
import { installBench } from './install.ts';
import { packageBench } from './package.ts';
import { inspectBench } from './inspect.ts';
import { pybridgeBench } from './pybridge.ts';

const root = repositoryRoot();
const corpus = join(root, '..', 'shared', 'corpus', 'slapos');
const PROFILES = ['software/erp5/software.cfg', 'software/helloworld/software.cfg', 'stack/slapos.cfg'].filter((p) => p.includes(process.env.BENCH_ONLY ?? ''));
const BENCH_MODES = MODES.filter((m) => (process.env.BENCH_MODES ?? m).split(',').includes(m));
const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const CLI_RUNS = Number(process.env.BENCH_CLI_RUNS ?? 5);

async function resolveOnce(profile: string, semantics: SemanticsMode): Promise<{ ms: number; cpu: number; files: number; visits: number; sections: number; error?: string }> {
  const m = await measure(async () => {
    try {
      const { buildout, assembled } = await loadBuildout({ config: profile, userDefaults: false, semantics, executable: '/usr/bin/python3', env: { python: '3.11' } });
      const r = resolveAll(buildout, true);
      return { files: assembled.files.files.size, visits: assembled.stats.visits, sections: Object.keys(r.sections).length };
    } catch (e) {
      if (!(e instanceof BuildoutError)) throw e;
      return { files: 0, visits: 0, sections: 0, error: e.primary.message };
    }
  });
  return { ms: m.wall, cpu: m.cpu, ...m.value };
}

/** A CLI call; `cold`: with an empty parse cache (a new cache directory holding only the Python facts). */
function cliOnce(profile: string, semantics: SemanticsMode, cold = false): number {
  const cache = cold ? mkdtempSync(join(tmpdir(), 'tsbuildout-bench-cache-')) : undefined;
  try {
    if (cache) {
      mkdirSync(join(cache, 'tsbuildout'));
      const facts = join(userCacheDirectory(), 'python-facts.json');
      if (existsSync(facts)) copyFileSync(facts, join(cache, 'tsbuildout', 'python-facts.json'));
    }
    const t0 = performance.now();
    const r = spawnSync(process.execPath, [join(root, 'bin', 'tsbuildout.js'), '-U', '-c', profile, '--python', '/usr/bin/python3', '--env', 'python=3.11', '--semantics', semantics, 'resolve', '--all', '--json'], {
      encoding: 'utf8',
      env: cache ? { ...process.env, XDG_CACHE_HOME: cache } : process.env,
    });
    const ms = performance.now() - t0;
    if (r.status !== 0 && r.status !== 1) throw new Error(`tsbuildout exited ${r.status}: ${r.stderr}`);
    return ms;
  } finally {
    if (cache) rmSync(cache, { recursive: true, force: true });
  }
}

async function resolveBench(): Promise<void> {
  if (!existsSync(corpus)) {
    process.stdout.write(`(no corpus at ${corpus}: resolve benchmark skipped)\n`);
    return;
  }
  const rows: string[][] = [];
  for (const rel of PROFILES) {
    const profile = join(corpus, rel);
    for (const mode of BENCH_MODES) {
      const first = await resolveOnce(profile, mode);
      const times: number[] = [];
      const cpus: number[] = [];
      for (let i = 0; i < RUNS; i++) {
        const r = await resolveOnce(profile, mode);
        times.push(r.ms);
        cpus.push(r.cpu);
      }
      // warm (parse cache filled) and cold calls, interleaved
      const cli: number[] = [];
      const cold: number[] = [];
      cliOnce(profile, mode);
      for (let i = 0; i < CLI_RUNS; i++) {
        cli.push(cliOnce(profile, mode));
        cold.push(cliOnce(profile, mode, true));
      }
      rows.push([
        rel,
        mode,
        first.error ? `error: ${first.error.slice(0, 40)}` : `${first.files} files, ${first.visits} visits, ${first.sections} sections`,
        first.ms.toFixed(1),
        median(times).toFixed(1),
        median(cpus).toFixed(1),
        median(cli).toFixed(0),
        median(cold).toFixed(0),
      ]);
    }
  }
  process.stdout.write('\nResolve (load + every section, like `resolve --all --json`)\n');
  process.stdout.write(table(['profile', 'semantics', 'size', 'first run ms', `median of ${RUNS} ms`, 'median CPU ms', `CLI wall ms, warm parse cache (median of ${CLI_RUNS})`, 'CLI, cold parse cache'], rows) + '\n');
}

// Each section runs in a fresh Node process: what one section leaves (a large
// heap, warmed or polluted inline caches) would skew the next one's figures
// (the Jinja2 render figures halved after the lint of the whole corpus).
const SECTIONS: Record<string, () => Promise<void>> = {
  resolve: resolveBench,
  install: async () => void process.stdout.write(installBench(root, Number(process.env.BENCH_INSTALL_RUNS ?? 3)) + '\n'),
  // a cold lint of software/erp5/software.cfg and of the whole corpus (bench/lint.ts)
  lint: async () => (await import('./lint.ts')).lintBench(),
  // 20 zc.recipe.egg parts over 30 eggs: first install, no-op re-runs (bench/eggs.ts)
  eggs: async () => void process.stdout.write((await (await import('./eggs.ts')).eggsBench(root, Number(process.env.BENCH_EGGS_RUNS ?? 3))) + '\n'),
  jinja: async () => {
    const { recipeBenchReport } = await import('./jinja.ts');
    process.stdout.write('\n' + (await recipeBenchReport(Number(process.env.BENCH_JINJA_RUNS ?? 200))) + '\n');
  },
  // plan and graph of software/erp5/software.cfg as CLI calls (bench/inspect.ts)
  inspect: async () => void process.stdout.write((await inspectBench(root, corpus, Number(process.env.BENCH_INSPECT_RUNS ?? 5))) + '\n'),
  // `node instance` for software/helloworld: first run and no-op re-run (bench/node.ts)
  node: async () => void process.stdout.write((await (await import('./node.ts')).nodeBench(root, Number(process.env.BENCH_NODE_RUNS ?? 3))) + '\n'),
  // examples/slapos-hello under the real slapgrid with tsbuildout as its buildout, beside tsbuildout's node (bench/slapgrid.ts)
  slapgrid: async () => void process.stdout.write((await (await import('./slapgrid.ts')).slapgridBench(root, Number(process.env.BENCH_SLAPGRID_RUNS ?? 3))) + '\n'),
  // peak RSS of `resolve --all --json` over 100,000 generated sections, CLI (bench/memory.ts)
  memory: async () => void process.stdout.write((await import('./memory.ts')).memoryBench(root) + '\n'),
  cmmi: async () => void process.stdout.write((await import('./cmmi.ts')).cmmiBench(root, Number(process.env.BENCH_CMMI_RUNS ?? 3)) + '\n'),
  pybridge: async () => void process.stdout.write(pybridgeBench(root, Number(process.env.BENCH_PYBRIDGE_RUNS ?? 5)) + '\n'),
  // tsbuildout lsp beside buildoutls on software/erp5 (bench/lsp.ts)
  lsp: async () => void process.stdout.write((await (await import('./lsp.ts')).lspBench(root, corpus)) + '\n'),
  // every software release of the corpus on a node, L1/L2/L3 (bench/corpus-node.ts); minutes: BENCH_SKIP=corpus-node to leave it out
  'corpus-node': async () => void process.stdout.write((await import('./corpus-node.ts')).corpusNodeBench(root, corpus) + '\n'),
  // `npm install` of the packed npm package into an empty directory, and its size on disk (bench/package.ts)
  package: async () => void process.stdout.write(packageBench(root, Number(process.env.BENCH_PACKAGE_RUNS ?? 3)) + '\n'),
};

const section = process.env.BENCH_SECTION;
if (section !== undefined) {
  const run = SECTIONS[section];
  if (!run) throw new Error(`unknown benchmark section ${section} (${Object.keys(SECTIONS).join(', ')})`);
  await run();
} else {
  process.stdout.write(`tsbuildout benchmarks — node ${process.version}, ${new Date().toISOString()}\n`);
  // each section can be skipped: BENCH_SKIP=lint,jinja
  const skip = new Set((process.env.BENCH_SKIP ?? '').split(','));
  for (const name of Object.keys(SECTIONS)) {
    if (skip.has(name)) continue;
    const r = spawnSync(process.execPath, [...process.execArgv, process.argv[1]!], { stdio: 'inherit', env: { ...process.env, BENCH_SECTION: name } });
    if (r.status !== 0) process.exitCode = 1;
  }
}
