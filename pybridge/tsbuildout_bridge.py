# tsbuildout's Python bridge: the Python side of the process tsbuildout
# starts (once per run, when a part needs Python) with the interpreter the
# profile names. Standard library only, Python >= 3.7.
#
# Protocol: one JSON object per line, in both directions, strictly nested.
#   {"c": method, "a": args}   a call (tsbuildout -> Python, or a callback
#                              Python -> tsbuildout while a call runs)
#   {"r": result}              the answer to the innermost pending call
#   {"e": error}               its failure
# Values that are Python objects travel in a tagged form (see enc/dec):
# str, bool and None as themselves; {"i": "12"} int, {"f": "1.5"} float,
# {"l": [...]} list, {"t": [...]} tuple, {"d": [[k, v], ...]} dict,
# {"s": [...]} set, {"fs": [...]} frozenset, {"b": base64} bytes,
# {"ba": base64} bytearray.
#
# The process keeps the protocol on private copies of its standard input
# and output: code run here that prints writes to standard error.

import base64
import errno
import importlib
import json
import linecache
import logging
import os
import re
import select
import shlex
import shutil
import subprocess
import sys
import tempfile
import traceback
from collections.abc import MutableMapping

PROTOCOL = 1
# the name the bridge's own code is compiled under (its frames are left out of tracebacks)
_BRIDGE_FILE = globals().get('__file__', '<tsbuildout-bridge>')


# ---------------------------------------------------------------- transport

class _Transport(object):
    def __init__(self):
        # the protocol keeps its own descriptors; fd 1 becomes tsbuildout's
        # standard output when it gave it as fd 3 (what recipes print goes
        # where zc.buildout's recipes print), else stderr, and fd 0
        # /dev/null, so user code (and its subprocesses) cannot corrupt it
        try:  # before the dups below, which may take fd 3
            os.fstat(3)
            stdout = True
        except OSError:
            stdout = False
        self.inp = os.fdopen(os.dup(0), 'rb', 0)
        self.out = os.fdopen(os.dup(1), 'wb', 0)
        null = os.open(os.devnull, os.O_RDONLY)
        os.dup2(null, 0)
        os.close(null)
        if stdout:
            os.dup2(3, 1)
            os.close(3)
        else:
            os.dup2(2, 1)
            sys.stdout = sys.stderr
        self.buffer = b''

    def send(self, obj):
        data = memoryview((json.dumps(obj, ensure_ascii=True, separators=(',', ':')) + '\n').encode('ascii'))
        while data:
            n = self.out.write(data)
            if n is None:  # a non-blocking pipe that is full
                select.select([], [self.out], [])
                continue
            data = data[n:]

    def receive(self):
        # self.buffer: what followed the last line; a long line comes in
        # many chunks, only the new one is searched for its end
        parts = [self.buffer]
        i = self.buffer.find(b'\n')
        while i < 0:
            chunk = self.inp.read(1 << 20)
            if chunk is None:  # a non-blocking pipe with nothing yet
                select.select([self.inp], [], [])
                continue
            if not chunk:
                return None
            parts.append(chunk)
            i = chunk.find(b'\n')
            if i >= 0:
                i += sum(len(p) for p in parts) - len(chunk)
        data = b''.join(parts)
        line, self.buffer = data[:i], data[i + 1:]
        return json.loads(line.decode('utf-8'))


T = None


# -------------------------------------------------------------------- values

def enc(v):
    if v is None or v is True or v is False:
        return v
    if isinstance(v, str):
        return str(v)
    if isinstance(v, int):
        return {'i': str(int(v))}
    if isinstance(v, float):
        return {'f': repr(float(v))}
    if isinstance(v, list):
        return {'l': [enc(x) for x in v]}
    if isinstance(v, tuple):
        return {'t': [enc(x) for x in v]}
    if isinstance(v, dict):
        return {'d': [[enc(k), enc(x)] for k, x in v.items()]}
    if isinstance(v, frozenset):
        return {'fs': [enc(x) for x in v]}
    if isinstance(v, set):
        return {'s': [enc(x) for x in v]}
    if isinstance(v, bytearray):
        return {'ba': base64.b64encode(bytes(v)).decode('ascii')}
    if isinstance(v, bytes):
        return {'b': base64.b64encode(v).decode('ascii')}
    raise TypeError('a value of type %s cannot cross to tsbuildout (option values are'
                    ' str, bytes, int, float, bool, None, list, tuple, dict, set)' % type(v).__name__)


def dec(v):
    if not isinstance(v, dict):
        return v
    if 'i' in v:
        return int(v['i'])
    if 'f' in v:
        return float(v['f'])
    if 'l' in v:
        return [dec(x) for x in v['l']]
    if 't' in v:
        return tuple(dec(x) for x in v['t'])
    if 'd' in v:
        return dict((dec(k), dec(x)) for k, x in v['d'])
    if 's' in v:
        return set(dec(x) for x in v['s'])
    if 'fs' in v:
        return frozenset(dec(x) for x in v['fs'])
    if 'b' in v:
        return base64.b64decode(v['b'])
    if 'ba' in v:
        return bytearray(base64.b64decode(v['ba']))
    if 'o' in v:
        return _OBJECTS[v['o']]
    raise ValueError('unknown tagged value %r' % (v,))


# ------------------------------------------------------- objects by handle
# Python objects tsbuildout holds without copying them: the modules a jinja2
# part's context imports and whatever their functions return that is not a
# plain value. Kept for the run (a handle is an index in this list).

