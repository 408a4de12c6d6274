#!/usr/bin/python3
"""Random Python expressions for the differential tests of python/: values,
operators, comparisons, methods, builtins, formatting and comprehensions,
one per line (the test/python/cases/*.txt format).

  python-fuzz-cases.py SEED COUNT > cases.txt
"""
import random
import sys

seed = int(sys.argv[1]) if len(sys.argv) > 1 else 1
random.seed(seed)
atoms = ['0', '1', '-3', '2.5', '-0.0', '1e16', '0.1', '10**20', 'True', 'False', 'None', "'ab'", "'a,b c'", "''", "'X y'",
         '[1, 2]', '[]', "['b', 'a']", '(1,)', '()', '(1, 2)', "{'k': 1}", '{}', '{1, 2}', 'set()', "b'x'", 'range(3)', "'%s'", "'{}'"]
binops = ['+', '-', '*', '/', '//', '%', '**', '==', '!=', '<', '<=', '>', 'and', 'or', 'in', 'not in', 'is', '&', '|', '^']
methods = ['.upper()', '.split(",")', '.split()', '.strip()', '.count(1)', '.index(1)', '.get("k")', '.keys()', '.items()', '.copy()',
           '.startswith("a")', '.join(["x", "y"])', '.replace("a", "b")', '.format(1)', '.title()', '.zfill(4)', '.center(6, "*")',
           '[0]', '[-1]', '[1:]', '[::-1]', '[::2]', '.bit_length()', '.is_integer()', '.pop()', '.append(1)', '.union({3})', '.lower()']
funcs = ['len', 'str', 'repr', 'bool', 'int', 'float', 'list', 'tuple', 'sorted', 'set', 'abs', 'min', 'max', 'sum', 'any', 'all', 'hash',
         'reversed', 'type', 'dict', 'frozenset', 'round', 'hex', 'ord', 'chr']


def expr(d=0):
    r = random.random()
    if d > 2 or r < 0.3:
        return random.choice(atoms)
    if r < 0.5:
        return '(%s %s %s)' % (expr(d + 1), random.choice(binops), expr(d + 1))
    if r < 0.65:
        return '(%s)%s' % (expr(d + 1), random.choice(methods))
    if r < 0.8:
        return '%s(%s)' % (random.choice(funcs), expr(d + 1))
    if r < 0.87:
        return '(%s if %s else %s)' % (expr(d + 1), expr(d + 1), expr(d + 1))
    if r < 0.93:
        return '[v for v in %s if v]' % expr(d + 1)
    return 'not %s' % expr(d + 1)


lines = set()
while len(lines) < (int(sys.argv[2]) if len(sys.argv) > 2 else 300):
    e = expr()
    # hash() of str and sets of str depend on the process's hash seed
    if 'hash(' in e and "'" in e:
        continue
    lines.add(e)
print('\n'.join(sorted(lines)))
