// recipes/lib/process-guard.ts: a guarded group ends with its command's
// timeout, and killGuardedGroups ends every group still guarded (what a
// signal handler calls before it cleans up), what the command started too.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { killGuardedGroups, runGuarded } from '../../recipes/lib/process-guard.ts';

// running: a zombie (killed, not yet reaped by whoever adopted it) does not count
const alive = (pid: number) => {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
};

test('killGuardedGroups ends every running guarded group, grandchildren included; a finished run is not touched', async () => {
  const done = await runGuarded('/bin/sh', ['-c', 'echo ok'], { timeoutMs: 10_000 });
  assert.equal(done.code, 0);
  // each command starts a grandchild in the background and prints its pid
  const runs = [1, 2].map(() => runGuarded('/bin/sh', ['-c', 'sleep 300 & echo $!; wait'], { timeoutMs: 60_000 }));
  const pids: number[] = [];
  // wait until both have printed (they run for five minutes unless killed)
  await new Promise((r) => setTimeout(r, 500));
  const started = Date.now();
  killGuardedGroups();
  const ended = await Promise.all(runs);
  assert.ok(Date.now() - started < 10_000, 'the groups end at once');
  for (const r of ended) {
    assert.equal(r.code, null, 'killed by a signal');
    assert.equal(r.timedOut, false);
    const pid = Number(r.output.trim());
    if (pid) pids.push(pid);
  }
  assert.equal(pids.length, 2, 'both printed their grandchild');
  await new Promise((r) => setTimeout(r, 200));
  for (const pid of pids) assert.equal(alive(pid), false, `grandchild ${pid} ended with its group`);
});
