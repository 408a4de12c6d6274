// The composed transforms of flatten.ts must give exactly what folding
// merge_config over the layers one by one gives: values, key order and
// histories.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { entry, steps, type Config, type Section } from '../../profile/entry.ts';
import { compose, layerTransform, materialise, type Transform } from '../../profile/flatten.ts';
import { mergeInto } from '../../profile/merge.ts';

const keyArb = fc.constantFrom('a', 'b', 'c', 'a +', 'a -', 'b +', 'c -', 'a+', '<');
const valueArb = fc.constantFrom('1', '2', 'x', 'x\ny', '', '1\n2\n3');

let layerCount = 0;
const layerArb = fc
  .array(
    fc.tuple(fc.constantFrom('s', 't', 'u'), fc.array(fc.tuple(keyArb, valueArb), { maxLength: 5 })),
    { minLength: 1, maxLength: 3 },
  )
  .map((sections): Config => {
    const i = layerCount++;
    const c: Config = new Map();
    for (const [name, opts] of sections) {
      const s: Section = c.get(name) ?? new Map();
      for (const [k, v] of opts) s.set(k, entry(v, `layer${i}`));
      c.set(name, s);
    }
    return c;
  });

function snapshot(c: Config) {
  return [...c].map(([n, s]) => [n, [...s].map(([k, e]) => [k, e.value, steps(e).map((x) => `${x.op} ${x.source} ${JSON.stringify(x.value)}`)])]);
}

for (const normalise of [true, false]) {
  test(`composed transforms equal the sequential fold (normaliseNewSections: ${normalise})`, () => {
    fc.assert(
      fc.property(fc.array(layerArb, { minLength: 1, maxLength: 8 }), fc.integer({ min: 0, max: 7 }), (layers, split) => {
        const folded: Config = new Map();
        let ok = true;
        try {
          for (const l of layers) mergeInto(folded, l, { normaliseNewSections: normalise });
        } catch {
          ok = false;
        }
        let composed: Config | undefined;
        try {
          // compose in two groups, as a file and the files it extends would
          const cut = Math.min(split, layers.length);
          let left: Transform = new Map();
          for (const l of layers.slice(0, cut)) left = compose(left, layerTransform(l, normalise));
          let right: Transform = new Map();
          for (const l of layers.slice(cut)) right = compose(right, layerTransform(l, normalise));
          composed = materialise(compose(left, right));
        } catch {
          assert.equal(ok, false, 'the transform fails only where the fold fails');
          return;
        }
        assert.ok(ok, 'the fold fails only where the transform fails');
        assert.deepEqual(snapshot(composed), snapshot(folded));
      }),
      { numRuns: 3000 },
    );
  });
}
