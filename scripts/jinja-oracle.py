#!/usr/bin/python3
"""The Python Jinja2 side of the differential tests of jinja/.

  jinja-oracle.py parse < paths        parse each file (jinja2.ext.do and
                                       jinja2.ext.loopcontrols enabled); print
                                       {path: "ok" | "!Class: message @line"}
  jinja-oracle.py render < cases.json  render each case; print {id: answer}
  jinja-oracle.py render-files < paths render each file with an empty context and
                                       the default Undefined; print
                                       {path: sha256 of the output | "!Class: message"}
  jinja-oracle.py render-files-chainable < paths   the same with ChainableUndefined
  jinja-oracle.py --write              regenerate test/jinja/goldens/*.json from
                                       test/jinja/cases/*.json

A case is {"id", "template", "context"?, "options"?, "templates"?}. The
context is JSON, with "__py__" values evaluated as Python expressions
(tuples, sets, floats such as 1.0). Options: undefined ("strict" or
"default"), extensions, trim_blocks, lstrip_blocks, keep_trailing_newline.
"templates" are extra named templates for a DictLoader. The answer is the
rendered text, or "!Class: message" (plus " @line N" for syntax errors).
"""
import json
import os
import sys

if os.environ.get('PYTHONHASHSEED') != '0':
    # str hashes (and so the order of sets of strings) as this engine has them
    os.environ['PYTHONHASHSEED'] = '0'
    os.execv(sys.executable, [sys.executable] + sys.argv)

import jinja2

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CASES = os.path.join(ROOT, 'test', 'jinja', 'cases')
GOLDENS = os.path.join(ROOT, 'test', 'jinja', 'goldens')
EXTENSIONS = ['jinja2.ext.do', 'jinja2.ext.loopcontrols']


import re


def hide_addresses(text):
    """Object addresses differ between runs: '<… at 0x7f…>' becomes '<… at 0x?>'."""
    return re.sub(r'memory:[0-9a-f]+', 'memory:?', re.sub(r' at 0x[0-9a-f]+>', ' at 0x?>', text))


def describe(e):
    text = '!%s: %s' % (type(e).__name__, getattr(e, 'message', None) if isinstance(e, jinja2.TemplateSyntaxError) else e)
    if isinstance(e, jinja2.TemplateSyntaxError):
        text += ' @line %s' % e.lineno
    return text


def parse(paths):
    env = jinja2.Environment(extensions=EXTENSIONS)
    out = {}
    for path in paths:
        with open(path, encoding='utf-8', errors='replace') as f:
            source = f.read()
        try:
            env.parse(source)
            out[path] = 'ok'
        except Exception as e:
            out[path] = describe(e)
    return out


def render_files(paths, undefined=jinja2.Undefined):
    """Renders whole templates; outputs are compared by their SHA-256."""
    import hashlib
    out = {}
    for path in paths:
        env = jinja2.Environment(extensions=EXTENSIONS, undefined=undefined)
        env.globals.update(PYTHON_GLOBALS)
        with open(path, encoding='utf-8', errors='replace') as f:
            source = f.read()
        try:
            text = env.from_string(source).render()
            out[path] = hashlib.sha256(hide_addresses(text).encode('utf-8', 'surrogatepass')).hexdigest()
        except Exception as e:
            out[path] = hide_addresses(describe(e))
    return out


def decode(value):
    if isinstance(value, dict):
        if set(value) == {'__py__'}:
            return eval(value['__py__'])
        return {k: decode(v) for k, v in value.items()}
    if isinstance(value, list):
        return [decode(v) for v in value]
    return value


def render(case):
    options = case.get('options', {})
    undefined = jinja2.StrictUndefined if options.get('undefined', 'strict') == 'strict' else jinja2.Undefined
    env = jinja2.Environment(
        extensions=options.get('extensions', EXTENSIONS),
        undefined=undefined,
        trim_blocks=options.get('trim_blocks', False),
        lstrip_blocks=options.get('lstrip_blocks', False),
        keep_trailing_newline=options.get('keep_trailing_newline', False),
        loader=jinja2.DictLoader(case.get('templates', {})),
    )
    env.globals.update(PYTHON_GLOBALS)
    try:
        template = env.from_string(case['template'])
        return hide_addresses(template.render(decode(case.get('context', {}))))
    except Exception as e:
        return hide_addresses(describe(e))


# the globals slapos.recipe.template gives to templates (Python builtins) and json
import builtins
PYTHON_GLOBALS = {name: getattr(builtins, name) for name in (
    'abs all any bin bool bytes callable chr dict divmod enumerate filter float format frozenset '
    'hex int isinstance iter len list map max min next oct ord pow range repr reversed round set '
    'sorted str sum tuple zip').split()}
PYTHON_GLOBALS['json_module'] = json
import six
PYTHON_GLOBALS['six'] = six


def cases_of(path):
    with open(path, encoding='utf-8') as f:
        return json.load(f)


def main():
    if sys.argv[1:] == ['parse']:
        paths = [line.rstrip('\n') for line in sys.stdin if line.strip()]
        json.dump(parse(paths), sys.stdout, ensure_ascii=False, indent=0)
    elif sys.argv[1:] == ['render-files']:
        paths = [line.rstrip('\n') for line in sys.stdin if line.strip()]
        json.dump(render_files(paths), sys.stdout, ensure_ascii=False, indent=0)
    elif sys.argv[1:] == ['render-files-chainable']:
        paths = [line.rstrip('\n') for line in sys.stdin if line.strip()]
        json.dump(render_files(paths, jinja2.ChainableUndefined), sys.stdout, ensure_ascii=False, indent=0)
    elif sys.argv[1:] == ['render']:
        cases = json.load(sys.stdin)
        json.dump({c['id']: render(c) for c in cases}, sys.stdout, ensure_ascii=False)
    elif sys.argv[1:] == ['--write']:
        os.makedirs(GOLDENS, exist_ok=True)
        for name in sorted(os.listdir(CASES)):
            if name.endswith('.json'):
                answers = {c['id']: render(c) for c in cases_of(os.path.join(CASES, name))}
                with open(os.path.join(GOLDENS, name), 'w', encoding='utf-8') as f:
                    json.dump(answers, f, ensure_ascii=False, indent=1)
                    f.write('\n')
    else:
        sys.exit(__doc__)


main()
