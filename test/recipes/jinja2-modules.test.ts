// The modules a jinja2 part's context imports, and the recipe's own
// globals, against Python's Jinja2 configured as the recipe (live: skipped
// when /usr/bin/python3 with jinja2 and six is not there). os and pwd read
// this machine, so these cases have no goldens.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PyException } from '../../python/exceptions.ts';
import { importModule } from '../../python/modules/index.ts';
import { encodeOutput, renderText, type Jinja2Part } from '../../recipes/jinja2/index.ts';
import { pythonAnswers, type Answer } from '../../scripts/lib/jinja-recipe-corpus.ts';

const MODULES = { os: 'os', os_path: 'os.path', re: 're', pwd: 'pwd', json: 'json', hashlib: 'hashlib', base64: 'base64', itertools: 'itertools', functools: 'functools', operator: 'operator', urllib: 'urllib', urlparse: 'six.moves.urllib.parse', six_moves: 'six.moves' };

const CASES: string[] = [
  // os, os.path
  "{{ os.path.join('a', 'b', '/c', 'd') }} {{ os.path.join('a/', 'b') }} {{ os_path.join('x', '') }}",
  "{{ os.path.dirname('/a/b/c') }} {{ os.path.basename('/a/b/') }} {{ os.path.split('a//b') }} {{ os.path.split('/') }}",
  "{{ os.path.splitext('a/b.tar.gz') }} {{ os.path.splitext('.bashrc') }} {{ os.path.splitext('a/..b') }}",
  "{{ os.path.normpath('/a/./b/../../c//d/') }} {{ os.path.normpath('../x/..') }} {{ os.path.normpath('//a') }} {{ os.path.normpath('') }}",
  "{{ os.path.exists(base) }} {{ os.path.exists(base + '/nope') }} {{ os.path.isdir(base) }} {{ os.path.isfile(base + '/f') }} {{ os.path.islink(base) }} {{ os.path.isabs(base) }}",
  "{{ os.path.realpath(base + '/d/../f') }} {{ os.path.abspath('/x/../y') }} {{ os.path.getsize(base + '/f') }} {{ os.path.expanduser('~/x') == os.environ['HOME'] + '/x' }}",
  "{{ os.sep }}{{ os.pathsep }}{{ os.name }} {{ os.getuid() == os.geteuid() }} {{ os.getuid() is integer }} {{ os.getenv('NOPE_NOT_SET', 'dflt') }} {{ os.getenv('NOPE_NOT_SET') }} {{ 'PATH' in os.environ }} {{ os.listdir(base + '/d') }}",
  "{{ pwd.getpwuid(os.getuid())[0] == pwd.getpwuid(os.getuid()).pw_name }} {{ pwd.getpwnam('root').pw_uid }} {{ pwd.getpwnam('root').pw_dir }}",
  "{{ pwd.getpwuid(4242424) }}",
  // re
  "{{ re.match('a(b)?c', 'acx') }} {{ re.match('a(b)?c', 'acx').groups() }} {{ re.match('x', 'ab') }} {{ re.search('b+', 'abbbc').span() }}",
  "{{ re.sub('(\\\\w+)@(\\\\w+)', '\\\\2 at \\\\1', 'me@host you@there') }} {{ re.sub('a', 'x', 'aaa', 2) }} {{ re.subn('x*', '-', 'abxd') }}",
  "{{ re.split('[,;]\\\\s*', 'a, b;c,   d') }} {{ re.split('(,)', 'a,b') }} {{ re.split('x*', 'axbc') }} {{ re.split(',', 'a,b,c', 1) }}",
  "{{ re.findall('\\\\d+', 'a1b22c333') }} {{ re.findall('(\\\\w)(\\\\d)', 'a1 b2') }} {{ re.findall('(a)|b', 'ab') }}",
  "{{ re.escape('a-b#c d~&.*+?') }} {{ re.escape('été_1') }}",
  "{% set m = re.match('(?P<user>[^@]+)@(?P<host>.+)$', 'joe@example.com') %}{{ m.group('user') }} {{ m['host'] }} {{ m.groupdict() }} {{ m.group(1, 2) }} {{ m.start('host') }} {{ m.end() }} {{ m.lastindex }} {{ m.lastgroup }}",
  "{{ re.match('^a$', 'a\\n') is not none }} {{ re.match('^a$', 'a\\nb') is not none }} {{ re.findall('^\\\\w', 'a\\nb', re.M) }} {{ re.findall('.', 'a\\nb') }} {{ re.findall('.', 'a\\nb', re.S) }}",
  "{{ re.compile('A b', re.I | re.X).match('ab') is not none }} {{ re.compile('x', re.I) }} {{ re.compile('(?i)x').flags }} {{ re.compile('x').pattern }}",
  "{{ re.findall('\\\\bfoo\\\\b', 'foo foobar éfoo foo') }} {{ re.findall('\\\\w+', 'héllo wörld_1') }} {{ re.findall('\\\\w+', 'héllo', re.A) }} {{ re.fullmatch('a{2,}', 'aaa') is not none }} {{ re.findall('a{', 'a{') }}",
  "{{ re.sub('(a)(b)?', '[\\\\2]', 'ac ab') }} {{ re.sub('a', fn, 'banana') if false else re.sub('(?P<x>n)', '<\\\\g<x>>', 'banana') }} {% for m in re.finditer('a', 'banana') %}{{ m.start() }}{% endfor %}",
  "{{ re.compile('\\\\d').sub('#', 'a1b2') }} {{ re.compile('(\\\\d)').split('a1b2') }} {{ re.search('(?<=a)b', 'ab').group() }} {{ re.match('(a)\\\\1', 'aa').group() }} {{ re.match('(?P<q>a)(?P=q)', 'aa').group() }}",
  // the other modules, through the recipe's import
  "{{ json.dumps({'b': [1, 2.5, None, True], 'a': 'é'}, sort_keys=True, indent=2) }} {{ json.loads('[1, {\"x\": null}]') }}",
  "{{ hashlib.md5(b'abc').hexdigest() }} {{ hashlib.sha256('x'.encode()).hexdigest() }} {{ base64.b64encode(b'\\x00ab') }} {{ base64.b64decode('YWI=') }}",
  "{{ list(itertools.chain([1], (2, 3))) }} {{ list(itertools.product('ab', repeat=2)) }} {{ functools.partial(max, 3)(1) }} {{ operator.itemgetter(1)([5, 6]) }}",
  "{{ urllib.parse.quote('a b/c') }} {{ urlparse.urlparse('http://u:p@h:8/p;q?x=1#f') }} {{ urlparse.urlencode({'a': 'b c'}) }} {{ six_moves.shlex_quote(\"it's\") if six_moves.shlex_quote is defined else '' }}",
  // the recipe's globals
  "{{ dumps({'a': [1, (2,), {3}], 'b': None, 'c$': 'x;y'}) }} {{ dumps('a\\nb') }} {{ dumps(1.5) }} {{ dumps(True) }} {{ dumps(b'x') }}",
  "{{ assert(1) }}|{{ six.PY3 }} {{ six.text_type('x') }} {{ list(six.iteritems({'a': 1})) }} {{ six.ensure_binary('é') }}",
  "{{ assert(0, 'msg', 2) }}",
  "{{ assert(False) }}",
  "{{ len(range(3)) }} {{ sorted({'b': 1, 'a': 2}) }} {{ dict(a=1, **{'b': 2}) }} {{ list(zip('ab', [1, 2])) }} {{ list(enumerate('ab', 1)) }} {{ divmod(7, -2) }} {{ round(2.675, 2) }} {{ hex(255) }} {{ oct(8) }} {{ bin(5) }} {{ chr(233) }} {{ ord('é') }}",
  "{{ isinstance('x', str) }} {{ callable(len) }} {{ next(iter([7])) }} {{ list(reversed([1, 2])) }} {{ sum([1, 2], 10) }} {{ any([]) }} {{ all([]) }} {{ abs(-2) }} {{ pow(2, 10) }} {{ format(3.14159, '.2f') }} {{ list(map(str, [1, 2])) }} {{ list(filter(None, [0, 1])) }} {{ frozenset([1]) }} {{ bytes(2) }} {{ tuple('ab') }} {{ float('1e3') }} {{ int('0x1f', 16) }} {{ bool('') }} {{ repr('a\\'b') }} {{ min(3, 1) }}",
];

