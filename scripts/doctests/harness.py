"""Runs Debian's zc.buildout test suite (zc.buildout.tests.test_suite(), with
its own set-ups, normalizers and option flags) twice: with the real
bin/buildout (the baseline), then with tsbuildout standing in for it, and
compares them example by example.

    python3 harness.py [--mode both|baseline|tsbuildout] [--only FILE,…]
                       [--json OUT] [--baseline JSON,…] [--results JSON,…]
                       [--diffs]
                       [--tsbuildout bin/tsbuildout.js]

Each mode runs in a child process of its own (the suite changes zc.buildout's
module state). An example counts when it passes in the baseline, runs
bin/buildout (a command the example gives system() whose program is a
`buildout` script) and checks its output (the example expects output, or its
statement shows the command's output). Standing in, each set-up's
sample buildout gets tsbuildout's bin/buildout (`tsbuildout --semantics
buildout2 bootstrap`), and the only normalizer added to the suite's drops
tsbuildout's marked extra lines (docs/errors.md#buildouts-text-first).
"""
import argparse
import ast
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
SHARED = os.path.join(os.path.dirname(ROOT), 'shared')
RECIPE_EGG = os.path.join(SHARED, 'reference', 'zc.recipe.egg_')
PYTHON = '/usr/bin/python3'

# zc.buildout 2.13 imports these from `collections`, gone in Python 3.10;
# loaded by every Python process the suite starts (through PYTHONPATH), the
# setup scripts zc.buildout or tsbuildout run included. Debian's setuptools
# 66 warns that `setup.py develop`/`install` are deprecated, which no
# expected output of 2.13's suite shows: those warnings are silenced, for
# the baseline and tsbuildout alike (an environment of the suite's time,
# not a normalizer).
SITECUSTOMIZE = '''\
import collections, collections.abc, warnings
for _n in ('MutableMapping', 'Mapping', 'Callable', 'Sequence', 'MutableSet',
           'Iterable', 'Set', 'Hashable'):
    if not hasattr(collections, _n):
        setattr(collections, _n, getattr(collections.abc, _n))
warnings.filterwarnings('ignore', message=r'(easy_install command|setup\\.py install) is deprecated')
warnings.filterwarnings('ignore', message=r'The namespace_packages parameter is deprecated')
'''

# tsbuildout's extra lines (location, hint, chain) start with this marker.
MARKER = '  | '  # keep in step with cli/report.ts EXTRA_LINE_MARKER


def prepare(work):
    """A copy of zc.recipe.egg (its set-ups run setup.py sdist in it) and the shim."""
    shim = os.path.join(work, 'shim')
    os.makedirs(shim)
    with open(os.path.join(shim, 'sitecustomize.py'), 'w') as f:
        f.write(SITECUSTOMIZE)
    egg = os.path.join(work, 'zc.recipe.egg_')
    shutil.copytree(RECIPE_EGG, egg)
    for d, _, files in os.walk(egg):  # the set-ups write egg-info there
        for n in [d] + [os.path.join(d, f) for f in files]:
            os.chmod(n, os.stat(n).st_mode | 0o200)
    return [shim, os.path.join(egg, 'src')]


# ---------------------------------------------------------------- child side

def runs_buildout(command):
    """Whether a shell command runs a bin/buildout script."""
    for part in re.split(r'&&|;|\|\|', command):
        words = part.split()
        if words and words[0] in ('cd',):
            continue
        while words and '=' in words[0] and not words[0].startswith('/'):
            words = words[1:]  # VAR=value prefixes
        if words and words[0].endswith(('python', 'python3')) and len(words) > 1:
            words = words[1:]
            while words and words[0].startswith('-'):
                words = words[1:]
        if words and os.path.basename(words[0].strip('"\'')) in ('buildout', 'buildout-script.py'):
            return True
    return False


def shows_output(example):
    """Whether an example compares what it runs with its expected output."""
    if example.want.strip():
        return True
    try:
        tree = ast.parse(example.source)
    except SyntaxError:
        return True
    return any(isinstance(s, ast.Expr) for s in tree.body)


