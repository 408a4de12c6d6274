// The `context` and `import-list` mini-languages of
// slapos.recipe.template:jinja2 (docs/jinja2.md#the-context-option,
// docs/jinja2.md#the-import-list-option): one entry a line, `TYPE NAME
// EXPRESSION` (split on whitespace at most twice), evaluated when the section
// is initialised, so that `key` and `section` entries make the part depend on
// the sections they read.
import { callMethod } from '../../python/attributes.ts';
import { PyException } from '../../python/exceptions.ts';
import { jsonLoads } from '../../python/json.ts';
import { importModule, knownModules } from '../../python/modules/index.ts';
import { repr } from '../../python/repr.ts';
import { pySplitLines } from '../../python/text.ts';
import { NO_KWARGS, PyDict, PyList, asStr, typeName, type PyValue } from '../../python/value.ts';
import { RecipeError, type BuildoutView, type PartOptions } from '../api.ts';

/** One evaluated context entry; `module` tells an `import` entry (what the differential tests re-import in Python). */
export interface ContextEntry {
  type: string;
  name: string;
  expression: string;
  value: PyValue;
  module?: string;
}

export const IMPORT_TYPES = ['file', 'rawfile', 'folder', 'rawfolder'] as const;

/**
 * Python's `line.split(None, 2)` unpacked into three names, for each
 * non-empty line of `text.splitlines()`. A short line is Python's
 * "not enough values to unpack" ValueError.
 */
export function entryLines(text: string): [string, string, string][] {
  const out: [string, string, string][] = [];
  for (const line of pySplitLines(text)) {
    if (!line) continue;
    const parts = (callMethod(line, 'split', [null, 2n], NO_KWARGS) as PyList).items as string[];
    if (parts.length < 3) throw new PyException('ValueError', `not enough values to unpack (expected 3, got ${parts.length})`);
    out.push([parts[0]!, parts[1]!, parts[2]!]);
  }
  return out;
}

/** `getKey`: `section:option` (a `:option` of the part itself), as the fork gives it: typed. */
function getKey(expression: string, buildout: BuildoutView, options: PartOptions): PyValue {
  const parts = expression.split(':');
  if (parts.length !== 2) {
    throw new PyException('ValueError', parts.length < 2 ? 'not enough values to unpack (expected 2, got 1)' : `too many values to unpack (expected 2)`);
  }
  const [section, entry] = parts as [string, string];
  const opts = section ? buildout.section(section) : options;
  if (!opts.has(entry)) opts.require(entry); // buildout's own "Missing option" error
  return opts.typed(entry)!;
}

function jsonOf(value: PyValue): PyValue {
  const text = asStr(value);
  if (text === undefined) throw new PyException('TypeError', `the JSON object must be str, bytes or bytearray, not ${typeName(value)}`);
  return jsonLoads(text);
}

/** Imports a module in the run's Python (the bridge); absent where no run is (lint, plan). */
export type PythonImporter = (module: string) => PyValue;

/**
 * The module an `import` entry names: tsbuildout's own implementation, else
 * the module of the run's Python, through the bridge; without a run, an
 * unprovided one is a clear error.
 */
export function importFor(expression: string, part: string, python?: PythonImporter): PyValue {
  const m = importModule(expression);
  if (m) return m;
  if (python) return python(expression);
  throw new RecipeError(
    `[${part}] context: the Python module '${expression}' is not provided by tsbuildout without a Python ` +
      `(it provides: ${knownModules().sort().join(', ')}; a run imports others in the Python bridge)`,
  );
}

/** Evaluates one context entry (slapos.recipe.template's EXPRESSION_HANDLER). */
export function evaluateEntry(type: string, expression: string, buildout: BuildoutView, options: PartOptions, python?: PythonImporter): { value: PyValue; module?: string } {
  switch (type) {
    case 'raw':
      return { value: expression };
    case 'key':
      return { value: getKey(expression, buildout, options) };
    case 'json':
      return { value: jsonLoads(expression) };
    case 'jsonkey':
      return { value: jsonOf(getKey(expression, buildout, options)) };
    case 'import':
      return { value: importFor(expression, options.name, python), module: expression };
    case 'section': {
      // dict(buildout[name]): every option, substituted and typed, in buildout's key order
      const s = buildout.section(expression);
      const d = new PyDict();
      for (const k of s.keys()) d.set(k, s.typed(k)!);
      return { value: d };
    }
  }
  throw new PyException('KeyError', repr(type));
}

/**
 * The `context` option: the entries in order. `reserved` are the names the
 * recipe already defines (the builtins, `six`, `assert`, `dumps`): using one
 * is the recipe's "Duplicate context entry" error, as is a name given twice.
 */
export function parseContext(text: string, reserved: ReadonlySet<string>, buildout: BuildoutView, options: PartOptions, python?: PythonImporter): ContextEntry[] {
  const names = new Set(reserved);
  const out: ContextEntry[] = [];
  for (const [type, name, expression] of entryLines(text)) {
    if (names.has(name)) throw new PyException('ValueError', `Duplicate context entry ${repr(name)}`);
    const { value, module } = evaluateEntry(type, expression, buildout, options, python);
    names.add(name);
    out.push(module === undefined ? { type, name, expression, value } : { type, name, expression, value, module });
  }
  return out;
}

export interface ImportEntry {
  alias: string;
  kind: 'file' | 'folder';
  path: string;
}

/** The `import-list` option: aliases of files and folders for `{% import %}`. */
export function parseImportList(text: string, buildout: BuildoutView, options: PartOptions): ImportEntry[] {
  const out: ImportEntry[] = [];
  for (const [type, alias, expression] of entryLines(text)) {
    if (out.some((e) => e.alias === alias)) throw new PyException('ValueError', `Duplicate import-list entry ${repr(alias)}`);
    if (!(IMPORT_TYPES as readonly string[]).includes(type)) throw new PyException('KeyError', repr(type));
    const raw = type.startsWith('raw');
    const value = raw ? expression : getKey(expression, buildout, options);
    const path = asStr(value);
    if (path === undefined) throw new PyException('TypeError', `expected str, bytes or os.PathLike object, not ${typeName(value)}`);
    out.push({ alias, kind: type.endsWith('folder') ? 'folder' : 'file', path });
  }
  return out;
}
