// Undefined values: what a template gets for a missing name, attribute or
// item. The default kind prints as '' and is false, empty and iterable;
// StrictUndefined (what SlapOS renders with) raises UndefinedError on any
// use but the `defined` test and the `default` filter.

import { attributeError, PyBoundMethod, PyObject, repr, typeError, type BinaryOperator, type Kwargs, type PyValue, type UnaryOperator } from '../../python/index.ts';
import { undefinedError } from '../errors.ts';

/**
 * Jinja2's `missing` sentinel: a name not assigned yet, an argument not
 * passed. It is an object that can leak into output (printed `missing`),
 * as it does in Jinja2 for a loop variable read after its loop ended.
 */
export class MissingType extends PyObject {
  get typeName(): string {
    return 'MissingType';
  }
  override get typeModule(): string {
    return 'jinja2.utils';
  }
  override pyRepr(): string {
    return 'missing';
  }
}
export const MISSING = new MissingType();
export type Missing = MissingType;

/** Jinja2's object_type_repr: 'None', 'dict object', 'jinja2.utils.Namespace object'. */
export function objectTypeRepr(obj: PyValue): string {
  if (obj === null) return 'None';
  const t = obj instanceof PyObject ? obj : null;
  const name = t ? t.typeName : typeof obj === 'string' ? 'str' : typeof obj === 'bigint' ? 'int' : typeof obj === 'number' ? 'float' : 'bool';
  const module = t ? t.typeModule : 'builtins';
  return module === 'builtins' ? `${name} object` : `${module}.${name} object`;
}

const FAILING_DUNDERS = new Set(
  ('__add__ __radd__ __sub__ __rsub__ __mul__ __rmul__ __div__ __rdiv__ __truediv__ __rtruediv__ ' +
    '__floordiv__ __rfloordiv__ __mod__ __rmod__ __pos__ __neg__ __call__ __getitem__ __lt__ __le__ __gt__ ' +
    '__ge__ __int__ __float__ __complex__ __pow__ __rpow__').split(' '),
);

export class Undefined extends PyObject {
  constructor(
    readonly hint: string | null = null,
    readonly obj: PyValue | Missing = MISSING,
    readonly name: PyValue | null = null,
  ) {
    super();
  }

  get typeName(): string {
    return 'Undefined';
  }
  override get typeModule(): string {
    return 'jinja2.runtime';
  }
  get strict(): boolean {
    return false;
  }

  /** The message of the UndefinedError this value raises. */
  get message(): string {
    if (this.hint) return this.hint;
    if (this.obj === MISSING) return `${repr(this.name)} is undefined`;
    if (typeof this.name !== 'string') return `${objectTypeRepr(this.obj)} has no element ${repr(this.name)}`;
    return `${repr(objectTypeRepr(this.obj))} has no attribute ${repr(this.name)}`;
  }

  fail(): never {
    throw undefinedError(this.message);
  }

  override pyRepr(): string {
    return 'Undefined';
  }
  override pyStr(): string {
    return '';
  }
  override pyBool(): boolean {
    return false;
  }
  override pyLen(): number {
    return 0;
  }
  override pyIter(): Iterator<PyValue> {
    return [][Symbol.iterator]();
  }
  override pyEq(other: PyValue): boolean {
    return other instanceof Undefined && other.constructor === this.constructor;
  }
  override pyHashKey(): string {
    return 'undefined:' + this.constructor.name;
  }
  override pyGetAttr(name: string): PyValue | undefined {
    // the operators Undefined defines exist (and fail when called); other
    // dunder names raise AttributeError; anything else fails loudly
    if (FAILING_DUNDERS.has(name)) return new PyBoundMethod(this, name, () => this.fail(), this.typeName);
    if (name.startsWith('__')) throw attributeError(name);
    return this.fail();
  }
  override pyGetItem(): PyValue | undefined {
    return this.fail();
  }
  override pyCall(_args: PyValue[], _kwargs: Kwargs): PyValue {
    return this.fail();
  }
  pyBinary(_op: BinaryOperator, _other: PyValue, _reflected: boolean): PyValue | undefined {
    return this.fail();
  }
  pyUnary(_op: UnaryOperator): PyValue | undefined {
    return this.fail();
  }
  override pyOrder(): boolean | undefined {
    return this.fail();
  }
  pyFormat(spec: string): string {
    if (spec !== '') throw typeError(`unsupported format string passed to ${this.typeName}.__format__`);
    return this.pyStr();
  }
}

export class StrictUndefined extends Undefined {
  override get typeName(): string {
    return 'StrictUndefined';
  }
  override get strict(): boolean {
    return true;
  }
  override pyStr(): string {
    return this.fail();
  }
  override pyBool(): boolean {
    return this.fail();
  }
  override pyLen(): number {
    return this.fail();
  }
  override pyIter(): Iterator<PyValue> {
    return this.fail();
  }
  override pyEq(): boolean {
    return this.fail();
  }
  override pyHashKey(): string {
    return this.fail();
  }
  override pyContains(): boolean {
    return this.fail();
  }
}

export type UndefinedFactory = (hint?: string | null, obj?: PyValue | Missing, name?: PyValue | null) => Undefined;

export const makeUndefined: UndefinedFactory = (hint = null, obj = MISSING, name = null) => new Undefined(hint, obj, name);
export const makeStrictUndefined: UndefinedFactory = (hint = null, obj = MISSING, name = null) =>
  new StrictUndefined(hint, obj, name);

/** ChainableUndefined: attributes and items of it are itself; other uses fail as Undefined's. */
export class ChainableUndefined extends Undefined {
  override get typeName(): string {
    return 'ChainableUndefined';
  }
  override pyGetAttr(name: string): PyValue | undefined {
    if (name === '__html__') return new PyBoundMethod(this, name, () => '', this.typeName);
    if (name.startsWith('__') && name !== '__getitem__') return super.pyGetAttr(name);
    return this;
  }
  override pyGetItem(): PyValue | undefined {
    return this;
  }
}

export const makeChainableUndefined: UndefinedFactory = (hint = null, obj = MISSING, name = null) =>
  new ChainableUndefined(hint, obj, name);
