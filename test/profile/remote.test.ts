// Remote extends over HTTP, served by a local server.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { md5hex } from '../../profile/download.ts';
import { loadError, rawOf, withTree } from '../helpers/files.ts';
import { loadRaw } from '../../profile/load.ts';
import type { BuildoutError } from '../../parser/diagnostic.ts';

async function serve(files: Record<string, string>, f: (base: string, hits: string[]) => Promise<void>): Promise<void> {
  const hits: string[] = [];
  const server: Server = createServer((req, res) => {
    hits.push(req.url!);
    const body = files[req.url!];
    if (body === undefined) {
      res.writeHead(404, 'Not Found');
      res.end();
    } else {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end(body);
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    await f(base, hits);
  } finally {
    await new Promise((r) => server.close(r));
  }
}

test('URL extends, and relative extends from a remote file', async () => {
  await serve(
    {
      '/dir/base.cfg': '[buildout]\nextends = ../common/c.cfg other.cfg\n[s]\nfrom-base = 1\n',
      '/common/c.cfg': '[s]\nfrom-common = 1\n',
      '/dir/other.cfg': '[s]\nfrom-other = ${:_profile_base_location_}\n',
    },
    async (base) => {
      const raw = await rawOf({ 'buildout.cfg': `[buildout]\nextends = ${base}/dir/base.cfg\n` });
      assert.deepEqual(raw.s, { 'from-common': '1', 'from-other': '${:_profile_base_location_}', 'from-base': '1', _profile_base_location_: `${base}/dir` });
    },
  );
});

test('an unreachable URL is an error naming the file that extends it', async () => {
  await serve({}, async (base) => {
    const { error } = await loadError({ 'buildout.cfg': '[buildout]\nextends = a.cfg\n', 'a.cfg': `[buildout]\nextends =\n  ${base}/missing.cfg\n` });
    const d = (error as BuildoutError).primary;
    assert.equal(d.rule, 'unreachable-extends');
    assert.match(d.message, /Error downloading extends for URL .*\/missing\.cfg: HTTP Error 404/);
    assert.match(d.span!.file, /a\.cfg$/);
    assert.deepEqual([d.span!.line, d.span!.column], [3, 3]);
  });
});

test('offline, a URL not in the cache is refused; extends-cache serves and keeps copies', async () => {
  await serve({ '/b.cfg': '[s]\nx = remote\n' }, async (base, hits) => {
    const url = `${base}/b.cfg`;
    await withTree({ 'buildout.cfg': `[buildout]\nextends = ${url}\n`, 'cache/.keep': '' }, async (dir) => {
      const opts = { config: join(dir, 'buildout.cfg'), cwd: dir, userDefaults: false, executable: 'python3' };
      await assert.rejects(loadRaw({ ...opts, assignments: [{ section: 'buildout', option: 'offline', value: 'true' }] }), (e: BuildoutError) => {
        assert.equal(e.primary.message, `Couldn't download '${url}' in offline mode.`);
        return true;
      });
      // online with a cache: downloaded and kept under the MD5 of the URL
      const withCache = [{ section: 'buildout', option: 'extends-cache', value: 'cache' }];
      const online = await loadRaw({ ...opts, assignments: withCache });
      assert.equal(online.assembled.raw.get('s')!.get('x')!.value, 'remote');
      const cached = join(dir, 'cache', md5hex(url));
      assert.equal(readFileSync(cached, 'utf8'), '[s]\nx = remote\n');
      // offline: the cached copy is used, the server is not asked
      writeFileSync(cached, '[s]\nx = cached\n');
      const before = hits.length;
      const offline = await loadRaw({ ...opts, assignments: [...withCache, { section: 'buildout', option: 'offline', value: 'true' }] });
      assert.equal(offline.assembled.raw.get('s')!.get('x')!.value, 'cached');
      assert.equal(hits.length, before);
    });
  });
});

test('a missing extends-cache directory is an error', async () => {
  await withTree({ 'buildout.cfg': '[buildout]\nextends = http://127.0.0.1:9/x.cfg\nextends-cache = nope\n' }, async (dir) => {
    mkdirSync(join(dir, 'unused'));
    await assert.rejects(loadRaw({ config: join(dir, 'buildout.cfg'), cwd: dir, userDefaults: false, executable: 'python3' }), (e: BuildoutError) => {
      assert.match(e.primary.message, /to be used as a download cache doesn't exist/);
      return true;
    });
    assert.equal(existsSync(join(dir, 'nope')), false);
  });
});

test("a remote file that does not parse is named with the local copy it was read from, as zc.buildout's configparser error", async () => {
  const faulty = 'This is definitively not\na proper() config file.\n';
  await serve({ '/faulty.cfg': faulty, '/junk.cfg': '[s]\nfoo\n  bar\n' }, async (base) => {
    await withTree({ 'cache/.keep': '', 'tmp/.keep': '' }, async (dir) => {
      const opts = { config: join(dir, 'buildout.cfg'), cwd: dir, userDefaults: false, executable: 'python3' };
      const tmp = process.env.TMPDIR;
      process.env.TMPDIR = join(dir, 'tmp');
      try {
        // no cache: the bytes are left in a temporary file, as zc.buildout's download leaves it
        writeFileSync(opts.config, `[buildout]\nextends = ${base}/faulty.cfg\n`);
        await assert.rejects(loadRaw(opts), (e: BuildoutError) => {
          const m = /^File contains no section headers\.\nfile: (\S+) \(downloaded as (\S+)\), line: 1\n'This is definitively not\\n'$/.exec(e.primary.buildoutMessage ?? '');
          assert.ok(m, e.primary.buildoutMessage);
          assert.equal(m[1], `${base}/faulty.cfg`);
          assert.match(m[2]!, new RegExp(`^${join(dir, 'tmp')}/buildout-`));
          assert.equal(readFileSync(m[2]!, 'utf8'), faulty);
          return true;
        });
        // with a cache: its copy; every bad line listed, as configparser.py's ParsingError
        writeFileSync(opts.config, `[buildout]\nextends = ${base}/junk.cfg\nextends-cache = cache\n`);
        await assert.rejects(loadRaw(opts), (e: BuildoutError) => {
          assert.equal(
            e.primary.buildoutMessage,
            `File contains parsing errors: ${base}/junk.cfg (downloaded as ${join(dir, 'cache', md5hex(`${base}/junk.cfg`))})\n\t[line  2]: 'foo\\n'\n\t[line  3]: '  bar\\n'`,
          );
          return true;
        });
      } finally {
        if (tmp === undefined) delete process.env.TMPDIR;
        else process.env.TMPDIR = tmp;
      }
    });
  });
});
