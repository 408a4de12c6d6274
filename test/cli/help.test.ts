// Every command has its own --help: its usage, options and exit status.
// The texts and the argument forms are checked in process (49 CLI calls
// took half a minute); a few whole calls check that main prints them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { parseArgs } from '../../cli/args.ts';
import { commandHelp, HELP } from '../../cli/help.ts';
import { repositoryRoot } from '../helpers/paths.ts';

const cli = join(repositoryRoot(), 'bin', 'tsbuildout.js');
const COMMANDS = ['install', 'bootstrap', 'annotate', 'query', 'resolve', 'render-template', 'lint', 'plan', 'graph', 'why', 'explain', 'diff', 'master', 'request', 'show', 'node'];

test("tsbuildout COMMAND --help: the command's usage, options and exit status", () => {
  for (const command of COMMANDS) {
    const text = commandHelp(command);
    assert.ok(text, command);
    assert.match(text, new RegExp(`^Usage: tsbuildout .*${command === 'install' ? '\\[install\\]' : command}`), command);
    assert.match(text, /\nExit status:\n {2}0 /, command);
    assert.notEqual(text, HELP, command);
    // --help and -h after the command ask for its help
    for (const flag of ['--help', '-h']) {
      const args = parseArgs([command, flag]);
      assert.ok(args.help && args.commandGiven && args.command === command, `${command} ${flag}`);
    }
  }
  // every command the global help lists has its own
  const listed = [...HELP.matchAll(/^ {2}([a-z][a-z-]*) /gm)].map((m) => m[1]!);
  assert.ok(listed.length >= COMMANDS.length, listed.join(' '));
  assert.deepEqual(listed.filter((c) => !COMMANDS.includes(c)), []);
});

test('the command line prints them: COMMAND --help, COMMAND -h, help COMMAND, --help', () => {
  for (const args of [['node', '--help'], ['lint', '-h'], ['help', 'master'], ['--help']]) {
    const r = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8' });
    assert.equal(r.status, 0, `${args.join(' ')}: ${r.stderr}`);
    const command = args.length === 1 ? undefined : args[0] === 'help' ? args[1]! : args[0]!;
    assert.equal(r.stdout, (command ? commandHelp(command)! : HELP).replace(/\n?$/, '\n'), args.join(' '));
  }
});
