// Console scripts and interpreters, byte for byte as zc.buildout 2.13's
// easy_install.scripts() writes them (its script_template,
// distutils_script_template, py_script_template, relative_paths_setup):
// the working set's paths (then extra-paths, unique, realpath'd) put in
// front of sys.path, the initialization code, the entry point called with
// the arguments. A script is written only when its content changes
// (_create_script), with mode 0777 less the umask.
import { chmodSync, existsSync, readdirSync, readFileSync, realpathSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, normalize, resolve } from 'node:path';
import { strRepr } from '../../../python/index.ts';
import { RecipeError, type Logger } from '../../api.ts';
import { entryPoints, type Dist } from './dists.ts';
import { parseRequirement } from './requirement.ts';

/** A requirement (its console scripts) or an entry point `[name, module, attrs]`. */
export type ScriptRequest = string | [string, string, string];

export interface ScriptSettings {
  /** The Python the scripts run with (zc.buildout: sys.executable). */
  executable: string;
  dest: string;
  /** name → script name; undefined: every script under its own name. */
  scripts?: ReadonlyMap<string, string>;
  extraPaths?: readonly string[];
  arguments?: string;
  interpreter?: string;
  initialization?: string;
  /** The buildout directory when paths are relative to it; '' otherwise. */
  relativePaths?: string;
  logger: Logger;
}

/** os.path.realpath (what does not exist stays as it is), then abspath. */
function pyRealpath(p: string): string {
  const abs = resolve(p);
  let head = abs;
  const tail: string[] = [];
  for (;;) {
    try {
      return normalize(join(realpathSync(head), ...tail.reverse()));
    } catch {
      if (dirname(head) === head) return abs;
      tail.push(basename(head));
      head = dirname(head);
    }
  }
}

/** os.path.commonprefix: the longest common leading string. */
function commonPrefix(a: string, b: string): string {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return a.slice(0, i);
}

function pyDirname(p: string): string {
  const i = p.lastIndexOf('/') + 1;
  const head = p.slice(0, i);
  return head && head !== '/'.repeat(head.length) ? head.replace(/\/+$/, '') : head;
}

/** easy_install._relative_depth */
function relativeDepth(common: string, path: string): number {
  let n = 0;
  for (;;) {
    const d = pyDirname(path);
    if (d === path) throw new RecipeError(`dirname of ${d} is the same`);
    if (d === common) return n;
    n++;
    path = d;
  }
}

/** easy_install._relative_path */
function relativePath(common: string, path: string): string {
  const r: string[] = [];
  for (;;) {
    const d = pyDirname(path);
    r.push(path.slice(path.lastIndexOf('/') + 1));
    if (d === common) break;
    if (d === path) throw new RecipeError(`dirname of ${d} is the same`);
    path = d;
  }
  return r.reverse().join('/');
}

