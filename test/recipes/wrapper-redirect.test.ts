// slapos.cookbook:wrapper's redirect-stdout/-stderr/-signal (generic_exec's
// redirect): the output appended to files, reopened on the ignored signal
// (log rotation), the redirect signal sent to the command.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { withTree } from '../helpers/files.ts';
import { read, run } from './run.ts';

const until = async (f: () => boolean) => {
  for (let i = 0; i < 200 && !f(); i++) await new Promise((r) => setTimeout(r, 50));
  assert.ok(f());
};

test('wrapper redirect: output into files, reopened on USR1, redirect-signal forwarded; the exit status is the command\'s', { timeout: 60_000 }, async () => {
  // the command (Python: a shell cannot trap a signal ignored on entry, which the redirect signal is until the command sets
  // a handler): writes on both outputs, says got-hup on HUP, exits 3 once the file stop exists
  const command = `import os, signal, sys, time
signal.signal(signal.SIGHUP, lambda *_: print('got-hup', flush=True))
print('out1', flush=True)
print('err1', file=sys.stderr, flush=True)
while not os.path.exists('stop'):
  time.sleep(0.05)
sys.exit(3)
`;
  await withTree({ 'cmd.py': command }, async (dir) => {
    writeFileSync(
      join(dir, 'buildout.cfg'),
      `[buildout]\nparts = w\n\n[w]\nrecipe = slapos.cookbook:wrapper\nwrapper-path = \${buildout:directory}/wrapper\ncommand-line = /usr/bin/python3 ${dir}/cmd.py\nredirect-signal = HUP\nredirect-stdout = ${dir}/out.log\nredirect-stderr = ${dir}/err.log\n`,
    );
    await run(dir);
    assert.match(read(join(dir, 'wrapper')), /^#!\/bin\/sh -e\ntrap '' USR1\n# tsbuildout: slapos.cookbook's generic_exec redirection, run by Python\nexec /);
    const p = spawn(join(dir, 'wrapper'), [], { stdio: 'ignore', cwd: dir, detached: true });
    const exited = new Promise<number | null>((r) => p.on('exit', (code) => r(code)));
    try {
    const log = (f: string) => (existsSync(join(dir, f)) ? readFileSync(join(dir, f), 'utf8') : '');
    await until(() => log('out.log') === 'out1\n' && log('err.log') === 'err1\n');
    renameSync(join(dir, 'out.log'), join(dir, 'out.log.1'));
    p.kill('SIGUSR1');
    await until(() => log('out.log') === 'got-hup\n');
    assert.equal(log('out.log.1'), 'out1\n');
    writeFileSync(join(dir, 'stop'), '');
    assert.equal(await exited, 3);
    } finally {
      try {
        process.kill(-p.pid!, 'SIGKILL');
      } catch {
        // ended
      }
    }
  });
});
