// zc.recipe.egg and its entries: eggs and scripts (software side).
import type { RecipeSpec } from './types.ts';

const why = 'zc.recipe.egg sets options of its section (paths of eggs and scripts) when it is initialised';

export const zcRecipeEgg: RecipeSpec[] = [
  {
    names: ['zc.recipe.egg', 'zc.recipe.egg:default', 'zc.recipe.egg:scripts', 'zc.recipe.egg:script', 'zc.recipe.egg:eggs', 'zc.recipe.egg:custom', 'zc.recipe.egg:develop'],
    doc: 'Installs Python eggs and their console scripts.',
    options: {},
    anyOptions: true,
    generatesUnknown: why,
  },
];
