import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { loadError, rawOf, withTree } from '../helpers/files.ts';
import { loadRaw } from '../../profile/load.ts';

const diamond = {
  'buildout.cfg': '[buildout]\nextends = base1.cfg base2.cfg\n[s]\np += top\n',
  'base1.cfg': '[buildout]\nextends = base3.cfg\n[s]\np += b1\n',
  'base2.cfg': '[buildout]\nextends = base3.cfg\n[s]\np += b2\n',
  'base3.cfg': '[s]\np = x\n',
};

test('diamond with += (docs/buildout-language.md#nested-extends): b1 is lost in zc.buildout 2.x/3.0 and ≥3.1', async () => {
  assert.equal((await rawOf(diamond, { semantics: 'buildout2' })).s!.p, 'x\nb2\ntop');
  assert.equal((await rawOf(diamond, { semantics: 'upstream' })).s!.p, 'x\nb2\ntop');
});

test('diamond with += in the SlapOS fork: base3 applies once, nothing is lost', async () => {
  assert.equal((await rawOf(diamond, { semantics: 'slapos' })).s!.p, 'x\nb1\nb2\ntop');
});

const nestedVsFlat = {
  'buildout.cfg': '[buildout]\nextends = a.cfg b.cfg\n',
  'a.cfg': '[s]\np = 1\n',
  'b.cfg': '[buildout]\nextends = c.cfg\n[s]\np += 2\n',
  'c.cfg': '[s]\nother = 1\n',
};

test('nested merging resolves += against the extending file own bases (docs/buildout-language.md#nested-extends)', async () => {
  assert.equal((await rawOf(nestedVsFlat, { semantics: 'buildout2' })).s!.p, '\n2');
  assert.equal((await rawOf(nestedVsFlat, { semantics: 'slapos' })).s!.p, '\n2');
  assert.equal((await rawOf(nestedVsFlat, { semantics: 'upstream' })).s!.p, '1\n2');
});

test('+= onto a missing option keeps an empty first line; -= works on lines, not words', async () => {
  const raw = await rawOf({
    'buildout.cfg': '[buildout]\nextends = base.cfg\n[s]\nnew += x\nwords -= b1 b2\nlines -= b1\n  b2\n',
    'base.cfg': '[s]\nwords = b1 b2 b3\nlines =\n  b1\n  b2\n  b3\n',
  });
  assert.deepEqual([raw.s!.new, raw.s!.words, raw.s!.lines], ['\nx', 'b1 b2 b3', 'b3']);
});

test('a new section keeps `k +` keys literally before 3.1.1; ≥3.1.1 normalises them', async () => {
  const files = { 'buildout.cfg': '[s]\nfoo += bar\nzz -= q\n' };
  assert.deepEqual((await rawOf(files, { semantics: 'buildout2' })).s, { 'foo +': 'bar', 'zz -': 'q' });
  assert.deepEqual((await rawOf(files, { semantics: 'upstream' })).s, { foo: 'bar', zz: '' });
});

test('≥3.1.1 cuts two characters of an unspaced operator key (`foo+=bar` gives `fo`)', async () => {
  assert.deepEqual((await rawOf({ 'buildout.cfg': '[s]\nfoo+=bar\n' }, { semantics: 'upstream' })).s, { fo: 'bar' });
});

test('command-line assignments: +=, new sections, and the larger value wins a repeated option', async () => {
  const raw = await rawOf(
    { 'buildout.cfg': '[buildout]\nparts = a\n[a]\nx = 1\n' },
    {
      assignments: [
        { section: 'buildout', option: 'parts+', value: 'b' },
        { section: 'new', option: 'k', value: 'v' },
        { section: 'a', option: 'x', value: '2' },
        { section: 'a', option: 'x', value: '10' },
      ],
    },
  );
  assert.equal(raw.buildout!.parts, 'a\nb');
  assert.deepEqual(raw.new, { k: 'v' });
  assert.equal(raw.a!.x, '2');
});

test('_profile_base_location_ is injected where ${:_profile_base_location_} is written (SlapOS)', async () => {
  await withTree(
    {
      'buildout.cfg': '[buildout]\nextends = sub/base.cfg\n[t]\npatches += ${:_profile_base_location_}/x.patch\n',
      'sub/base.cfg': '[t]\nurl = ${:_profile_base_location_}/t.in\n[u]\nplain = 1\n',
    },
    async (dir) => {
      const { assembled } = await loadRaw({ config: join(dir, 'buildout.cfg'), cwd: dir, userDefaults: false, executable: 'python3' });
      // the later file's literal overrides the location for the whole section
      assert.equal(assembled.raw.get('t')!.get('_profile_base_location_')!.value, dir);
      assert.equal(assembled.raw.get('u')!.has('_profile_base_location_'), false);
      const buildout2 = await loadRaw({ config: join(dir, 'buildout.cfg'), cwd: dir, userDefaults: false, executable: 'python3', semantics: 'buildout2' });
      assert.equal(buildout2.assembled.raw.get('t')!.has('_profile_base_location_'), false);
    },
  );
});

