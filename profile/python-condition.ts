// Python section conditions (docs/buildout-language.md#conditional-sections):
// the text `[CONDITION]` evaluated with tsbuildout's safe Python evaluator,
// its first item deciding, against zc.buildout's condition globals for the
// target environment: the modules sys, os, platform and re, and
// python2/python3/pythonXY, cpython/pypy/…, linux/windows/…, posix,
// bits32/bits64, little_endian/big_endian. Names are computed when first used,
// so the interpreter is only asked about its version when a condition needs
// it.
import { accessSync, constants, existsSync, readFileSync, statSync } from 'node:fs';
import { evaluateExpression, getItem, hostFunction, hostModule, PyDict, PyException, pyInt, PyModule, PyTuple, truthy, type PyValue } from '../python/index.ts';
import type { TargetEnvironment } from './environment.ts';
import type { Semantics } from './semantics.ts';

export class ConditionError extends Error {}

/** Evaluate `[…]` text and take its first item's truth, as zc.buildout does. */
export function evaluatePythonCondition(text: string, semantics: Semantics, env: TargetEnvironment): boolean {
  const names = conditionGlobals(semantics, env);
  try {
    const list = evaluateExpression(text, (name) => names(name));
    return truthy(getItem(list, 0n));
  } catch (e) {
    if (e instanceof PyException) throw new ConditionError(e.toString());
    throw e;
  }
}

const cache = new WeakMap<TargetEnvironment, Map<string, (name: string) => PyValue | undefined>>();

function conditionGlobals(semantics: Semantics, env: TargetEnvironment): (name: string) => PyValue | undefined {
  let perMode = cache.get(env);
  if (!perMode) cache.set(env, (perMode = new Map()));
  const known = perMode.get(semantics.mode);
  if (known) return known;
  const values = new Map<string, PyValue>();
  const lazy = new Map<string, () => PyValue>();
  const py = () => env.pythonFacts();
  const platform = () => env.sysPlatform().toLowerCase();
  lazy.set('sys', () => sysModule(env));
  lazy.set('os', () => osModule(env));
  lazy.set('platform', () => platformModule(env));
  lazy.set('re', () => reModule());
  lazy.set('open', () => openFunction());
  lazy.set('python2', () => py().version[0] === 2);
  lazy.set('python3', () => py().version[0] === 3);
  for (const v of semantics.pythonGlobals) {
    lazy.set('python' + v, () => `${py().version[0]}${py().version[1]}` === v);
  }
  lazy.set('pypy', () => py().versionText.toLowerCase().includes('pypy'));
  lazy.set('jython', () => py().versionText.toLowerCase().includes('java'));
  lazy.set('ironpython', () => py().versionText.toLowerCase().includes('iron'));
  lazy.set('cpython', () => !['pypy', 'java', 'iron'].some((k) => py().versionText.toLowerCase().includes(k)));
  lazy.set('linux', () => platform().includes('linux'));
  lazy.set('windows', () => platform().includes('win32'));
  lazy.set('cygwin', () => platform().includes('cygwin'));
  lazy.set('solaris', () => platform().includes('sunos'));
  lazy.set('macosx', () => platform().includes('darwin'));
  lazy.set('posix', () => env.osName().toLowerCase().includes('posix'));
  lazy.set('bits32', () => env.bits() === 32);
  lazy.set('bits64', () => env.bits() === 64);
  lazy.set('little_endian', () => env.byteorder() === 'little');
  lazy.set('big_endian', () => env.byteorder() === 'big');
  const lookup = (name: string): PyValue | undefined => {
    if (values.has(name)) return values.get(name);
    const make = lazy.get(name);
    if (!make) return undefined;
    const v = make();
    values.set(name, v);
    return v;
  };
  perMode.set(semantics.mode, lookup);
  return lookup;
}

const str = (args: PyValue[], i: number, fname: string): string => {
  const v = args[i];
  if (typeof v !== 'string') throw new PyException('TypeError', `${fname}() argument must be str, not ${v === undefined ? 'nothing' : typeof v}`);
  return v;
};

function sysModule(env: TargetEnvironment): PyValue {
  const py = env.pythonFacts();
  const [major, minor, micro] = py.version;
  return hostModule('sys', {
    version_info: new PyTuple([pyInt(major), pyInt(minor), pyInt(micro), py.releaseLevel, pyInt(py.serial)]),
    version: py.versionText,
    platform: env.sysPlatform(),
    byteorder: env.byteorder(),
    maxsize: env.bits() === 64 ? 2n ** 63n - 1n : 2n ** 31n - 1n,
    hexversion: pyInt((major << 24) | (minor << 16) | (micro << 8) | 0xf0),
  });
}