def child(mode, only, out_path, tsbuildout):
    import doctest
    import unittest
    import zope.testing.renormalizing as renormalizing
    import zc.buildout.testing as testing
    import zc.buildout.tests as tests

    state = {'ran': False}
    records = []

    system = testing.system

    def tracing_system(command, *a, **k):
        if runs_buildout(command):
            state['ran'] = True
        return system(command, *a, **k)
    testing.system = tracing_system

    if mode == 'tsbuildout':
        def drop_marked(got):
            return ''.join(l for l in got.splitlines(True) if not l.startswith(MARKER))
        for cls in (doctest.OutputChecker, renormalizing.OutputChecker):
            check, difference = cls.check_output, cls.output_difference
            cls.check_output = (lambda check: lambda self, want, got, flags: check(self, want, drop_marked(got), flags))(check)
            cls.output_difference = (lambda difference: lambda self, example, got, flags: difference(self, example, drop_marked(got), flags))(difference)

    def key(test, example):
        return '%s:%d' % (os.path.basename(test.filename or '?'), (test.lineno or 0) + example.lineno + 1)

    def start(self, out, test, example):
        state['ran'] = False
        state['t0'] = time.time()

    progress = open(out_path + '.partial', 'w')  # the records so far, one a line, for a long run

    def record(test, example, ok, diff):
        records.append({
            'key': key(test, example), 'test': test.name, 'file': os.path.basename(test.filename or '?'),
            'source': example.source, 'ok': ok, 'buildout': state['ran'] and shows_output(example),
            'diff': diff, 'seconds': round(time.time() - state.get('t0', time.time()), 3),
        })
        progress.write(json.dumps(records[-1]) + '\n')
        progress.flush()

    def success(self, out, test, example, got):
        record(test, example, True, None)

    def failure(self, out, test, example, got):
        record(test, example, False, self._checker.output_difference(example, got, self.optionflags))

    def exception(self, out, test, example, exc_info):
        import traceback
        record(test, example, False, 'Exception raised:\n' + ''.join(traceback.format_exception(*exc_info)))

    doctest.DocTestRunner.report_start = start
    doctest.DocTestRunner.report_success = success
    doctest.DocTestRunner.report_failure = failure
    doctest.DocTestRunner.report_unexpected_exception = exception

    def walk(suite):
        for t in suite:
            if isinstance(t, unittest.TestSuite):
                yield from walk(t)
            else:
                yield t

    def file_of(t):
        dt = getattr(t, '_dt_test', None)
        if dt is not None:
            return os.path.basename(dt.filename)
        return os.path.basename(t.id().split(' ')[0]) if '/' in t.id() else t.id()

    if mode == 'tsbuildout':
        wrap_set_ups(tsbuildout)

    def name_of(t):
        dt = getattr(t, '_dt_test', None)
        return dt.name.split('.')[-1] if dt is not None else t.id().split('.')[-1]

    selected = [t for t in walk(tests.test_suite()) if not only or file_of(t) in only or name_of(t) in only]
    result = unittest.TestResult()
    for i, t in enumerate(selected):
        sys.stderr.write('[%s %d/%d] %s\n' % (mode, i + 1, len(selected), str(t)[:100]))
        t.run(result)
    errors = [{'test': str(t), 'error': e} for t, e in result.errors + result.failures
              if getattr(t, '_dt_test', None) is None and not hasattr(t, 'regions')]
    with open(out_path, 'w') as f:
        json.dump({'records': records, 'errors': errors}, f)


def wrap_set_ups(tsbuildout):
    """Each set-up's sample buildout gets tsbuildout's bin/buildout."""
    import zc.buildout.testing as testing
    original = testing.buildoutSetUp

    def buildoutSetUp(test):
        original(test)
        sample = test.globs['sample_buildout']
        p = subprocess.run(
            ['node', tsbuildout, '--semantics', 'buildout2', '--python', PYTHON, '-q', 'bootstrap'],
            cwd=sample, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, universal_newlines=True)
        if p.returncode:
            raise RuntimeError('tsbuildout bootstrap failed in %s:\n%s' % (sample, p.stdout))
    testing.buildoutSetUp = buildoutSetUp


# ---------------------------------------------------------------- parent side

def run_mode(mode, only, paths, tsbuildout, work):
    out = os.path.join(work, mode + '.json')
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(paths), PYTHONDONTWRITEBYTECODE='1')
    env.pop('PYTHONHOME', None)
    cmd = [PYTHON, os.path.abspath(__file__), '--child', mode, '--out', out, '--tsbuildout', tsbuildout]
    if only:
        cmd += ['--only', ','.join(only)]
    t0 = time.time()
    cwd = os.path.join(work, mode)
    os.makedirs(cwd)
    p = subprocess.run(cmd, env=env, cwd=cwd)
    if p.returncode:
        sys.exit('%s run failed (%d)' % (mode, p.returncode))
    with open(out) as f:
        data = json.load(f)
    data['seconds'] = time.time() - t0
    return data


