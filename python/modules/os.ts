// os, os.path (posixpath) and pwd, read-only: what templates call to
// compute paths and read their environment (os.path.join, exists, dirname,
// basename, realpath, os.environ, os.getuid, pwd.getpwuid, ...). Nothing
// here changes the file system.
import { existsSync, lstatSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { cpus, homedir } from 'node:os';
import { bind, intArg, strArg } from '../args.ts';
import { PyException } from '../exceptions.ts';
import { repr } from '../repr.ts';
import { PyDict, PyFunction, PyList, PyModule, PyTuple, asStr, type PyValue } from '../value.ts';
import { NamedTuple } from './named-tuple.ts';

const fn = (name: string, f: (args: PyValue[], kwargs: Map<string, PyValue>) => PyValue) => new PyFunction(name, f, 'function');

/** A path argument: str only (bytes paths are not supported here). */
function pathArg(name: string, v: PyValue | undefined): string {
  return strArg(v ?? null, (t) => `${name}: path should be string, bytes or os.PathLike, not ${t}`);
}

/** Python's OSError for a failed file call on `path` (`FileNotFoundError: [Errno 2] No such file or directory: '…'`). */
export function osError(e: unknown, path: string): PyException {
  const code = (e as NodeJS.ErrnoException).code;
  const [cls, errno, text] =
    code === 'ENOENT' ? ['FileNotFoundError', 2, 'No such file or directory']
    : code === 'EACCES' ? ['PermissionError', 13, 'Permission denied']
    : code === 'ENOTDIR' ? ['NotADirectoryError', 20, 'Not a directory']
    : ['OSError', 5, (e as Error).message];
  return new PyException(cls as string, `[Errno ${errno}] ${text}: ${repr(path)}`);
}

// posixpath

export function pathJoin(a: string, ...p: string[]): string {
  let path = a;
  for (const b of p) {
    if (b.startsWith('/')) path = b;
    else if (!path || path.endsWith('/')) path += b;
    else path += '/' + b;
  }
  return path;
}

export function pathSplit(p: string): [string, string] {
  const i = p.lastIndexOf('/') + 1;
  let head = p.slice(0, i);
  const tail = p.slice(i);
  if (head && head !== '/'.repeat(head.length)) head = head.replace(/\/+$/, '');
  return [head, tail];
}

export function normpath(path: string): string {
  if (path === '') return '.';
  const initial = path.startsWith('/') ? (path.startsWith('//') && !path.startsWith('///') ? '//' : '/') : '';
  const out: string[] = [];
  for (const c of path.split('/')) {
    if (c === '' || c === '.') continue;
    if (c !== '..' || (!initial && !out.length) || (out.length && out[out.length - 1] === '..')) out.push(c);
    else if (out.length) out.pop();
  }
  return initial + out.join('/') || '.';
}

function splitext(p: string): [string, string] {
  const sep = p.lastIndexOf('/');
  const dot = p.lastIndexOf('.');
  if (dot > sep) {
    // a leading run of dots is not an extension
    let i = sep + 1;
    while (i < dot) {
      if (p[i] !== '.') return [p.slice(0, dot), p.slice(dot)];
      i++;
    }
  }
  return [p, ''];
}

const abspath = (p: string) => normpath(p.startsWith('/') ? p : pathJoin(process.cwd(), p));

function realpath(p: string): string {
  const abs = abspath(p);
  try {
    return realpathSync(abs);
  } catch {
    // Python resolves what exists and keeps the rest
    const [head, tail] = pathSplit(abs);
    if (!tail || head === abs) return abs;
    return pathJoin(realpath(head), tail);
  }
}

function expanduser(p: string): string {
  if (!p.startsWith('~')) return p;
  const i = p.indexOf('/', 1) < 0 ? p.length : p.indexOf('/', 1);
  const user = p.slice(1, i);
  let home: string | undefined;
  if (!user) home = process.env.HOME ?? homedir();
  else home = passwd().find((e) => e[0] === user)?.[5];
  if (home === undefined) return p;
  home = home.replace(/\/+$/, '');
  return (home || '/') + p.slice(i);
}

const test = (name: string, check: (p: string) => boolean) =>
  fn(name, (a, k) => {
    const [p] = bind({ name, params: ['path'] }, a, k);
    const path = asStr(p!);
    if (path === undefined) return false;
    try {
      return check(path);
    } catch {
      return false;
    }
  });

const strFn = (name: string, f: (p: string) => PyValue) =>
  fn(name, (a, k) => {
    const [p] = bind({ name, params: ['p'] }, a, k);
    return f(strArg(p!, (t) => `expected str, bytes or os.PathLike object, not ${t}`));
  });

export const osPathModule = new PyModule('posixpath', {
  sep: '/',
  curdir: '.',
  pardir: '..',
  extsep: '.',
  pathsep: ':',
  join: fn('join', (a) => {
    if (!a.length) throw new PyException('TypeError', "join() missing 1 required positional argument: 'a'");
    const parts = a.map((x) => {
      const s = asStr(x);
      if (s === undefined) throw new PyException('TypeError', `join() argument must be str, bytes, or os.PathLike object, not '${x === null ? 'NoneType' : (x as { typeName?: string }).typeName ?? typeof x}'`);
      return s;
    });
    return pathJoin(parts[0]!, ...parts.slice(1));
  }),
  exists: test('exists', (p) => existsSync(p)),
  lexists: test('lexists', (p) => (lstatSync(p), true)),
  isdir: test('isdir', (p) => statSync(p).isDirectory()),
  isfile: test('isfile', (p) => statSync(p).isFile()),
  islink: test('islink', (p) => lstatSync(p).isSymbolicLink()),
  isabs: strFn('isabs', (p) => p.startsWith('/')),
  dirname: strFn('dirname', (p) => pathSplit(p)[0]),
  basename: strFn('basename', (p) => pathSplit(p)[1]),
  split: strFn('split', (p) => new PyTuple(pathSplit(p))),
  splitext: strFn('splitext', (p) => new PyTuple(splitext(p))),
  normpath: strFn('normpath', normpath),
  abspath: strFn('abspath', abspath),
  realpath: strFn('realpath', realpath),
  expanduser: strFn('expanduser', expanduser),
  getsize: strFn('getsize', (p) => {
    try {
      return BigInt(statSync(p).size);
    } catch (e) {
      throw osError(e, p);
    }
  }),
  getmtime: strFn('getmtime', (p) => {
    try {
      return statSync(p).mtimeMs / 1000;
    } catch (e) {
      throw osError(e, p);
    }
  }),
});

/** os.environ: a mapping of the process environment (a snapshot at import). */
class Environ extends PyDict {
  override get typeName(): string {
    return '_Environ';
  }
  override get typeModule(): string {
    return 'os';
  }
  override pyRepr(): string {
    return `environ(${super.pyRepr()})`;
  }
}

let environ: Environ | undefined;
function environment(): Environ {
  if (!environ) {
    environ = new Environ();
    for (const [k, v] of Object.entries(process.env)) if (v !== undefined) environ.set(k, v);
  }
  return environ;
}

const ids = {
  getuid: () => process.getuid?.() ?? 0,
  geteuid: () => process.geteuid?.() ?? 0,
  getgid: () => process.getgid?.() ?? 0,
  getegid: () => process.getegid?.() ?? 0,
  getpid: () => process.pid,
};

export const osModule = new PyModule('os', {
  name: 'posix',
  sep: '/',
  altsep: null,
  curdir: '.',
  pardir: '..',
  extsep: '.',
  pathsep: ':',
  linesep: '\n',
  devnull: '/dev/null',
  path: osPathModule,
  ...Object.fromEntries(Object.entries(ids).map(([name, f]) => [name, fn(name, (a, k) => (bind({ name, params: [] }, a, k), BigInt(f())))])),
  getcwd: fn('getcwd', (a, k) => (bind({ name: 'getcwd', params: [] }, a, k), process.cwd())),
  cpu_count: fn('cpu_count', (a, k) => (bind({ name: 'cpu_count', params: [] }, a, k), BigInt(cpus().length))),
  getenv: fn('getenv', (a, k) => {
    const [key, dflt] = bind({ name: 'getenv', params: ['key', 'default'], required: 1 }, a, k);
    const v = environment().get(strArg(key!, (t) => `str expected, not ${t}`));
    return v === undefined ? (dflt ?? null) : v;
  }),
  listdir: fn('listdir', (a, k) => {
    const [p] = bind({ name: 'listdir', params: ['path'], required: 0 }, a, k);
    const path = p === undefined || p === null ? '.' : pathArg('listdir', p);
    try {
      return new PyList(readdirSync(path));
    } catch (e) {
      throw osError(e, path);
    }
  }),
});
// os.environ is read when first asked for (templates rarely need it)
const baseGetAttr = osModule.pyGetAttr.bind(osModule);
osModule.pyGetAttr = (name: string) => (name === 'environ' ? environment() : baseGetAttr(name));

// pwd

type PasswdEntry = [string, string, number, number, string, string, string];

function passwd(): PasswdEntry[] {
  let text = '';
  try {
    text = readFileSync('/etc/passwd', 'utf8');
  } catch {
    return [];
  }
  const out: PasswdEntry[] = [];
  for (const line of text.split('\n')) {
    const f = line.split(':');
    if (f.length < 7 || line.startsWith('#')) continue;
    out.push([f[0]!, f[1]!, Number(f[2]), Number(f[3]), f[4]!, f[5]!, f[6]!]);
  }
  return out;
}

const FIELDS = ['pw_name', 'pw_passwd', 'pw_uid', 'pw_gid', 'pw_gecos', 'pw_dir', 'pw_shell'];
const struct = (e: PasswdEntry) => new NamedTuple('pwd.struct_passwd', FIELDS, [e[0], e[1], BigInt(e[2]), BigInt(e[3]), e[4], e[5], e[6]]);

export const pwdModule = new PyModule('pwd', {
  getpwuid: fn('getpwuid', (a, k) => {
    const [uid] = bind({ name: 'getpwuid', params: ['uid'], positionalOnly: true }, a, k);
    const n = intArg(uid!);
    const e = passwd().find((x) => BigInt(x[2]) === n);
    if (!e) throw new PyException('KeyError', `'getpwuid(): uid not found: ${n}'`);
    return struct(e);
  }),
  getpwnam: fn('getpwnam', (a, k) => {
    const [name] = bind({ name: 'getpwnam', params: ['name'], positionalOnly: true }, a, k);
    const s = strArg(name!, (t) => `getpwnam() argument must be str, not ${t}`);
    const e = passwd().find((x) => x[0] === s);
    if (!e) throw new PyException('KeyError', `"getpwnam(): name not found: '${s}'"`);
    return struct(e);
  }),
  getpwall: fn('getpwall', (a, k) => (bind({ name: 'getpwall', params: [] }, a, k), new PyList(passwd().map(struct)))),
});
