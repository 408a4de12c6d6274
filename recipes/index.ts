// Every recipe tsbuildout implements.
import type { RecipeModule } from './api.ts';
import { mkdirectory } from './mkdirectory.ts';
import { ploneCommand } from './plone-command.ts';
import { templateJinja2 } from './jinja2/index.ts';
import { RecipeRegistry } from './registry.ts';

export const RECIPES: readonly RecipeModule[] = [mkdirectory, ploneCommand, templateJinja2];

let registry: RecipeRegistry | undefined;

export function defaultRegistry(): RecipeRegistry {
  registry ??= new RecipeRegistry(RECIPES);
  return registry;
}
