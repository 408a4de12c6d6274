#!/usr/bin/python3
"""Python's Jinja2 configured as slapos.recipe.template:jinja2 configures it.

  jinja-recipe-oracle.py < jobs.json   render each job; print {id: answer}
  jinja-recipe-oracle.py --bench N < jobs.json
                                       time each job: compile once, warm up (N renders
                                       and 1 s), then the median of 5 rounds of
                                       100 ms; print {id: {"compile_ms", "render_ms"}}

A job is {"id", "source" | "path", "encoding", "extensions",
"delimiter", "cwd", "imports": [{"alias", "kind": "file"|"folder", "path"}],
"context": [{"name", "repr"} | {"name", "module"}]}: the template (inline
text, or a file read and decoded as the recipe reads it), and the part's
context as tsbuildout's resolution gives it (each value as its Python repr,
or the module an `import` entry names, imported here). The environment is
the recipe's: StrictUndefined, the extensions asked for, the import-list
loader (a PrefixLoader that accepts a bare alias), and the render variables
DEFAULT_CONTEXT (builtins, six, assert), dumps (the SlapOS buildout fork's
serialiser), then the context. The answer is {"ok": base64 of the output
encoded in the job's encoding} or {"error": "Class: message"}.
"""
import base64
import json
import os
import sys

if os.environ.get('PYTHONHASHSEED') != '0':
    # str hashes (and so the order of sets of strings) as tsbuildout has them
    os.environ['PYTHONHASHSEED'] = '0'
    os.execv(sys.executable, [sys.executable] + sys.argv)

import six
from jinja2 import BaseLoader, Environment, PrefixLoader, StrictUndefined, TemplateNotFound

DEFAULT_CONTEXT = {x.__name__: x for x in (
    abs, all, any, bin, bool, bytes, callable, chr, complex, dict, divmod,
    enumerate, filter, float, format, frozenset, hex, int,
    isinstance, iter, len, list, map, max, min, next, oct, ord, pow,
    range, repr, reversed, round, set, six, sorted, str, sum, tuple, zip)}


def _assert(x, *args):
    if x:
        return ""
    raise AssertionError(*args)


DEFAULT_CONTEXT['assert'] = _assert


def dumps(value):
    """The SlapOS zc.buildout fork's dumps: !py! + repr, with $ and ; escaped."""
    return '!py!' + repr(value).replace('$', r'\x24').replace(';', r'\x3b')


class RelaxedPrefixLoader(PrefixLoader):
    def get_loader(self, template):
        if self.delimiter not in template:
            template += self.delimiter
        return super(RelaxedPrefixLoader, self).get_loader(template)


class RecipeBaseLoader(BaseLoader):
    def __init__(self, path, delimiter, encoding):
        self.base = os.path.normpath(path)
        self.delimiter = delimiter
        self.encoding = encoding

    def get_source(self, environment, template):
        path = self._getPath(template)
        if path is None or not os.path.exists(path):
            raise TemplateNotFound(template)
        mtime = os.path.getmtime(path)
        with open(path, 'rb') as f:
            source = f.read().decode(self.encoding)
        return source, path, lambda: mtime == os.path.getmtime(path)


class FileLoader(RecipeBaseLoader):
    def _getPath(self, template):
        if template:
            return None
        return self.base


class FolderLoader(RecipeBaseLoader):
    def _getPath(self, template):
        path = os.path.normpath(os.path.join(self.base, *template.split(self.delimiter)))
        if path.startswith(self.base):
            return path
        return None


EVAL_NAMES = {'inf': float('inf'), 'nan': float('nan'), '__builtins__': {
    'set': set, 'frozenset': frozenset, 'bytearray': bytearray, 'float': float}}


def prepare(job):
    """The compiled template and the render variables of a job."""
    if job.get('cwd'):
        os.chdir(job['cwd'])  # the recipe runs from the buildout directory
    encoding = job.get('encoding', 'utf-8')
    delimiter = job.get('delimiter', '/')
    imports = {}
    for e in job.get('imports', []):
        imports[e['alias']] = (FileLoader if e['kind'] == 'file' else FolderLoader)(e['path'], delimiter, encoding)
    loader = RelaxedPrefixLoader(imports, delimiter=delimiter) if imports else None
    context = DEFAULT_CONTEXT.copy()
    context['dumps'] = dumps
    for e in job.get('context', []):
        if 'module' in e:
            context[e['name']] = __import__(e['module'], fromlist=['*'], level=0)
        else:
            context[e['name']] = eval(e['repr'], dict(EVAL_NAMES))
    env = Environment(extensions=job.get('extensions', []), undefined=StrictUndefined, loader=loader)
    if job.get('path') is not None:
        with open(job['path'], 'rb') as f:
            source = f.read().decode(encoding)
        filename = job['path']
    else:
        source = job['source']
        filename = '<inline>'
    compiled = env.compile(source, filename=filename)
    template = env.template_class.from_code(env, compiled, env.make_globals(None), None)
    return template, context, encoding


def render(job):
    template, context, encoding = prepare(job)
    return template.render(**context).encode(encoding)


def bench(job, n):
    import time
    t0 = time.perf_counter()
    template, context, encoding = prepare(job)
    compile_ms = (time.perf_counter() - t0) * 1000
    t0 = time.perf_counter()
    warm = 0
    while warm < n or time.perf_counter() - t0 < 1.0:
        template.render(**context).encode(encoding)
        warm += 1
    rounds = []
    for _ in range(5):
        count = 0
        t1 = time.perf_counter()
        while count < n / 5 or time.perf_counter() - t1 < 0.1:
            template.render(**context).encode(encoding)
            count += 1
        rounds.append((time.perf_counter() - t1) * 1000 / count)
    return {'compile_ms': compile_ms, 'render_ms': sorted(rounds)[2]}


def answer(job):
    try:
        return {'ok': base64.b64encode(render(job)).decode('ascii')}
    except Exception as e:
        return {'error': '%s: %s' % (type(e).__name__, getattr(e, 'message', None) or e)}


def main():
    if sys.argv[1:2] == ['--bench'] and len(sys.argv) == 3:
        n = int(sys.argv[2])
        jobs = json.load(sys.stdin)
        json.dump({job['id']: bench(job, n) for job in jobs}, sys.stdout)
        return
    if sys.argv[1:]:
        sys.exit(__doc__)
    jobs = json.load(sys.stdin)
    json.dump({job['id']: answer(job) for job in jobs}, sys.stdout)


main()
