// Errors in Python code: the part, the option, the line of code, located
// in the profile; the traceback of the user's code only; .installed.cfg
// left consistent (zc.buildout's failure semantics,
// docs/buildout-run.md#failures-during-a-run).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { BuildoutError } from '../../parser/diagnostic.ts';
import { EXTRA_LINE_MARKER, formatBuildoutText, formatError } from '../../cli/report.ts';
import { withTree } from '../helpers/files.ts';
import { installedOptions, profile, run, writeProfile } from '../recipes/run.ts';
import { record } from './harness.ts';

const OK = '[ok]\nrecipe = slapos.recipe.build\ninstall =\n  import os\n  os.mkdir(location)\n\n';

function fails(check: (e: BuildoutError) => void) {
  return (e: BuildoutError) => {
    assert.equal(e.name, 'BuildoutError', String(e));
    check(e);
    return true;
  };
}

test('a syntax error in init: part, option, code line and its place in the profile; nothing installed', async () => {
  await withTree({}, async (dir) => {
    // line 1: [buildout] … line 10: [bad], 12: init =, 13: x = 1, 14: if x
    writeProfile(dir, profile(['ok', 'bad'], OK + '[bad]\nrecipe = slapos.recipe.build\ninit =\n  x = 1\n  if x\n      pass\n'));
    await assert.rejects(
      run(dir),
      fails((e) => {
        const d = e.primary;
        assert.match(d.message, /^\[bad\] init, line 2: SyntaxError: (expected ':'|invalid syntax)$/);
        assert.equal(d.span?.file, join(dir, 'buildout.cfg'));
        assert.equal(d.span?.line, 14);
        assert.equal(d.related?.[0]?.message, 'if x');
      }),
    );
    // a constructor failed: no part was installed
    assert.equal(existsSync(join(dir, '.installed.cfg')), false);
    assert.equal(existsSync(join(dir, 'parts', 'ok')), false);
  });
});

test('an exception in install: the traceback of the user code only, located; earlier parts stay recorded', async () => {
  await withTree({}, async (dir) => {
    // line 10: [bad], 12: install =, 13: import json, 14: def f(d):, 15: return …, 16: f(0)
    writeProfile(
      dir,
      profile(['ok', 'bad'], OK + '[bad]\nrecipe = slapos.recipe.build\ninstall =\n  import os, json\n  def f(d):\n      return json.loads(d)\n  os.mkdir(location)\n  f("{")\n'),
    );
    await assert.rejects(
      run(dir),
      fails((e) => {
        const d = e.primary;
        assert.match(d.message, /^\[bad\] install, line 3: json\.decoder\.JSONDecodeError: Expecting property name enclosed in double quotes: line 1 column 2 \(char 1\)$/);
        assert.equal(d.span?.line, 15);
        const tb = d.related!.map((r) => r.message);
        assert.equal(tb[0], 'Traceback (most recent call last):');
        assert.equal(tb[1], '[bad] install, line 5, in <module>: f("{")');
        assert.equal(d.related![1]!.span?.line, 17);
        assert.equal(tb[2], '[bad] install, line 3, in f: return json.loads(d)');
        assert.match(tb[3]!, /^in loads: /);
        assert.match(d.related![3]!.span!.file, /json\/__init__\.py$/);
        assert.ok(!tb.some((l) => /tsbuildout.bridge|tsbuildout_bridge/.test(l)), tb.join('\n'));
        // zc.buildout's install() has one __doing__: the part's step replaces 'Installing.'
        assert.deepEqual(d.chain, ['Installing bad.']);
        assert.match(formatError(d, dir), /^Error: buildout\.cfg:15:\d+: \[bad\] install, line 3: json\.decoder\.JSONDecodeError/);
      }),
    );
    assert.deepEqual(record(dir).parts, ['ok']);
    assert.equal(existsSync(join(dir, 'parts', 'bad')), false, 'the location of a failed install is removed');
    assert.equal(existsSync(join(dir, 'parts', 'ok')), true);
  });
});

test('an exception in update: the part is forgotten and its files removed, then installed afresh', async () => {
  await withTree({}, async (dir) => {
    const text = (fail: boolean) =>
      profile(['ok', 'p'], OK + `[p]\nrecipe = slapos.recipe.build\ninstall =\n  import os\n  os.mkdir(location)\nupdate =\n  raise ValueError(${fail ? "'update failed'" : "'x'"}) if ${fail ? 'True' : 'False'} else None\n`);
    writeProfile(dir, text(true));
    await run(dir);
    assert.ok(existsSync(join(dir, 'parts', 'p')));
    await assert.rejects(run(dir), /\[p\] update, line 1: ValueError: update failed/);
    assert.deepEqual(record(dir).parts, ['ok']);
    assert.equal(existsSync(join(dir, 'parts', 'p')), false);
    writeProfile(dir, text(false));
    const r = await run(dir);
    assert.deepEqual(r.report.installed, ['p']);
  });
});

