// Recipes by `egg:entry` name. A recipe spec is a requirement and an optional
// entry name (docs/buildout-run.md#recipe-specs): `slapos.cookbook:wrapper`,
// `zc.recipe.egg==2.0.7:scripts`, `plone.recipe.command` (entry `default`).
import type { RecipeModule } from './api.ts';

export interface RecipeSpec {
  /** The project name of the requirement (version and extras removed), lowercased. */
  project: string;
  entry: string;
  /** The spec as written. */
  text: string;
}

/** Parse `requirement[:entry]`; null when zc.buildout would crash on it (two colons). */
export function parseRecipeSpec(text: string): RecipeSpec | null {
  const parts = text.split(':');
  if (parts.length > 2) return null;
  const requirement = parts[0]!.trim();
  const project = requirement.split(/[\s[<>=!~;(]/)[0]!.toLowerCase().replaceAll('_', '-');
  return { project, entry: parts.length === 2 ? parts[1]!.trim() : 'default', text };
}

export class RecipeRegistry {
  private readonly byName = new Map<string, RecipeModule>();

  constructor(modules: readonly RecipeModule[]) {
    for (const m of modules) {
      for (const name of m.names) {
        const s = parseRecipeSpec(name)!;
        const key = `${s.project}:${s.entry}`;
        if (this.byName.has(key)) throw new Error(`internal: recipe ${name} registered twice`);
        this.byName.set(key, m);
      }
    }
  }

  find(spec: RecipeSpec): RecipeModule | undefined {
    return this.byName.get(`${spec.project}:${spec.entry}`);
  }

  /** Every supported `egg:entry`, sorted. */
  names(): string[] {
    return [...this.byName.keys()].map((k) => (k.endsWith(':default') ? k.slice(0, -8) : k)).sort();
  }
}
