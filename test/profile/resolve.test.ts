import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { loadError, resolvedOf, withTree } from '../helpers/files.ts';
import { loadBuildout } from '../../profile/load.ts';

const values = async (files: Record<string, string>, section: string, semantics?: 'slapos' | 'buildout2' | 'upstream') =>
  (await resolvedOf(files, semantics ? { semantics } : {})).sections[section] as Record<string, string>;

test('install order follows initialisation (docs/buildout-run.md#selecting-and-ordering-parts example)', async () => {
  const r = await resolvedOf({
    'buildout.cfg': [
      '[buildout]', 'parts = z y', 'x = ${p:v}',
      '[y]', 'recipe = r', 'a = ${q:v}', 'b = ${r:v}', '=> s',
      '[q]', 'recipe = r', 'v = ${r:v}',
      '[p]', 'recipe = r', 'v = 1',
      '[z]', 'recipe = r',
      '[r]', 'recipe = r', 'v = 2',
      '[s]', 'recipe = r',
      '',
    ].join('\n'),
  });
  assert.deepEqual(r.parts, ['p', 'z', 'r', 'q', 's', 'y']);
});

test('a part listed twice is installed once; an empty recipe is not a part', async () => {
  const r = await resolvedOf({ 'buildout.cfg': '[buildout]\nparts = a a b\n[a]\nrecipe = r\n[b]\nrecipe =\n' });
  assert.deepEqual(r.parts, ['a']);
});

test('macros: += and -= of the user apply to the macro value (docs/buildout-language.md#macros)', async () => {
  const s = await values({ 'buildout.cfg': '[part1]\noption = a1\n    a2\n[part2]\n<= part1\noption -= a1\noption += c3 c4\n' }, 'part2');
  assert.equal(s.option, 'a2\nc3 c4');
});

test('macros: several on separate lines, later ones win, references evaluated in the user', async () => {
  const s = await values(
    { 'buildout.cfg': '[m1]\na = 1\nb = ${:name}\n[m2]\na = 2\n[u]\n<= m1\n   m2\nname = user\n' },
    'u',
  );
  assert.deepEqual(s, { a: '2', b: 'user', name: 'user' });
});

test('macros: the cross-file += trap (docs/buildout-language.md#macros, item 9)', async () => {
  const s = await values(
    {
      'buildout.cfg': '[buildout]\nextends = base.cfg\n[derived]\nopt += top-added\n',
      'base.cfg': '[m1]\nopt = a\n  b\n[derived]\n<= m1\nopt += base-added\n',
    },
    'derived',
    'buildout2',
  );
  assert.equal(s.opt, '\ntop-added\nbase-added');
});

test('macro errors: several names on one line, a loop', async () => {
  const r = await resolvedOf({ 'buildout.cfg': '[m1]\n[m2]\n[u]\n<= m1 m2\n[l1]\n<= l2\n[l2]\n<= l1\n' });
  assert.equal((r.sections.u as { __error__: string }).__error__, "No section named 'm1 m2'");
  assert.equal((r.sections.l1 as { __error__: string }).__error__, "Infinite extending loop 'l1'");
});

test('_buildout_section_name_ names the section doing the substitution', async () => {
  assert.equal((await values({ 'buildout.cfg': '[s]\n[n]\nv = ${s:_buildout_section_name_}\n' }, 'n')).v, 'n');
});

test('references: shortest match, unterminated text is literal', async () => {
  const s = await values({ 'buildout.cfg': '[a]\nb = B\n[t]\nx = ${a:b}}\ny = ${foo\n' }, 't');
  assert.deepEqual(s, { x: 'B}', y: '${foo' });
});

test('$${ is kept by zc.buildout and unescaped by the SlapOS fork', async () => {
  const files = { 'buildout.cfg': '[s]\nb = B\n[t]\na = 1$${s:b}2\nc = ${:a}\nd = $$ ${:e} $\ne = E\n' };
  assert.deepEqual(await values(files, 't', 'buildout2'), { a: '1$${s:b}2', c: '1$${s:b}2', d: '$$ E $', e: 'E' });
  assert.deepEqual(await values(files, 't', 'slapos'), { a: '1${s:b}2', c: '1${s:b}2', d: '$$ E $', e: 'E' });
});

test('substitution errors are zc.buildout\'s, with the reference located', async () => {
  const r = await resolvedOf({ 'buildout.cfg': '[a]\nx = ${nocolon}\n[b]\nx = ${a:b:c}\n[c]\nx = ${a b/:c}\n[d]\nx = ${:}\n[e]\nx = ${x:${y:z}}\n' });
  const err = (s: string) => (r.sections[s] as { __error__: string }).__error__;
  assert.equal(err('a'), "The substitution, ${nocolon},\ndoesn't contain a colon.");
  assert.equal(err('b'), 'The substitution, ${a:b:c},\nhas too many colons.');
  assert.equal(err('c'), 'The section name in substitution, ${a b/:c},\nhas invalid characters.');
  assert.equal(err('d'), 'The section name in substitution, ${:},\nhas invalid characters.');
  assert.equal(err('e'), 'The substitution, ${x:${y:z},\nhas too many colons.');
});

test('missing section and option: buildout\'s message, located, with did-you-mean', async () => {
  await withTree({ 'buildout.cfg': '[buildout]\nparts = p\n[p]\nrecipe = r\nv = 1 ${sectoin:x}\nw = ${section:xx}\n[section]\nx = 1\n' }, async (dir) => {
    const { buildout } = await loadBuildout({ config: join(dir, 'buildout.cfg'), cwd: dir, userDefaults: false, executable: 'python3' });
    assert.throws(() => buildout.evaluateParts(), (e: import('../../parser/diagnostic.ts').BuildoutError) => {
      const d = e.primary;
      assert.equal(d.message, "The referenced section, 'sectoin', was not defined.");
      assert.deepEqual([d.span!.line, d.span!.column, d.span!.endColumn], [5, 7, 19]);
      assert.match(d.hint!, /did you mean 'section'/);
      assert.ok(d.chain!.some((c) => /Getting section p \(listed in parts by \[buildout\]\)/.test(c)));
      return true;
    });
  });
});

test('a circular reference prints the cycle as a path', async () => {
  const r = await resolvedOf({ 'buildout.cfg': '[buildout]\nparts = p\n[p]\nrecipe = r\na = ${cyc:a}\n[cyc]\na = ${:b}\nb = ${:a}\n[self]\na = ${:a}\n' });
  assert.match(r.parts_error!, /^Circular reference in substitutions\.\n$/);
  const { error } = await loadError({ 'buildout.cfg': '[buildout]\nx = ${cyc:a}\n[cyc]\na = ${:b}\nb = ${:a}\n' });
  assert.equal(error.primary.message, 'Circular reference in substitutions: ${cyc:a} -> ${cyc:b} -> ${cyc:a}');
});

test('an unused section with a broken reference is not evaluated unless asked', async () => {
  const r = await resolvedOf({ 'buildout.cfg': '[buildout]\nparts =\n[unused]\nbad = ${nope:nope}\n' });
  assert.deepEqual(r.parts, []);
  assert.equal((r.sections.unused as { __error__: string }).__error__, "The referenced section, 'nope', was not defined.");
});

test('standard directories are absolute in resolved values', async () => {
  const r = await resolvedOf({ 'buildout.cfg': '[buildout]\nparts =\nbin-directory = sbin\n' });
  const b = r.sections.buildout as Record<string, string>;
  assert.ok(b['bin-directory']!.endsWith('/sbin'));
  assert.ok(b.installed!.endsWith('/.installed.cfg'));
});
