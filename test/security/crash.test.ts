// Runs killed at random moments (SIGKILL: nothing of the run's own code
// runs), as an unlucky operator or a crashing machine would: installs,
// updates and uninstalls (the profile changes between runs), and `node
// instance`. After each kill, the next run converges: every part of the
// profile recorded, the files of every part the profile dropped removed
// (so no part finished before the kill was left unrecorded, and a part cut
// after it wrote its files is removed too), no temporary
// left anywhere, nothing but the profile's services in etc/service (and
// under supervisord), and no process of the killed run left (its Python
// bridge and what the bridge's code started included).
//
// The count is TSBUILDOUT_CRASH_KILLS (default 8: a short run in npm
// test); one kill in six is a node instance's. The seed of the moments is
// TSBUILDOUT_CRASH_SEED (printed), so a failing sequence can be replayed.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { readInstalled } from '../../executor/installed.ts';
import { cli, hasSupervisord, ok } from '../helpers/node.ts';
import { repositoryRoot } from '../helpers/paths.ts';
import { MARK_VARIABLE, markedProcesses, newMark } from '../helpers/processes.ts';

const bin = join(repositoryRoot(), 'bin', 'tsbuildout.js');
const KILLS = Number(process.env.TSBUILDOUT_CRASH_KILLS ?? 8);
const NODE_KILLS = Math.max(1, Math.round(KILLS / 6));
const SEED = Number(process.env.TSBUILDOUT_CRASH_SEED ?? Date.now() % 100_000);

/** A small deterministic generator (mulberry32), from the seed. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Profile variant v (0, 1, 2): each has the directories, some service
 * wrappers, some shell commands and some inline Python parts (the Python
 * bridge, whose code also leaves a process running); between variants
 * parts come, go and change.
 */
function profile(v: number): { text: string; parts: string[]; services: string[]; files: string[] } {
  const services = [['w0', 'w1', 'w2'], ['w0', 'w3'], ['w1', 'w2', 'w3']][v]!;
  const commands = [['c0', 'c1', 'c2'], ['c0', 'c3'], ['c1', 'c3', 'c4']][v]!;
  const pythons = [['p0', 'p1'], ['p1'], ['p0', 'p2']][v]!;
  const lines = ['[buildout]', `parts = dirs ${[...services, ...commands, ...pythons].join(' ')}`, '[dirs]', 'recipe = slapos.cookbook:mkdirectory', 'service = ${buildout:directory}/etc/service', 'out = ${buildout:directory}/out'];
  for (const w of services) lines.push(`[${w}]`, 'recipe = slapos.cookbook:wrapper', `command-line = sleep ${1000 + v}`, `wrapper-path = \${dirs:service}/${w}`);
  for (const c of commands) lines.push(`[${c}]`, 'recipe = plone.recipe.command', 'stop-on-error = true', `command = sleep 0.0${c.charCodeAt(1) % 4}; echo ${v} > \${dirs:out}/${c}`, `location = \${dirs:out}/${c}`, 'update-command = ${:command}');
  for (const p of pythons) {
    lines.push(
      `[${p}]`,
      'recipe = slapos.recipe.build',
      `variant = ${v}`,
      'install =',
      '  import subprocess, time',
      "  subprocess.Popen(['sleep', '30'])",
      '  time.sleep(0.05)',
      '  os.makedirs(location)',
      "  with open(os.path.join(location, 'done'), 'w') as f: f.write(options['variant'])",
    );
  }
  const files = [...services.map((w) => `etc/service/${w}`), ...commands.map((c) => `out/${c}`), ...pythons.map((p) => `parts/${p}/done`)];
  return { text: lines.join('\n') + '\n', parts: ['dirs', ...services, ...commands, ...pythons], services, files };
}

/** Every path under dir (relative), but the record and the lock. */
function tree(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, name.name);
      if (name.isDirectory()) walk(p);
      else out.push(relative(dir, p));
    }
  };
  walk(dir);
  return out.sort();
}

/** Start a run and kill it (SIGKILL) after `ms` (or let it end). */
function killed(args: string[], cwd: string, ms: number, mark: string): Promise<void> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, ...args], { cwd, stdio: 'ignore', env: { ...process.env, [MARK_VARIABLE]: mark } });
    const t = setTimeout(() => child.kill('SIGKILL'), ms);
    child.on('close', () => {
      clearTimeout(t);
      resolve();
    });
  });
}

