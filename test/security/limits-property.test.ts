// Property tests of the resource limits: the resolver given reference
// chains of any length and values that multiply at every step, the Jinja2
// engine given loops over ranges of any size. Each case either gives the
// exact answer or the limit's own error (never a stack overflow, a crash or
// an endless run), within a time bound per case; the cases run in a worker
// whose heap is bounded (768 MB): a case that blew memory would end it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { Environment } from '../../jinja/index.ts';
import { BuildoutError } from '../../parser/diagnostic.ts';
import { loadBuildout } from '../../profile/load.ts';
import { MAX_REFERENCE_NESTING, MAX_VALUE_LENGTH } from '../../profile/options.ts';
import { PyException } from '../../python/index.ts';

/** No case may take longer (ms). */
const CASE_TIME = 15_000;
const HEAP_MB = 768;

type Property = 'chains' | 'expansions' | 'ranges';

/** Resolve option `option` of section `section` in a profile; the value or the rule of the error. */
async function resolveOne(dir: string, text: string, section: string, option: string): Promise<{ value?: string; rule?: string }> {
  writeFileSync(join(dir, 'buildout.cfg'), text);
  const { buildout } = await loadBuildout({ config: join(dir, 'buildout.cfg'), cwd: dir, userDefaults: false, executable: '/usr/bin/python3', env: { python: '3.11.2' } });
  try {
    return { value: buildout.section(section).get(option) };
  } catch (e) {
    if (e instanceof BuildoutError) return { rule: e.primary.rule };
    throw e;
  }
}

function timed<T>(f: () => Promise<T>): Promise<T> {
  const t0 = Date.now();
  return f().then((v) => {
    assert.ok(Date.now() - t0 < CASE_TIME, `a case took ${Date.now() - t0} ms`);
    return v;
  });
}

