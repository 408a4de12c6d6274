import { test } from 'node:test';
import assert from 'node:assert/strict';
import { recipeSchema } from '../../lint/recipe-schema.ts';
import { defaultRegistry, RECIPES } from '../../recipes/index.ts';
import { KNOWN_SCHEMAS } from '../../recipes/known-schemas.ts';
import { parseRecipeSpec } from '../../recipes/registry.ts';
import { namedSchemas } from '../../recipes/schema-registry.ts';

const key = (name: string) => {
  const s = parseRecipeSpec(name)!;
  return `${s.project}:${s.entry}`;
};

test('every recipe module declares its option schema as data, documented', () => {
  for (const m of RECIPES) {
    assert.ok(m.schema, m.names.join());
    assert.ok(Object.values(m.schema.options).some((o) => o.doc) || !Object.keys(m.schema.options).length, `${m.names[0]}: no documented option`);
  }
});

test('every option a schema requires, groups or aliases is one it lists', () => {
  for (const { names, schema } of namedSchemas()) {
    const listed = (o: string) => o in schema.options || o in (schema.aliases ?? {});
    for (const o of schema.required ?? []) assert.ok(listed(o), `${names[0]} requires ${o}`);
    for (const o of (schema.oneOf ?? []).flat()) assert.ok(listed(o), `${names[0]} one of ${o}`);
    for (const o of Object.values(schema.aliases ?? {})) assert.ok(o in schema.options, `${names[0]} alias of ${o}`);
    if (schema.generatesUnknownWith) assert.ok(listed(schema.generatesUnknownWith.option), names[0]);
  }
});

test('every schema name is a registered recipe or a schema-only entry, once', () => {
  const registry = defaultRegistry();
  const seen = new Set<string>();
  for (const { names } of namedSchemas()) {
    for (const n of names) {
      assert.ok(!seen.has(key(n)), `${n} has two schemas`);
      seen.add(key(n));
    }
  }
  for (const { names } of KNOWN_SCHEMAS) {
    for (const n of names) assert.equal(registry.find(parseRecipeSpec(n)!), undefined, `${n} is implemented: its schema belongs beside its module`);
  }
  for (const m of RECIPES) for (const n of m.names) assert.equal(recipeSchema(n)?.spec, m.schema, `the linter reads the schema of ${n}`);
  for (const { names, schema } of KNOWN_SCHEMAS) for (const n of names) assert.equal(recipeSchema(n)?.spec, schema, `the linter reads the schema of ${n}`);
});

test('recipes whose init calls the master are not pure', () => {
  for (const m of RECIPES) {
    if (m.names.some((n) => /:(request|slapconfiguration|publish-early)/.test(n))) assert.equal(m.pureInit, undefined, m.names[0]);
  }
});
