// npm run corpus-node -- [TREE] [--jobs N] [--only SUBSTRING,…] [--json FILE] [--keep] [--timeout S]
//
// Deploys every software release of TREE (default ../shared/corpus/slapos:
// each software/*/software*.cfg) on a fresh temporary node, as a new user
// would: `node software --stub-software`, `request` of its default software
// type with its default parameters, `node instance`, `node stop`
// (scripts/lib/corpus-node.ts). Prints one line per release, its level
// (L1 software installed, L2 every partition's buildout ran to the end,
// L3 its services running and its promises green) and its first wall,
// then the counts. The releases the acceptance suite has stub maps for
// get them (test/helpers/acceptance.ts), so their services can run.
// As root (with unshare), each release runs in a network namespace of its
// own, so releases and tests listening on the same fixed ports run side by
// side; otherwise a release's services run under the machine-wide lock of
// test/helpers/node.ts fixedPortsLock. Interrupted (INT, TERM, HUP), it stops
// the nodes it started and removes them.
import { existsSync, mkdtempSync, rmdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { canIsolateNetwork, cleanUpNodes, corpusReleases, deployCorpus, deployRelease, isolatedDeploy, RESULT, systemToolStandIns, type CorpusNodeOptions, type ReleaseResult } from './lib/corpus-node.ts';
import { killGuardedGroups } from '../recipes/lib/process-guard.ts';
import { releaseStubs } from '../test/helpers/acceptance.ts';
import { repositoryRoot } from '../test/helpers/paths.ts';
import { fixedPortsLock, writeStubs } from '../test/helpers/node.ts';

const argv = process.argv.slice(2);
const opt = (n: string) => {
  const i = argv.indexOf(n);
  return i >= 0 ? argv[i + 1] : undefined;
};
const VALUED = ['--jobs', '--only', '--json', '--timeout', '--one', '--base'];
const positional = argv.filter((a, i) => !a.startsWith('--') && !VALUED.includes(argv[i - 1] ?? ''));
const tree = resolve(positional[0] ?? join(repositoryRoot(), '..', 'shared', 'corpus', 'slapos'));
if (!existsSync(join(tree, 'software'))) {
  process.stdout.write(`no software releases at ${tree} (software/*/software*.cfg): nothing run\n`);
  process.exit(0);
}
const only = opt('--only')?.split(',');
const releases = corpusReleases(tree).filter((r) => !only || only.some((o) => r.includes(o)));

// every release's node under one directory of this run (--one: its parent's), so an
// interrupted run stops the supervisord and services it left and removes them
const base = opt('--base') ?? mkdtempSync(join(tmpdir(), 'tsbuildout-corpus-node-run-'));
const cli = join(repositoryRoot(), 'bin', 'tsbuildout.js');
if (!opt('--base')) {
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const)
    process.on(signal, () => {
      process.stderr.write(`corpus-node: ${signal}: stopping the nodes of this run\n`);
      killGuardedGroups();
      cleanUpNodes(base, cli, argv.includes('--keep'));
      process.exit(128 + ({ SIGHUP: 1, SIGINT: 2, SIGTERM: 15 } as const)[signal]);
    });
}

const systemTools = systemToolStandIns(tree);
const timeoutMs = Number(opt('--timeout') ?? 300) * 1000;
const options: CorpusNodeOptions = {
  cli,
  tree,
  base,
  // the system's tools for the components' ones, then the acceptance suite's stand-ins
  stubs: (release) => {
    const s = releaseStubs(tree, release);
    return { ...s, files: { ...systemTools, ...s?.files } };
  },
  writeStubs,
  timeoutMs,
  keep: argv.includes('--keep'),
};

// --one RELEASE: this release alone (in the namespace the parent made), the result as JSON
const one = opt('--one');
if (one) {
  process.stdout.write(RESULT + JSON.stringify(await deployRelease(one, options)) + '\n');
  process.exit(0);
}

const isolate = canIsolateNetwork();
const t0 = performance.now();
const line = (r: ReleaseResult) =>
  `L${r.level}  ${r.release.padEnd(48)} ${r.seconds.toFixed(1).padStart(6)} s${r.internal ? '  INTERNAL ERROR' : ''}${r.wall ? `  ${r.wall}` : ''}`;
const results = await deployCorpus(releases, {
  ...options,
  ...(isolate
    ? { deploy: isolatedDeploy(process.argv[1]!, [tree, '--base', base, '--timeout', String(timeoutMs / 1000), ...(argv.includes('--keep') ? ['--keep'] : [])], timeoutMs) }
    : { servicesLock: fixedPortsLock }),
  jobs: Number(opt('--jobs') ?? 2),
  each: (r) => process.stdout.write(line(r).slice(0, 400) + '\n'),
});
const at = (l: number) => results.filter((r) => r.level >= l).length;
const n = results.length;
const pct = (k: number) => `${((100 * k) / Math.max(1, n)).toFixed(0)}%`;
process.stdout.write(
  `${n} releases in ${((performance.now() - t0) / 1000).toFixed(0)} s${isolate ? ' (each in a network namespace of its own)' : ''}: L1 ${at(1)} (${pct(at(1))}), L2 ${at(2)} (${pct(at(2))}), L3 ${at(3)}; internal errors ${results.filter((r) => r.internal).length}\n`,
);
// empty unless --keep kept nodes in it
try {
  rmdirSync(base);
} catch {
  // --keep: the kept nodes are there
}
const json = opt('--json');
if (json) writeFileSync(json, JSON.stringify(results, null, 1) + '\n');
