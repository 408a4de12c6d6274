// zc.recipe.egg and its entries (scripts, eggs, custom, develop): installs
// Python eggs and their console scripts. tsbuildout does not install eggs
// yet: its init sets the directories the original writes back (eggs,
// develop eggs, bin; `_e`, `_d`, `_b`), its install is refused, or stood in
// under --stub-software (it has no location: nothing is created).
import type { RecipeContext, RecipeModule } from './api.ts';
import { readAllOptions } from './lib/options.ts';
import { refusedBuild } from './stand-in.ts';

function eggDirectories(ctx: RecipeContext, scripts: boolean): void {
  const b = ctx.buildout.section('buildout');
  const { options } = ctx;
  const eggs = b.require('eggs-directory');
  const develop = b.require('develop-eggs-directory');
  options.set('eggs-directory', eggs);
  options.set('_e', eggs);
  options.set('develop-eggs-directory', develop);
  options.set('_d', develop);
  if (scripts) {
    const bin = b.require('bin-directory');
    options.set('bin-directory', bin);
    options.set('_b', bin);
  }
}

function eggRecipe(names: string[], scripts: boolean): RecipeModule {
  return {
    names,
    pureInit: true,
    stubSoftware: 'builds',
    schema: {
      doc: 'Installs Python eggs and their console scripts.',
      options: {
        eggs: { doc: 'the eggs to install (default: the part name)' },
        ...(scripts ? { scripts: { doc: 'the console scripts to generate' } } : {}),
      },
      anyOptions: true,
      // [buildout] eggs-directory and develop-eggs-directory (_e, _d), bin-directory (_b)
      generated: ['eggs-directory', 'develop-eggs-directory', '_e', '_d', ...(scripts ? ['bin-directory', '_b'] : [])],
      generatesUnknown: 'zc.recipe.egg sets options of its section (paths of eggs and scripts) when it is initialised',
    },
    init(ctx) {
      eggDirectories(ctx, scripts);
      readAllOptions(ctx.options);
      return refusedBuild(ctx.name, ctx.options.require('recipe').trim());
    },
  };
}

export const eggScripts = eggRecipe(['zc.recipe.egg', 'zc.recipe.egg:scripts'], true);
export const eggEggs = eggRecipe(['zc.recipe.egg:eggs', 'zc.recipe.egg:custom', 'zc.recipe.egg:develop'], false);
