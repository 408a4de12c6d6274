// plone.recipe.command 1.1 and collective.recipe.template 2.2 (spec slapos-recipes.md §2.6, §2.14).
import type { RecipeSpec } from './types.ts';

export const shellRecipes: RecipeSpec[] = [
  {
    names: ['plone.recipe.command', 'plone.recipe.command:default'],
    doc: 'Runs `command` at install and `update-command` at update; other options are data.',
    options: { command: {}, 'update-command': {}, location: {}, 'stop-on-error': {} },
    anyOptions: true,
    generated: [],
  },
  {
    names: ['collective.recipe.template', 'collective.recipe.template:default'],
    doc: 'Writes `output` from `input` (a file, a URL or inline:text) expanded with buildout substitution.',
    options: { input: {}, output: {}, mode: {}, url: {}, md5sum: {}, inline: {} },
    required: ['output'],
    oneOf: [['input', 'url', 'inline']],
    generated: [],
    templateReadsOptions: true,
    download: { url: 'url', md5sum: 'md5sum' },
  },
];
