// functools.partial and operator.itemgetter / attrgetter.

import { getAttr } from '../attributes.ts';
import { callValue } from '../call.ts';
import { typeError } from '../exceptions.ts';
import { repr } from '../repr.ts';
import { getItem } from '../subscript.ts';
import { PyFunction, PyModule, PyObject, PyTuple, asStr, type Kwargs, type PyValue } from '../value.ts';

class Partial extends PyObject {
  constructor(
    readonly func: PyValue,
    readonly args: PyValue[],
    readonly keywords: Kwargs,
  ) {
    super();
  }
  get typeName(): string {
    return 'functools.partial';
  }
  override pyCall(args: PyValue[], kwargs: Kwargs): PyValue {
    return callValue(this.func, [...this.args, ...args], new Map([...this.keywords, ...kwargs]));
  }
  override pyGetAttr(name: string): PyValue | undefined {
    if (name === 'func') return this.func;
    if (name === 'args') return new PyTuple(this.args);
    return undefined;
  }
  override pyRepr(): string {
    const parts = [repr(this.func), ...this.args.map(repr), ...[...this.keywords].map(([k, v]) => `${k}=${repr(v)}`)];
    return `functools.partial(${parts.join(', ')})`;
  }
}

class Getter extends PyObject {
  constructor(
    private readonly kind: 'itemgetter' | 'attrgetter',
    private readonly keys: PyValue[],
  ) {
    super();
  }
  get typeName(): string {
    return `operator.${this.kind}`;
  }
  private one(obj: PyValue, key: PyValue): PyValue {
    if (this.kind === 'itemgetter') return getItem(obj, key);
    let v = obj;
    for (const part of (asStr(key) ?? '').split('.')) v = getAttr(v, part);
    return v;
  }
  override pyCall(args: PyValue[]): PyValue {
    if (args.length !== 1) throw typeError(`${this.kind} expected 1 argument, got ${args.length}`);
    if (this.keys.length === 1) return this.one(args[0]!, this.keys[0]!);
    return new PyTuple(this.keys.map((k) => this.one(args[0]!, k)));
  }
  override pyRepr(): string {
    return `operator.${this.kind}(${this.keys.map(repr).join(', ')})`;
  }
}

export const functoolsModule = new PyModule('functools', {
  partial: new PyFunction('partial', (args, kwargs) => {
    if (!args.length) throw typeError('type \'partial\' takes at least one argument');
    return new Partial(args[0]!, args.slice(1), kwargs);
  }),
});

export const operatorModule = new PyModule('operator', {
  itemgetter: new PyFunction('itemgetter', (args) => {
    if (!args.length) throw typeError('itemgetter expected 1 argument, got 0');
    return new Getter('itemgetter', args);
  }),
  attrgetter: new PyFunction('attrgetter', (args) => {
    if (!args.length) throw typeError('attrgetter expected 1 argument, got 0');
    for (const a of args) if (asStr(a) === undefined) throw typeError('attribute name must be a string');
    return new Getter('attrgetter', args);
  }),
});
