// The small runtime objects of Jinja2: namespace(), cycler(), joiner(),
// and the classes that create them as template globals.

import { attributeError, bind, dictUpdate, PyBoundMethod, PyDict, PyException, PyObject, PyTuple, repr, type Kwargs, type PyCallable, type PyValue } from '../../python/index.ts';

/** A class exposed to templates: callable, printed as <class 'module.Name'>. */
export class HostClass extends PyObject {
  constructor(
    readonly qualifiedName: string,
    private readonly construct: PyCallable,
  ) {
    super();
  }
  get typeName(): string {
    return 'type';
  }
  override pyCall(args: PyValue[], kwargs: Kwargs): PyValue {
    return this.construct(args, kwargs);
  }
  override pyRepr(): string {
    return `<class '${this.qualifiedName}'>`;
  }
  override pyGetAttr(name: string): PyValue | undefined {
    if (name === '__name__') return this.qualifiedName.split('.').pop()!;
    return undefined;
  }
}

/** namespace(...): attributes that `{% set ns.attr = value %}` can assign. */
export class Namespace extends PyObject {
  readonly attrs = new PyDict();
  get typeName(): string {
    return 'Namespace';
  }
  override get typeModule(): string {
    return 'jinja2.utils';
  }
  override pyGetAttr(name: string): PyValue | undefined {
    const v = this.attrs.get(name);
    if (v === undefined) throw attributeError(name);
    return v;
  }
  pySetItem(key: PyValue, value: PyValue): void {
    this.attrs.set(key, value);
  }
  override pyRepr(): string {
    return `<Namespace ${repr(this.attrs)}>`;
  }
}

export const namespaceClass = new HostClass('jinja2.utils.Namespace', (args, kwargs) => {
  const ns = new Namespace();
  if (args.length > 1) throw new PyException('TypeError', `dict expected at most 1 argument, got ${args.length}`);
  dictUpdate(ns.attrs, args[0], kwargs);
  return ns;
});

export class Cycler extends PyObject {
  pos = 0;
  constructor(readonly items: readonly PyValue[]) {
    super();
  }
  get typeName(): string {
    return 'Cycler';
  }
  override get typeModule(): string {
    return 'jinja2.utils';
  }
  next(): PyValue {
    const rv = this.items[this.pos]!;
    this.pos = (this.pos + 1) % this.items.length;
    return rv;
  }
  override pyGetAttr(name: string): PyValue | undefined {
    switch (name) {
      case 'items':
        return new PyTuple(this.items);
      case 'pos':
        return BigInt(this.pos);
      case 'current':
        return this.items[this.pos]!;
      case 'next':
      case '__next__':
        return new PyBoundMethod(this, name, (a, k) => (bind({ name: 'next', params: [] }, a, k), this.next()), 'Cycler');
      case 'reset':
        return new PyBoundMethod(this, name, (a, k) => {
          bind({ name: 'reset', params: [] }, a, k);
          this.pos = 0;
          return null;
        }, 'Cycler');
    }
    return undefined;
  }
  override pySetAttr(name: string, value: PyValue): boolean {
    if (name === 'pos' && typeof value === 'bigint') {
      this.pos = Number(value);
      return true;
    }
    return false;
  }
}

export const cyclerClass = new HostClass('jinja2.utils.Cycler', (args, kwargs) => {
  if (kwargs.size) throw new PyException('TypeError', `Cycler.__init__() got an unexpected keyword argument '${[...kwargs.keys()][0]}'`);
  if (!args.length) throw new PyException('RuntimeError', 'at least one item has to be provided');
  return new Cycler(args);
});

export class Joiner extends PyObject {
  used = false;
  constructor(readonly sep: PyValue) {
    super();
  }
  get typeName(): string {
    return 'Joiner';
  }
  override get typeModule(): string {
    return 'jinja2.utils';
  }
  override pyCall(args: PyValue[], kwargs: Kwargs): PyValue {
    bind({ name: 'Joiner.__call__', params: [] }, args, kwargs);
    if (!this.used) {
      this.used = true;
      return '';
    }
    return this.sep;
  }
  override pyGetAttr(name: string): PyValue | undefined {
    if (name === 'sep') return this.sep;
    if (name === 'used') return this.used;
    return undefined;
  }
}

export const joinerClass = new HostClass('jinja2.utils.Joiner', (args, kwargs) => {
  const [sep] = bind({ name: 'Joiner.__init__', params: ['sep'], required: 0 }, args, kwargs);
  return new Joiner(sep ?? ', ');
});

/** A rendered template used as a module ({% import %}): its exported names. */
export class TemplateModule extends PyObject {
  constructor(
    readonly templateName: string | null,
    readonly exported: ReadonlyMap<string, PyValue>,
    readonly body: string,
  ) {
    super();
  }
  get typeName(): string {
    return 'TemplateModule';
  }
  override get typeModule(): string {
    return 'jinja2.environment';
  }
  override pyGetAttr(name: string): PyValue | undefined {
    if (name === '__name__') return this.templateName;
    return this.exported.get(name);
  }
  override pyStr(): string {
    return this.body;
  }
  override pyRepr(): string {
    const name = this.templateName === null ? `memory:${this.address.slice(2)}` : repr(this.templateName);
    return `<TemplateModule ${name}>`;
  }
  override pyDir(): string[] {
    return [...this.exported.keys()];
  }
}