_OBJECTS = []
_HANDLES = {}  # id(object) -> handle (the objects stay referenced, so ids are not reused)
_PLAIN_SCALARS = (str, int, float, bool, type(None), bytes, bytearray)
_PLAIN_CONTAINERS = (list, tuple, dict, set, frozenset)


def _plain(v, depth=0):
    """Exactly the built-in types enc() copies (a namedtuple or a dict
    subclass keeps its methods only as an object)."""
    t = type(v)
    if t in _PLAIN_SCALARS:
        return True
    if t not in _PLAIN_CONTAINERS or depth > 50:
        return False
    if t is dict:
        return all(_plain(k, depth + 1) and _plain(x, depth + 1) for k, x in v.items())
    return all(_plain(x, depth + 1) for x in v)


def out(v):
    """A result for tsbuildout: a copy when plain, else a handle."""
    if _plain(v):
        return enc(v)
    # one handle per object: `is` holds, and a loop over the same objects adds none
    handle = _HANDLES.get(id(v))
    if handle is None:
        _OBJECTS.append(v)
        handle = _HANDLES[id(v)] = len(_OBJECTS) - 1
    t = type(v)
    return {'o': handle, 'type': t.__name__, 'module': t.__module__, 'callable': callable(v)}


def h_obj_import(name):
    return out(importlib.import_module(name))


def h_obj_getattr(handle, name):
    try:
        return [True, out(getattr(_OBJECTS[handle], name))]
    except AttributeError:
        return [False, None]


def h_obj_call(handle, args, kwargs):
    return out(_OBJECTS[handle](*[dec(a) for a in args], **dict((k, dec(v)) for k, v in kwargs)))


def h_obj_getitem(handle, key):
    return out(_OBJECTS[handle][dec(key)])


def h_obj_iter(handle):
    """An iterator over the object, as a handle (None: not iterable)."""
    try:
        it = iter(_OBJECTS[handle])
    except TypeError:
        return None
    _OBJECTS.append(it)
    _HANDLES[id(it)] = len(_OBJECTS) - 1
    return len(_OBJECTS) - 1


def h_obj_next(handle, count):
    """Up to `count` more items, and whether the iterator is exhausted."""
    items = []
    it = _OBJECTS[handle]
    for x in it:
        items.append(out(x))
        if len(items) >= count:
            return [items, False]
    # exhausted: the handle is not used again
    _OBJECTS[handle] = None
    del _HANDLES[id(it)]
    return [items, True]


def h_obj_len(handle):
    try:
        return len(_OBJECTS[handle])
    except TypeError:
        return None


def h_obj_contains(handle, value):
    return dec(value) in _OBJECTS[handle]


def h_obj_eq(handle, other):
    return bool(_OBJECTS[handle] == dec(other))


_OBJ_BUILTINS = {'repr': repr, 'str': str, 'bool': bool, 'hash': lambda o: str(hash(o))}


def h_obj_builtin(handle, name):
    """repr(o), str(o), bool(o) or hash(o) (as text: Python's hashes exceed JSON's numbers)."""
    return _OBJ_BUILTINS[name](_OBJECTS[handle])


_OPERATORS = {
    '+': 'add', '-': 'sub', '*': 'mul', '/': 'truediv', '//': 'floordiv', '%': 'mod',
    '**': 'pow', '&': 'and_', '|': 'or_', '^': 'xor', '<<': 'lshift', '>>': 'rshift',
    '@': 'matmul', '<': 'lt', '<=': 'le', '>': 'gt', '>=': 'ge',
}
_UNARY = {'-': 'neg', '+': 'pos', '~': 'invert'}


def h_obj_op(op, a, b):
    """a OP b, with Python's whole dispatch (reflected methods included)."""
    import operator
    return out(getattr(operator, _OPERATORS[op])(dec(a), dec(b)))


def h_obj_unary(op, a):
    import operator
    return out(getattr(operator, _UNARY[op])(dec(a)))


def h_obj_isinstance(handle, kind):
    """isinstance() for Jinja2's tests: `integer` excludes bool, as Jinja2 does."""
    import collections.abc
    import numbers
    o = _OBJECTS[handle]
    if kind == 'int':
        return isinstance(o, int) and not isinstance(o, bool)
    classes = {'Mapping': collections.abc.Mapping, 'Number': numbers.Number, 'float': float, 'str': str}
    return isinstance(o, classes[kind])


def h_obj_dir(handle):
    return [str(n) for n in dir(_OBJECTS[handle])]


# ------------------------------------------------------------------ errors

class UserError(Exception):
    """zc.buildout.UserError, when zc.buildout is not imported (the shims
    have zc.buildout's names: tracebacks print them)."""

    def __str__(self):
        return ' '.join(map(str, self.args))


def _buildout_module():
    return sys.modules.get('zc.buildout.buildout')


def _user_error_class():
    m = sys.modules.get('zc.buildout')
    return getattr(m, 'UserError', UserError) if m else UserError


def _missing(kind, message):
    """zc.buildout's MissingOption / MissingSection (UserError and KeyError)."""
    m = _buildout_module()
    cls = getattr(m, kind, None) if m else None
    if cls is None:
        cls = _SHIM_MISSING[kind]
    return cls(message)


class MissingOption(UserError, KeyError):
    pass


class MissingSection(UserError, KeyError):
    pass


_SHIM_MISSING = {'MissingOption': MissingOption, 'MissingSection': MissingSection}


