import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BuildoutError } from '../../parser/diagnostic.ts';
import { wrapperText } from '../../recipes/lib/wrapper-script.ts';
import { withTree } from '../helpers/files.ts';
import { installedOptions, modeOf, mtimeOf, profile, read, run, writeProfile } from './run.ts';

const TEXTS: { name: string; spec: Parameters<typeof wrapperText>[0]; text: string }[] = [
  { name: 'plain', spec: { args: ['echo', 'hello', 'world'] }, text: '#!/bin/sh -e\nexec echo hello world "$@"\n' },
  { name: 'quoting', spec: { args: ['echo', 'esca', '$PE', '', "it's"] }, text: `#!/bin/sh -e\nexec echo esca '$PE' '' 'it'"'"'s' "$@"\n` },
  {
    name: 'environment, sorted',
    spec: { args: ['run'], env: new Map([['B', '2'], ['A', '1 x'], ['PATH', '/bin:/usr/bin']]) },
    text: "#!/bin/sh -e\nexport A='1 x'\nexport B=2\nexport PATH=/bin:/usr/bin\nexec run \"$@\"\n",
  },
  {
    name: '40-column folding',
    spec: { args: ['/bin/echo', 'aaaaaaaaaa', 'bbbbbbbbbb', 'cccccccccc', 'dddddddddd', 'eeee'] },
    text: '#!/bin/sh -e\nexec /bin/echo aaaaaaaaaa bbbbbbbbbb cccccccccc \\\n\tdddddddddd eeee "$@"\n',
  },
  {
    name: 'a long first argument',
    spec: { args: ['/srv/slapgrid/slappart0/software_release/bin/some-long-program-name', '--x'] },
    text: '#!/bin/sh -e\nexec /srv/slapgrid/slappart0/software_release/bin/some-long-program-name \\\n\t--x "$@"\n',
  },
  { name: 'sig-ign', spec: { args: ['x'], sigIgn: 'RTMIN+1' }, text: "#!/bin/sh -e\ntrap '' RTMIN+1\nexec x \"$@\"\n" },
];

for (const c of TEXTS) {
  test(`wrapper text: ${c.name}`, () => assert.equal(wrapperText(c.spec), c.text));
}

const section = (over: string) => `[w]\nrecipe = slapos.cookbook:wrapper\nwrapper-path = \${buildout:directory}/wrapper\n${over}\n`;

function exec(path: string, env?: NodeJS.ProcessEnv) {
  return spawnSync(path, [], { encoding: 'utf8', env: env ?? process.env });
}

test('wrapper: installs an executable that runs the command; a re-run rewrites nothing', async () => {
  await withTree({}, async (dir) => {
    writeProfile(dir, profile(['w'], section('command-line = echo hello world\nenvironment =\n  FOO = bar baz\n  EMPTY=')));
    const first = await run(dir);
    assert.deepEqual(first.report.installed, ['w']);
    const path = join(dir, 'wrapper');
    assert.equal(modeOf(path), 0o700);
    assert.equal(read(path), "#!/bin/sh -e\nexport EMPTY=''\nexport FOO='bar baz'\nexec echo hello world \"$@\"\n");
    assert.equal(exec(path).stdout, 'hello world\n');
    assert.equal(spawnSync(path, ['again'], { encoding: 'utf8' }).stdout, 'hello world again\n');
    const options = installedOptions(dir, 'w')!;
    assert.equal(options.get('__buildout_installed__'), path);
    assert.equal(options.get('_d'), join(dir, 'develop-eggs'));
    const before = mtimeOf(path);
    const second = await run(dir);
    assert.deepEqual(second.report, { uninstalled: [], installed: [], updated: ['w'] });
    assert.equal(mtimeOf(path), before);
  });
});

test('wrapper: environment reaches the command, quoting keeps $ literal', async () => {
  await withTree({}, async (dir) => {
    writeProfile(dir, profile(['w'], section('command-line = sh -c "echo $FOO; echo \'$PE\'"\nenvironment = FOO=bar')));
    await run(dir);
    assert.equal(exec(join(dir, 'wrapper'), { ...process.env, FOO: 'foo' }).stdout, 'bar\n$PE\n');
  });
});

test('wrapper: hash-files names the wrapper after the md5 of generated files', async () => {
  await withTree({}, async (dir) => {
    writeProfile(
      dir,
      profile(
        ['conf', 'w'],
        '[conf]\nrecipe = slapos.recipe.template\ninline = hello world\noutput = ${buildout:directory}/etc/hashed\n' +
          section('command-line = cat ${conf:output}\nhash-files = ${conf:output}'),
      ),
    );
    await run(dir);
    // md5(b'11\nhello world')
    const path = join(dir, 'wrapper-83af3240d992b2165abbd245a3e43368');
    assert.equal(exec(path).stdout, 'hello world');
    // a changed configuration renames the service
    writeProfile(dir, read(join(dir, 'buildout.cfg')).replace('inline = hello world', 'inline = hello there'));
    const { report } = await run(dir);
    assert.deepEqual(report.uninstalled.map((u) => u.part).sort(), ['conf', 'w']);
    assert.equal(existsSync(path), false);
    assert.ok(existsSync(join(dir, 'wrapper-' + md5('11\nhello there'))));
  });
});