function ourAnswer(part: Jinja2Part, source: string): Answer {
  try {
    return { ok: encodeOutput(renderText(part, source), 'utf-8').toString('base64') };
  } catch (e) {
    if (e instanceof PyException) return { error: `${e.pyType}: ${e.message}` };
    throw e;
  }
}

test('modules and recipe globals render as in Python (live)', (t) => {
  const base = mkdtempSync(join(tmpdir(), 'tsbuildout-jinja2-'));
  try {
    writeFileSync(join(base, 'f'), 'hello');
    mkdirSync(join(base, 'd'));
    writeFileSync(join(base, 'd', 'only'), '');
    const context = [
      ...Object.entries(MODULES).map(([name, module]) => ({ type: 'import', name, expression: module, module, value: importModule(module)! })),
      { type: 'raw', name: 'base', expression: base, value: base },
    ];
    const parts = CASES.map((template): Jinja2Part => ({
      name: 't', template: { kind: 'inline', text: template }, output: '', mode: null, encoding: 'utf-8',
      extensions: ['jinja2.ext.do'], importDelimiter: '/', imports: [], context,
    }));
    const jobs = CASES.map((template, i) => ({
      id: String(i), source: template, cwd: base, encoding: 'utf-8', extensions: ['jinja2.ext.do'], delimiter: '/', imports: [],
      context: [...Object.entries(MODULES).map(([name, module]) => ({ name, module })), { name: 'base', repr: JSON.stringify(base) }],
    }));
    const python = pythonAnswers(jobs);
    if (!python) {
      t.skip('/usr/bin/python3 with jinja2 and six is not available');
      return;
    }
    const here = process.cwd();
    process.chdir(base);
    const failures: string[] = [];
    try {
      CASES.forEach((template, i) => {
        const want = python[String(i)]!;
        const got = ourAnswer(parts[i]!, template);
        const show = (a: Answer) => ('ok' in a ? Buffer.from(a.ok, 'base64').toString('utf8') : '!' + a.error);
        if (show(want) !== show(got)) failures.push(`${template}\n    python: ${show(want)}\n    ours:   ${show(got)}`);
      });
    } finally {
      process.chdir(here);
    }
    assert.equal(failures.length, 0, failures.join('\n'));
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
});
