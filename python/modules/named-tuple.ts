// Named tuples (collections.namedtuple instances): tuples whose fields are
// also attributes, printed as Name(field=value, ...).

import { repr } from '../repr.ts';
import { PyBoundMethod, PyDict, PyTuple, type PyValue } from '../value.ts';

export class NamedTuple extends PyTuple {
  constructor(
    readonly name: string,
    readonly fields: readonly string[],
    items: readonly PyValue[],
    /** Further attributes of the class (properties, methods). */
    private readonly extra: (self: NamedTuple, attr: string) => PyValue | undefined = () => undefined,
  ) {
    super(items);
  }
  override get typeName(): string {
    return this.name;
  }
  override pyRepr(): string {
    return `${this.name}(${this.fields.map((f, i) => `${f}=${repr(this.items[i]!)}`).join(', ')})`;
  }
  override pyGetAttr(attr: string): PyValue | undefined {
    const i = this.fields.indexOf(attr);
    if (i >= 0) return this.items[i]!;
    if (attr === '_fields') return new PyTuple(this.fields);
    if (attr === '_asdict') {
      return new PyBoundMethod(this, attr, () => new PyDict(this.fields.map((f, j) => [f, this.items[j]!] as [PyValue, PyValue])), this.name);
    }
    return this.extra(this, attr);
  }
}
