// fixtures/slapos/stub-server.mjs --argv: the generic stand-in daemon listens
// where the daemon's own command line says.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { freePort } from '../../slapos/node/config.ts';
import { repositoryRoot } from '../helpers/paths.ts';
import { withTree } from '../helpers/files.ts';

async function answers(argv: string[], url: string): Promise<string> {
  const child = spawn(process.execPath, [join(repositoryRoot(), 'fixtures', 'slapos', 'stub-server.mjs'), '--body', 'up', '--argv', ...argv], { stdio: 'ignore' });
  try {
    for (let i = 0; i < 100; i++) {
      try {
        return await (await fetch(url)).text();
      } catch {
        await new Promise((r) => setTimeout(r, 50));
      }
    }
    throw new Error(`nothing answered at ${url}`);
  } finally {
    child.kill();
  }
}

test('stub server --argv: --bind HOST --port N, --listen=HOST:PORT, -p N alone (every address), a URL argument', async () => {
  const [a, b, c, d] = [await freePort(), await freePort(), await freePort(), await freePort()];
  assert.equal(await answers(['--enable-cors', '--bind', '127.0.0.1', '--port', String(a), '/data'], `http://127.0.0.1:${a}/`), 'up\n');
  assert.equal(await answers([`--listen=127.0.0.1:${b}`, '-v'], `http://127.0.0.1:${b}/`), 'up\n');
  assert.equal(await answers(['serve', '-p', String(c)], `http://127.0.0.1:${c}/`), 'up\n');
  assert.equal(await answers(['--base-url', `http://127.0.0.1:${d}/app`], `http://127.0.0.1:${d}/`), 'up\n');
});

test('stub server --argv: the configuration file it is given (fluentd, sshd: `port N` and `bind H` / `ListenAddress H` lines; `listen = H:P`)', async () => {
  const [a, b, c] = [await freePort(), await freePort(), await freePort()];
  await withTree({ 'fluentd.conf': `<source>\n  @type forward\n  bind 127.0.0.1\n  port ${a}\n</source>\n`, 'sshd.conf': `Port ${b}\nListenAddress 127.0.0.1\nProtocol 2\n`, 'clammit.conf': `[application]\nlisten = 127.0.0.1:${c}\n` }, async (dir) => {
    assert.equal(await answers(['-v', '-c', join(dir, 'fluentd.conf')], `http://127.0.0.1:${a}/`), 'up\n');
    assert.equal(await answers(['-D', '-e', '-f', join(dir, 'sshd.conf')], `http://127.0.0.1:${b}/`), 'up\n');
    assert.equal(await answers(['-config', join(dir, 'clammit.conf')], `http://127.0.0.1:${c}/`), 'up\n');
  });
});