function md5(s: string): string {
  return spawnSync('python3', ['-c', `import hashlib,sys; print(hashlib.md5(sys.argv[1].encode()).hexdigest())`, s], { encoding: 'utf8' }).stdout.trim();
}

test('wrapper: hash-files outside the buildout is refused; hash-existing-files is written back', async () => {
  await withTree({}, async (dir) => {
    const outside = join(dir, '..', `outside-${process.pid}`);
    writeFileSync(outside, 'x');
    try {
      writeProfile(dir, profile(['w'], section(`command-line = true\nhash-files = ${outside}`)));
      await assert.rejects(run(dir), /hash-files must only list files that are generated by buildout:\n  .*outside-/);
      writeProfile(dir, profile(['w'], section(`command-line = true\nhash-existing-files = ${outside}`)));
      await run(dir);
      const hash = md5('1\nx');
      assert.equal(installedOptions(dir, 'w')!.get('__hash_files__'), hash);
      assert.ok(existsSync(join(dir, `wrapper-${hash}`)));
      // the file changes: the part is reinstalled under the new name
      writeFileSync(outside, 'yy');
      const { report } = await run(dir);
      assert.deepEqual(report.installed, ['w']);
      assert.ok(existsSync(join(dir, `wrapper-${md5('2\nyy')}`)));
      assert.equal(existsSync(join(dir, `wrapper-${hash}`)), false);
    } finally {
      rmSync(outside, { force: true });
    }
  });
});

test('wrapper: update fails on an unstable wrapper path', async () => {
  await withTree({}, async (dir) => {
    writeProfile(dir, profile(['w'], section('command-line = true\nhash-files = ${buildout:directory}/f')));
    writeFileSync(join(dir, 'f'), 'a');
    await run(dir);
    writeFileSync(join(dir, 'f'), 'b');
    await assert.rejects(run(dir), (e: BuildoutError) => {
      assert.match(e.primary.message, /^unstable wrapper path \('.*\/wrapper-[0-9a-f]{32}'\)$/);
      return true;
    });
  });
});

test('wrapper: errors', async () => {
  const cases: [string, RegExp][] = [
    ['command-line = echo "unclosed', /command-line: No closing quotation/],
    ['command-line = true\nprivate-tmpfs =\n  10M', /failed to split '10M' into size and path/],
    ['command-line = true\nredirect-signal = HUP', /redirect-signal without redirecting any output makes no sense/],
    ['command-line = true\nsig-ign = usr 1', /sig-ign: invalid signal value/],
    ['wrapper-path = x', /Missing option: w:command-line/],
  ];
  for (const [over, error] of cases) {
    await withTree({}, async (dir) => {
      writeProfile(dir, profile(['w'], section(over)));
      await assert.rejects(run(dir), error);
    });
  }
});

test('wrapper: sig-ign is inherited by the command', async () => {
  await withTree({}, async (dir) => {
    writeProfile(dir, profile(['w'], section(`command-line = sh -c 'kill -USR1 $$; echo survived'\nsig-ign = USR1`)));
    await run(dir);
    const r = exec(join(dir, 'wrapper'));
    assert.equal(r.stdout, 'survived\n');
  });
});

test('wrapper: reserve-cpu appends the pid to ~/.slapos-cpu-exclusive', async () => {
  await withTree({}, async (dir) => {
    writeProfile(dir, profile(['w'], section(`command-line = /bin/sh -c 'test "$(cat $HOME/.slapos-cpu-exclusive)" = $$ && echo ok'\nreserve-cpu = true`)));
    await run(dir);
    const r = exec(join(dir, 'wrapper'), { ...process.env, HOME: dir });
    assert.equal(r.stdout, 'ok\n', r.stderr);
  });
});

