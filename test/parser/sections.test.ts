import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dict, read } from '../helpers/parse.ts';

test('comments only in column 0; indented # is data (docs/buildout-language.md#comments)', () => {
  assert.deepEqual(dict('[s]\na = x\n  # c\n  y\n# real comment\n  z\n'), { s: { a: 'x\n# c\ny\nz' } });
});

test('no inline comments on option lines', () => {
  assert.deepEqual(dict('[s]\na = b # c\nd = e ; f\n'), { s: { a: 'b # c', d: 'e ; f' } });
});

test('operators are kept in the key as written', () => {
  assert.deepEqual(dict('[s]\nb    += 1\ny +=2\nx+=1\nz-=3\nq ==1\n'), {
    s: { 'b    +': '1', 'y +': '2', 'x+': '1', 'z-': '3', q: '=1' },
  });
});

test('normal mode strips continuation lines and drops blank ones (docs/buildout-language.md#values-and-whitespace)', () => {
  assert.deepEqual(dict('[s]\nbaz = a\n      b\n\n      c\n'), { s: { baz: 'a\nb\nc' } });
});

test('block mode keeps relative indentation and inner blank lines', () => {
  assert.deepEqual(dict('[s]\nbaz =\n\n  a\n    b\n\n  c\n'), { s: { baz: 'a\n  b\n\nc' } });
});

test('block mode: tabs are indentation characters', () => {
  assert.deepEqual(dict('[s]\nv =\n\tx\n\t  y\n'), { s: { v: 'x\n  y' } });
});

test('empty value with no continuation is the empty string', () => {
  assert.deepEqual(dict('[s]\nv =\nw = 1\n'), { s: { v: '', w: '1' } });
});

test('CR LF and lone CR line endings behave like LF', () => {
  assert.deepEqual(dict('[s]\r\na = 1\r\n  2\r\nb = 3\rc = 4\r'), { s: { a: '1\n2', b: '3', c: '4' } });
});

test('=> is <part-dependencies>', () => {
  assert.deepEqual(dict('[s]\n=> a b\n  c\n'), { s: { '<part-dependencies>': 'a b\nc' } });
});

test('<= is the option <', () => {
  assert.deepEqual(dict('[s]\n<= base\n'), { s: { '<': 'base' } });
});

test('header forms: spaces, odd characters, trailing comments with brackets', () => {
  assert.deepEqual(dict('[  s  ]\na = 1\n[a.b-c_d/e@f$g%h] # x [y]\nb = 2\n[t] ; c\n'), {
    s: { a: '1' },
    'a.b-c_d/e@f$g%h': { b: '2' },
    t: {},
  });
});

test('a reopened section accumulates; a repeated key overwrites (2.x/3.0.x)', () => {
  assert.deepEqual(dict('[s]\na = 1\nb = 1\n[t]\n[s]\na = 2\n'), { s: { a: '2', b: '1' }, t: {} });
});

test('3.0.x: += then = keeps both keys', () => {
  assert.deepEqual(dict('[s]\na += x\na = y\n'), { s: { 'a +': 'x', a: 'y' } });
});

test('≥3.1.1 (accumulate): issue 656 example', () => {
  const text = '[section]\ne +=\n  a\n[section:True]\ne +=\n  d\nd +=\n  a\n[section:True]\nd =\n  x\n';
  assert.deepEqual(dict(text, { repeatedKeys: 'accumulate' }), { section: { 'e +': 'a\nd', d: 'x' } });
});

test('false condition skips every line up to the next header', () => {
  assert.deepEqual(dict('[s]\na = 1\n[s:False]\na = 2\n  more\nb = 3\n[t]\nc = 4\n'), { s: { a: '1' }, t: { c: '4' } });
});

test('continuation lines after a false header do not reach the option before it', () => {
  assert.deepEqual(dict('[s]\na = 1\n[x:False]\n  junk-looking\n[t]\n'), { s: { a: '1' }, t: {} });
});

test('an empty condition [s:] is an ordinary section', () => {
  assert.deepEqual(dict('[s:]\na = 1\n'), { s: { a: '1' } });
});

test('first header false: the next option is "no section headers" (zc.buildout bug)', () => {
  const r = read('[s:False]\na = 1\n');
  assert.equal(r.errors.length, 1);
  assert.match(r.errors[0]!.message, /no section headers/);
  assert.equal(r.errors[0]!.span!.line, 2);
});

test('content before the first header', () => {
  const r = read('\n\na = 1\n[s]\n');
  assert.match(r.errors[0]!.message, /no section headers/);
  assert.equal(r.errors[0]!.span!.line, 3);
  // configparser.py MissingSectionHeaderError's text
  assert.equal(r.errors[0]!.buildoutMessage, "File contains no section headers.\nfile: test.cfg, line: 3\n'a = 1\\n'");
});

test('every bad line is reported in one pass, with its location', () => {
  const r = read('[s]\na = 1\nfoo\nbar baz\nkey: value\n[s] junk\n  ok continuation\n');
  assert.deepEqual(
    r.errors.map((e) => [e.span!.line, e.span!.column]),
    [[3, 1], [4, 1], [5, 1], [6, 1]],
  );
  assert.match(r.errors[2]!.hint!, /not a separator/);
  // configparser.py ParsingError's text, raised at the end of the file, lists them all
  assert.equal(
    r.errors[0]!.buildoutMessage,
    "File contains parsing errors: test.cfg\n\t[line  3]: 'foo\\n'\n\t[line  4]: 'bar baz\\n'\n\t[line  5]: 'key: value\\n'\n\t[line  6]: '[s] junk\\n'",
  );
  assert.deepEqual(r.errors.slice(1).map((e) => e.buildoutMessage), [undefined, undefined, undefined]);
});

test('an indented first option line is an error', () => {
  const r = read('[s]\n  a = 1\n');
  assert.equal(r.errors.length, 1);
  assert.equal(r.errors[0]!.span!.line, 2);
});

test('an indented [x] after an option is a continuation line', () => {
  assert.deepEqual(dict('[s]\na = 1\n [x]\n'), { s: { a: '1\n[x]' } });
});

test('value positions follow dedent and dropped blank lines', () => {
  const r = read('[s]\nv =\n\n    a\n      b\nw = x\n   y\n');
  const v = r.sections.get('s')!.options.get('v')!;
  assert.equal(v.value, 'a\n  b');
  assert.deepEqual(v.positions, [{ line: 4, column: 5 }, { line: 5, column: 5 }]);
  const w = r.sections.get('s')!.options.get('w')!;
  assert.deepEqual(w.positions, [{ line: 6, column: 5 }, { line: 7, column: 4 }]);
});