class _ShimFinder(object):
    """`import zc.buildout` where the interpreter has no zc.buildout: a
    module with UserError, MissingOption and MissingSection (last on
    sys.meta_path, so a real zc.buildout always wins)."""

    NAMES = ('zc', 'zc.buildout', 'zc.buildout.buildout', 'zc.buildout.easy_install')

    def find_spec(self, name, path=None, target=None):
        if name not in self.NAMES:
            return None
        import importlib.util
        return importlib.util.spec_from_loader(name, self, is_package=name in ('zc', 'zc.buildout'))

    def create_module(self, spec):
        return None

    def exec_module(self, module):
        if module.__name__ != 'zc':
            module.UserError = UserError
            module.MissingOption = MissingOption
            module.MissingSection = MissingSection
        if module.__name__ == 'zc.buildout.easy_install':
            module.default_versions = _default_versions
            module.build = module.develop = _no_install


_versions = [{}]


def _default_versions(versions=None):
    """zc.buildout.easy_install.default_versions: tsbuildout installs no
    eggs, the versions are only kept."""
    old = _versions[0]
    if versions is not None:
        _versions[0] = dict(versions)
    return old


def _no_install(*args, **kw):
    raise UserError('zc.buildout.easy_install.install: tsbuildout does not install eggs'
                    ' (run the software release with zc.buildout)')


# --------------------------------------------------- zc.buildout.easy_install

_STUB_SOFTWARE = [False]


def _ei_install(specs, dest=None, links=(), index=None, executable=None, always_unzip=None,
                path=None, working_set=None, newest=True, versions=None, use_dependency_links=None,
                allow_hosts=('*',), include_site_packages=None, allowed_eggs_from_site_packages=None,
                check_picked=True, allow_unknown_extras=False):
    """zc.buildout.easy_install.install as far as a node without an egg
    installer goes: with dest=None it activates the distributions already in
    `path` (the release's develop-eggs and eggs directories) or the
    interpreter's own, with their dependencies, in `working_set` (a new one
    by default; pkg_resources.working_set puts them on sys.path) and returns
    it. Installing (dest given) or a distribution found nowhere is a
    UserError; under --stub-software (a software release whose eggs were not
    built) a missing distribution is left out, with a warning."""
    import pkg_resources
    if dest is not None:
        raise _user_error_class()('zc.buildout.easy_install.install(%r, dest=%r): tsbuildout installs no eggs;'
                                  ' only dest=None, which activates eggs already in path, works'
                                  ' (run the software release with zc.buildout)' % (list(specs), dest))
    ws = pkg_resources.WorkingSet([]) if working_set is None else working_set
    env = pkg_resources.Environment(list(path or []) + [p for p in sys.path if p not in (path or [])])
    for spec in specs:
        req = pkg_resources.Requirement.parse(spec) if isinstance(spec, str) else spec
        try:
            for dist in ws.resolve([req], env):
                ws.add(dist)
        except (pkg_resources.DistributionNotFound, pkg_resources.VersionConflict) as e:
            if _STUB_SOFTWARE[0]:
                logging.getLogger('zc.buildout.easy_install').warning(
                    '%s: left out (--stub-software: the eggs were not installed)', e)
                continue
            raise _user_error_class()(
                "Couldn't find a distribution for %r in %s or the interpreter's own (%s):"
                ' tsbuildout installs no eggs' % (str(req), ', '.join(path or []) or 'no path', e))
    return ws


def _ei_working_set(specs, executable=None, path=None, include_site_packages=None,
                    allowed_eggs_from_site_packages=None):
    """zc.buildout.easy_install.working_set: install(specs, None, path=path);
    the path may come second, where zc.buildout 2 had the executable (its
    backward compatibility: working_set(['pytz'], [eggs, develop_eggs]))."""
    if path is None and not isinstance(executable, str):
        path = executable
    return _ei_install(specs, None, path=path)


def _scan_once(scan):
    """pkg_resources.Environment.scan reading each directory of the search
    path once: Environment.add ignores a distribution it has, so a directory
    listed again adds nothing. zc.buildout.easy_install's import scans
    [d.location for d in working_set], the interpreter's site-packages once
    per distribution in it when zc.buildout is installed there (Debian's
    python3-zc.buildout: ~80 times, 2-5 s per bridge)."""
    def scan_once(self, search_path=None):
        if search_path is None:
            return scan(self, None)
        seen = set()
        return scan(self, [p for p in search_path if not (p in seen or seen.add(p))])
    scan_once.__wrapped__ = scan
    return scan_once


def _patch_buildout_module(module):
    """zc.buildout as a running buildout has it (real or tsbuildout's shim):
    `zc.buildout.easy_install` reachable once `zc.buildout` is imported
    (zc.buildout.buildout imports it), with tsbuildout's install() and
    working_set(); pkg_resources' Environment scanning a directory once."""
    if module.__name__ == 'pkg_resources':
        env = getattr(module, 'Environment', None)
        if env is not None and not hasattr(env.scan, '__wrapped__'):
            env.scan = _scan_once(env.scan)
    elif module.__name__ == 'zc.buildout':
        def __getattr__(name):
            if name == 'easy_install':
                return importlib.import_module('zc.buildout.easy_install')
            raise AttributeError("module 'zc.buildout' has no attribute %r" % (name,))
        module.__getattr__ = __getattr__
    elif module.__name__ == 'zc.buildout.easy_install':
        module.install = _ei_install
        module.working_set = _ei_working_set


class _PatchingLoader(object):
    def __init__(self, loader):
        self._loader = loader

    def create_module(self, spec):
        return self._loader.create_module(spec)

    def exec_module(self, module):
        self._loader.exec_module(module)
        _patch_buildout_module(module)

    def __getattr__(self, name):
        return getattr(self._loader, name)


