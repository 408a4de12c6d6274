// Typed values cross the bridge without loss, both ways: Python's repr of
// what TypeScript sent equals python/'s repr of the value, and back.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tmpdir } from 'node:os';
import { decode, encode } from '../../pybridge/codec.ts';
import { PythonProcess } from '../../pybridge/process.ts';
import { evaluatePyBang } from '../../python/literal.ts';
import { repr } from '../../python/repr.ts';
import { PYTHON } from './harness.ts';

const VALUES = [
  "'text with \\n, \\x00, é, \\U0001f600 and \\udc80'",
  '12345678901234567890123456789',
  '-7',
  '0.1',
  '-0.0',
  '1e+300',
  '5e-324',
  'True',
  'None',
  "[1, 'a', [2.5, None], (), (1,)]",
  "{'a': {1: (2, 3)}, 2: [True], (1, 'k'): None, None: b''}",
  "{'x', 'y', 'z'}",
  'set()',
  "frozenset({1, 2})",
  "b'\\x00\\xffbytes'",
  "bytearray(b'ab')",
];

test('values cross both ways with their repr unchanged', () => {
  const p = PythonProcess.start({ python: PYTHON, cwd: tmpdir() });
  try {
    for (const text of VALUES) {
      const value = evaluatePyBang(text);
      // TS → Python: Python's repr of what arrived
      const seen = p.call('exec', ['result = repr(dec(callback("value")))', 't'], () => encode(value));
      assert.equal(seen, repr(value), text);
      // Python → TS: python/'s repr of what Python sent
      const back = decode(p.call('exec', [`result = ${text}`, 't'], () => null));
      assert.equal(repr(back), repr(value), text);
    }
    // inf and nan survive too (they have no literal)
    const special = decode(p.call('exec', ["result = [float('inf'), float('-inf'), float('nan')]", 't'], () => null));
    assert.equal(repr(special), '[inf, -inf, nan]');
    // long values (many pipe buffers, both ways)
    const long = 'é'.repeat(1_000_000) + 'x'.repeat(1_000_000);
    const echoed = p.call('exec', ["v = callback('long'); result = v[::-1] + v", 't'], () => long) as string;
    assert.equal(echoed, [...long].reverse().join('') + long);
    // values Python cannot send are a TypeError there
    assert.throws(() => p.call('exec', ['result = object()', 't'], () => null), /TypeError: a value of type object cannot cross to tsbuildout/);
  } finally {
    p.close();
  }
});

test('`!py!` values python/ cannot evaluate are evaluated by Python, with the fork\'s few builtins', () => {
  const p = PythonProcess.start({ python: PYTHON, cwd: tmpdir() });
  try {
    assert.equal(repr(decode(p.call('eval', ['f"{1+1}" + str(frozenset())'], () => null))), "'2frozenset()'");
    assert.throws(() => p.call('eval', ['len([])'], () => null), /NameError: name 'len' is not defined/);
  } finally {
    p.close();
  }
});
