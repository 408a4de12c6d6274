// Option helpers shared by recipes that follow the same conventions.
import { join } from 'node:path';
import type { PartOptions, RecipeContext } from '../api.ts';

/** `location`, by default `${buildout:parts-directory}/<part>`, written back as the original recipes write it. */
export function locationOf(ctx: RecipeContext): string {
  const location = ctx.options.get('location') || join(partsDirectory(ctx), ctx.name);
  ctx.options.set('location', location);
  return location;
}

export function partsDirectory(ctx: RecipeContext): string {
  return ctx.buildout.section('buildout').require('parts-directory');
}

/** Every option is read, as a recipe that reads them all does (no unused-option warnings). */
export function readAllOptions(options: PartOptions): void {
  for (const k of options.keys()) options.get(k);
}