class _BuildoutHook(object):
    """First on sys.meta_path: zc.buildout, zc.buildout.easy_install and
    pkg_resources, found by the other finders, patched once loaded."""

    NAMES = ('zc.buildout', 'zc.buildout.easy_install', 'pkg_resources')

    def find_spec(self, name, path=None, target=None):
        if name not in self.NAMES:
            return None
        for finder in sys.meta_path:
            find = getattr(finder, 'find_spec', None)
            if finder is self or find is None:
                continue
            spec = find(name, path, target)
            if spec is not None:
                if spec.loader is not None and hasattr(spec.loader, 'exec_module'):
                    spec.loader = _PatchingLoader(spec.loader)
                return spec
        return None


def h_stub_software(flag):
    """The run is a software release's under --stub-software."""
    _STUB_SOFTWARE[0] = bool(flag)


class _EggFinder(object):
    """Imports of modules the interpreter does not have come from the
    software release's eggs, as in zc.buildout, where the eggs of the
    recipes loaded so far are on sys.path: a top-level module is looked up
    in develop-eggs-directory and eggs-directory (their top_level.txt, the
    newest version or the [versions] pin) and its egg joins sys.path. Last
    on sys.meta_path: what the interpreter has wins."""

    def __init__(self):
        self.develop = self.eggs = None
        self.pins = {}
        self.index = None

    def configure(self, develop, eggs, pins):
        self.develop, self.eggs, self.pins, self.index = develop, eggs, dict(pins), None

    def _add(self, index, name, version, location, metadata):
        try:
            with open(os.path.join(metadata, 'top_level.txt')) as f:
                tops = [l.strip() for l in f if l.strip()]
        except OSError:
            tops = []
        project = re.sub(r'[-_.]+', '-', name).lower()
        for top in tops or [name.replace('-', '_')]:
            index.setdefault(top, []).append((project, version, location))

    def _build(self):
        index = {}
        if self.develop and os.path.isdir(self.develop):
            for entry in sorted(os.listdir(self.develop)):
                if not entry.endswith('.egg-link'):
                    continue
                with open(os.path.join(self.develop, entry)) as f:
                    lines = [l.strip() for l in f if l.strip()]
                if not lines:
                    continue
                location = os.path.join(self.develop, lines[0])
                try:
                    infos = [e for e in os.listdir(location) if e.endswith('.egg-info')]
                except OSError:
                    continue
                for info in infos:
                    self._add(index, entry[:-9], '~develop', location, os.path.join(location, info))
        if self.eggs and os.path.isdir(self.eggs):
            for entry in sorted(os.listdir(self.eggs)):
                if entry.endswith('.egg') and entry.count('-') >= 1:
                    name, version = entry[:-4].split('-')[:2]
                    location = os.path.join(self.eggs, entry)
                    self._add(index, name, version, location, os.path.join(location, 'EGG-INFO'))
        self.index = index

    def _choose(self, candidates):
        develop = [c for c in candidates if c[1] == '~develop']
        if develop:
            return develop[0]
        pinned = [c for c in candidates if self.pins.get(c[0]) == c[1]]
        if pinned:
            return pinned[0]

        def key(c):
            return [int(x) if x.isdigit() else -1 for x in re.split(r'[.+-]', c[1])]
        return max(candidates, key=key)

    def find_spec(self, name, path=None, target=None):
        if path is not None or '.' in name or (self.develop is None and self.eggs is None):
            return None
        if self.index is None:
            self._build()
        candidates = self.index.get(name)
        if not candidates:
            return None
        location = self._choose(candidates)[2]
        if location not in sys.path:
            sys.path.append(location)
        import importlib.machinery
        return importlib.machinery.PathFinder.find_spec(name, [location])


EGGS = _EggFinder()


class TsbuildoutError(Exception):
    """An error raised by tsbuildout while answering a callback (a reference
    that does not resolve, a failing section): it goes back unchanged."""

    def __init__(self, message, token):
        Exception.__init__(self, message)
        self.token = token


class BridgeCrash(Exception):
    pass


def _is_user_error(e):
    return any(c.__name__ == 'UserError' for c in type(e).__mro__)


def _frames(tb):
    """The traceback without the bridge's own frames."""
    out = []
    for frame, lineno in traceback.walk_tb(tb):
        code = frame.f_code
        if code.co_filename == _BRIDGE_FILE:
            continue
        text = linecache.getline(code.co_filename, lineno, frame.f_globals).strip()
        out.append({'file': code.co_filename, 'line': lineno, 'name': code.co_name, 'text': text})
    return out


def _describe(e, tb=None):
    if isinstance(e, TsbuildoutError):
        return {'kind': 'tsbuildout', 'token': e.token, 'message': str(e)}
    if isinstance(e, BridgeCrash):
        raise e
    d = {
        'kind': 'python',
        'type': type(e).__name__,
        'module': type(e).__module__,
        'message': str(e),
        'user': _is_user_error(e),
        'frames': _frames(tb if tb is not None else e.__traceback__),
        'text': ''.join(traceback.format_exception_only(type(e), e)),
        'mro': [c.__name__ for c in type(e).__mro__],
    }
    if isinstance(e, SyntaxError):
        d['syntax'] = {'file': e.filename, 'line': e.lineno, 'offset': e.offset, 'text': e.text, 'msg': e.msg}
    return d


# ------------------------------------------------------------------ calls