const PROPERTIES: Record<Property, (dir: string) => Promise<void>> = {
  // ${s1:x} -> ${s0:x} … n long, across sections or within one, with text around
  async chains(dir) {
    const length = fc.oneof(fc.integer({ min: 0, max: 60 }), fc.integer({ min: MAX_REFERENCE_NESTING - 3, max: MAX_REFERENCE_NESTING + 3 }), fc.integer({ min: 1000, max: 3000 }));
    await fc.assert(
      fc.asyncProperty(length, fc.boolean(), fc.constantFrom('', '-'), async (n, sections, around) => {
        const lines = ['[buildout]', 'parts ='];
        if (sections) {
          lines.push('[s0]', 'x = a');
          for (let i = 1; i <= n; i++) lines.push(`[s${i}]`, `x = ${around}\${s${i - 1}:x}${around}`);
        } else {
          lines.push('[s]', 'x0 = a');
          for (let i = 1; i <= n; i++) lines.push(`x${i} = ${around}\${:x${i - 1}}${around}`);
        }
        const r = await timed(() => resolveOne(dir, lines.join('\n') + '\n', sections ? `s${n}` : 's', sections ? 'x' : `x${n}`));
        const value = { value: around.repeat(n) + 'a' + around.repeat(n) };
        if (n <= MAX_REFERENCE_NESTING) assert.deepEqual(r, value);
        // across sections each link is one more level; within one, the section's own
        // initialisation (options in sorted order) may have resolved part of the chain already
        else if (sections) assert.deepEqual(r, { rule: 'nesting-limit' });
        else assert.ok(r.rule === 'nesting-limit' || r.value === value.value, JSON.stringify(r).slice(0, 100));
      }),
      { numRuns: 30, seed: 1 },
    );
  },
  // x(i) = x(i-1) repeated f times, d times: a "billion laughs" when f**d is large
  async expansions(dir) {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 45 }), fc.integer({ min: 2, max: 4 }), fc.string({ minLength: 1, maxLength: 5, unit: fc.constantFrom('a', 'b', ' ', 'é') }), async (d, f, base) => {
        const lines = ['[buildout]', 'parts =', '[s]', `x0 = ${base.trim() || 'z'}`];
        for (let i = 1; i <= d; i++) lines.push(`x${i} = ${Array.from({ length: f }, () => `\${:x${i - 1}}`).join('.')}`);
        let expected = (base.trim() || 'z').length;
        for (let i = 1; i <= d && expected <= MAX_VALUE_LENGTH; i++) expected = expected * f + (f - 1);
        const r = await timed(() => resolveOne(dir, lines.join('\n') + '\n', 's', `x${d}`));
        if (expected <= MAX_VALUE_LENGTH) assert.equal(r.value?.length, expected);
        else assert.deepEqual(r, { rule: 'value-too-long' });
      }),
      { numRuns: 30, seed: 2 },
    );
  },
  // loops over range(n) of any size, nested or not, writing or not
  async ranges() {
    const env = new Environment();
    const LOOPS = 5_000_000;
    // the exact bound, once: LOOPS iterations run, one more does not
    assert.equal(env.fromString(`{% for i in range(${LOOPS}) %}{% endfor %}done`).render(), 'done');
    assert.throws(() => env.fromString(`{% for i in range(${LOOPS + 1}) %}{% endfor %}done`).render(), /more than 5000000 loop iterations/);
    // a case over the bound runs LOOPS iterations before it stops: seconds each, so few
    const size = fc.oneof({ weight: 3, arbitrary: fc.bigInt({ min: 0n, max: 3000n }) }, { weight: 1, arbitrary: fc.bigInt({ min: 10n ** 7n, max: 10n ** 15n }) });
    await fc.assert(
      fc.asyncProperty(size, fc.bigInt({ min: 1n, max: 2000n }), fc.constantFrom('flat', 'write', 'nested', 'list'), async (n, m, shape) => {
        const source = {
          flat: `{% for i in range(${n}) %}{% endfor %}done`,
          write: `{% for i in range(${n}) %}x{% endfor %}`,
          nested: `{% for i in range(${n}) %}{% for j in range(${m}) %}{% endfor %}{% endfor %}done`,
          list: `{{ range(${n})|list|length }}`,
        }[shape];
        const iterations = shape === 'nested' ? n + n * m : n;
        const t0 = Date.now();
        let out: string | undefined;
        let error: PyException | undefined;
        try {
          out = env.fromString(source).render();
        } catch (e) {
          if (!(e instanceof PyException)) throw e;
          error = e;
        }
        assert.ok(Date.now() - t0 < CASE_TIME, `${shape} ${n}: ${Date.now() - t0} ms`);
        if (shape === 'list') {
          if (n <= 10_000_000n) assert.equal(out, String(n));
          else assert.match(String(error), /MemoryError: more than 10000000 items/);
        } else if (iterations <= BigInt(LOOPS)) assert.equal(out, shape === 'write' ? 'x'.repeat(Number(n)) : 'done');
        else assert.match(String(error), /RuntimeError: the template ran more than 5000000 loop iterations/);
      }),
      { numRuns: 8, seed: 3 },
    );
  },
};

if (!isMainThread) {
  const { property, dir } = workerData as { property: Property; dir: string };
  PROPERTIES[property](dir).then(
    () => parentPort!.postMessage({ ok: true }),
    (e: unknown) => parentPort!.postMessage({ ok: false, error: e instanceof Error ? (e.stack ?? e.message) : String(e) }),
  );
} else {
  for (const property of Object.keys(PROPERTIES) as Property[]) {
    test(`limits: ${property}, each case exact or the limit's error, in bounded time and memory`, async (t) => {
      // made and removed here: the worker is terminated (or dies at its heap limit) before it could clean up
      const dir = mkdtempSync(join(tmpdir(), 'tsbuildout-limits-'));
      t.after(() => rmSync(dir, { recursive: true, force: true }));
      const worker = new Worker(fileURLToPath(import.meta.url), { workerData: { property, dir }, resourceLimits: { maxOldGenerationSizeMb: HEAP_MB } });
      const outcome = await new Promise<{ ok: boolean; error?: string }>((resolve) => {
        worker.once('message', resolve);
        worker.once('error', (e) => resolve({ ok: false, error: `the worker died: ${e.message}` }));
        worker.once('exit', (code) => resolve({ ok: false, error: `the worker exited (${code})` }));
      });
      await worker.terminate();
      assert.ok(outcome.ok, outcome.error);
    });
  }
}
