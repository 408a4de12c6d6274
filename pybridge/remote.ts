// Python objects that stay in the bridge process: a module a jinja2 part's
// context imports when tsbuildout has no host implementation of it
// (`import netaddr netaddr`, `import easy_install zc.buildout.easy_install`),
// and what its functions return. Every use (attribute, call, item,
// iteration, str…) is one call to the bridge, so the object behaves exactly
// as in the Python that slapos.recipe.template would run in. Plain values
// (str, int, list, dict… of plain values) come back as copies.
import { isPyException, PyException, PyObject, registerExceptionClass, truthy, type BinaryOperator, type Kwargs, type PyInstanceKind, type PyValue, type UnaryOperator } from '../python/index.ts';
import { CodecError, decode, encode, type Wire } from './codec.ts';
import { PythonFailure, type PythonErrorDetail } from './process.ts';

/** The bridge calls remote objects need (BridgeSession gives them). */
export interface ObjectChannel {
  /** A call that raises the Python exception as a PythonFailure. */
  objectCall(method: string, args: unknown[]): unknown;
}

interface HandleWire {
  o: number;
  type: string;
  module: string;
  callable: boolean;
}

export class PyRemote extends PyObject {
  constructor(
    private readonly objects: RemoteObjects,
    readonly handle: number,
    private readonly type: string,
    private readonly module: string,
    callable: boolean,
  ) {
    super();
    if (callable) this.pyCall = (args: PyValue[], kwargs: Kwargs) => objects.call('obj.call', [handle, args.map((a) => objects.wire(a)), [...kwargs].map(([k, v]) => [k, objects.wire(v)])]);
  }

  get typeName(): string {
    return this.type;
  }
  override get typeModule(): string {
    return this.module;
  }
  override pyRepr(): string {
    return this.objects.raw('obj.builtin', [this.handle, 'repr']) as string;
  }
  override pyStr(): string {
    return this.objects.raw('obj.builtin', [this.handle, 'str']) as string;
  }
  override pyBool(): boolean {
    return this.objects.raw('obj.builtin', [this.handle, 'bool']) as boolean;
  }
  override pyHashKey(): string {
    return 'r' + (this.objects.raw('obj.builtin', [this.handle, 'hash']) as string);
  }
  override pyLen(): number | undefined {
    const n = this.objects.raw('obj.len', [this.handle]);
    return n === null ? undefined : (n as number);
  }
  /** Items come in chunks (an endless generator stays usable with `break`; a chunk may run ahead of the loop). */
  override pyIter(): Iterator<PyValue> | undefined {
    const it = this.objects.raw('obj.iter', [this.handle]) as number | null;
    if (it === null) return undefined;
    const objects = this.objects;
    return (function* () {
      for (let count = 8; ; count = Math.min(count * 4, 512)) {
        const [items, done] = objects.raw('obj.next', [it, count]) as [Wire[], boolean];
        for (const w of items) yield objects.value(w);
        if (done) return;
      }
    })();
  }
  override pyGetAttr(name: string): PyValue | undefined {
    const [found, w] = this.objects.raw('obj.getattr', [this.handle, name]) as [boolean, Wire];
    return found ? this.objects.value(w) : undefined;
  }
  override pyGetItem(key: PyValue): PyValue | undefined {
    return this.objects.call('obj.getitem', [this.handle, this.objects.wire(key)]);
  }
  override pyContains(value: PyValue): boolean {
    return this.objects.raw('obj.contains', [this.handle, this.objects.wire(value)]) as boolean;
  }
  override pyEq(other: PyValue): boolean {
    if (other === this) return true;
    // a value that cannot cross (a macro, a Jinja2 object) is not equal; Python's own errors propagate
    const that = this.objects.wireOrUndefined(other);
    return that !== undefined && (this.objects.raw('obj.eq', [this.handle, that]) as boolean);
  }
  /** a OP b, self on either side: Python dispatches (undefined: the other value cannot cross, NotImplemented). */
  pyBinary(op: BinaryOperator | '<' | '<=' | '>' | '>=', other: PyValue, reflected: boolean): PyValue | undefined {
    const that = this.objects.wireOrUndefined(other);
    if (that === undefined) return undefined;
    const self = { o: this.handle };
    return this.objects.call('obj.op', reflected ? [op, that, self] : [op, self, that]);
  }
  pyUnary(op: UnaryOperator): PyValue {
    return this.objects.call('obj.unary', [op, { o: this.handle }]);
  }
  /** self OP other (compare.ts gives the reflected operator already when self is the right operand). */
  override pyOrder(op: '<' | '<=' | '>' | '>=', other: PyValue): boolean | undefined {
    const r = this.pyBinary(op, other, false);
    return r === undefined ? undefined : truthy(r);
  }
  override pyIsInstance(kind: PyInstanceKind): boolean {
    return this.objects.raw('obj.isinstance', [this.handle, kind]) as boolean;
  }
  override pyDir(): string[] {
    return this.objects.raw('obj.dir', [this.handle]) as string[];
  }
}

/** The remote objects of one bridge process: one PyRemote per handle, so `is` holds. */
export class RemoteObjects {
  private readonly byHandle = new Map<number, PyRemote>();

  constructor(private readonly channel: ObjectChannel) {}

  /** `__import__(name, fromlist=['*'])` in the bridge. */
  importModule(name: string): PyValue {
    return this.call('obj.import', [name]);
  }

  /** A bridge call whose result is a value. */
  call(method: string, args: unknown[]): PyValue {
    return this.value(this.raw(method, args) as Wire);
  }

  /** A bridge call; a Python exception becomes the same PyException (so templates catch or report it as Python would). */
  raw(method: string, args: unknown[]): unknown {
    try {
      return this.channel.objectCall(method, args);
    } catch (e) {
      if (e instanceof PythonFailure) throw asPyException(e.detail);
      throw e;
    }
  }

  value(w: Wire): PyValue {
    if (w !== null && typeof w === 'object' && 'o' in w) {
      const h = w as unknown as HandleWire;
      let r = this.byHandle.get(h.o);
      if (!r) this.byHandle.set(h.o, (r = new PyRemote(this, h.o, h.type, h.module, h.callable)));
      return r;
    }
    return decode(w);
  }

  /** The value for the bridge; undefined when it cannot cross. */
  wireOrUndefined(v: PyValue): Wire | undefined {
    try {
      return this.wire(v);
    } catch (e) {
      if (isPyException(e, 'TypeError')) return undefined;
      throw e;
    }
  }

  wire(v: PyValue): Wire {
    try {
      return encode(v, (o) => (o instanceof PyRemote && this.byHandle.get(o.handle) === o ? { o: o.handle } : undefined));
    } catch (e) {
      if (e instanceof CodecError) throw new PyException('TypeError', e.message);
      throw e;
    }
  }
}

/** The Python exception, its classes registered so `isInstance` follows Python's hierarchy. */
function asPyException(d: PythonErrorDetail): PyException {
  const mro = d.mro ?? [];
  for (let i = 0; i + 1 < mro.length; i++) {
    if (new PyException(mro[i]!, '').isInstance(mro[i + 1]!)) break; // known from here on
    registerExceptionClass(mro[i]!, mro[i + 1]!);
  }
  return new PyException(d.type ?? 'Exception', d.message);
}