def callback(method, *args):
    """A call into tsbuildout, answered while this process waits; tsbuildout
    may call back in here (another section initialised) meanwhile."""
    T.send({'c': method, 'a': list(args)})
    while True:
        msg = T.receive()
        if msg is None:
            raise BridgeCrash('tsbuildout went away')
        if 'r' in msg:
            return msg['r']
        if 'e' in msg:
            err = msg['e']
            kind = err.get('kind')
            if kind in ('MissingOption', 'MissingSection'):
                raise _missing(kind, err['message'])
            if kind == 'SectionExists':
                raise KeyError('Section already exists', err['message'])
            if kind in _REFUSALS:
                raise _REFUSALS[kind](err['message'])
            raise TsbuildoutError(err.get('message', ''), err.get('token'))
        _serve_one(msg)


_REFUSALS = {'KeyError': KeyError, 'TypeError': TypeError, 'NotImplementedError': NotImplementedError}


def _serve_one(msg):
    method = msg.get('c')
    try:
        f = HANDLERS[method]
    except KeyError:
        T.send({'e': {'kind': 'protocol', 'message': 'unknown method %r' % (method,)}})
        return
    try:
        result = f(*msg.get('a', []))
    except BridgeCrash:
        raise
    except BaseException as e:
        if isinstance(e, (KeyboardInterrupt,)):
            raise
        T.send({'e': _describe(e)})
        return
    try:
        T.send({'r': result})
    except TypeError as e:
        T.send({'e': _describe(e)})


# ------------------------------------------------------- buildout objects

class Options(MutableMapping):
    """A section as a recipe sees it (zc.buildout's Options, a mutable
    mapping): reads and writes go to tsbuildout's resolver."""

    def __init__(self, buildout, name):
        self.buildout = buildout
        self.name = name
        self._created = []

    def __getitem__(self, key):
        return dec(callback('opt.get', self.name, key))

    def __setitem__(self, key, value):
        if not isinstance(key, str):
            raise TypeError('Option names must be strings', key)
        callback('opt.set', self.name, key, enc(value))

    def __delitem__(self, key):
        callback('opt.del', self.name, key)

    def __contains__(self, key):
        return callback('opt.has', self.name, key)

    has_key = __contains__

    def keys(self):
        return callback('opt.keys', self.name)

    def __iter__(self):
        return iter(self.keys())

    def __len__(self):
        return len(self.keys())

    def items(self):
        return [(k, dec(v)) for k, v in callback('opt.items', self.name)]

    def values(self):
        return [v for _, v in self.items()]

    def copy(self):
        """zc.buildout's Options.copy(): a plain dict (values not read yet stay raw)."""
        return dict((k, dec(v)) for k, v in callback('opt.copy', self.name))

    __hash__ = object.__hash__

    def __eq__(self, other):
        if self is other:
            return True
        return MutableMapping.__eq__(self, other)

    def __repr__(self):
        return repr(dict(self.items()))

    def created(self, *paths):
        """zc.buildout's Options.created(): paths removed if install fails."""
        self._created.extend(paths)
        return self._created

    @property
    def depends(self):
        """The SlapOS fork's Options.depends: the sections this one depends
        on (its signature hashes them). A copy: assign a set to change it,
        as component/pypy does to read a section without depending on it."""
        return set(callback('opt.deps', self.name))

    @depends.setter
    def depends(self, value):
        callback('opt.setdeps', self.name, sorted(value))

    def barrier(self):
        """The SlapOS fork's Options.barrier() (component/defaults.cfg's
        [python]): its source was not available; a no-op here, so the
        dependencies read so far stay in the part's signature."""

    def query(self, question, default=None):
        raise _user_error_class()('query() needs a terminal; tsbuildout runs without one')


class Buildout(MutableMapping):
    """The buildout as a recipe sees it: sections are initialised by
    tsbuildout's resolver on first access, as zc.buildout does."""

    def __init__(self):
        self._sections = {}

    def __getitem__(self, name):
        # asked every time: the part whose code reads it depends on it
        callback('section', name)
        s = self._sections.get(name)
        if s is None:
            s = self._sections[name] = Options(self, name)
        return s

    def __setitem__(self, name, data):
        raise TypeError('adding a section this way is not supported; use buildout.parse()')

    def __delitem__(self, name):
        raise TypeError('removing a section is not supported')

    def __contains__(self, name):
        return name in self.keys()

    def keys(self):
        return callback('buildout.keys')

    def __iter__(self):
        return iter(self.keys())

    def __len__(self):
        return len(self.keys())

    __hash__ = object.__hash__

    def __eq__(self, other):
        return self is other

    def __repr__(self):
        return '<tsbuildout Buildout>'

    def parse(self, data):
        """Add the sections of a configuration text, then initialise them."""
        import textwrap
        callback('buildout.parse', textwrap.dedent(data))


class _Handler(logging.Handler):
    """Recipe log records go to tsbuildout's log, as buildout prints them."""

    def emit(self, record):
        try:
            msg = record.getMessage()
            if record.exc_info:
                msg += '\n' + ''.join(traceback.format_exception(*record.exc_info))
            callback('log', record.levelno, record.name, msg)
        except BridgeCrash:
            raise
        except Exception:
            self.handleError(record)


# ------------------------------------------------- slapos.recipe.build

TRUE_LIST = ('y', 'on', 'yes', 'true', '1')

ARCH_MAP = {'i386': 'x86', 'i586': 'x86', 'i686': 'x86', 'x86_64': 'x86-64'}


def rmtree(path):
    """Remove a file, a link or a tree, making read-only directories writable."""
    if os.path.islink(path) or not os.path.isdir(path):
        os.remove(path)
        return

    def onexc(func, p, exc):
        if func in (os.remove, os.unlink, os.rmdir) and os.path.isdir(os.path.dirname(p)):
            os.chmod(os.path.dirname(p), 0o700)
            if os.path.isdir(p) and not os.path.islink(p):
                os.chmod(p, 0o700)
            func(p)
        else:
            raise exc
    if sys.version_info >= (3, 12):
        shutil.rmtree(path, onexc=onexc)
    else:
        shutil.rmtree(path, onerror=lambda func, p, info: onexc(func, p, info[1]))


