// Schemas of recipes tsbuildout does not implement (a run refuses them) but
// profiles use: the linter checks their sections all the same. Some are
// other entries of an implemented recipe and share its schema.
import type { NamedSchema, RecipeSchema } from './schema.ts';
import { slapconfigurationJsonschema } from './slap/slapconfiguration.ts';
import { eggScripts } from './egg.ts';

const cookbook = (...entries: string[]) => entries.map((e) => `slapos.cookbook:${e}`);

/** The schema of a module that has one (every module has: test/recipes/schemas.test.ts). */
const schemaOf = (m: { schema?: RecipeSchema }): RecipeSchema => m.schema!;

export const KNOWN_SCHEMAS: readonly NamedSchema[] = [
  { names: cookbook('slapconfiguration.jsonschema.localdb', 'slapconfiguration.instancenode.deferred'), schema: schemaOf(slapconfigurationJsonschema) },
  { names: ['zc.recipe.egg:script'], schema: schemaOf(eggScripts) },
];
