// The bridge of one run: the Python process (started on first need, closed
// with the run) bound to the run's resolver. Python's `self.buildout[x]`,
// `options[k]`, `options[k] = v` come back here as callbacks and go to the
// same Options objects native recipes use, so references, lazy section
// initialisation, typed values and implicit dependencies behave alike.
import { existsSync } from 'node:fs';
import { BuildoutError } from '../parser/diagnostic.ts';
import { SectionExistsError, type Buildout } from '../profile/buildout.ts';
import type { Options } from '../profile/options.ts';
import { storedValue, typedValue } from '../profile/values.ts';
import type { PyValue } from '../python/index.ts';
import type { Logger, PythonBridge, PythonRecipeHandle } from '../recipes/api.ts';
import { eggDirectories } from '../recipes/python-egg.ts';
import { extractArchive } from '../recipes/lib/archive.ts';
import { downloadFile, fetchSettings } from '../recipes/lib/download.ts';
import { CodecError, decode, encode, type Wire } from './codec.ts';
import { pythonError } from './errors.ts';
import { BridgeCrash, CallbackRefusal, PythonFailure, PythonProcess } from './process.ts';
import { RemoteObjects } from './remote.ts';


export class BridgeSession implements PythonBridge {
  private proc: PythonProcess | undefined;
  /** The parts whose Python code is running, innermost last: reads of other sections make them dependencies. */
  private readonly running: string[] = [];
  /** The Python objects templates use (importModule). */
  private objects: RemoteObjects | undefined;

  constructor(
    readonly buildout: Buildout,
    readonly logger: Logger,
    /** `--python` / `${buildout:executable}`, when not read from the profile. */
    private readonly python?: string,
    /** What recipe code prints goes to standard output (PythonProcess StartOptions.recipeStdout). */
    private readonly recipeStdout = false,
    /** A software release under --stub-software: zc.buildout.easy_install leaves out eggs it does not find. */
    private readonly stubSoftware = false,
  ) {}

  get started(): boolean {
    return this.proc !== undefined;
  }

  /** The interpreter: `${buildout:executable}` when it exists, else python3. */
  interpreter(): string {
    const named = this.python ?? this.buildout.section('buildout').get('executable');
    if (named && (!named.includes('/') || existsSync(named))) return named;
    if (named) this.logger.debug(`Python bridge: ${named} does not exist, using python3`);
    return 'python3';
  }

  private process(): PythonProcess {
    if (!this.proc) {
      const python = this.interpreter();
      const directory = this.buildout.section('buildout').require('directory');
      // zc.buildout runs from the buildout directory
      const cwd = existsSync(directory) ? directory : process.cwd();
      this.proc = PythonProcess.start({ python, cwd, recipeStdout: this.recipeStdout });
      const eggs = eggDirectories(this.buildout);
      this.proc.call('setup', [cwd, eggs.develop, eggs.eggs, [...eggs.pins], this.logLevel()], () => null);
      if (this.stubSoftware) this.proc.call('stub-software', [true], () => null);
      const v = this.proc.info.python.join('.');
      this.logger.debug(`Python bridge: started ${this.proc.info.executable} (Python ${v}) in ${this.proc.startMs.toFixed(0)} ms`);
    }
    return this.proc;
  }

  /** zc.buildout's level (Buildout.logLevel), at least 1 (Python's 0 is NOTSET). */
  private logLevel(): number {
    return Math.max(1, this.buildout.logLevel());
  }

  /** A call for a part (its code runs; reads of other sections are its dependencies). */
  call(part: string | undefined, option: string | undefined, method: string, args: unknown[]): unknown {
    const proc = this.process();
    if (part !== undefined) this.running.push(part);
    try {
      return proc.call(method, args, (m, a) => this.callback(m, a));
    } catch (e) {
      if (e instanceof PythonFailure) throw pythonError(this.buildout, e.detail, part, option);
      throw e;
    } finally {
      if (part !== undefined) this.running.pop();
    }
  }

  /** slapos.recipe.build's constructor: runs `init` code. */
  buildInit(part: string): PythonRecipeHandle {
    // the options the recipe's constructor reads go along with the call
    const options = this.buildout.section(part);
    const read: [string, Wire][] = [];
    for (const k of ['init', 'install', 'update', 'location', 'keep-on-error']) {
      const v = options.get(k);
      if (v !== undefined) read.push([k, this.typed(v)]);
    }
    read.push(['parts-directory', this.buildout.section('buildout').require('parts-directory')]);
    return { handle: this.call(part, 'init', 'build.init', [part, read]) as number, part };
  }

  install(h: PythonRecipeHandle, option = 'install', noCommands = false): string[] | null {
    return this.call(h.part, option, 'install', noCommands ? [h.handle, true] : [h.handle]) as string[] | null;
  }

  update(h: PythonRecipeHandle, option = 'update', noCommands = false): string[] | null {
    return this.call(h.part, option, 'update', noCommands ? [h.handle, true] : [h.handle]) as string[] | null;
  }