def guessworkdir(path):
    x = os.listdir(path)
    return os.path.join(path, *x) if len(x) == 1 else path


def guessPlatform():
    import platform
    target = ARCH_MAP.get(platform.uname()[4])
    assert target, 'Unknown architecture'
    return target


def multiarch():
    out = subprocess.check_output(('gcc', '-dumpmachine'), universal_newlines=True)
    return out.rstrip()


def call(*args, **kwargs):
    """subprocess.check_call with stdin closed."""
    kwargs.setdefault('stdin', subprocess.DEVNULL)
    kwargs.setdefault('close_fds', True)
    subprocess.check_call(*args, **kwargs)


def calls(call_string, **kwargs):
    call(shlex.split(call_string), **kwargs)


def calli(*args, **kwargs):
    subprocess.check_call(*args, **kwargs)


def is_true(value, default=False):
    return default if value is None else str(value).strip().lower() in TRUE_LIST


class _Code(object):
    """Inline code of a section option, compiled under a name tsbuildout
    maps back to the profile's lines."""

    def __init__(self, part, option, text):
        self.part = part
        self.option = option
        self.filename = '<tsbuildout [%s] %s>' % (part, option)
        lines = text.splitlines(True)
        linecache.cache[self.filename] = (len(text), None, lines, self.filename)
        self.code = compile(text, self.filename, 'exec')


class Script(object):
    """slapos.recipe.build's default entry point: `init` runs here (at
    section initialisation), `install` must create `location`, `update`
    runs on every later run; without `install`, install runs `update`."""

    def __init__(self, buildout, name, options, _read=None):
        # _read: the values of the options read here, when tsbuildout
        # passed them along with the call (saves a round trip each)
        get = options.get if _read is None else _read.get
        self.cleanup_list = []
        self.buildout = buildout
        self.name = name
        self.options = options
        self.logger = logging.getLogger(name)
        self._environ = None
        code = {}
        for option in ('init', 'install', 'update'):
            text = get(option)
            if text and text.strip():
                code[option] = _Code(name, option, text)
        self._code = code
        location = get('location')
        options['location'] = location.strip() if location else os.path.join(
            get('parts-directory') or buildout['buildout']['parts-directory'], name)
        self.keep_on_error = is_true(get('keep-on-error') or '')
        if 'init' in code:
            self._exec('init')

    @property
    def environ(self):
        if self._environ is None:
            self._environ = environ = dict(os.environ)
            spec = self.options.get('environment')
            if spec:
                if '=' in spec:
                    items = [l.split('=', 1) for l in spec.splitlines() if l.strip()]
                else:
                    items = self.buildout[spec.strip()].items()
                for k, v in items:
                    environ[k.strip()] = v.strip() % os.environ
        return self._environ

    def _namespace(self):
        g = dict(_SCRIPT_GLOBALS)
        g.update(self=self, options=self.options, location=self.options.get('location'))
        return g

    def _exec(self, option):
        exec(self._code[option].code, self._namespace())

    def install(self):
        if 'install' not in self._code:
            self.update()
            return ''
        location = self.options['location']
        if os.path.lexists(location):
            self.logger.warning('Removing already existing path %r', location)
            rmtree(location)
        try:
            self._exec('install')
            self._checkPromise('slapos_promise', location)
        except BaseException:
            self.cleanup_list.append(location)
            raise
        finally:
            self._cleanup()
        return location

    def update(self):
        if 'update' in self._code:
            try:
                self._exec('update')
            finally:
                self._cleanup()

    def _cleanup(self):
        for path in self.cleanup_list:
            if os.path.lexists(path):
                if self.keep_on_error:
                    self.logger.info('Left %r as requested', path)
                else:
                    self.logger.debug('Removing %r', path)
                    rmtree(path)
        del self.cleanup_list[:]

    # helpers of slapos.recipe.build
    cleanup_dir_list = cleanup_file_list = property(lambda self: self.cleanup_list)

    def download(self, url=None, md5sum=None, alternate=None, **kw):
        if url is None:
            url = self.options['url']
            if md5sum is None:
                md5sum = self.options.get('md5sum') or None
        # tsbuildout downloads (recipes/lib/download.ts): the download cache,
        # socket-timeout, Content-Length and md5sum checked in one place
        path, is_temp = callback('download', self.name, url, md5sum, alternate)
        if is_temp:
            self.cleanup_list.append(path)
        return path

    def extract(self, path, *strip):
        extract_dir = tempfile.mkdtemp(self.name)
        self.logger.debug('Created working directory %r', extract_dir)
        self.cleanup_list.append(extract_dir)
        # tsbuildout unpacks (recipes/lib/archive.ts), with setuptools' rules:
        # nothing written outside extract_dir, no host file read
        callback('extract', self.name, os.path.abspath(os.fspath(path)), extract_dir)
        return extract_dir

    def copyTree(self, origin, destination, ignore_dir_list=()):
        if os.path.exists(destination):
            raise shutil.Error('Destination already exists: %s' % destination)
        self.logger.info('Copying %s to %s', origin, destination)
        try:
            shutil.copytree(origin, destination, symlinks=True,
                            ignore=lambda src, names: ignore_dir_list)
        except (shutil.Error, OSError):
            shutil.rmtree(destination, ignore_errors=True)
            raise
        return True

    def failIfPathExists(self, path):
        if os.path.lexists(path):
            raise _user_error_class()('Path %r exists, cannot continue' % path)

    def pipeCommand(self, command_list_list, *args, **kwargs):
        previous = None
        kwargs['stdout'] = subprocess.PIPE
        procs = []
        for command_list in command_list_list:
            if previous is not None:
                kwargs['stdin'] = previous.stdout
            p = subprocess.Popen(command_list, *args, **kwargs)
            if previous is not None:
                previous.stdout.close()
            procs.append((p, command_list))
            previous = p
        self.logger.info('Running: %r', ' | '.join(' '.join(c) for _, c in procs))
        for p, c in reversed(procs):
            p.wait()
        for p, c in reversed(procs):
            if p.returncode:
                raise _user_error_class()('Failed while running command %r' % (c,))

    def applyPatchList(self, patch_string, patch_options=None, patch_binary=None, cwd=None):
        if not patch_string:
            return
        patch_options = shlex.split(patch_options) if patch_options else []
        patch_binary = (patch_binary or 'patch').strip()
        for patch in patch_string.splitlines():
            patch = patch.strip()
            if not patch:
                continue
            md5sum = None
            options = patch_options
            if ' ' in patch:
                patch, md5sum = patch.split(' ', 1)
                md5sum = md5sum.strip()
                if ' ' in md5sum:
                    md5sum, extra = md5sum.split(' ', 1)
                    options = extra.split(' ')
                if md5sum.lower() == 'unknown':
                    md5sum = None
            self.logger.info('Applying patch %r', patch)
            with open(self.download(patch, md5sum)) as f:
                subprocess.check_call([patch_binary] + options, stdin=f, cwd=cwd)

    def _checkPromise(self, key, location):
        text = self.options.get(key)
        if not text:
            return
        problems = []
        for promise in text.splitlines():
            promise = promise.strip()
            if not promise:
                continue
            kind, _, path = promise.split()[0].partition(':')
            full = os.path.join(location, path)
            if kind in ('file', 'statlib', 'dynlib'):
                if not os.path.exists(full):
                    problems.append('File promise not met for %r' % path)
            elif kind == 'directory':
                if not os.path.isdir(full):
                    problems.append('Directory promise not met for %r' % path)
            else:
                raise _user_error_class()('Unknown promise %r' % promise)
        if problems:
            raise _user_error_class()('Promise not met, found issues:\n  %s\n' % '\n  '.join(problems))


