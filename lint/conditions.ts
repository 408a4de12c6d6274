// Section conditions as the linter sees them: decided against the target
// environment (`--env`) like the loader does, each outcome recorded with
// what went wrong, and never fatal: a condition zc.buildout could not
// evaluate is reported and its section skipped, so that the rest of the
// file is still linted.
import { existsSync, readFileSync, statSync, accessSync } from 'node:fs';
import { BuildoutError } from '../parser/diagnostic.ts';
import type { HeaderNode } from '../parser/tree.ts';
import { Conditions } from '../profile/conditions.ts';
import type { TargetEnvironment } from '../profile/environment.ts';
import type { ConditionEvaluator } from '../profile/files.ts';
import { parseMarker } from '../profile/markers.ts';
import type { Semantics } from '../profile/semantics.ts';
import { evaluateListDisplayFirst } from '../python/expr/evaluate.ts';
import { parseExpression } from '../python/expr/parser.ts';
import { PyException, PySyntaxError } from '../python/exceptions.ts';
import { truthy } from '../python/compare.ts';
import { PyDict, PyModule, hostFunction, pyTuple, type PyValue } from '../python/value.ts';
import { freeNames, PYTHON_BUILTIN_NAMES } from './python-names.ts';
import { hasPlaceholder } from './template.ts';

export interface ConditionOutcome {
  /** The decision the load used; 'unknown' conditions (computed by a template) count as true. */
  value: boolean | 'unknown';
  /** Names the condition reads that zc.buildout does not define, with their offsets in the condition. */
  unknownNames: { name: string; pos: number; raised: boolean }[];
  /** An error evaluating it (other than an unknown name), in Python's words. */
  error?: string;
  /** The condition is not Python (a syntax error). */
  syntaxError?: { message: string; column: number };
}

/** The names zc.buildout defines for conditions (besides the builtins), by semantics. */
export function conditionGlobals(semantics: Semantics): Set<string> {
  const names = new Set(['sys', 'os', 'platform', 're', 'python2', 'python3', 'cpython', 'pypy', 'jython', 'ironpython']);
  for (const n of ['linux', 'windows', 'cygwin', 'solaris', 'macosx', 'posix', 'bits32', 'bits64', 'little_endian', 'big_endian']) names.add(n);
  for (const v of semantics.pythonGlobals) names.add('python' + v);
  return names;
}

export class LintConditions implements ConditionEvaluator {
  readonly outcomes = new Map<HeaderNode, ConditionOutcome>();
  private readonly base: Conditions;
  private readonly globals: Set<string>;
  private namespace: Map<string, PyValue> | undefined;

  constructor(
    private readonly semantics: Semantics,
    readonly environment: TargetEnvironment,
  ) {
    this.base = new Conditions(semantics, environment);
    this.globals = conditionGlobals(semantics);
  }

  evaluate(header: HeaderNode): boolean {
    const known = this.outcomes.get(header);
    if (known) return known.value !== false;
    const outcome = this.decide(header);
    this.outcomes.set(header, outcome);
    return outcome.value !== false;
  }