test('user defaults: under everything in 2.x, merged at the first leaf in 3.x (test_increment)', async () => {
  await withTree(
    {
      'home/.buildout/default.cfg': '[debug]\ndec = 1\n  2\ninc = 1\n',
      'buildout.cfg': '[debug]\ndec -= 2\ninc += 2\n',
    },
    async (dir) => {
      for (const semantics of ['buildout2', 'slapos', 'upstream'] as const) {
        const { assembled } = await loadRaw({
          config: join(dir, 'buildout.cfg'),
          cwd: dir,
          executable: 'python3',
          semantics,
          processEnv: { HOME: join(dir, 'home') },
        });
        const debug = assembled.raw.get('debug')!;
        assert.deepEqual([debug.get('dec')!.value, debug.get('inc')!.value], ['1', '1\n2'], semantics);
      }
    },
  );
});

test('-U skips the user defaults', async () => {
  const raw = await rawOf({ 'home/.buildout/default.cfg': '[x]\na = 1\n', 'buildout.cfg': '[buildout]\n' }, { userDefaults: false, processEnv: { HOME: 'home' } });
  assert.equal(raw.x, undefined);
});

test('eggs-directory is made absolute against the file that set it', async () => {
  await withTree({ 'buildout.cfg': '[buildout]\nextends = sub/base.cfg\n', 'sub/base.cfg': '[buildout]\neggs-directory = myeggs\n' }, async (dir) => {
    const { assembled } = await loadRaw({ config: join(dir, 'buildout.cfg'), cwd: dir, userDefaults: false, executable: 'python3' });
    assert.equal(assembled.raw.get('buildout')!.get('eggs-directory')!.value, join(dir, 'sub', 'myeggs'));
    assert.equal(assembled.raw.get('buildout')!.get('bin-directory')!.value, join(dir, 'bin'));
    assert.equal(assembled.annotated.get('buildout')!.get('bin-directory')!.value, 'bin');
  });
});

test('a recursive include is an error with the include path', async () => {
  const { error } = await loadError({ 'buildout.cfg': '[buildout]\nextends = a.cfg\n', 'a.cfg': '[buildout]\nextends = buildout.cfg\n' });
  assert.equal(error.primary.rule, 'extends-cycle');
  assert.match(error.primary.message, /Recursive file include: .*buildout\.cfg -> .*a\.cfg -> .*buildout\.cfg/);
  assert.equal(error.primary.span!.line, 2);
  assert.match(error.primary.span!.file, /a\.cfg$/);
});

test('a missing extends file is named with the file and place that extends it', async () => {
  const { error } = await loadError({ 'buildout.cfg': '[buildout]\nextends = a.cfg\n', 'a.cfg': '[buildout]\nextends =\n  ok.cfg\n  missing.cfg\n', 'ok.cfg': '' });
  assert.equal(error.primary.rule, 'missing-extends');
  assert.match(error.primary.message, /missing\.cfg not found/);
  assert.deepEqual([error.primary.span!.line, error.primary.span!.column], [4, 3]);
  assert.match(error.primary.chain![0]!, /extended by .*buildout\.cfg:2:11/);
});

test('no substitution in extends: the name is taken literally', async () => {
  const { error } = await loadError({ 'buildout.cfg': '[buildout]\nextends = ${buildout:directory}/x.cfg\n' });
  assert.match(error.primary.message, /\$\{buildout:directory\}\/x\.cfg not found/);
});

test('a syntax error in an extended file is located', async () => {
  const { error } = await loadError({ 'buildout.cfg': '[buildout]\nextends = a.cfg\n', 'a.cfg': '[s]\nkey: value\n' });
  assert.equal(error.primary.rule, 'syntax');
  assert.deepEqual([error.primary.span!.line, error.primary.span!.column], [2, 1]);
});

test('a binary file is refused with its location', async () => {
  await withTree({}, async (dir) => {
    const { writeFileSync } = await import('node:fs');
    writeFileSync(join(dir, 'buildout.cfg'), Buffer.from([0x5b, 0x73, 0x5d, 0x0a, 0x89, 0x50, 0x4e, 0x47]));
    await assert.rejects(loadRaw({ config: join(dir, 'buildout.cfg'), cwd: dir, userDefaults: false, executable: 'python3' }), (e: import('../../parser/diagnostic.ts').BuildoutError) => {
      assert.match(e.primary.message, /not UTF-8 text/);
      assert.deepEqual([e.primary.span!.line, e.primary.span!.column], [2, 1]);
      return true;
    });
  });
});

test('boolean options accept only lowercase true and false', async () => {
  const { error } = await loadError({ 'buildout.cfg': '[buildout]\nnewest = True\n' });
  assert.equal(error.primary.message, "Invalid value for 'newest' option: 'True'");
});

test('extended-by is refused', async () => {
  const { error } = await loadError({ 'buildout.cfg': '[buildout]\nextended-by = x.cfg\n' });
  assert.match(error.primary.message, /No-longer supported "extended-by" option found in .*buildout\.cfg\./);
});