  /** A Python module, held by the bridge (a jinja2 context's `import` of a module tsbuildout does not provide). */
  importModule(name: string): PyValue {
    if (!this.objects) {
      const proc = this.process();
      this.objects = new RemoteObjects({
        objectCall: (method, args) => {
          // a handle means nothing to another process
          if (this.proc !== proc) throw new BridgeCrash('the Python bridge that held this object has ended');
          return proc.call(method, args, (m, a) => this.callback(m, a));
        },
      });
    }
    return this.objects.importModule(name);
  }

  /** A `!py!` value, evaluated by Python as the SlapOS fork does. */
  evaluate(expression: string): PyValue {
    return decode(this.call(undefined, undefined, 'eval', [expression]));
  }

  close(): void {
    this.proc?.close();
    this.proc = undefined;
    this.objects = undefined;
  }

  // ------------------------------------------------------------ callbacks

  private section(name: string): Options {
    if (!this.buildout.sections.has(name) && !this.buildout.rawSection(name)) {
      throw new CallbackRefusal('MissingSection', `The referenced section, '${name}', was not defined.`);
    }
    const current = this.running[this.running.length - 1];
    const s = this.buildout.section(name, current ? { section: current, option: '(Python code)' } : undefined);
    if (current && name !== current && name !== 'buildout') this.buildout.section(current).dependencies.add(name);
    return s;
  }

  /** A section already accessed (the Python side got it through `section`). */
  private known(name: string): Options {
    return this.buildout.sections.get(name) ?? this.section(name);
  }

  private typed(value: string): Wire {
    return encode(typedValue(this.buildout.semantics, value, (expr) => this.evaluate(expr)));
  }

  private callback(method: string, args: unknown[]): unknown {
    const s = (i: number) => args[i] as string;
    switch (method) {
      case 'section':
        this.section(s(0));
        return true;
      case 'opt.get': {
        const v = this.known(s(0)).get(s(1));
        if (v === undefined) throw new CallbackRefusal('MissingOption', `Missing option: ${s(0)}:${s(1)}`);
        return this.typed(v);
      }
      case 'opt.deps':
        return [...this.known(s(0)).dependencies];
      case 'opt.setdeps': {
        const deps = this.known(s(0)).dependencies;
        deps.clear();
        for (const d of args[1] as string[]) if (d !== s(0) && d !== 'buildout') deps.add(d);
        return null;
      }
      case 'opt.has':
        return this.known(s(0)).has(s(1));
      case 'opt.keys':
        return this.known(s(0)).keys();
      case 'opt.items': {
        const o = this.known(s(0));
        return o.keys().map((k) => [k, this.typed(o.require(k))]);
      }
      case 'opt.copy':
        return [...this.known(s(0)).copy()].map(([k, v]) => [k, this.typed(v)]);
      case 'opt.set': {
        let value: PyValue;
        try {
          value = decode(args[2]);
        } catch (e) {
          if (e instanceof CodecError) throw new CallbackRefusal('TypeError', e.message);
          throw e;
        }
        if (typeof value !== 'string' && !this.buildout.semantics.typedValues) {
          throw new CallbackRefusal('TypeError', `Option values must be strings (${this.buildout.semantics.mode} semantics)`);
        }
        this.known(s(0)).set(s(1), storedValue(value));
        return null;
      }
      case 'opt.del': {
        const o = this.known(s(0));
        if (!o.has(s(1))) throw new CallbackRefusal('KeyError', s(1));
        o.remove(s(1));
        return null;
      }
      case 'buildout.keys':
        return [...new Set([...this.buildout.rawSectionNames(), ...this.buildout.sections.keys()])];
      case 'buildout.parse': {
        const current = this.running[this.running.length - 1];
        try {
          this.buildout.parse(s(0), `<buildout.parse() in [${current ?? '?'}]>`);
        } catch (e) {
          if (e instanceof SectionExistsError) throw new CallbackRefusal('SectionExists', e.section);
          throw e;
        }
        return null;
      }
      case 'download': {
        const [part, url, md5sum, alternate] = args as [string, string, string | null, string | null];
        const b = this.buildout.section('buildout');
        const got = downloadFile(url, fetchSettings((k) => b.get(k), part), md5sum ?? undefined, alternate ?? undefined);
        return [got.path, got.temporary];
      }
      case 'extract': {
        const [part, archive, into] = args as [string, string, string];
        extractArchive(archive, into, { part, warn: (m) => this.logger.warning(m) });
        return null;
      }
      case 'log': {
        const [level, name, message] = args as [number, string, string];
        const text = `${name}: ${message}`;
        if (level >= 30) this.logger.warning(text);
        else if (level >= 20) this.logger.info(text);
        else this.logger.debug(text);
        return null;
      }
      default:
        throw new BuildoutError({ severity: 'error', rule: 'internal', message: `unknown bridge callback ${method}` });
    }
  }
}
