// The Python value model: the one representation of Python values shared by
// buildout's typed options, the expression evaluator and Jinja2.
//
//   str      → JavaScript string (indexing by code point goes through codepoints.ts)
//   int      → bigint (exact, arbitrary size; `typeof v === 'bigint'`)
//   float    → number
//   bool     → boolean (`True == 1` is handled by equality, not by the type)
//   None     → null
//   the rest → subclasses of PyObject
//
// Core containers (list, tuple, dict, set, frozenset, bytes, range) are plain
// data classes; the operations on them live in the modules named after the
// operation (repr.ts, compare.ts, ops.ts, attributes.ts, ...). Other objects
// (host modules and functions, Jinja2 runtime objects) override the protocol
// hooks of PyObject.

import { keyOf } from './hash.ts';
import { PyException as PyExceptionForValue } from './exceptions.ts';
import { SetTable } from './set-table.ts';

export type PyValue = string | bigint | number | boolean | null | PyObject;

/** Keyword arguments of a call, in the order they were given. */
export type Kwargs = Map<string, PyValue>;

/** The signature of every function callable from Python code or templates. */
export type PyCallable = (args: PyValue[], kwargs: Kwargs) => PyValue;

export const NO_KWARGS: Kwargs = new Map();

let nextObjectId = 1;

/** repr() for the few classes here that print their contents; set by repr.ts. */
export let pyReprHook: (v: PyValue) => string = String;
export function setReprHook(f: (v: PyValue) => string): void {
  pyReprHook = f;
}

/**
 * Base of every non-primitive value. The hooks have Python's defaults for a
 * plain object; returning `undefined` from a hook means "not supported" and
 * makes the caller raise the TypeError or AttributeError Python would.
 */
export abstract class PyObject {
  abstract get typeName(): string;
  #id = 0;

  /** A stable identity, used for `is`, identity hashing and fake addresses. */
  get objectId(): number {
    if (this.#id === 0) this.#id = nextObjectId++;
    return this.#id;
  }

  /** `0x7f...`: deterministic stand-in for CPython's id() in reprs. */
  get address(): string {
    return '0x7f' + (0x10000000 + this.objectId * 16).toString(16).padStart(10, '0');
  }

  pyRepr(): string {
    return `<${this.typeName} object at ${this.address}>`;
  }
  pyStr(): string {
    return this.pyRepr();
  }
  pyBool(): boolean {
    const n = this.pyLen();
    return n === undefined ? true : n !== 0;
  }
  pyLen(): number | undefined {
    return undefined;
  }
  pyIter(): Iterator<PyValue> | undefined {
    return undefined;
  }
  pyGetAttr(_name: string): PyValue | undefined {
    return undefined;
  }
  /** Returns false when the attribute cannot be set. */
  pySetAttr(_name: string, _value: PyValue): boolean {
    return false;
  }
  pyGetItem(_key: PyValue): PyValue | undefined {
    return undefined;
  }
  /** Set when the object is callable. */
  pyCall?(args: PyValue[], kwargs: Kwargs): PyValue;
  pyContains?(value: PyValue): boolean;
  pyEq(other: PyValue): boolean {
    return this === other;
  }
  /** The dictionary key (see hash.ts); identity unless overridden. */
  pyHashKey(): string {
    return 'o' + this.objectId;
  }
  /** Names listed by dir(); only for the objects that expose attributes. */
  pyDir(): string[] {
    return [];
  }
  /** The text of a str subclass (Jinja2's Markup); undefined for others. */
  get strValue(): string | undefined {
    return undefined;
  }
  /** type(v).__module__: 'builtins' for built-in types. */
  get typeModule(): string {
    return 'builtins';
  }
  /**
   * Ordering (<, <=, >, >=) against another value; undefined when not
   * supported (Python's NotImplemented). `reflected` is true when this
   * object is the right operand.
   */
  pyOrder?(op: '<' | '<=' | '>' | '>=', other: PyValue, reflected: boolean): boolean | undefined;
  /**
   * isinstance() against the classes Jinja2's tests ask about, for objects
   * whose class lives elsewhere (a Python object held by the bridge).
   */
  pyIsInstance?(kind: PyInstanceKind): boolean;
}

/** What Jinja2's type tests check: `mapping`, `number`, `integer`, `float`, `string`. */
export type PyInstanceKind = 'Mapping' | 'Number' | 'int' | 'float' | 'str';

export class PyList extends PyObject {
  constructor(public items: PyValue[] = []) {
    super();
  }
  get typeName() {
    return 'list';
  }
}

export class PyTuple extends PyObject {
  constructor(readonly items: readonly PyValue[] = []) {
    super();
  }
  get typeName() {
    return 'tuple';
  }
}

interface DictEntry {
  key: PyValue;
  value: PyValue;
}

/** dict: insertion ordered, keys compared with Python equality (1 == 1.0 == True). */
export class PyDict extends PyObject {
  private store = new Map<string, DictEntry>();
  /** Bumped on every insertion or deletion: iteration checks it. */
  version = 0;

