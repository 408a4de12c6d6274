import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { shellQuote, shlexSplit } from '../../recipes/lib/shlex.ts';
import { pformat } from '../../python/pprint.ts';
import { PyDict, PyTuple, type PyValue } from '../../python/value.ts';

/** Python's answers for a batch of calls (python3 is a test dependency: .ci/run installs it). */
function python(code: string, input: unknown): unknown {
  const r = spawnSync('python3', ['-c', code], { input: JSON.stringify(input), encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout);
}

const SPLIT_CASES = [
  'echo hello world',
  '  leading   and trailing  ',
  "a 'single quoted' b",
  'a "double quoted" b',
  'a "with \\"escaped\\" quotes" b',
  'a "back\\slash \\\\ and \\n" c',
  "mixed'quo'tes\"here\" x",
  'escaped\\ space and \\$dollar',
  "''",
  '"" empty',
  'tab\tseparated\nnewline\r\nend',
  '#not a comment',
  '$HOME ${x} `cmd` a|b a;b a&&b',
  'it"\'"s \'x"y\'',
  'unicode é ü 日本',
  '\\\\double',
];

test('shlexSplit agrees with Python shlex.split', () => {
  const want = python('import json,shlex,sys; print(json.dumps([shlex.split(s) for s in json.load(sys.stdin)]))', SPLIT_CASES) as string[][];
  SPLIT_CASES.forEach((c, i) => assert.deepEqual(shlexSplit(c), want[i], JSON.stringify(c)));
});

test('shlexSplit errors as Python does', () => {
  assert.throws(() => shlexSplit("a 'unclosed"), /No closing quotation/);
  assert.throws(() => shlexSplit('a "unclosed'), /No closing quotation/);
  assert.throws(() => shlexSplit('trailing\\'), /No escaped character/);
});

const QUOTE_CASES = ['', 'plain', 'with space', "it's", 'a@b%c+d=e:f,g.h/i-j_k', '$x', 'é', 'tab\there', '"', "'"];

test('shellQuote agrees with librecipe (Unicode \\w)', () => {
  const want = python(
    "import json,re,sys\nf=re.compile(r'[^\\w@%+=:,./-]', re.UNICODE).search\ndef q(s):\n  if not s: return \"''\"\n  if f(s) is None: return s\n  return \"'\" + s.replace(\"'\", \"'\\\"'\\\"'\") + \"'\"\nprint(json.dumps([q(s) for s in json.load(sys.stdin)]))",
    QUOTE_CASES,
  ) as string[];
  QUOTE_CASES.forEach((c, i) => assert.equal(shellQuote(c), want[i], JSON.stringify(c)));
});

type Case = { dict?: [string, string][]; tuple?: string[] };
const long = 'word '.repeat(30).trim();
const PPRINT_CASES: Case[] = [
  { dict: [] },
  { dict: [['host', '::1'], ['port', '8080']] },
  { dict: [['url', 'https://[2001:db8::1]:8443/some/long/path/that/goes/on?and=query'], ['username', 'admin'], ['verify', '0']] },
  { dict: [['command', long], ['a', 'x']] },
  { dict: [['multi', 'param\nin multi line\n123444\n'], ['q', "23'91'"]] },
  { dict: [['k', 'x'.repeat(100)]] },
  { dict: [["param1; print \"toto\"", '#xxxx"\nimport os; os.stat(f)'], ['param2\n@domething', '"#$$*PPP\n\n p = 2*5; print "result is %s" % p']] },
  { tuple: [] },
  { tuple: ['/srv/slapgrid/slappart0/eggs/slapos.toolbox-0.1-py3.11.egg'] },
  { tuple: ['/a/very/long/path/number/one/slapos.toolbox-0.1-py3.11.egg', '/another/long/path/slapos.core-1.0-py3.11.egg', '/x'] },
];

test('pformat(indent=2) agrees with Python pprint', () => {
  const want = python(
    'import json,sys,pprint\nout=[]\nfor c in json.load(sys.stdin):\n  v = dict(c["dict"]) if "dict" in c else tuple(c["tuple"])\n  out.append(pprint.pformat(v, indent=2))\nprint(json.dumps(out))',
    PPRINT_CASES,
  ) as string[];
  PPRINT_CASES.forEach((c, i) => {
    const v: PyValue = c.dict ? new PyDict(c.dict) : new PyTuple(c.tuple!);
    assert.equal(pformat(v, 2), want[i], JSON.stringify(c));
  });
});

test('the default registry serves the common recipes', async () => {
  const { defaultRegistry } = await import('../../recipes/index.ts');
  const names = defaultRegistry().names();
  for (const n of ['slapos.cookbook:wrapper', 'slapos.cookbook:generate.password', 'slapos.cookbook:publish.serialised', 'slapos.recipe.template', 'slapos.recipe.build:download-unpacked', 'zc.recipe.egg:scripts', 'slapos.recipe.cmmi']) {
    assert.ok(names.includes(n), n);
  }
});