function osModule(env: TargetEnvironment): PyValue {
  const exists = (p: string) => existsSync(p);
  const isDir = (p: string) => {
    try {
      return statSync(p).isDirectory();
    } catch {
      return false;
    }
  };
  const isFile = (p: string) => {
    try {
      return statSync(p).isFile();
    } catch {
      return false;
    }
  };
  const path = hostModule('posixpath', {
    exists: hostFunction('exists', (a) => exists(str(a, 0, 'exists'))),
    isdir: hostFunction('isdir', (a) => isDir(str(a, 0, 'isdir'))),
    isfile: hostFunction('isfile', (a) => isFile(str(a, 0, 'isfile'))),
    islink: hostFunction('islink', (a) => {
      try {
        return statSync(str(a, 0, 'islink'), { throwIfNoEntry: false })?.isSymbolicLink() ?? false;
      } catch {
        return false;
      }
    }),
    join: hostFunction('join', (a) => a.map((_x, i) => str(a, i, 'join')).reduce((b, n) => (n.startsWith('/') ? n : b === '' || b.endsWith('/') ? b + n : b + '/' + n), '')),
    sep: '/',
  });
  const environ = new PyDict(Object.entries(process.env).map(([k, v]) => [k, v ?? ''] as const));
  return hostModule('os', {
    name: env.osName(),
    sep: '/',
    path,
    environ,
    F_OK: 0n,
    R_OK: 4n,
    W_OK: 2n,
    X_OK: 1n,
    access: hostFunction('access', (a) => {
      const mode = Number(a[1] ?? 0n);
      try {
        accessSync(str(a, 0, 'access'), (mode & 4 ? constants.R_OK : 0) | (mode & 2 ? constants.W_OK : 0) | (mode & 1 ? constants.X_OK : 0));
        return true;
      } catch {
        return false;
      }
    }),
    getcwd: hostFunction('getcwd', () => process.cwd()),
  });
}

function platformModule(env: TargetEnvironment): PyValue {
  const py = () => env.pythonFacts();
  return hostModule('platform', {
    machine: hostFunction('machine', () => env.machine()),
    system: hostFunction('system', () => env.system()),
    release: hostFunction('release', () => env.release()),
    version: hostFunction('version', () => env.version()),
    python_version: hostFunction('python_version', () => py().version.join('.')),
    python_version_tuple: hostFunction('python_version_tuple', () => new PyTuple(py().version.map(String))),
    python_implementation: hostFunction('python_implementation', () => (py().implementation === 'pypy' ? 'PyPy' : 'CPython')),
    architecture: hostFunction('architecture', () => new PyTuple([`${env.bits()}bit`, 'ELF'])),
    freedesktop_os_release: hostFunction('freedesktop_os_release', () => {
      try {
        return new PyDict(Object.entries(env.freedesktopOsRelease()));
      } catch {
        throw new PyException('OSError', 'Unable to read files /etc/os-release, /usr/lib/os-release');
      }
    }),
  });
}

/** re: match, search and fullmatch, for the simple patterns conditions use. */
function reModule(): PyValue {
  const compile = (pattern: string, fname: string) => {
    try {
      return new RegExp(pattern, 'u');
    } catch {
      throw new PyException('NotImplementedError', `re.${fname}: the pattern ${JSON.stringify(pattern)} is not supported in conditions`);
    }
  };
  const run = (fname: string, wrap: (p: string) => string) =>
    hostFunction(fname, (a) => {
      const m = compile(wrap(str(a, 0, fname)), fname).exec(str(a, 1, fname));
      return m ? new PyTuple([m[0]]) : null;
    });
  return hostModule('re', {
    match: run('match', (p) => `^(?:${p})`),
    search: run('search', (p) => p),
    fullmatch: run('fullmatch', (p) => `^(?:${p})$`),
  });
}

/** open(path).read(), as conditions use it to look at the machine. */
function openFunction(): PyValue {
  return hostFunction('open', (a) => {
    const path = str(a, 0, 'open');
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch {
      throw new PyException('FileNotFoundError', `[Errno 2] No such file or directory: '${path}'`);
    }
    return new PyModule('file', { read: hostFunction('read', () => text) }, '_io.TextIOWrapper');
  });
}
