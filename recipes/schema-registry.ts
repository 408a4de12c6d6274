// Every recipe schema, whoever implements the recipe: the schemas of
// tsbuildout's recipe modules and those of recipes it only knows
// (known-schemas.ts). The linter builds its lookup from this one list.
import type { RecipeModule } from './api.ts';
import { RECIPES } from './index.ts';
import { KNOWN_SCHEMAS } from './known-schemas.ts';
import type { NamedSchema } from './schema.ts';

/** The named schemas of these modules and of the recipes only known by their schema. */
export function namedSchemas(modules: readonly RecipeModule[] = RECIPES): NamedSchema[] {
  const own = modules.flatMap((m) => (m.schema ? [{ names: m.names, schema: m.schema }] : []));
  return [...own, ...KNOWN_SCHEMAS];
}
