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
import { existsSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { corpusReleases, deployCorpus, type ReleaseResult } from './lib/corpus-node.ts';
import { releaseStubs } from '../test/helpers/acceptance.ts';
import { repositoryRoot } from '../test/helpers/paths.ts';
import { fixedPortsLock, writeStubs } from '../test/helpers/node.ts';

const argv = process.argv.slice(2);
const opt = (n: string) => {
  const i = argv.indexOf(n);
  return i >= 0 ? argv[i + 1] : undefined;
};
const VALUED = ['--jobs', '--only', '--json', '--timeout'];
const positional = argv.filter((a, i) => !a.startsWith('--') && !VALUED.includes(argv[i - 1] ?? ''));
const tree = resolve(positional[0] ?? join(repositoryRoot(), '..', 'shared', 'corpus', 'slapos'));
if (!existsSync(join(tree, 'software'))) {
  process.stdout.write(`no software releases at ${tree} (software/*/software*.cfg): nothing run\n`);
  process.exit(0);
}
const only = opt('--only')?.split(',');
const releases = corpusReleases(tree).filter((r) => !only || only.some((o) => r.includes(o)));

const t0 = performance.now();
const line = (r: ReleaseResult) =>
  `L${r.level}  ${r.release.padEnd(48)} ${r.seconds.toFixed(1).padStart(6)} s${r.internal ? '  INTERNAL ERROR' : ''}${r.wall ? `  ${r.wall}` : ''}`;
const results = await deployCorpus(releases, {
  cli: join(repositoryRoot(), 'bin', 'tsbuildout.js'),
  tree,
  stubs: (release) => releaseStubs(tree, release),
  writeStubs,
  servicesLock: fixedPortsLock,
  jobs: Number(opt('--jobs') ?? 2),
  timeoutMs: Number(opt('--timeout') ?? 300) * 1000,
  keep: argv.includes('--keep'),
  each: (r) => process.stdout.write(line(r).slice(0, 400) + '\n'),
});
const at = (l: number) => results.filter((r) => r.level >= l).length;
const n = results.length;
const pct = (k: number) => `${((100 * k) / Math.max(1, n)).toFixed(0)}%`;
process.stdout.write(
  `${n} releases in ${((performance.now() - t0) / 1000).toFixed(0)} s: L1 ${at(1)} (${pct(at(1))}), L2 ${at(2)} (${pct(at(2))}), L3 ${at(3)}; internal errors ${results.filter((r) => r.internal).length}\n`,
);
const json = opt('--json');
if (json) writeFileSync(json, JSON.stringify(results, null, 1) + '\n');