/** The run's processes that must not outlive it: its bridge, what the bridge's code started, its buildouts. */
async function survivors(mark: string): Promise<string[]> {
  const deadline = Date.now() + 5000;
  for (;;) {
    // supervisord and the services it runs are the node's daemons: they stay
    const left = markedProcesses(mark).filter((p) => /tsbuildout-bridge|tsbuildout\.js .*install|^sleep 30 /.test(p.command));
    if (!left.length || Date.now() > deadline) return left.map((p) => `${p.pid} ${p.command}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** How long a whole install of the first variant takes here (ms), in a scratch directory. */
function timedInstall(): number {
  const dir = mkdtempSync(join(tmpdir(), 'tsbuildout-crash-time-'));
  try {
    writeFileSync(join(dir, 'buildout.cfg'), profile(0).text);
    const t0 = Date.now();
    const r = spawnSync(process.execPath, [bin, '-U', '--python', 'python3'], { cwd: dir, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    return Date.now() - t0;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe(`runs killed at random moments converge (${KILLS} kills, seed ${SEED})`, { timeout: 1_800_000 }, () => {
  it('install, update and uninstall', async (t) => {
    const rnd = random(SEED);
    const dir = mkdtempSync(join(tmpdir(), 'tsbuildout-crash-'));
    const mark = newMark();
    const moments: number[] = [];
    let cuts = 0;
    try {
      // the kills are spread over a whole install as long as it takes on this machine now
      // (a loaded machine's run starts later: fixed moments would all strike before any part)
      const span = timedInstall();
      let v = 0;
      for (let k = 0; k < KILLS - NODE_KILLS; k++) {
        // a new variant two times in three: parts are installed, updated and uninstalled
        if (rnd() < 0.67) v = (v + 1 + Math.floor(rnd() * 2)) % 3;
        writeFileSync(join(dir, 'buildout.cfg'), profile(v).text);
        const ms = 30 + Math.floor(rnd() * span);
        moments.push(ms);
        await killed(['-U', '--python', 'python3'], dir, ms, mark);
        // whatever the moment: the record is readable, nothing of the run is left running
        // (and how often the kill cut a part after it wrote, before its record line)
        if (readInstalled(join(dir, '.installed.cfg')).incomplete.size) cuts++;
        assert.deepEqual(await survivors(mark), [], `after kill ${k}`);
        // the next run, of another variant or the same
        if (rnd() < 0.5) v = (v + 1) % 3;
        const p = profile(v);
        writeFileSync(join(dir, 'buildout.cfg'), p.text);
        const r = spawnSync(process.execPath, [bin, '-U', '--python', 'python3'], { cwd: dir, encoding: 'utf8', env: { ...process.env, [MARK_VARIABLE]: mark } });
        assert.equal(r.status, 0, `run after kill ${k}: ${r.stderr}`);
        assert.deepEqual(readInstalled(join(dir, '.installed.cfg')).parts, p.parts, `the record after kill ${k}`);
        // exactly the profile's files: what dropped parts wrote is gone (a part the kill cut
        // after it wrote, before it was recorded, included: its paths were journalled ahead),
        // no temporary is left
        assert.deepEqual(tree(dir).filter((f) => !['.installed.cfg', 'buildout.cfg'].includes(f) && !f.startsWith('.installed.cfg.journal')), [...p.files].sort(), `the files after kill ${k}`);
        assert.deepEqual(readdirSync(join(dir, 'etc', 'service')).sort(), [...p.services].sort());
        assert.ok(!existsSync(join(dir, '.installed.cfg.journal')), `the journal after kill ${k}`);
        assert.deepEqual(await survivors(mark), []);
      }
      const again = spawnSync(process.execPath, [bin, '-U', '--python', 'python3'], { cwd: dir, encoding: 'utf8' });
      assert.doesNotMatch(again.stdout, /Installing|Uninstalling/);
      t.diagnostic(`${KILLS - NODE_KILLS} runs killed after ${moments.join(', ')} ms (a whole install: ${span} ms)`);
      t.diagnostic(`${cuts} of them cut a part after it wrote, before its record line (removed by the next run)`);
    } finally {
      for (const p of markedProcesses(mark)) process.kill(p.pid, 'SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  });

  describe('node instance', { skip: hasSupervisord() ? false : "no supervisord (Debian's supervisor)" }, () => {
    let root = '';
    const software = join(repositoryRoot(), 'fixtures', 'security', 'crash-node', 'software.cfg');
    before(() => {
      root = mkdtempSync(join(tmpdir(), 'tsbuildout-crash-node-'));
    });
    after(async () => {
      if (!root) return;
      await cli(['node', 'stop', '--root', join(root, 'node')]);
      rmSync(root, { recursive: true, force: true });
    });

    it('killed, the next run deploys, publishes and gives supervisord exactly the services', async (t) => {
      const rnd = random(SEED + 1);
      const node = join(root, 'node');
      const mark = newMark();
      const env = { [MARK_VARIABLE]: mark };
      const moments: number[] = [];
      for (let k = 0; k < NODE_KILLS; k++) {
        const variant = k % 2 ? 'b' : 'a';
        await ok(['request', 'crash', software, '--root', node, '--parameters', JSON.stringify({ variant, second: variant === 'a' ? 'two' : 'three' })]);
        const ms = 100 + Math.floor(rnd() * 2500);
        moments.push(ms);
        await killed(['node', '--root', node], repositoryRoot(), ms, mark);
        assert.deepEqual(await survivors(mark), [], `after node kill ${k}`);
        const r = await cli(['node', '--root', node], env);
        assert.equal(r.code, 0, `node after kill ${k}:\n${r.stdout}\n${r.stderr}`);
        const status = JSON.parse((await ok(['--json', 'node', 'status', '--root', node])).stdout) as { services: { name: string; state: string }[]; promises: Record<string, { failed: boolean }> }[];
        const expected = variant === 'a' ? ['sleeper-one-on-watch', 'sleeper-two-on-watch'] : ['sleeper-one-on-watch', 'sleeper-three-on-watch'];
        assert.deepEqual(status[0]!.services.map((s) => `${s.name} ${s.state}`).sort(), expected.map((s) => `${s} RUNNING`));
        const partition = join(node, 'instance', 'slappart0');
        assert.deepEqual(readdirSync(join(partition, 'etc', 'service')).sort(), expected.map((s) => s.replace('-on-watch', '')));
        assert.equal(readFileSync(join(partition, 'parts', 'bridged', 'variant'), 'utf8'), variant);
        const shown = JSON.parse((await ok(['--json', 'show', 'crash', '--root', node])).stdout) as { connection: Record<string, string> };
        assert.equal(shown.connection.variant, variant);
        assert.deepEqual(await survivors(mark), []);
        assert.ok(!existsSync(join(partition, '.installed.cfg.journal')));
      }
      t.diagnostic(`${NODE_KILLS} node runs killed after ${moments.join(', ')} ms`);
    });
  });
});
