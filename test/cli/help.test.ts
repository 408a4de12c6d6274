// Every command has its own --help: its usage, options and exit status.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { repositoryRoot } from '../helpers/paths.ts';

const cli = join(repositoryRoot(), 'bin', 'tsbuildout.js');
const COMMANDS = ['install', 'bootstrap', 'annotate', 'query', 'resolve', 'render-template', 'lint', 'plan', 'graph', 'why', 'explain', 'diff', 'master', 'request', 'show', 'node'];

test('tsbuildout COMMAND --help: the command\'s usage, options and exit status', () => {
  const global = spawnSync(process.execPath, [cli, '--help'], { encoding: 'utf8' });
  assert.equal(global.status, 0);
  for (const command of COMMANDS) {
    for (const args of [[command, '--help'], [command, '-h'], ['help', command]]) {
      const r = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8' });
      assert.equal(r.status, 0, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stdout, new RegExp(`^Usage: tsbuildout .*${command === 'install' ? '\\[install\\]' : command}`), args.join(' '));
      assert.match(r.stdout, /\nExit status:\n {2}0 /, args.join(' '));
      assert.notEqual(r.stdout, global.stdout, args.join(' '));
    }
  }
  // every command the global help lists has its own
  const listed = [...global.stdout.matchAll(/^ {2}([a-z][a-z-]*) /gm)].map((m) => m[1]!);
  assert.ok(listed.length >= COMMANDS.length, listed.join(' '));
  assert.deepEqual(listed.filter((c) => !COMMANDS.includes(c)), []);
});
