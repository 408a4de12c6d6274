// `node instance` for software/helloworld of the corpus, as whole CLI
// calls on a fresh temporary node (stubbed software, stub daemons): the
// first run (buildout installs every part, supervisord starts the three
// services, promises run), a forced no-op re-run (buildout runs and
// installs nothing, nothing restarts), and a plain re-run (the partition is
// up to date and skipped).
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lockDirectory } from '../executor/lock.ts';
import { childrenCpuMs } from './lib/measure.ts';
import { median, table } from './lib/stats.ts';

/** One CLI call: its wall and CPU time (ms; the CPU of the children it waited for included, not supervisord's). */
function tsbuildout(root: string, args: string[]): { wall: number; cpu: number } {
  const c0 = childrenCpuMs();
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [join(root, 'bin', 'tsbuildout.js'), ...args], { cwd: root, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`tsbuildout ${args.join(' ')} exited ${r.status}: ${r.stdout}${r.stderr}`);
  return { wall: performance.now() - t0, cpu: childrenCpuMs() - c0 };
}

type Timing = { wall: number; cpu: number };
const row = (what: string, xs: Timing[]): string[] => [what, median(xs.map((x) => x.wall)).toFixed(0), median(xs.map((x) => x.cpu)).toFixed(0)];

export async function nodeBench(root: string, runs: number): Promise<string> {
  const corpus = join(root, '..', 'shared', 'corpus', 'slapos');
  if (!existsSync(corpus)) return '\n(no corpus: node benchmark skipped)';
  if (spawnSync('supervisord', ['--version']).status !== 0) return "\n(no supervisord, Debian's supervisor: node benchmark skipped)";
  const software = join(corpus, 'software', 'helloworld', 'software.cfg');
  const stub = `#!/bin/sh\nshift 2\nip=$1 port=$2\nshift 2\nexec node ${JSON.stringify(join(root, 'fixtures', 'slapos', 'stub-server.mjs'))} --body "Hello $*!" "[$ip]:$port"\n`;
  // helloworld listens on fixed ports: take turns with tests of other checkouts (test/helpers/node.ts)
  mkdirSync(join(tmpdir(), 'tsbuildout-fixed-ports'), { recursive: true });
  const lock = await lockDirectory(join(tmpdir(), 'tsbuildout-fixed-ports'), { say: (m) => process.stderr.write(m + '\n') });
  try {
    return measureNode(root, runs, software, stub);
  } finally {
    lock.release();
  }
}

function measureNode(root: string, runs: number, software: string, stub: string): string {
  const first: Timing[] = [];
  const forced: Timing[] = [];
  const upToDate: Timing[] = [];
  const installs: Timing[] = [];
  for (let i = 0; i < runs; i++) {
    const dir = mkdtempSync(join(tmpdir(), 'tsbuildout-bench-node-'));
    const node = join(dir, 'node');
    try {
      mkdirSync(join(dir, 'stubs', 'bin'), { recursive: true });
      for (const kind of ['python', 'ruby', 'go']) {
        writeFileSync(join(dir, 'stubs', 'bin', `helloweb-${kind}`), stub);
        chmodSync(join(dir, 'stubs', 'bin', `helloweb-${kind}`), 0o755);
      }
      installs.push(tsbuildout(root, ['-q', 'node', 'software', software, '--stub-software', '--stub-bin', join(dir, 'stubs'), '--root', node]));
      tsbuildout(root, ['request', 'hello', software, '--root', node]);
      first.push(tsbuildout(root, ['node', 'instance', '--root', node]));
      forced.push(tsbuildout(root, ['node', 'instance', '--force', '--root', node]));
      upToDate.push(tsbuildout(root, ['node', 'instance', '--root', node]));
    } finally {
      try {
        tsbuildout(root, ['node', 'stop', '--root', node]);
      } catch {
        // nothing was started
      }
      rmSync(dir, { recursive: true, force: true });
    }
  }
  return (
    `\nSlapOS node: software/helloworld (stubbed software, 3 stub services, 3 promises), whole CLI calls\n` +
    table(
      ['step', `median wall ms (${runs} runs)`, 'median CPU ms (user + sys)'],
      [row('node software --stub-software', installs), row('node instance, first run', first), row('node instance --force, no-op re-run', forced), row('node instance, up to date', upToDate)],
    )
  );
}