_SCRIPT_GLOBALS = {
    '__builtins__': __builtins__, '__name__': 'slapos.recipe.build',
    'errno': errno, 'logging': logging, 'os': os, 'shlex': shlex, 'shutil': shutil,
    'subprocess': subprocess, 'sys': sys, 'tempfile': tempfile, 're': re,
    'rmtree': rmtree, 'guessworkdir': guessworkdir, 'guessPlatform': guessPlatform,
    'multiarch': multiarch, 'call': call, 'calls': calls, 'calli': calli,
    'is_true': is_true, 'TRUE_LIST': TRUE_LIST, 'ARCH_MAP': ARCH_MAP,
}


# ------------------------------------------------------- recipe eggs

def _parse_entry_points(text):
    groups = {}
    group = None
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith(('#', ';')):
            continue
        if line.startswith('['):
            group = groups.setdefault(line.strip('[]').strip(), {})
        elif group is not None and '=' in line:
            name, value = line.split('=', 1)
            group[name.strip()] = value.split('[')[0].strip()
    return groups


def _load_entry_point(value):
    module, _, attrs = value.partition(':')
    obj = importlib.import_module(module.strip())
    for a in attrs.strip().split('.') if attrs.strip() else []:
        obj = getattr(obj, a)
    return obj


_recipes = {}
_next_handle = [1]


def _keep(recipe):
    h = _next_handle[0]
    _next_handle[0] += 1
    _recipes[h] = recipe
    return h


_DIRECTORY = [None]


def _call_recipe(handle, method):
    """zc.buildout's Options._call: run from the buildout directory (and
    back there after), the paths given to options.created() removed if the
    call fails."""
    recipe, options = _recipes[handle]
    del options._created[:]
    directory = _DIRECTORY[0] or os.getcwd()
    try:
        os.chdir(directory)
        result = getattr(recipe, method)()
    except BaseException:
        for path in options._created:
            if os.path.lexists(path):
                rmtree(path)
        raise
    finally:
        os.chdir(directory)
    if result is None:
        return None
    if isinstance(result, str):
        return [result]
    return [str(p) for p in result]


def h_setup(directory, develop, eggs, pins, level):
    """The buildout directory, the release's egg directories (imports the
    interpreter cannot satisfy look there) and the log level (buildout's
    log-level and verbosity)."""
    _DIRECTORY[0] = directory
    EGGS.configure(develop, eggs, pins)
    logging.getLogger().setLevel(level)


def h_hello():
    return {'protocol': PROTOCOL, 'python': list(sys.version_info[:3]), 'executable': sys.executable}


def h_build_init(part, read):
    # the section is being initialised: no need to ask for it
    options = BUILDOUT._sections.setdefault(part, Options(BUILDOUT, part))
    read = dict((k, dec(v)) for k, v in read)
    return _keep((Script(BUILDOUT, part, options, read), options))


def h_egg_init(part, paths, entry_value):
    for p in reversed(paths):
        if p not in sys.path:
            sys.path.insert(0, p)
    factory = _load_entry_point(entry_value)
    options = BUILDOUT[part]
    recipe = factory(BUILDOUT, part, options)
    return {'handle': _keep((recipe, options)), 'update': callable(getattr(recipe, 'update', None))}


