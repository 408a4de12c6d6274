// The template context (Jinja2's Context): the variables given to a
// render and the globals (`parent`), the names the template sets at its top
// level (`vars`, of which `exportedVars` become module attributes), and the
// blocks for template inheritance.

import type { PyValue } from '../../python/index.ts';
import { MISSING, type Missing } from './undefined.ts';

export type BlockFn = (ctx: Context, out: string[]) => void;

export class Context {
  readonly vars = new Map<string, PyValue>();
  readonly exportedVars = new Set<string>();
  readonly blocks = new Map<string, BlockFn[]>();

  constructor(
    readonly parent: ReadonlyMap<string, PyValue>,
    readonly name: string | null,
    blocks: ReadonlyMap<string, BlockFn>,
    /** The names that were globals when the context was made. */
    readonly globalsKeys: ReadonlySet<string> = new Set(),
  ) {
    for (const [k, v] of blocks) this.blocks.set(k, [v]);
  }

  resolveOrMissing(key: string): PyValue | Missing {
    const v = this.vars.get(key);
    if (v !== undefined) return v;
    const p = this.parent.get(key);
    return p !== undefined ? p : MISSING;
  }

  /** get_all(): the parent with the template's own variables over it. */
  getAll(): ReadonlyMap<string, PyValue> {
    if (this.vars.size === 0) return this.parent;
    if (this.parent.size === 0) return this.vars;
    const all = new Map(this.parent);
    for (const [k, v] of this.vars) all.set(k, v);
    return all;
  }

  getExported(): Map<string, PyValue> {
    const out = new Map<string, PyValue>();
    for (const k of this.exportedVars) out.set(k, this.vars.get(k)!);
    return out;
  }

  /** A context for the same template with extra local names (scoped blocks). */
  derived(locals: ReadonlyMap<string, PyValue | Missing>): Context {
    const parent = new Map(this.getAll());
    for (const [k, v] of locals) if (v !== MISSING) parent.set(k, v);
    const ctx = new Context(parent, this.name, new Map());
    for (const [k, v] of this.blocks) ctx.blocks.set(k, [...v]);
    return ctx;
  }
}

/**
 * new_context(): the context a template renders in. Without `shared`, the
 * globals come first and the variables over them; locals that are not
 * MISSING are added last.
 */
export function newContext(
  name: string | null,
  blocks: ReadonlyMap<string, BlockFn>,
  vars: ReadonlyMap<string, PyValue> | null,
  shared: boolean,
  globals: ReadonlyMap<string, PyValue> | null,
  locals: ReadonlyMap<string, PyValue | Missing> | null,
): Context {
  const v = vars ?? new Map<string, PyValue>();
  let parent: Map<string, PyValue> | ReadonlyMap<string, PyValue>;
  if (shared) parent = v;
  else if (!globals || globals.size === 0) parent = v;
  else if (v.size === 0) parent = globals;
  else parent = new Layered(globals, v);
  if (locals && locals.size) {
    const p = new Map(parent);
    for (const [k, x] of locals) if (x !== MISSING) p.set(k, x);
    parent = p;
  }
  return new Context(parent, name, blocks, globals ? keysOf(globals) : NO_KEYS);
}

const NO_KEYS: ReadonlySet<string> = new Set();
const globalsKeys = new WeakMap<ReadonlyMap<string, PyValue>, { size: number; keys: ReadonlySet<string> }>();

/** The key set of a globals map, computed once per map (and again if it grew or shrank). */
function keysOf(globals: ReadonlyMap<string, PyValue>): ReadonlySet<string> {
  const known = globalsKeys.get(globals);
  if (known && known.size === globals.size) return known.keys;
  const keys = new Set(globals.keys());
  globalsKeys.set(globals, { size: globals.size, keys });
  return keys;
}

/**
 * `{**globals, **vars}` without copying: both maps are only read while the
 * context lives (a render's variables and the environment's globals).
 * Iteration follows the dict's order: the globals' keys, then the others.
 */
class Layered implements ReadonlyMap<string, PyValue> {
  private count = -1;
  constructor(
    private readonly base: ReadonlyMap<string, PyValue>,
    private readonly top: ReadonlyMap<string, PyValue>,
  ) {}
  get(key: string): PyValue | undefined {
    const v = this.top.get(key);
    return v !== undefined ? v : this.base.get(key);
  }
  has(key: string): boolean {
    return this.top.has(key) || this.base.has(key);
  }
  get size(): number {
    if (this.count < 0) {
      let n = this.base.size;
      for (const k of this.top.keys()) if (!this.base.has(k)) n++;
      this.count = n;
    }
    return this.count;
  }
  *entries(): MapIterator<[string, PyValue]> {
    for (const [k, v] of this.base) yield [k, this.top.has(k) ? this.top.get(k)! : v];
    for (const [k, v] of this.top) if (!this.base.has(k)) yield [k, v];
  }
  *keys(): MapIterator<string> {
    for (const [k] of this.entries()) yield k;
  }
  *values(): MapIterator<PyValue> {
    for (const [, v] of this.entries()) yield v;
  }
  forEach(f: (value: PyValue, key: string, map: ReadonlyMap<string, PyValue>) => void): void {
    for (const [k, v] of this.entries()) f(v, k, this);
  }
  [Symbol.iterator](): MapIterator<[string, PyValue]> {
    return this.entries();
  }
}
