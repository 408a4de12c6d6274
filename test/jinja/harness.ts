// Renders the differential cases (test/jinja/cases/*.json) with this
// engine, the way scripts/jinja-oracle.py renders them with Jinja2.

import { readFileSync } from 'node:fs';
import { recipeBuiltinGlobals } from '../../jinja/globals.ts';
import { PyException } from '../../python/exceptions.ts';
import { evaluateExpression } from '../../python/expr/evaluate.ts';
import { jsonLoads, jsonModule } from '../../python/json.ts';
import { importModule } from '../../python/modules/index.ts';
import { PyDict, PyList, type PyValue } from '../../python/value.ts';
import { Environment } from '../../jinja/environment.ts';
import { TemplateSyntaxError } from '../../jinja/errors.ts';
import { DictLoader } from '../../jinja/loaders.ts';

export interface Case {
  id: string;
  template: string;
  /** JSON read as Python values (so that 4.0 stays a float). */
  context?: PyValue;
  options?: {
    undefined?: 'strict' | 'default';
    extensions?: string[];
    trim_blocks?: boolean;
    lstrip_blocks?: boolean;
    keep_trailing_newline?: boolean;
  };
  templates?: Record<string, string>;
}

/** The globals the oracle gives: the recipe's Python builtins and json_module. */
export function pythonGlobals(): Map<string, PyValue> {
  const m = recipeBuiltinGlobals();
  m.set('json_module', jsonModule);
  m.set('six', importModule('six')!);
  return m;
}

/** Context values: {"__py__": "expr"} is evaluated as Python (tuples, sets, ...). */
export function decode(v: PyValue): PyValue {
  if (v instanceof PyList) return new PyList(v.items.map(decode));
  if (v instanceof PyDict) {
    const keys = [...v.keys()];
    if (keys.length === 1 && keys[0] === '__py__') return evaluateExpression(String(v.get('__py__')));
    const d = new PyDict();
    for (const [k, x] of v.entries()) d.set(k, decode(x));
    return d;
  }
  return v;
}

/** Reads a case file; contexts are parsed by the Python json reader (ints and floats differ). */
export function readCases(path: string): Case[] {
  const text = readFileSync(path, 'utf8');
  const plain = JSON.parse(text) as Case[];
  const py = jsonLoads(text) as PyList;
  return plain.map((c, i) => ({ ...c, context: (py.items[i] as PyDict).get('context') }));
}

/** Object addresses differ between runs and engines. */
export const hideAddresses = (text: string) => text.replace(/ at 0x[0-9a-f]+>/g, ' at 0x?>').replace(/memory:[0-9a-f]+/g, 'memory:?');

export function render(c: Case): string {
  const o = c.options ?? {};
  try {
    const env = new Environment({
      undefined: o.undefined ?? 'strict',
      extensions: o.extensions ?? ['jinja2.ext.do', 'jinja2.ext.loopcontrols'],
      trimBlocks: o.trim_blocks ?? false,
      lstripBlocks: o.lstrip_blocks ?? false,
      keepTrailingNewline: o.keep_trailing_newline ?? false,
      loader: new DictLoader(c.templates ?? {}),
      globals: pythonGlobals(),
    });
    const vars = new Map<string, PyValue>();
    if (c.context instanceof PyDict) for (const [k, v] of c.context.entries()) vars.set(k as string, decode(v));
    return hideAddresses(env.fromString(c.template).render(vars));
  } catch (e) {
    if (e instanceof TemplateSyntaxError) return hideAddresses(`!${e.pyType}: ${e.message} @line ${e.lineno}`);
    if (e instanceof PyException) return hideAddresses(`!${e.pyType}: ${e.message}`);
    return `!JavaScript ${(e as Error).stack}`;
  }
}
