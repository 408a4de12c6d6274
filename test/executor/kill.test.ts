// A run killed at any moment leaves a state from which the next run
// converges: every part installed, the record complete, and a further run
// changing nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readInstalled } from '../../executor/installed.ts';
import { withTree } from '../helpers/files.ts';
import { repositoryRoot } from '../helpers/paths.ts';

const cli = join(repositoryRoot(), 'bin', 'tsbuildout.js');
const PARTS = 8;

function profile(version: string): string {
  const lines = ['[buildout]', `parts = dirs ${Array.from({ length: PARTS }, (_, i) => `p${i}`).join(' ')}`, '[dirs]', 'recipe = slapos.cookbook:mkdirectory', 'out = ${buildout:directory}/out'];
  for (let i = 0; i < PARTS; i++) {
    lines.push(
      `[p${i}]`,
      'recipe = plone.recipe.command',
      'stop-on-error = true',
      `command = sleep 0.0${i % 3}; echo ${version}-${i} > \${dirs:out}/f${i}`,
      `location = \${dirs:out}/f${i}`,
      'update-command =',
    );
  }
  return lines.join('\n') + '\n';
}

function runCli(dir: string): { status: number | null; stdout: string; stderr: string } {
  return spawnSync(process.execPath, [cli, '-U', '--python', '/usr/bin/python3', '--env', 'python=3.11'], { cwd: dir, encoding: 'utf8' });
}

function killAfter(dir: string, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cli, '-U', '--python', '/usr/bin/python3', '--env', 'python=3.11'], { cwd: dir, stdio: 'ignore' });
    const t = setTimeout(() => child.kill('SIGKILL'), ms);
    child.on('exit', () => {
      clearTimeout(t);
      resolve();
    });
  });
}

test('runs killed at random moments converge on the next run', async () => {
  await withTree({ 'buildout.cfg': profile('v1') }, async (dir) => {
    // a deterministic spread of kill times over a run's life
    const delays = [40, 120, 200, 260, 320, 380, 450, 600];
    let version = 1;
    for (const ms of delays) {
      if (ms % 3 === 0) writeFileSync(join(dir, 'buildout.cfg'), profile(`v${++version}`));
      await killAfter(dir, ms);
      // whatever the moment, the record is readable
      if (existsSync(join(dir, '.installed.cfg'))) readInstalled(join(dir, '.installed.cfg'));
    }
    const finish = runCli(dir);
    assert.equal(finish.status, 0, finish.stderr);
    const state = readInstalled(join(dir, '.installed.cfg'));
    assert.deepEqual(state.parts, ['dirs', ...Array.from({ length: PARTS }, (_, i) => `p${i}`)]);
    for (let i = 0; i < PARTS; i++) assert.equal(readFileSync(join(dir, 'out', `f${i}`), 'utf8'), `v${version}-${i}\n`);
    const again = runCli(dir);
    assert.equal(again.status, 0, again.stderr);
    assert.doesNotMatch(again.stdout, /Installing|Uninstalling/);
  });
});