def h_egg_uninstall(part, paths, entry_value, saved):
    for p in reversed(paths):
        if p not in sys.path:
            sys.path.insert(0, p)
    uninstaller = _load_entry_point(entry_value)
    uninstaller(part, dict((k, v) for k, v in saved))
    return None


def h_egg_extension(paths, entry_value):
    """A zc.buildout.extension (or unloadextension) entry point, called with
    the buildout (zc.buildout's _load_extensions / _unload_extensions)."""
    for p in reversed(paths):
        if p not in sys.path:
            sys.path.insert(0, p)
    _load_entry_point(entry_value)(BUILDOUT)
    return None


class _NoCommands(object):
    """--stub-software tries slapos.recipe.build code that may only write
    files: starting a process (it would build software with what was not
    built, or for real) fails instead, so the part is stood in."""

    def __enter__(self):
        def refuse(command):
            raise _user_error_class()('--stub-software: the code runs a command, %r, which is not run' % (command,))
        self._saved = subprocess.Popen.__init__, os.system
        subprocess.Popen.__init__ = lambda self, args, *a, **k: refuse(args)
        os.system = refuse

    def __exit__(self, *exc):
        subprocess.Popen.__init__, os.system = self._saved


def h_install(handle, no_commands=False):
    if no_commands:
        with _NoCommands():
            return _call_recipe(handle, 'install')
    return _call_recipe(handle, 'install')


def h_update(handle, no_commands=False):
    if no_commands:
        with _NoCommands():
            return _call_recipe(handle, 'update')
    return _call_recipe(handle, 'update')


def h_cmmi_hook(part, filename, function, environ, cwd):
    """slapos.recipe.cmmi's call_script: the file loaded as module `script`,
    its function called in the build directory with the part's options, the
    buildout and the build's environment (with the first two alone when it
    does not take three)."""
    import importlib.util
    spec = importlib.util.spec_from_file_location('script', filename)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    hook = getattr(module, function.strip())
    options = BUILDOUT[part]
    here = os.getcwd()
    os.chdir(cwd)
    try:
        try:
            hook(options, BUILDOUT, dict(environ))
        except TypeError:
            hook(options, BUILDOUT)
    finally:
        os.chdir(here)
    return None


_PY_BANG_BUILTINS = {
    'bytearray': bytearray, 'complex': complex, 'frozenset': frozenset, 'set': set,
    'dict': dict, 'list': list, 'str': str, 'tuple': tuple, 'True': True, 'False': False,
}


def h_eval(expr):
    """A `!py!` value, evaluated as the SlapOS fork does."""
    return enc(eval(expr, {'__builtins__': _PY_BANG_BUILTINS}))


def h_exec(source, filename):
    """Run code in a fresh namespace (tests and benchmarks)."""
    g = {'__name__': '__tsbuildout__', 'buildout': BUILDOUT, 'callback': callback, 'enc': enc, 'dec': dec}
    exec(compile(source, filename, 'exec'), g)
    return enc(g.get('result'))


HANDLERS = {
    'hello': h_hello,
    'setup': h_setup,
    'build.init': h_build_init,
    'egg.init': h_egg_init,
    'egg.uninstall': h_egg_uninstall,
    'egg.extension': h_egg_extension,
    'stub-software': h_stub_software,
    'install': h_install,
    'update': h_update,
    'cmmi.hook': h_cmmi_hook,
    'eval': h_eval,
    'exec': h_exec,
    'obj.import': h_obj_import,
    'obj.getattr': h_obj_getattr,
    'obj.call': h_obj_call,
    'obj.getitem': h_obj_getitem,
    'obj.iter': h_obj_iter,
    'obj.next': h_obj_next,
    'obj.len': h_obj_len,
    'obj.contains': h_obj_contains,
    'obj.eq': h_obj_eq,
    'obj.builtin': h_obj_builtin,
    'obj.dir': h_obj_dir,
    'obj.isinstance': h_obj_isinstance,
    'obj.op': h_obj_op,
    'obj.unary': h_obj_unary,
}

BUILDOUT = Buildout()


def _compat():
    """zc.buildout < 2.13.4 (Debian's, a release's old one) imports the
    abstract classes from collections, which Python 3.10 removed."""
    import collections
    import collections.abc
    for name in ('MutableMapping', 'Mapping', 'Sequence', 'MutableSet', 'Callable'):
        if not hasattr(collections, name):
            setattr(collections, name, getattr(collections.abc, name))


def main():
    global T
    _compat()
    if sys.path and sys.path[0] in ('', '.'):
        del sys.path[0]
    restore = os.environ.pop('TSBUILDOUT_BRIDGE_RESTORE', None)
    if restore:
        for k, v in json.loads(restore).items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    T = _Transport()
    # nested initialisations (a section's code reading another's…) go deep
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10000))
    sys.meta_path.insert(0, _BuildoutHook())
    sys.meta_path.append(EGGS)
    sys.meta_path.append(_ShimFinder())
    root = logging.getLogger()
    root.handlers[:] = [_Handler()]
    root.setLevel(logging.INFO)
    T.send({'ready': h_hello()})
    try:
        while True:
            msg = T.receive()
            if msg is None:
                break
            _serve_one(msg)
    except BridgeCrash:
        pass
    # tsbuildout closed the protocol: exit now, whatever threads the code
    # left running (a non-daemon thread would keep the process alive)
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except Exception:
            pass
    os._exit(0)


if __name__ == '__main__':
    main()
