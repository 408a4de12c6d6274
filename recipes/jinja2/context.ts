// The `context` and `import-list` mini-languages of
// slapos.recipe.template:jinja2 (docs/jinja2.md#the-context-option,
// docs/jinja2.md#the-import-list-option): one entry a line, `TYPE NAME
// EXPRESSION` (split on whitespace at most twice), evaluated when the section
// is initialised, so that `key` and `section` entries make the part depend on
// the sections they read.
import { asStr, callMethod, importModule, jsonLoads, knownModules, NO_KWARGS, PyDict, PyException, PyList, pySplitLines, repr, typeName, type PyValue } from '../../python/index.ts';
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

interface ContextLine {
  /** Python's `line.split(None, 2)`: the type, the name and the expression, when the line has them. */
  parts: string[];
  line: string;
  /** Where the line starts in the text. */
  start: number;
}

/** Each non-empty line of `text.splitlines()`, split as the recipe splits it, with its place in the text. */
function contextLines(text: string): ContextLine[] {
  const out: ContextLine[] = [];
  let start = 0;
  for (const withEnd of pySplitLines(text, true)) {
    const line = withEnd.replace(/(?:\r\n|[\n\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029])$/, '');
    if (line) out.push({ parts: (callMethod(line, 'split', [null, 2n], NO_KWARGS) as PyList).items as string[], line, start });
    start += withEnd.length;
  }
  return out;
}

/**
 * Python's `line.split(None, 2)` unpacked into three names, for each
 * non-empty line of `text.splitlines()`. A short line is Python's
 * "not enough values to unpack" ValueError.
 */
export function entryLines(text: string): [string, string, string][] {
  return contextLines(text).map(({ parts }) => {
    if (parts.length < 3) throw new PyException('ValueError', `not enough values to unpack (expected 3, got ${parts.length})`);
    return [parts[0]!, parts[1]!, parts[2]!];
  });
}

/** A section a recipe option names, for analysis (lint, inspection): what makes buildout evaluate it. */
export interface SectionUse {
  section: string;
  option?: string;
  /** The option of this section that names it, and the offsets of the name in its raw value. */
  from: string;
  start?: number;
  end?: number;
  /** The jinja2 context type (`key`, `section`, …) when it comes from `context`. */
  kind?: string;
  /** The template variable it defines. */
  variable?: string;
}

/**
 * The sections and options a `context` names, without evaluating anything:
 * `key`/`jsonkey` name `section:option` (`:option` for the section itself),
 * `section` names a section; other entries name none (section ''). Lines
 * split as a run splits them; a line a run would refuse names nothing.
 * Offsets are in the raw value when the line has no `${…}` (`value` the
 * substituted text when known).
 */
export function contextSections(raw: string, value: string | undefined, option: string): SectionUse[] {
  const out: SectionUse[] = [];
  const exactText = value === undefined || value === raw;
  for (const { parts, line, start } of contextLines(value ?? raw)) {
    if (parts.length < 3) continue;
    const [kind, variable, expr] = parts as [string, string, string];
    const exprStart = start + line.length - expr.length;
    const pos = exactText && !line.includes('${') ? { start: exprStart, end: exprStart + expr.length } : {};
    if (kind === 'key' || kind === 'jsonkey') {
      const colon = expr.indexOf(':');
      if (colon < 0 || expr.includes('${')) continue;
      out.push({ section: expr.slice(0, colon), option: expr.slice(colon + 1), from: option, kind, variable, ...pos });
    } else if (kind === 'section') {
      if (expr.includes('${')) continue;
      out.push({ section: expr, from: option, kind, variable, ...pos });
    } else {
      out.push({ section: '', from: option, kind, variable, ...pos });
    }
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
