#!/usr/bin/python3
"""Random templates for the differential tests of jinja/: nested expressions,
filters, tests, methods and statements over a small context, printed as a
case file (test/jinja/cases/*.json format).

  jinja-fuzz-cases.py SEED COUNT > cases.json
"""
import random, json, sys
seed = int(sys.argv[1]) if len(sys.argv) > 1 else 1
random.seed(seed)
atoms = ['1', '0', '2.5', '-3', '"ab"', "'x'", 'none', 'true', 'false', '[1, 2]', '[]', '{"k": 1}', '{}', '(1,)', '()', 'x', 'y', 'd', 'l', 's', 'range(3)', '"a,b"', '1.0', '10**3']
binops = ['+', '-', '*', '/', '//', '%', '~', '==', '!=', '<', '>=', 'and', 'or', 'in', 'not in', '**']
filters = ['upper', 'lower', 'length', 'list', 'sort', 'first', 'last', 'join(",")', 'string', 'int', 'float', 'abs', 'reverse|list', 'unique|list', 'default("D")', 'trim', 'tojson', 'dictsort', 'sum', 'max', 'min', 'batch(2)|list', 'slice(2)|list', 'capitalize', 'title', 'wordcount', 'center(5)', 'indent(2)', 'replace("a", "b")', 'round', 'e', 'items|list', 'map("string")|list', 'select|list', 'reject("odd")|list', 'pprint', 'truncate(5)', 'urlencode', 'format(1)', 'count', 'attr("real")']
tests = ['defined', 'none', 'number', 'string', 'sequence', 'mapping', 'iterable', 'odd', 'even', 'true', 'false', 'integer', 'float', 'lower', 'upper', 'divisibleby 2', 'in [1, 2]', 'eq 1', 'sameas none', 'callable', 'boolean', 'escaped']
methods = ['.upper()', '.split(",")', '.keys()|list', '.items()|list', '.get("k")', '[0]', '[1:]', '[::-1]', '.count(1)', '.index(1)', '.strip()', '.startswith("a")', '|length']
def expr(d=0):
    r = random.random()
    if d > 2 or r < 0.3: return random.choice(atoms)
    if r < 0.5: return '(%s %s %s)' % (expr(d+1), random.choice(binops), expr(d+1))
    if r < 0.65: return '(%s)|%s' % (expr(d+1), random.choice(filters))
    if r < 0.75: return '(%s is %s)' % (expr(d+1), random.choice(tests))
    if r < 0.85: return '(%s)%s' % (expr(d+1), random.choice(methods))
    if r < 0.92: return '(%s if %s else %s)' % (expr(d+1), expr(d+1), expr(d+1))
    return 'not %s' % expr(d+1)
def stmt(d=0):
    r = random.random()
    if d > 2 or r < 0.35: return '{{ %s }}' % expr()
    if r < 0.5: return '{%% if %s %%}%s{%% else %%}%s{%% endif %%}' % (expr(), stmt(d+1), stmt(d+1))
    if r < 0.65: return '{%% for i in %s %%}%s{{ loop.index }}{%% else %%}E{%% endfor %%}' % (random.choice(['[1, 2]', 'l', 's', 'range(2)', 'd', '"ab"', 'x']), stmt(d+1))
    if r < 0.75: return '{%% set v = %s %%}{{ v }}' % expr()
    if r < 0.85: return '{%% macro m(a, b=2) %%}%s{{ a }}{{ b }}{%% endmacro %%}{{ m(%s) }}' % (stmt(d+1), expr())
    return '{%% with w = %s %%}{{ w }}%s{%% endwith %%}' % (expr(), stmt(d+1))
cases = []
for i in range(int(sys.argv[2]) if len(sys.argv) > 2 else 400):
    t = ' '.join(stmt() for _ in range(random.randint(1, 3)))
    cases.append({'id': 'random-%d-%03d' % (seed, i), 'template': t, 'context': {'x': 3, 'y': 'Hello World', 'd': {'b': 1, 'a': 2}, 'l': [3, 1, 2], 's': 'a,b'}, 'options': {'undefined': random.choice(['strict', 'default'])}})
json.dump(cases, sys.stdout, indent=1)