  constructor(pairs?: Iterable<readonly [PyValue, PyValue]>) {
    super();
    if (pairs) for (const [k, v] of pairs) this.set(k, v);
  }
  get typeName() {
    return 'dict';
  }
  get size(): number {
    return this.store.size;
  }
  get(key: PyValue): PyValue | undefined {
    return this.store.get(keyOf(key))?.value;
  }
  has(key: PyValue): boolean {
    return this.store.has(keyOf(key));
  }
  /** Keeps the original key object and position when the key exists. */
  set(key: PyValue, value: PyValue): void {
    const k = keyOf(key);
    const e = this.store.get(k);
    if (e) e.value = value;
    else {
      this.store.set(k, { key, value });
      this.version++;
    }
  }
  delete(key: PyValue): boolean {
    const done = this.store.delete(keyOf(key));
    if (done) this.version++;
    return done;
  }
  clear(): void {
    this.store.clear();
    this.version++;
  }
  *keys(): IterableIterator<PyValue> {
    for (const e of this.store.values()) yield e.key;
  }
  *values(): IterableIterator<PyValue> {
    for (const e of this.store.values()) yield e.value;
  }
  *entries(): IterableIterator<[PyValue, PyValue]> {
    for (const e of this.store.values()) yield [e.key, e.value];
  }
  /** The last inserted entry (popitem). */
  last(): [PyValue, PyValue] | undefined {
    let last: DictEntry | undefined;
    for (const e of this.store.values()) last = e;
    return last && [last.key, last.value];
  }
  copy(): PyDict {
    const d = new PyDict();
    for (const [k, e] of this.store) d.store.set(k, { key: e.key, value: e.value });
    return d;
  }
  /** Builds a dict from a plain object with string keys, in property order. */
  static fromObject(obj: Record<string, PyValue>): PyDict {
    const d = new PyDict();
    for (const k of Object.keys(obj)) d.set(k, obj[k]!);
    return d;
  }
}

/** What set and frozenset share: a CPython-ordered hash table of elements. */
export abstract class PySetBase extends PyObject {
  readonly table = new SetTable();

