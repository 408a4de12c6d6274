// Schemas of recipes tsbuildout does not implement (a run refuses them) but
// profiles use: the linter checks their sections all the same. Some are
// other entries of an implemented recipe and share its schema.
import { undocumented as o, type NamedSchema, type RecipeSchema } from './schema.ts';
import { slapconfigurationJsonschema } from './slap/slapconfiguration.ts';
import { eggScripts } from './egg.ts';

const cookbook = (...entries: string[]) => entries.map((e) => `slapos.cookbook:${e}`);

/** The schema of a module that has one (every module has: test/recipes/schemas.test.ts). */
const schemaOf = (m: { schema?: RecipeSchema }): RecipeSchema => m.schema!;

export const KNOWN_SCHEMAS: readonly NamedSchema[] = [
  { names: cookbook('slapconfiguration.jsonschema.localdb', 'slapconfiguration.instancenode.deferred'), schema: schemaOf(slapconfigurationJsonschema) },
  { names: ['zc.recipe.egg:script'], schema: schemaOf(eggScripts) },
  {
    names: cookbook('postgres'),
    schema: {
      options: o('bin', 'dbname', 'ipv4', 'ipv6', 'port', 'pgdata-directory', 'services', 'superuser', 'password', 'ipv4-netmask-bits', 'ipv6-netmask-bits'),
      anyOptions: true,
      generated: ['url'],
    },
  },
];
