// itertools: count, chain, product, islice, repeat, cycle, zip_longest.

import { bind, intArg } from '../args.ts';
import { PyException, valueError } from '../exceptions.ts';
import { iterate, pyIter, toArray } from '../iter.ts';
import { binaryOp } from '../ops.ts';
import { repr } from '../repr.ts';
import { PyFunction, PyIterator, PyModule, PyTuple, type PyValue } from '../value.ts';

const fn = (name: string, f: (args: PyValue[], kwargs: Map<string, PyValue>) => PyValue) => new PyFunction(name, f, 'function');

/** An itertools iterator that prints like CPython's (count(5), ...). */
class ToolIterator extends PyIterator {
  constructor(
    it: Iterator<PyValue>,
    kind: string,
    private readonly show?: () => string,
  ) {
    super(it, kind);
  }
  override pyRepr(): string {
    return this.show ? this.show() : super.pyRepr();
  }
}

function count(a: PyValue[], k: Map<string, PyValue>): PyValue {
  const [start, step] = bind({ name: 'count', params: ['start', 'step'], required: 0 }, a, k);
  let current: PyValue = start ?? 0n;
  const by = step ?? 1n;
  const it = {
    next: (): IteratorResult<PyValue> => {
      const v = current;
      current = binaryOp('+', current, by);
      return { done: false, value: v };
    },
  };
  return new ToolIterator(it, 'count', () => (step === undefined || step === 1n ? `count(${repr(current)})` : `count(${repr(current)}, ${repr(by)})`));
}

function islice(a: PyValue[]): PyValue {
  if (a.length < 2 || a.length > 4) throw new PyException('TypeError', `islice expected at most 4 arguments, got ${a.length}`);
  const src = pyIter(a[0]!);
  const num = (v: PyValue | undefined, what: string): number | null => {
    if (v === undefined || v === null) return null;
    const n = Number(intArg(v));
    if (n < 0) throw valueError(`${what} argument for islice() must be None or an integer: 0 <= x <= sys.maxsize.`);
    return n;
  };
  let start = 0;
  let stop: number | null;
  let step = 1;
  if (a.length === 2) stop = num(a[1], 'Stop');
  else {
    start = num(a[1], 'Indices') ?? 0;
    stop = num(a[2], 'Stop');
    step = num(a[3], 'Step') ?? 1;
    if (step === 0) throw valueError('Step for islice() must be a positive integer or None.');
  }
  return new ToolIterator((function* () {
    let i = 0;
    let next = start;
    for (let r = src.next(); !r.done; r = src.next(), i++) {
      if (stop !== null && i >= stop) return;
      if (i === next) {
        yield r.value;
        next += step;
      }
    }
  })(), 'islice');
}

export const itertoolsModule = new PyModule('itertools', {
  count: fn('count', count),
  chain: Object.assign(fn('chain', (a) => new ToolIterator((function* () {
    for (const x of a) yield* iterate(x);
  })(), 'chain')), {}),
  product: fn('product', (a, k) => {
    const [repeatV] = bind({ name: 'product', params: [], keywordOnly: ['repeat'] }, [], k);
    const repeat = repeatV === undefined ? 1 : Number(intArg(repeatV));
    const pools: PyValue[][] = [];
    const base = a.map((x) => toArray(x));
    for (let r = 0; r < repeat; r++) pools.push(...base);
    let result: PyValue[][] = [[]];
    for (const pool of pools) result = result.flatMap((x) => pool.map((y) => [...x, y]));
    return new ToolIterator(result.map((r) => new PyTuple(r))[Symbol.iterator](), 'product');
  }),
  islice: fn('islice', (a) => islice(a)),
  repeat: fn('repeat', (a, k) => {
    const [obj, times] = bind({ name: 'repeat', params: ['object', 'times'], required: 1 }, a, k);
    const n = times === undefined ? Infinity : Math.max(0, Number(intArg(times)));
    return new ToolIterator((function* () {
      for (let i = 0; i < n; i++) yield obj!;
    })(), 'repeat');
  }),
  cycle: fn('cycle', (a, k) => {
    const [it] = bind({ name: 'cycle', params: ['iterable'] }, a, k);
    const saved: PyValue[] = [];
    return new ToolIterator((function* () {
      for (const x of iterate(it!)) {
        saved.push(x);
        yield x;
      }
      if (!saved.length) return;
      for (;;) yield* saved;
    })(), 'cycle');
  }),
  zip_longest: fn('zip_longest', (a, k) => {
    const [fill] = bind({ name: 'zip_longest', params: [], keywordOnly: ['fillvalue'] }, [], k);
    const its = a.map((x) => pyIter(x));
    return new ToolIterator((function* () {
      for (;;) {
        let alive = false;
        const row = its.map((it) => {
          const r = it.next();
          if (r.done) return fill ?? null;
          alive = true;
          return r.value;
        });
        if (!alive) return;
        yield new PyTuple(row);
      }
    })(), 'zip_longest');
  }),
});