test('wrapper: wait-for-files waits until every file exists', async () => {
  await withTree({}, async (dir) => {
    mkdirSync(join(dir, 'var'));
    writeProfile(dir, profile(['w'], section('command-line = /bin/echo done\nwait-for-files =\n  ${buildout:directory}/var/a\n  ${buildout:directory}/var/b')));
    await run(dir);
    const child = spawn(join(dir, 'wrapper'), [], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    await sleep(300);
    writeFileSync(join(dir, 'var', 'a'), '');
    await sleep(300);
    assert.equal(child.exitCode, null, 'still waiting for b');
    writeFileSync(join(dir, 'var', 'b'), '');
    assert.equal(await exited, 0);
    assert.equal(out, 'done\n');
  });
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('wrapper: pidfile makes the service a singleton, a stale pidfile is ignored', async () => {
  await withTree({}, async (dir) => {
    writeProfile(dir, profile(['w'], section('command-line = /bin/sleep 10\npidfile = ${buildout:directory}/hello.pid')));
    await run(dir);
    const pidfile = join(dir, 'hello.pid');
    writeFileSync(pidfile, '1234567');
    const child = spawn(join(dir, 'wrapper'), [], { stdio: 'ignore' });
    try {
      for (let i = 0; i < 50 && !(existsSync(pidfile) && readFileSync(pidfile, 'utf8').trim() === String(child.pid)); i++) await sleep(50);
      assert.equal(readFileSync(pidfile, 'utf8').trim(), String(child.pid));
      const second = spawnSync(join(dir, 'wrapper'), [], { encoding: 'utf8' });
      assert.equal(second.status, 1);
      assert.equal(second.stderr, `Already running with pid ${child.pid}.\n`);
    } finally {
      child.kill();
    }
  });
});

test('wrapper: the Python form (generic_exec) is 0755 with the buildout\'s Python; execv takes no PATH lookup, as the original', async () => {
  await withTree({}, async (dir) => {
    writeProfile(dir, profile(['w'], section('command-line = echo hi\nreserve-cpu = true')));
    await run(dir);
    assert.equal(modeOf(join(dir, 'wrapper')), 0o755);
    assert.match(read(join(dir, 'wrapper')), /^#!\/\S*python3\n/);
    const r = exec(join(dir, 'wrapper'), { ...process.env, HOME: dir });
    assert.equal(r.status, 1);
    assert.match(r.stderr, /FileNotFoundError/);
  });
});

test('wrapper: redirect-stdout/-stderr append both streams to the file, reopened on USR1 (which redirect-signal forwards), the exit status kept', async () => {
  await withTree({}, async (dir) => {
    // the forwarded signal is ignored in the command until it sets a handler (a shell cannot trap it): a Python command
    const code = `import os, signal, sys, time; signal.signal(signal.SIGHUP, lambda *a: print('got-hup', file=sys.stderr, flush=True)); print('one', flush=True); print('err', file=sys.stderr, flush=True)\n  while not os.path.exists('${dir}/go'): time.sleep(0.05)\n  print('two'); sys.exit(3)`;
    writeProfile(dir, profile(['w'], section(`command-line = /usr/bin/python3 -c "\${:code}"\ncode = ${code.replaceAll('$', '$$')}\nredirect-signal = HUP\nredirect-stdout = \${buildout:directory}/out.log\nredirect-stderr = \${:redirect-stdout}`)));
    await run(dir);
    writeFileSync(join(dir, 'out.log'), 'before\n');
    // its own process group, so that the finally below ends the command with it whatever happened
    const child = spawn(join(dir, 'wrapper'), [], { stdio: 'ignore', detached: true });
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    try {
      for (let i = 0; i < 600 && !read(join(dir, 'out.log')).includes('err'); i++) await sleep(50);
      assert.equal(read(join(dir, 'out.log')), 'before\none\nerr\n');
      rmSync(join(dir, 'out.log'));
      child.kill('SIGUSR1'); // log rotation: reopen, and HUP to the command
      for (let i = 0; i < 100 && !existsSync(join(dir, 'out.log')); i++) await sleep(50);
      writeFileSync(join(dir, 'go'), '');
      assert.equal(await Promise.race([exited, new Promise((r) => setTimeout(() => r('still running after 60 s'), 60_000).unref())]), 3);
      assert.equal(read(join(dir, 'out.log')), 'got-hup\ntwo\n');
    } finally {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // the group has exited
      }
    }
  });
});

test('wrapper: private-tmpfs mounts a tmpfs seen by the command only, or fails when run where user namespaces are refused', async () => {
  await withTree({}, async (dir) => {
    writeProfile(dir, profile(['w'], section('command-line = /bin/sh -c "stat -f -c %T $0/tmp; touch $0/tmp/x"\nprivate-tmpfs = 1M ${buildout:directory}/tmp')));
    await run(dir);
    const r = spawnSync(join(dir, 'wrapper'), [dir], { encoding: 'utf8' });
    const unshare = spawnSync('unshare', ['--user', '--mount', 'true']);
    if (unshare.status === 0) {
      assert.equal(r.status, 0, r.stderr);
      assert.equal(r.stdout, 'tmpfs\n');
      assert.ok(!existsSync(join(dir, 'tmp', 'x')), 'the file went to the private tmpfs');
    } else {
      assert.equal(r.status, 1);
      assert.match(r.stderr, /OSError|PermissionError/);
    }
  });
});