  private decide(header: HeaderNode): ConditionOutcome {
    const raw = header.condition!.text;
    const outcome: ConditionOutcome = { value: false, unknownNames: [] };
    if (hasPlaceholder(raw)) {
      outcome.value = 'unknown';
      return outcome;
    }
    const text = raw.replaceAll('\\x23', '#').replaceAll('\\x3b', ';');
    const marker = this.semantics.markers ? parseMarker(text) : null;
    if (!marker) {
      // the Python path: which global names does it read?
      try {
        const tree = parseExpression('[' + text + ']');
        for (const use of freeNames(tree)) {
          if (!this.globals.has(use.name) && !PYTHON_BUILTIN_NAMES.has(use.name)) {
            outcome.unknownNames.push({ name: use.name, pos: Math.max(0, use.pos - 1), raised: false });
          }
        }
      } catch (e) {
        if (e instanceof PySyntaxError) {
          outcome.syntaxError = { message: e.message, column: Math.max(0, e.column - 1) };
          return outcome;
        }
        throw e;
      }
    }
    try {
      outcome.value = this.base.evaluate(header);
      return outcome;
    } catch (e) {
      if (!(e instanceof BuildoutError)) throw e;
      if (!/not supported yet/.test(e.primary.message)) {
        outcome.error = e.primary.message.replace(/^cannot evaluate the condition of \[[^\]]*\]: /, '');
        markRaised(outcome, outcome.error);
        return outcome;
      }
    }
    // the loader cannot evaluate Python yet: evaluate it here
    try {
      outcome.value = truthy(evaluateListDisplayFirst(text, this.pythonNamespace()));
    } catch (e) {
      if (!(e instanceof PyException)) throw e;
      outcome.error = e.toString();
      markRaised(outcome, outcome.error);
    }
    return outcome;
  }

  /** zc.buildout's condition globals, for the target environment. */
  private pythonNamespace(): Map<string, PyValue> {
    if (this.namespace) return this.namespace;
    const env = this.environment;
    const py = env.pythonFacts();
    const ns = new Map<string, PyValue>();
    const [major, minor] = py.version;
    ns.set('python2', major === 2);
    ns.set('python3', major === 3);
    for (const v of this.semantics.pythonGlobals) ns.set('python' + v, `${major}${minor}` === v);
    const impl = py.implementation;
    ns.set('pypy', impl === 'pypy');
    ns.set('jython', impl === 'jython');
    ns.set('ironpython', impl === 'ironpython');
    ns.set('cpython', !['pypy', 'jython', 'ironpython'].includes(impl));
    const plat = env.sysPlatform().toLowerCase();
    ns.set('linux', plat.includes('linux'));
    ns.set('windows', plat.includes('win32'));
    ns.set('cygwin', plat.includes('cygwin'));
    ns.set('solaris', plat.includes('sunos'));
    ns.set('macosx', plat.includes('darwin'));
    ns.set('posix', env.osName().toLowerCase().includes('posix'));
    ns.set('bits32', env.bits() === 32);
    ns.set('bits64', env.bits() === 64);
    ns.set('little_endian', env.byteorder() === 'little');
    ns.set('big_endian', env.byteorder() === 'big');
    const versionInfo = pyTuple([BigInt(py.version[0]), BigInt(py.version[1]), BigInt(py.version[2]), py.releaseLevel, BigInt(py.serial)]);
    ns.set(
      'sys',
      new PyModule('sys', {
        version_info: versionInfo,
        version: py.versionText,
        platform: env.sysPlatform(),
        byteorder: env.byteorder(),
        maxsize: env.bits() === 64 ? 2n ** 63n - 1n : 2n ** 31n - 1n,
      }),
    );
    const str = (f: () => string) => hostFunction('f', () => f());
    ns.set(
      'platform',
      new PyModule('platform', {
        machine: str(() => env.machine()),
        system: str(() => env.system()),
        release: str(() => env.release()),
        version: str(() => env.version()),
        python_version: str(() => py.version.join('.')),
        python_implementation: str(() => (impl === 'cpython' ? 'CPython' : impl === 'pypy' ? 'PyPy' : impl)),
        python_version_tuple: hostFunction('python_version_tuple', () => pyTuple(py.version.map(String))),
        freedesktop_os_release: hostFunction('freedesktop_os_release', () => {
          try {
            return new PyDict(Object.entries(env.freedesktopOsRelease()));
          } catch {
            throw new PyException('OSError', 'freedesktop_os_release: no os-release file');
          }
        }),
      }),
    );
    const pathArg = (args: PyValue[]) => (typeof args[0] === 'string' ? args[0] : '');
    const path = new PyModule('os.path', {
      isdir: hostFunction('isdir', (a) => isKind(pathArg(a), 'dir')),
      isfile: hostFunction('isfile', (a) => isKind(pathArg(a), 'file')),
      exists: hostFunction('exists', (a) => existsSync(pathArg(a))),
      sep: '/',
    });
    ns.set(
      'os',
      new PyModule('os', {
        name: env.osName(),
        sep: '/',
        path,
        F_OK: 0n,
        R_OK: 4n,
        W_OK: 2n,
        X_OK: 1n,
        access: hostFunction('access', (a) => {
          try {
            accessSync(pathArg(a), Number(a[1] ?? 0n));
            return true;
          } catch {
            return false;
          }
        }),
        environ: new PyDict(Object.entries(process.env).filter((kv): kv is [string, string] => kv[1] !== undefined)),
      }),
    );
    ns.set('re', new PyModule('re', {}));
    ns.set(
      'open',
      hostFunction('open', (a) => {
        const p = pathArg(a);
        let content: string;
        try {
          content = readFileSync(p, 'utf8');
        } catch {
          throw new PyException('FileNotFoundError', `[Errno 2] No such file or directory: '${p}'`);
        }
        return new PyModule('file', { read: hostFunction('read', () => content) }, 'TextIOWrapper');
      }),
    );
    this.namespace = ns;
    return ns;
  }
}

function isKind(p: string, kind: 'dir' | 'file'): boolean {
  try {
    const s = statSync(p);
    return kind === 'dir' ? s.isDirectory() : s.isFile();
  } catch {
    return false;
  }
}

function markRaised(outcome: ConditionOutcome, error: string): void {
  const m = /NameError: name '([^']+)' is not defined|name '([^']+)' is not defined/.exec(error);
  const name = m?.[1] ?? m?.[2];
  if (!name) return;
  for (const u of outcome.unknownNames) if (u.name === name) u.raised = true;
}
