// The public API of python/ as the buildout loader uses it: host modules,
// namespaces, the section-condition helper, typed errors.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  PyDict,
  PyException,
  PyList,
  PySyntaxError,
  PyTuple,
  compileExpression,
  evaluateExpression,
  evaluateListDisplayFirst,
  evaluatePyBang,
  fromJS,
  hostFunction,
  hostModule,
  isPySpaceCode,
  jsonDumps,
  jsonLoads,
  parseLiteral,
  pyStrip,
  repr,
  str,
  truthy,
  type PyValue,
} from '../../python/index.ts';

const platform = hostModule('platform', {
  machine: hostFunction('machine', () => 'x86_64'),
  release: hostFunction('release', () => '5.10.0-21-amd64'),
});
const sys = hostModule('sys', {
  platform: 'linux',
  version_info: new PyTuple([3n, 11n, 2n, 'final', 0n]),
});
const conditionGlobals = new Map<string, PyValue>([
  ['platform', platform],
  ['sys', sys],
  ['linux', true],
  ['python3', true],
]);

test('section conditions: the first element of [EXPR]', () => {
  const cases: [string, string][] = [
    ['linux and platform.machine() == "x86_64"', 'True'],
    ['not linux or platform.machine() != "riscv64"', 'True'],
    ['sys.version_info < (3,8)', 'False'],
    ['[int(q) for q in platform.release().split(".")[:2]]<[4,14]', 'False'],
    ['python3', 'True'],
    ['1, 2', '1'],
    ['x for x in "ab"', "'a'"],
    ['[1][0]', '1'],
  ];
  for (const [expr, want] of cases) {
    assert.equal(repr(evaluateListDisplayFirst(expr, conditionGlobals)), want, expr);
  }
});

test('section conditions: empty, unknown names and syntax errors', () => {
  assert.throws(() => evaluateListDisplayFirst(' ', conditionGlobals), (e: unknown) => {
    return e instanceof PyException && e.pyType === 'IndexError' && e.message === 'list index out of range';
  });
  assert.throws(() => evaluateListDisplayFirst('foobar', conditionGlobals), (e: unknown) => {
    return e instanceof PyException && e.toString() === "NameError: name 'foobar' is not defined";
  });
  assert.throws(() => evaluateListDisplayFirst('1 +* 2', conditionGlobals), (e: unknown) => {
    assert.ok(e instanceof PySyntaxError);
    assert.equal(e.text, '1 +* 2');
    assert.equal(e.column, 3);
    return true;
  });
});

test('host functions receive positional and keyword arguments', () => {
  const seen: string[] = [];
  const mod = hostModule('m', {
    f: hostFunction('f', (args, kwargs) => {
      seen.push(repr(new PyList(args)) + ' ' + repr(new PyDict(kwargs)));
      return null;
    }),
  });
  evaluateExpression("m.f(1, *[2, 3], k='v', **{'z': None})", new Map([['m', mod]]));
  assert.deepEqual(seen, ["[1, 2, 3] {'k': 'v', 'z': None}"]);
  assert.throws(() => evaluateExpression('m.nope', new Map([['m', mod]])), /module 'm' has no attribute 'nope'/);
});

test('a namespace may be a function', () => {
  const ns = (name: string) => (name === 'answer' ? 42n : undefined);
  assert.equal(evaluateExpression('answer * 2', ns), 84n);
  assert.throws(() => evaluateExpression('question', ns), /NameError/);
});

test('compiled expressions evaluate many times', () => {
  const c = compileExpression('x + 1');
  assert.equal(c.evaluate(new Map([['x', 1n]])), 2n);
  assert.equal(c.evaluate(new Map([['x', 1.5]])), 2.5);
});

test('builtins can be withheld', () => {
  assert.throws(() => evaluateExpression('len("a")', new Map(), { builtins: false }), /name 'len' is not defined/);
});

test('!py! values: literals with constructor calls, and the fork eval', () => {
  assert.equal(repr(parseLiteral("{'a': set([1]), 'b': frozenset(), 'c': (1,)}")), "{'a': {1}, 'b': frozenset(), 'c': (1,)}");
  assert.throws(() => parseLiteral('set([1])', { calls: false }), /malformed node or string/);
  assert.equal(evaluatePyBang("'gitlab-backup-x'[7:]"), 'backup-x');
  assert.throws(() => evaluatePyBang("len('x')"), /name 'len' is not defined/);
});

test('json from TypeScript', () => {
  const v = fromJS({ b: [1, 2.5, null, true], a: 'é' });
  assert.equal(jsonDumps(v), '{"b": [1, 2.5, null, true], "a": "\\u00e9"}');
  assert.equal(jsonDumps(v, { sortKeys: true, indent: 1, ensureAscii: false }), '{\n "a": "é",\n "b": [\n  1,\n  2.5,\n  null,\n  true\n ]\n}');
  assert.equal(repr(jsonLoads('{"x": [1, 1.0, -0.0]}')), "{'x': [1, 1.0, -0.0]}");
});

test('str, repr and truthiness of the basic values', () => {
  assert.equal(str(null), 'None');
  assert.equal(str(true), 'True');
  assert.equal(str(1.0), '1.0');
  assert.equal(str(new PyList(['a', 1n])), "['a', 1]");
  assert.equal(truthy(new PyDict()), false);
  assert.equal(truthy(NaN), true);
});

test('no JavaScript error escapes for bad operands', () => {
  const bad = ['[] < {}', 'None.x', '{}[[]]', '"%s %s" % {}', '1 << 10**10', '(lambda: x)()'];
  for (const e of bad) {
    assert.throws(() => evaluateExpression(e), (err: unknown) => err instanceof PyException, e);
  }
});

test("isPySpaceCode is str.isspace() for every code unit (an ASCII table, then the set)", () => {
  // Python 3: the characters of PY_WHITESPACE (python/text.ts), written out here
  const spaces = new Set([9, 10, 11, 12, 13, 0x1c, 0x1d, 0x1e, 0x1f, 32, 0x85, 0xa0, 0x1680, ...Array.from({ length: 11 }, (_, i) => 0x2000 + i), 0x2028, 0x2029, 0x202f, 0x205f, 0x3000]);
  for (let c = 0; c < 0x10000; c++) assert.equal(isPySpaceCode(c), spaces.has(c), c.toString(16));
  assert.equal(pyStrip('\x1c\t a b \x85\u3000'), 'a b');
});