def report(base, ts, show_diffs):
    by_file = {}
    index = {r['key']: r for r in ts['records']} if ts else {}
    failing = []
    for r in base['records']:
        f = by_file.setdefault(r['file'], {'examples': 0, 'baseline': 0, 'buildout': 0, 'tsbuildout': 0})
        f['examples'] += 1
        if not r['ok']:
            continue
        f['baseline'] += 1
        if not r['buildout']:
            continue
        f['buildout'] += 1
        t = index.get(r['key'])
        if t and t['ok']:
            f['tsbuildout'] += 1
        elif ts:
            failing.append((r, t))
    w = max([len(k) for k in by_file] + [4])
    print('%-*s %8s %8s %9s %10s' % (w, 'file', 'examples', 'baseline', 'buildout', 'tsbuildout'))
    total = {'examples': 0, 'baseline': 0, 'buildout': 0, 'tsbuildout': 0}
    for name in sorted(by_file):
        f = by_file[name]
        for k in total:
            total[k] += f[k]
        print('%-*s %8d %8d %9d %10s' % (w, name, f['examples'], f['baseline'], f['buildout'], f['tsbuildout'] if ts else '-'))
    print('%-*s %8d %8d %9d %10s' % (w, 'total', total['examples'], total['baseline'], total['buildout'], total['tsbuildout'] if ts else '-'))
    if ts and total['buildout']:
        print('tsbuildout passes %d of %d (%.1f%%) of the baseline passes that run bin/buildout and check its output'
              % (total['tsbuildout'], total['buildout'], 100.0 * total['tsbuildout'] / total['buildout']))
    for label, data in (('baseline', base), ('tsbuildout', ts)):
        if data:
            print('%s: %.0f s' % (label, data['seconds']))
            for e in data['errors']:
                print('%s: error in %s:\n%s' % (label, e['test'], e['error']))
    if failing:
        print('\nFailing with tsbuildout (%d):' % len(failing))
        for r, t in failing:
            print('- %s (%s): %s' % (r['key'], r['test'], r['source'].strip().splitlines()[0]))
            if show_diffs:
                diff = t['diff'] if t else 'not run'
                print('    ' + diff.replace('\n', '\n    '))
    return total


def selected_record(r, only):
    return not only or r['file'] in only or r['test'].split('.')[-1] in only


def merged(paths, side, only):
    """One side's records from --json files of runs over parts of the suite (the later file wins for a test run twice)."""
    runs = []
    for path in paths.split(','):
        with open(path) as f:
            data = json.load(f)[side] or {}
        runs.append(data)
    latest = {}
    for data in runs:
        for r in data.get('records', []):
            latest[r['test']] = data
    records = [r for data in runs for r in data.get('records', []) if latest[r['test']] is data and selected_record(r, only)]
    return {'records': records, 'errors': [e for data in runs for e in data.get('errors', [])],
            'seconds': sum(data.get('seconds', 0) for data in runs)}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('--mode', default='both', choices=['both', 'baseline', 'tsbuildout'])
    ap.add_argument('--only', default='', help='comma-separated files of the suite (buildout.txt, tests.py, …) or tests (abnormal_exit, …)')
    ap.add_argument('--json', help='write both runs\' records there')
    ap.add_argument('--baseline', help='read the baseline from these --json files (comma-separated) instead of running it')
    ap.add_argument('--results', help='read tsbuildout\'s records from these --json files (comma-separated) instead of running it')
    ap.add_argument('--diffs', action='store_true', help='print the diff of each failing example')
    ap.add_argument('--tsbuildout', default=os.path.join(ROOT, 'bin', 'tsbuildout.js'))
    ap.add_argument('--child', help=argparse.SUPPRESS)
    ap.add_argument('--out', help=argparse.SUPPRESS)
    ap.add_argument('--keep', action='store_true', help='keep the work directory')
    ap.add_argument('--min-percent', type=float, help='exit 1 when tsbuildout passes less of the counted examples')
    a = ap.parse_args()
    only = [x for x in a.only.split(',') if x]
    if a.child:
        return child(a.child, only, a.out, a.tsbuildout)
    if not os.path.isdir(RECIPE_EGG):
        print('skipped: %s is absent' % RECIPE_EGG)
        return
    work = tempfile.mkdtemp(prefix='tsbuildout-doctests-')
    try:
        paths = prepare(work)
        if a.baseline:
            base = merged(a.baseline, 'baseline', only)
        else:
            base = run_mode('baseline', only, paths, a.tsbuildout, work) if a.mode in ('both', 'baseline') else None
        if a.results:
            ts = merged(a.results, 'tsbuildout', only)
        else:
            ts = run_mode('tsbuildout', only, paths, a.tsbuildout, work) if a.mode in ('both', 'tsbuildout') else None
        if a.json:
            with open(a.json, 'w') as f:
                json.dump({'baseline': base, 'tsbuildout': ts}, f, indent=1)
        total = report(base or ts, ts if base else None, a.diffs)
        if a.min_percent is not None and ts and base and total['buildout'] \
                and 100.0 * total['tsbuildout'] / total['buildout'] < a.min_percent:
            sys.exit('tsbuildout passes less than %g%% of the counted examples' % a.min_percent)
    finally:
        if not a.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == '__main__':
    main()