test("a recipe that ends the process (os._exit) in update leaves the record as zc.buildout's ended process does; only tsbuildout's marked lines say why", async () => {
  await withTree({}, async (dir) => {
    const text = (fail: boolean) =>
      profile(['p', 'ok'], `[p]\nrecipe = slapos.recipe.build\ninstall =\n  import os\n  os.mkdir(location)\nupdate =\n  import os\n  os._exit(${fail ? 4 : 0}) if ${fail ? 'True' : 'False'} else None\n\n` + OK);
    writeProfile(dir, text(true));
    await run(dir);
    await assert.rejects(
      run(dir),
      fails((e) => {
        assert.equal(e.primary.exitCode, 4);
        assert.equal(formatBuildoutText(e.diagnostics).split('\n').filter((l) => !l.startsWith(EXTRA_LINE_MARKER)).join('\n'), '');
      }),
    );
    // the part and its files are kept (zc.buildout's except clause never ran)
    assert.deepEqual(record(dir).parts, ['p', 'ok']);
    assert.ok(existsSync(join(dir, 'parts', 'p')));
    writeProfile(dir, text(false));
    const r = await run(dir);
    // its recorded options are the old ones: uninstalled, installed again
    assert.deepEqual([r.report.uninstalled.map((u) => u.part), r.report.installed, r.report.updated], [['p'], ['p'], ['ok']]);
  });
});

test('UserError and missing options read like zc.buildout errors', async () => {
  await withTree({}, async (dir) => {
    writeProfile(dir, profile(['u'], "[u]\nrecipe = slapos.recipe.build\ninit =\n  from zc.buildout import UserError\n  raise UserError('the value is wrong')\n"));
    await assert.rejects(run(dir), fails((e) => assert.equal(e.primary.message, '[u] init, line 2: the value is wrong')));
    writeProfile(dir, profile(['u'], "[u]\nrecipe = slapos.recipe.build\ninit =\n  options['x'] = self.buildout['buildout']['nope']\n"));
    await assert.rejects(run(dir), fails((e) => assert.equal(e.primary.message, '[u] init, line 1: Missing option: buildout:nope')));
    writeProfile(dir, profile(['u'], "[u]\nrecipe = slapos.recipe.build\ninit =\n  options['x'] = self.buildout['nowhere']['x']\n"));
    await assert.rejects(run(dir), fails((e) => assert.equal(e.primary.message, "[u] init, line 1: The referenced section, 'nowhere', was not defined.")));
    // KeyError semantics hold: get() and `in` see no option
    writeProfile(dir, profile(['u'], "[u]\nrecipe = slapos.recipe.build\ninit =\n  options['x'] = repr((options.get('nope'), 'nope' in options, 'recipe' in options))\n"));
    await run(dir);
    assert.equal(installedOptions(dir, 'u')!.get('x'), '(None, False, True)');
  });
});

test('an error in a section that Python code reads is that section\'s error, with the chain', async () => {
  await withTree({}, async (dir) => {
    writeProfile(
      dir,
      profile(['a'], "[a]\nrecipe = slapos.recipe.build\ninit =\n  options['x'] = self.buildout['b']['y']\n[b]\nrecipe = slapos.recipe.build\ny = ${c:missing}\ninit =\n  pass\n[c]\n"),
    );
    await assert.rejects(
      run(dir),
      fails((e) => {
        assert.equal(e.primary.message, 'Referenced option does not exist: c missing');
        assert.ok(e.primary.chain!.some((c) => c.startsWith('Getting section b (listed in (Python code) by [a])')), e.primary.chain!.join('\n'));
      }),
    );
  });
});

test('a crash of the Python process is a clear error; the record stays consistent', async () => {
  await withTree({}, async (dir) => {
    writeProfile(dir, profile(['ok', 'crash'], OK + '[crash]\nrecipe = slapos.recipe.build\ninstall =\n  import os\n  os._exit(3)\n'));
    await assert.rejects(run(dir), /the Python bridge \(.*\) exited with code 3 during install/);
    assert.deepEqual(record(dir).parts, ['ok']);
  });
});

test('an interpreter that cannot run the bridge is named', async () => {
  await withTree({}, async (dir) => {
    writeProfile(dir, profile(['x'], "[x]\nrecipe = slapos.recipe.build\ninit = options['a'] = '1'\n"));
    await assert.rejects(run(dir, { executable: '/bin/false' }), /could not start the Python bridge with \/bin\/false: exited with code 1/);
    // a named interpreter that does not exist: python3 is used
    await run(dir, { executable: join(dir, 'no-such-python') });
    assert.equal(installedOptions(dir, 'x')!.get('a'), '1');
  });
});
