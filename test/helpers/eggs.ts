// Eggs as find-links, an index or eggs-directory hold them, and a static
// HTTP server to serve them (the egg installer's tests, plan's, bench/eggs.ts).
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

const PYTHON = '/usr/bin/python3';

export function file(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
}

/** An unpacked egg, as find-links or eggs-directory may hold one. */
export function egg(dir: string, name: string, version: string, requires = ''): void {
  const base = join(dir, `${name}-${version}-py3.11.egg`);
  file(join(base, 'EGG-INFO', 'PKG-INFO'), `Metadata-Version: 1.0\nName: ${name}\nVersion: ${version}\n`);
  if (requires) file(join(base, 'EGG-INFO', 'requires.txt'), requires);
  file(join(base, name, '__init__.py'), `VERSION = ${JSON.stringify(version)}\n`);
}

/** Unpacked eggs of `dir` zipped in place, as an index serves them (`names`: their file names). */
export function zipEggs(dir: string, names: readonly string[]): void {
  for (const n of names) {
    const r = spawnSync('sh', ['-c', `cd '${join(dir, n)}' && ${PYTHON} -m zipfile -c ../${n}.zip . && cd .. && rm -r ${n} && mv ${n}.zip ${n}`]);
    assert.equal(r.status, 0, String(r.stderr));
  }
}

/**
 * A static HTTP server of `dir` in a child process (the installer's
 * downloads block this thread); `log`: a file where it writes the path of
 * each request, a line each, before it answers.
 */
export async function serveDirectory(dir: string, log?: string): Promise<{ url: string; stop: () => void }> {
  const logging = `
import functools, http.server, sys
class H(http.server.SimpleHTTPRequestHandler):
    def log_request(self, code='-', size='-'):
        with open(sys.argv[2], 'a') as f:
            f.write(self.path + '\\n')
http.server.test(HandlerClass=functools.partial(H, directory=sys.argv[1]), port=0, bind='127.0.0.1')
`;
  const argv = log ? ['-u', '-c', logging, dir, log] : ['-u', '-m', 'http.server', '0', '--bind', '127.0.0.1', '--directory', dir];
  const child = spawn(PYTHON, argv, { stdio: ['ignore', 'pipe', 'ignore'] });
  const port = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (b: Buffer) => {
      out += b.toString();
      const m = /port (\d+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    child.on('exit', () => reject(new Error('http.server ended')));
  });
  return { url: `http://127.0.0.1:${port}`, stop: () => child.kill('SIGKILL') };
}
