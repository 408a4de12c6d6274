// The `loop` variable of a for loop (Jinja2's LoopContext): index,
// index0, revindex, revindex0, first, last, length, depth, depth0,
// previtem, nextitem, cycle(), changed(), and loop(...) in recursive loops.

import { bind, PyBoundMethod, pyEq, PyException, pyIter, pyLen, PyObject, PyTuple, toArray, typeError, type Kwargs, type PyValue } from '../../python/index.ts';
import { MISSING, type Missing, type UndefinedFactory } from './undefined.ts';

/** Renders the loop body for an iterable (recursive loops), returning its output. */
export type LoopRender = (iterable: PyValue, render: LoopRender, depth: number) => PyValue;

export class LoopContext extends PyObject {
  index0 = -1;
  private length_: number | null = null;
  private after: PyValue | Missing = MISSING;
  private current: PyValue | Missing = MISSING;
  private before: PyValue | Missing = MISSING;
  private lastChanged: PyValue | Missing = MISSING;
  private iterator: Iterator<PyValue>;

  constructor(
    private readonly iterable: PyValue,
    private readonly undefined: UndefinedFactory,
    private readonly recurse: LoopRender | null = null,
    readonly depth0 = 0,
  ) {
    super();
    this.iterator = pyIter(iterable);
  }

  get typeName(): string {
    return 'LoopContext';
  }
  override get typeModule(): string {
    return 'jinja2.runtime';
  }

  get length(): number {
    if (this.length_ !== null) return this.length_;
    try {
      this.length_ = pyLen(this.iterable);
    } catch (e) {
      if (!(e instanceof PyException && e.pyType === 'TypeError')) throw e;
      const rest = toArray(new IteratorValue(this.iterator));
      this.iterator = rest[Symbol.iterator]();
      this.length_ = rest.length + this.index0 + 1 + (this.after !== MISSING ? 1 : 0);
    }
    return this.length_;
  }

  private peekNext(): PyValue | Missing {
    if (this.after !== MISSING) return this.after;
    const r = this.iterator.next();
    this.after = r.done ? MISSING : r.value;
    return this.after;
  }

  /** Advances: the next item, or MISSING at the end. */
  advance(): PyValue | Missing {
    let rv: PyValue;
    if (this.after !== MISSING) {
      rv = this.after;
      this.after = MISSING;
    } else {
      const r = this.iterator.next();
      if (r.done) return MISSING;
      rv = r.value;
    }
    this.index0++;
    this.before = this.current;
    this.current = rv;
    return rv;
  }

  override pyGetAttr(name: string): PyValue | undefined {
    switch (name) {
      case 'index0':
        return BigInt(this.index0);
      case 'index':
        return BigInt(this.index0 + 1);
      case 'length':
        return BigInt(this.length);
      case 'revindex0':
        return BigInt(this.length - (this.index0 + 1));
      case 'revindex':
        return BigInt(this.length - this.index0);
      case 'first':
        return this.index0 === 0;
      case 'last':
        return this.peekNext() === MISSING;
      case 'depth0':
        return BigInt(this.depth0);
      case 'depth':
        return BigInt(this.depth0 + 1);
      case 'previtem':
        if (this.index0 === 0) return this.undefined('there is no previous item');
        return this.before === MISSING ? this.undefined('there is no previous item') : this.before;
      case 'nextitem': {
        const rv = this.peekNext();
        return rv === MISSING ? this.undefined('there is no next item') : rv;
      }
      case 'cycle':
        return new PyBoundMethod(this, 'cycle', (args, kwargs) => {
          if (kwargs.size) throw typeError("LoopContext.cycle() got an unexpected keyword argument '" + [...kwargs.keys()][0] + "'");
          if (!args.length) throw typeError('no items for cycling given');
          return args[this.index0 % args.length]!;
        }, 'LoopContext');
      case 'changed':
        return new PyBoundMethod(this, 'changed', (args) => {
          const value = new PyTuple(args);
          if (this.lastChanged === MISSING || !pyEq(this.lastChanged, value)) {
            this.lastChanged = value;
            return true;
          }
          return false;
        }, 'LoopContext');
    }
    return undefined;
  }

  override pyLen(): number {
    return this.length;
  }

  override pyCall(args: PyValue[], kwargs: Kwargs): PyValue {
    const [iterable] = bind({ name: 'LoopContext.__call__', params: ['iterable'] }, args, kwargs);
    if (!this.recurse) throw typeError("The loop must have the 'recursive' marker to be called recursively.");
    return this.recurse(iterable!, this.recurse, this.depth0 + 1);
  }

  override pyRepr(): string {
    return `<LoopContext ${this.index0 + 1}/${this.length}>`;
  }
}

/** Wraps a JS iterator as an iterable value, to drain it with toArray. */
class IteratorValue extends PyObject {
  constructor(private readonly it: Iterator<PyValue>) {
    super();
  }
  get typeName(): string {
    return 'iterator';
  }
  override pyIter(): Iterator<PyValue> {
    return this.it;
  }
}