/** easy_install._relativitize */
function relativitize(path: string, script: string, relative: string): string {
  if (path === script) throw new RecipeError('path == script');
  if (path === relative) return 'base';
  const common = pyDirname(commonPrefix(path, script));
  if (common === relative || common.startsWith(relative.replace(/\/*$/, '/'))) return `join(base, ${strRepr(relativePath(common, path))})`;
  return strRepr(path);
}

const RELATIVE_PATHS_SETUP = `
import os

join = os.path.join
base = os.path.dirname(os.path.abspath(os.path.realpath(__file__)))
`;

/** easy_install._relative_path_and_setup */
function pathAndSetup(sname: string, path: readonly string[], relative: string): [string, string] {
  if (!relative) return [path.map((p) => strRepr(p)).join(', ').split(', ').join(',\n  '), ''];
  const script = resolve(sname);
  const spath = path.map((p) => relativitize(p, script, relative)).join(',\n  ');
  let setup = RELATIVE_PATHS_SETUP;
  for (let i = relativeDepth(relative, script); i > 0; i--) setup += 'base = os.path.dirname(base)\n';
  return [spath, setup];
}

function entryScript(python: string, path: string, module: string, attrs: string, args: string, init: string, rsetup: string): string {
  return `#!${python}\n${rsetup}\nimport sys\nsys.path[0:0] = [\n  ${path},\n  ]\n${init}\nimport ${module}\n\nif __name__ == '__main__':\n    sys.exit(${module}.${attrs}(${args}))\n`;
}

function distutilsScript(python: string, path: string, before: string, after: string, init: string, rsetup: string): string {
  return `#!${python}\n${before}\n${rsetup}\nimport sys\nsys.path[0:0] = [\n  ${path},\n  ]\n${init}\n\n${after}`;
}

function interpreterScript(python: string, path: string, init: string, rsetup: string): string {
  return `#!${python}
${rsetup}
import sys

sys.path[0:0] = [
  ${path}
  ]
${init}

_interactive = True
if len(sys.argv) > 1:
    _options, _args = __import__("getopt").getopt(sys.argv[1:], 'ic:m:')
    _interactive = False
    for (_opt, _val) in _options:
        if _opt == '-i':
            _interactive = True
        elif _opt == '-c':
            exec(_val)
        elif _opt == '-m':
            sys.argv[1:] = _args
            _args = []
            __import__("runpy").run_module(
                 _val, {}, "__main__", alter_sys=True)

    if _args:
        sys.argv[:] = _args
        __file__ = _args[0]
        del _options, _args
        with open(__file__) as __file__f:
            exec(compile(__file__f.read(), __file__, "exec"))

if _interactive:
    del _interactive
    __import__("code").interact(banner="", local=globals())
`;
}

function changed(file: string, contents: string): boolean {
  try {
    return readFileSync(file, 'utf8') !== contents;
  } catch {
    return true;
  }
}

function executableMode(): number {
  const umask = process.umask();
  return 0o777 & ~umask;
}

function write(dest: string, contents: string, log: () => void): string {
  if (changed(dest, contents)) {
    writeFileSync(dest, contents);
    log();
    chmodSync(dest, executableMode());
  }
  return dest;
}

/** The distutils scripts an installed egg keeps in `EGG-INFO/scripts`. */
function distutilsScripts(d: Dist): [string, string][] {
  if (!d.metadata || d.precedence < 0) return [];
  const dir = join(d.metadata, 'scripts');
  if (!existsSync(dir) || !statSync(dir).isDirectory()) return [];
  const out: [string, string][] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory() || name.toLowerCase().endsWith('.exe')) continue;
    out.push([name, readFileSync(p, 'utf8')]);
  }
  return out;
}

/** easy_install.scripts(): the files written (or kept), in zc.buildout's order. */
export function writeScripts(reqs: readonly ScriptRequest[], ws: readonly Dist[], s: ScriptSettings): string[] {
  const unique: string[] = [];
  for (const p of [...ws.map((d) => d.location), ...(s.extraPaths ?? [])]) if (!unique.includes(p)) unique.push(p);
  const path = unique.map(pyRealpath);
  const init = s.initialization ? `\n${s.initialization}\n` : '';
  const relative = s.relativePaths ? normalize(s.relativePaths) : '';
  const entries: [string, string, string][] = [];
  const distutils: [string, string][] = [];
  for (const req of reqs) {
    if (typeof req !== 'string') {
      entries.push(req);
      continue;
    }
    const key = parseRequirement(req).key;
    const dist = ws.find((d) => d.key === key);
    if (!dist) throw new RecipeError(`No distribution for ${strRepr(req)} in the working set`);
    for (const [name, target] of entryPoints(dist).get('console_scripts') ?? []) {
      const [module, attrs] = target.split(':').map((x) => x.trim()) as [string, string | undefined];
      entries.push([name, module, attrs ?? '']);
    }
    distutils.push(...distutilsScripts(dist));
  }
  const generated: string[] = [];
  const target = (name: string): string | undefined => {
    const sname = s.scripts ? s.scripts.get(name) : name;
    return sname === undefined ? undefined : isAbsolute(sname) ? sname : join(s.dest, sname);
  };
  for (const [name, module, attrs] of entries) {
    const sname = target(name);
    if (!sname) continue;
    const [spath, rsetup] = pathAndSetup(sname, path, relative);
    generated.push(write(sname, entryScript(s.executable, spath, module, attrs, s.arguments ?? '', init, rsetup), () => s.logger.info(`Generated script ${strRepr(sname)}.`)));
  }
  for (const [name, contents] of distutils) {
    const sname = target(name);
    if (!sname) continue;
    const lines = contents.match(/[^\n]*\n|[^\n]+$/g) ?? [''];
    if (!lines[0]!.includes('#!') && lines[0]!.includes('python')) continue;
    const rest = lines.slice(1);
    let first = rest.findIndex((l) => l.includes('import') && (l.startsWith('import') || l.startsWith('from')) && !l.includes('__future__'));
    if (first < 0) first = rest.length;
    const [spath, rsetup] = pathAndSetup(sname, path, relative);
    const text = distutilsScript(s.executable, spath, rest.slice(0, first).join(''), rest.slice(first).join(''), init, rsetup);
    generated.push(write(sname, text, () => s.logger.info(`Generated script ${strRepr(sname)}.`)));
  }
  if (s.interpreter) {
    const sname = join(s.dest, s.interpreter);
    const [spath, rsetup] = pathAndSetup(sname, path, relative);
    generated.push(write(sname, interpreterScript(s.executable, spath ? spath + ',' : spath, init, rsetup), () => s.logger.info(`Generated interpreter ${strRepr(sname)}.`)));
  }
  return generated;
}
