// The Python bridge lives no longer than the run that started it: inline
// code that leaves a thread spinning and a subprocess sleeping, a run that
// succeeds, a run killed with SIGTERM, SIGINT or SIGKILL in the middle of a
// Python call — afterwards no process of the run is left.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { withTree } from '../helpers/files.ts';
import { repositoryRoot } from '../helpers/paths.ts';
import { MARK_VARIABLE, markedProcesses, newMark, waitForNone } from '../helpers/processes.ts';

const cli = join(repositoryRoot(), 'bin', 'tsbuildout.js');

/** A part whose code leaves a non-daemon thread spinning and a subprocess, then (optionally) waits in Python. */
function profile(wait: boolean): string {
  return [
    '[buildout]',
    'parts = spin',
    '[spin]',
    'recipe = slapos.recipe.build',
    'install =',
    '  import subprocess, threading',
    '  def spin():',
    '      while True: pass',
    '  threading.Thread(target=spin).start()',
    "  subprocess.Popen(['sleep', '600'])",
    '  os.makedirs(location)',
    `  open(os.path.join(location, 'started'), 'w').close()`,
    ...(wait ? ['  import time', '  time.sleep(600)'] : []),
    '',
  ].join('\n');
}

describe('the Python bridge ends with its run', () => {
  it('after a run that succeeds, though its code left a thread and a process running', async () => {
    await withTree({ 'buildout.cfg': profile(false) }, async (dir) => {
      const mark = newMark();
      const r = spawnSync(process.execPath, [cli, '-U', '--python', 'python3'], { cwd: dir, encoding: 'utf8', env: { ...process.env, [MARK_VARIABLE]: mark }, timeout: 60_000 });
      assert.equal(r.status, 0, r.stderr);
      assert.deepEqual(await waitForNone(mark, 3000), []);
    });
  });

  for (const signal of ['SIGTERM', 'SIGINT', 'SIGKILL'] as const) {
    it(`after a run killed with ${signal} during a Python call`, async () => {
      await withTree({ 'buildout.cfg': profile(true) }, async (dir) => {
        const mark = newMark();
        const child = spawn(process.execPath, [cli, '-U', '--python', 'python3'], { cwd: dir, stdio: 'ignore', env: { ...process.env, [MARK_VARIABLE]: mark } });
        const exited = new Promise((r) => child.on('exit', r));
        const started = join(dir, 'parts', 'spin', 'started');
        for (let i = 0; i < 600 && !existsSync(started); i++) await new Promise((r) => setTimeout(r, 50));
        assert.ok(existsSync(started), 'the code did not start');
        // the run, its bridge, the thread's spin and the sleep are all there
        assert.ok(markedProcesses(mark).length >= 3, JSON.stringify(markedProcesses(mark)));
        child.kill(signal);
        await exited;
        const left = await waitForNone(mark, 5000);
        for (const p of left) process.kill(p.pid, 'SIGKILL');
        assert.deepEqual(left, []);
      });
    });
  }
});