  constructor(items?: Iterable<PyValue>) {
    super();
    if (items) for (const v of items) this.table.add(v);
  }
  get size(): number {
    return this.table.size;
  }
  has(value: PyValue): boolean {
    return this.table.has(value);
  }
  values(): IterableIterator<PyValue> {
    return this.table.values();
  }
}

export class PySet extends PySetBase {
  version = 0;
  get typeName() {
    return 'set';
  }
  add(value: PyValue): void {
    if (this.table.add(value)) this.version++;
  }
  delete(value: PyValue): boolean {
    const done = this.table.delete(value);
    if (done) this.version++;
    return done;
  }
}

export class PyFrozenSet extends PySetBase {
  get typeName() {
    return 'frozenset';
  }
}

export class PyBytes extends PyObject {
  constructor(readonly data: Uint8Array) {
    super();
  }
  get typeName() {
    return 'bytes';
  }
  static fromLatin1(s: string): PyBytes {
    const a = new Uint8Array(s.length);
    for (let i = 0; i < s.length; i++) a[i] = s.charCodeAt(i) & 0xff;
    return new PyBytes(a);
  }
  toLatin1(): string {
    let s = '';
    for (const b of this.data) s += String.fromCharCode(b);
    return s;
  }
}

/** bytearray: printed as bytearray(b'...'), unhashable. */
export class PyByteArray extends PyBytes {
  override get typeName() {
    return 'bytearray';
  }
}

/** range(start, stop, step): a lazy sequence of ints. */
export class PyRange extends PyObject {
  constructor(
    readonly start: bigint,
    readonly stop: bigint,
    readonly step: bigint,
  ) {
    super();
  }
  get typeName() {
    return 'range';
  }
  get length(): bigint {
    const { start, stop, step } = this;
    if (step > 0n) return stop > start ? (stop - start - 1n) / step + 1n : 0n;
    return start > stop ? (start - stop - 1n) / -step + 1n : 0n;
  }
  at(i: bigint): bigint {
    return this.start + i * this.step;
  }
  override pyLen(): number {
    return Number(this.length);
  }
  override *pyIter(): Iterator<PyValue> {
    const n = this.length;
    for (let i = 0n; i < n; i++) yield this.start + i * this.step;
  }
}

/** An iterator object (list_iterator, map, filter, zip, generator, ...). */
export class PyIterator extends PyObject {
  constructor(
    private readonly it: Iterator<PyValue>,
    private readonly kind = 'iterator',
  ) {
    super();
  }
  get typeName() {
    return this.kind;
  }
  override pyIter(): Iterator<PyValue> {
    return this.it;
  }
  next(): IteratorResult<PyValue> {
    return this.it.next();
  }
  override pyBool(): boolean {
    return true;
  }
  /** it.__next__ (a template's `itertools.count(n).__next__`) and it.__iter__, as on CPython's iterators. */
  override pyGetAttr(name: string): PyValue | undefined {
    if (name === '__next__')
      return new PyBoundMethod(this, name, (args) => {
        if (args.length) throw new PyExceptionForValue('TypeError', `expected 0 arguments, got ${args.length}`);
        const r = this.it.next();
        if (r.done) throw new PyExceptionForValue('StopIteration', '');
        return r.value;
      }, this.kind);
    if (name === '__iter__') return new PyBoundMethod(this, name, () => this, this.kind);
    return undefined;
  }
}

/** A function implemented in TypeScript (a builtin or a host module's function). */
export class PyFunction extends PyObject {
  constructor(
    readonly name: string,
    readonly fn: PyCallable,
    /** `builtin_function_or_method` prints as <built-in function …>. */
    readonly kind: 'builtin' | 'function' = 'builtin',
  ) {
    super();
  }
  get typeName() {
    return this.kind === 'builtin' ? 'builtin_function_or_method' : 'function';
  }
  override pyCall(args: PyValue[], kwargs: Kwargs): PyValue {
    return this.fn(args, kwargs);
  }
  override pyRepr(): string {
    return this.kind === 'builtin'
      ? `<built-in function ${this.name}>`
      : `<function ${this.name} at ${this.address}>`;
  }
  override pyGetAttr(name: string): PyValue | undefined {
    if (name === '__name__' || name === '__qualname__') return this.name;
    return undefined;
  }
}

/** A method bound to its receiver: `'a,b'.split` before it is called. */
export class PyBoundMethod extends PyObject {
  constructor(
    readonly self: PyValue,
    readonly name: string,
    readonly fn: PyCallable,
    private readonly ownerType: string,
  ) {
    super();
  }
  get typeName() {
    return 'builtin_function_or_method';
  }
  override pyCall(args: PyValue[], kwargs: Kwargs): PyValue {
    return this.fn(args, kwargs);
  }
  override pyRepr(): string {
    const self = this.self;
    const addr = self instanceof PyObject ? self.address : '0x7f0000000000';
    return `<built-in method ${this.name} of ${this.ownerType} object at ${addr}>`;
  }
  override pyEq(other: PyValue): boolean {
    return (
      other instanceof PyBoundMethod && other.name === this.name && other.ownerType === this.ownerType &&
      other.self === this.self
    );
  }
  override pyHashKey(): string {
    const s = this.self;
    return `m${this.ownerType}.${this.name}:${s instanceof PyObject ? s.objectId : String(s)}`;
  }
  override pyGetAttr(name: string): PyValue | undefined {
    if (name === '__name__' || name === '__qualname__') return this.name;
    if (name === '__self__') return this.self;
    return undefined;
  }
}

/**
 * A host module or object: named attributes that are values or functions.
 * `os`, `sys`, `platform`, `json` are built like this by whoever exposes them.
 */
export class PyModule extends PyObject {
  readonly attrs: Map<string, PyValue>;
  constructor(
    readonly name: string,
    attrs: Map<string, PyValue> | Record<string, PyValue> = new Map(),
    private readonly kind = 'module',
  ) {
    super();
    this.attrs = attrs instanceof Map ? attrs : new Map(Object.entries(attrs));
  }
  get typeName() {
    return this.kind;
  }
  override pyGetAttr(name: string): PyValue | undefined {
    const v = this.attrs.get(name);
    if (v !== undefined) return v;
    if (name === '__name__' && this.kind === 'module') return this.name;
    return undefined;
  }
  override pySetAttr(name: string, value: PyValue): boolean {
    this.attrs.set(name, value);
    return true;
  }
  override pyRepr(): string {
    return this.kind === 'module' ? `<module '${this.name}' (built-in)>` : super.pyRepr();
  }
  override pyDir(): string[] {
    return [...this.attrs.keys()].sort();
  }
}

/** A Python type object (int, str, list, ...): callable, usable with isinstance. */
export class PyType extends PyObject {
  constructor(
    readonly name: string,
    readonly construct: PyCallable,
    /** Decides isinstance(value, this type). */
    readonly test: (v: PyValue) => boolean,
    readonly parent: PyType | null = null,
  ) {
    super();
  }
  get typeName() {
    return 'type';
  }
  override pyCall(args: PyValue[], kwargs: Kwargs): PyValue {
    return this.construct(args, kwargs);
  }
  /** __module__ of the type: shown in repr when not 'builtins'. */
  module = 'builtins';
  override pyRepr(): string {
    return this.module === 'builtins' ? `<class '${this.name}'>` : `<class '${this.module}.${this.name}'>`;
  }
  override pyGetAttr(name: string): PyValue | undefined {
    if (name === '__name__' || name === '__qualname__') return this.name;
    if (name === '__module__') return this.module;
    return this.statics?.get(name);
  }
  /** Class attributes such as dict.fromkeys or str.join. */
  statics?: Map<string, PyValue>;
  override pyGetItem(): PyValue | undefined {
    // list[int] and the like (generic aliases) are not supported: CPython's message for the others
    throw new PyExceptionForValue('TypeError', `type '${this.name}' is not subscriptable`);
  }
}

// ---- guards -----------------------------------------------------------------

export const isInt = (v: PyValue): v is bigint => typeof v === 'bigint';
/** int, bool or float. */
export const isNumber = (v: PyValue): v is bigint | boolean | number =>
  typeof v === 'bigint' || typeof v === 'number' || typeof v === 'boolean';

// ---- constructors -------------------------------------------------------------

export const pyInt = (n: number | bigint): bigint => (typeof n === 'bigint' ? n : BigInt(n));

/** A host function; `name` is what repr() and error messages show. */
export function hostFunction(name: string, fn: PyCallable): PyFunction {
  return new PyFunction(name, fn, 'builtin');
}

/** A host module with attributes given as an object or a Map. */
export function hostModule(name: string, attrs: Map<string, PyValue> | Record<string, PyValue>): PyModule {
  return new PyModule(name, attrs);
}

/**
 * Converts plain JavaScript data (from JSON.parse or test tables) into the
 * model: integers become int, other numbers float, arrays lists, objects dicts.
 * Values that already are Python values pass through.
 */
export function fromJS(v: unknown): PyValue {
  if (v === null || v === undefined) return null;
  switch (typeof v) {
    case 'string':
    case 'boolean':
    case 'bigint':
      return v;
    case 'number':
      return Number.isInteger(v) ? BigInt(v) : v;
    case 'object':
      if (v instanceof PyObject) return v;
      if (Array.isArray(v)) return new PyList(v.map(fromJS));
      if (v instanceof Map) {
        const d = new PyDict();
        for (const [k, x] of v) d.set(fromJS(k), fromJS(x));
        return d;
      }
      {
        const d = new PyDict();
        for (const [k, x] of Object.entries(v as Record<string, unknown>)) d.set(k, fromJS(x));
        return d;
      }
    default:
      throw new TypeError(`fromJS: cannot convert ${typeof v}`);
  }
}

/** The text of a str or of a str subclass; undefined for other values. */
export function asStr(v: PyValue): string | undefined {
  if (typeof v === 'string') return v;
  return v instanceof PyObject ? v.strValue : undefined;
}

/** type(v).__name__ */
export function typeName(v: PyValue): string {
  switch (typeof v) {
    case 'string':
      return 'str';
    case 'bigint':
      return 'int';
    case 'number':
      return 'float';
    case 'boolean':
      return 'bool';
  }
  return v === null ? 'NoneType' : v.typeName;
}

/** slice(start, stop, step), as created by `x[a:b:c]`. */
export class PySlice extends PyObject {
  constructor(
    readonly start: PyValue,
    readonly stop: PyValue,
    readonly step: PyValue,
  ) {
    super();
  }
  get typeName() {
    return 'slice';
  }
  override pyRepr(): string {
    return `slice(${pyReprHook(this.start)}, ${pyReprHook(this.stop)}, ${pyReprHook(this.step)})`;
  }
  override pyGetAttr(name: string): PyValue | undefined {
    if (name === 'start') return this.start;
    if (name === 'stop') return this.stop;
    if (name === 'step') return this.step;
    return undefined;
  }
}

/** dict.keys(), dict.values(), dict.items(): live views on a dict. */
export class PyDictView extends PyObject {
  constructor(
    readonly dict: PyDict,
    readonly kind: 'keys' | 'values' | 'items',
  ) {
    super();
  }
  get typeName() {
    return 'dict_' + this.kind;
  }
  override pyLen(): number {
    return this.dict.size;
  }
  /** The elements, without the mutation check (iter.ts adds it). */
  *elements(): IterableIterator<PyValue> {
    if (this.kind === 'keys') yield* this.dict.keys();
    else if (this.kind === 'values') yield* this.dict.values();
    else for (const [k, v] of this.dict.entries()) yield new PyTuple([k, v]);
  }
}
