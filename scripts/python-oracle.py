#!/usr/bin/python3
"""The CPython side of the differential tests of python/ (the value model).

Each test/python/cases/*.txt file holds one Python expression per line
(blank lines and lines starting with '#' are skipped). Files named
literal-*.txt are read with ast.literal_eval; pybang-*.txt are eval()ed with
only the builtins the SlapOS buildout fork gives to `!py!` values;
modules-*.txt with the modules of python/modules in the namespace; the others
with eval() and the namespace {'json': json}. The answer for a case is repr(result), or
'!ExceptionClass: message' (just '!SyntaxError' for syntax errors, whose
wording differs between parsers).

  python-oracle.py --write          regenerate test/python/goldens/*.json
  python-oracle.py FILE             print the answers for one case file as JSON
"""
import ast
import re
import json
import os
import sys
import warnings

warnings.simplefilter('ignore')

if os.environ.get('PYTHONHASHSEED') != '0':
    os.environ['PYTHONHASHSEED'] = '0'
    os.execv(sys.executable, [sys.executable] + sys.argv)

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CASES = os.path.join(ROOT, 'test', 'python', 'cases')
GOLDENS = os.path.join(ROOT, 'test', 'python', 'goldens')


def cases(path):
    with open(path, encoding='utf-8') as f:
        for line in f.read().split('\n'):
            if line.strip() and not line.lstrip().startswith('#'):
                yield line


import base64, functools, hashlib, itertools, operator, six, urllib.parse
MODULES = {'json': json, 'six': six, 'urllib': urllib, 'itertools': itertools, 'functools': functools,
           'operator': operator, 'hashlib': hashlib, 'base64': base64}

PYBANG_BUILTINS = {
    'bytearray': bytearray, 'complex': complex, 'frozenset': frozenset, 'set': set,
    'dict': dict, 'list': list, 'str': str, 'tuple': tuple, 'True': True, 'False': False,
}


def answer(expr, mode):
    try:
        if mode == 'literal':
            value = ast.literal_eval(expr)
        elif mode == 'pybang':
            value = eval(expr, {'__builtins__': PYBANG_BUILTINS})
        elif mode == 'modules':
            value = eval(expr, dict(MODULES))
        else:
            value = eval(expr, {'json': json})
        return hide_addresses(repr(value))
    except SyntaxError:
        return '!SyntaxError'
    except Exception as e:  # the class and message are the answer
        return hide_addresses('!%s: %s' % (type(e).__name__, e))


def hide_addresses(text):
    """Object addresses differ from run to run: '<… at 0x7f…>' becomes '<… at 0x?>'."""
    return re.sub(r' at 0x[0-9a-f]+>', ' at 0x?>', text)


def answers(path):
    name = os.path.basename(path)
    mode = name.split('-')[0] if name.startswith(('literal-', 'pybang-', 'modules-')) else 'eval'
    return {expr: answer(expr, mode) for expr in cases(path)}


def main():
    if sys.argv[1:] == ['--write']:
        os.makedirs(GOLDENS, exist_ok=True)
        for name in sorted(os.listdir(CASES)):
            if name.endswith('.txt'):
                out = os.path.join(GOLDENS, name[:-4] + '.json')
                with open(out, 'w', encoding='utf-8') as f:
                    json.dump(answers(os.path.join(CASES, name)), f, indent=1, ensure_ascii=False)
                    f.write('\n')
        return
    if len(sys.argv) == 2:
        json.dump(answers(sys.argv[1]), sys.stdout, ensure_ascii=False)
        return
    sys.exit(__doc__)


main()
