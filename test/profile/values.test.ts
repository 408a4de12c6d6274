import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dumps, storedValue, typedValue } from '../../profile/values.ts';
import { semantics } from '../../profile/semantics.ts';
import { repr } from '../../python/repr.ts';
import { PyDict, pyInt, PyList } from '../../python/value.ts';

const slapos = semantics('slapos');
const buildout2 = semantics('buildout2');

test('!py! values are Python expressions in the SlapOS fork', () => {
  assert.equal(typedValue(slapos, "!py!'instance-gitlab'[11:]"), 'tlab');
  assert.equal(repr(typedValue(slapos, "!py!{'a': [1, (2, 3)], 'b': None}")), "{'a': [1, (2, 3)], 'b': None}");
  assert.equal(repr(typedValue(slapos, '!py3!set([1])')), '{1}');
  assert.equal(typedValue(slapos, 'plain'), 'plain');
  assert.equal(typedValue(buildout2, "!py!'x'"), "!py!'x'");
});

test('!py! values: only the fork\'s few builtins', () => {
  assert.throws(() => typedValue(slapos, "!py!len('abc')"), /NameError: name 'len' is not defined/);
});

test('dumps round-trips non-strings through !py! with $ and ; escaped', () => {
  const d = new PyDict([['k$;', new PyList([pyInt(1), 'a;b$c'])]]);
  const text = dumps(d);
  assert.equal(text, "!py!{'k\\x24\\x3b': [1, 'a\\x3bb\\x24c']}");
  assert.equal(repr(typedValue(slapos, text)), repr(d));
  assert.equal(storedValue('str stays'), 'str stays');
  assert.equal(storedValue(pyInt(2)), '!py!2');
  // the template global serialises strings too (multi-line contents, `${`)
  assert.equal(dumps('a\nb${x};'), "!py!'a\\nb\\x24{x}\\x3b'");
  assert.equal(typedValue(slapos, dumps('a\nb${x};')), 'a\nb${x};');
});
