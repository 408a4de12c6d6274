// Software-side recipes: the parts of a software release that compile or
// fetch software (slapos.recipe.cmmi, zc.recipe.egg and its entries,
// hexagonit.recipe.download, slapos.recipe.build:gitclone). tsbuildout does
// not build software. Their init sets the options
// the originals compute (`location` = `${buildout:parts-directory}/<part>`,
// the eggs and bin directories of zc.recipe.egg, …) so that a software.cfg
// resolves completely and its templates can be rendered; every other option
// is read, as the original recipes read them (no unused-option warnings).
//
// Install is refused with a clear message, unless the run has
// `--stub-software`: then a recipe with a location creates it with an empty
// `bin/` and returns it (zc.recipe.egg, which has none, creates nothing).
//
// slapos.recipe.build (default entry) runs its code through the Python
// bridge: recipes/build/script.ts.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { RecipeError, type PartOptions, type Recipe, type RecipeContext, type RecipeModule } from './api.ts';

function readAll(options: PartOptions): void {
  for (const k of options.keys()) options.get(k);
}

function partsDirectory(ctx: RecipeContext): string {
  return ctx.buildout.section('buildout').require('parts-directory');
}

/** A recipe that would build `location` (or nothing, when undefined). */
function stubbed(ctx: RecipeContext, recipe: string, location: string | undefined): Recipe {
  const install = () => {
    if (!ctx.buildout.stubSoftware) {
      throw new RecipeError(
        `[${ctx.name}] ${recipe} builds software, which tsbuildout does not do: build the software release with zc.buildout, or run with --stub-software to create ${location ? 'its location with an empty bin/' : 'nothing'} instead`,
      );
    }
    if (!location) return [];
    mkdirSync(join(location, 'bin'), { recursive: true });
    return [location];
  };
  return { install, update: () => undefined };
}

function locationOf(ctx: RecipeContext): string {
  const location = ctx.options.get('location') || join(partsDirectory(ctx), ctx.name);
  ctx.options.set('location', location);
  return location;
}

const LOCATION = { description: '${buildout:parts-directory}/<part> (written back at init)', generated: true } as const;

export const cmmi: RecipeModule = {
  names: ['slapos.recipe.cmmi'],
  schema: {
    options: {
      url: { description: 'the source archive' },
      md5sum: { description: 'its md5' },
      'configure-options': { description: 'arguments of ./configure' },
      location: LOCATION,
    },
    freeOptions: true,
  },
  init(ctx) {
    const location = locationOf(ctx);
    readAll(ctx.options);
    return stubbed(ctx, 'slapos.recipe.cmmi', location);
  },
};

export const hexagonitDownload: RecipeModule = {
  names: ['hexagonit.recipe.download'],
  schema: {
    options: {
      url: { description: 'the file or archive to download', required: true },
      md5sum: { description: 'its md5' },
      destination: { description: 'where it goes (default ${buildout:parts-directory}/<part>, written back)', generated: true },
      location: { description: 'the destination (written back at init)', generated: true },
    },
    freeOptions: true,
  },
  init(ctx) {
    const destination = ctx.options.get('destination') || join(partsDirectory(ctx), ctx.name);
    ctx.options.set('destination', destination);
    ctx.options.set('location', destination);
    readAll(ctx.options);
    return stubbed(ctx, 'hexagonit.recipe.download', destination);
  },
};

export const gitclone: RecipeModule = {
  names: ['slapos.recipe.build:gitclone'],
  schema: {
    options: {
      repository: { description: 'the git repository', required: true },
      branch: { description: 'the branch to check out' },
      revision: { description: 'the revision to check out' },
      location: LOCATION,
    },
    freeOptions: true,
  },
  init(ctx) {
    ctx.options.require('repository');
    const location = locationOf(ctx);
    readAll(ctx.options);
    return stubbed(ctx, 'slapos.recipe.build:gitclone', location);
  },
};

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
    schema: {
      options: {
        eggs: { description: 'the eggs to install (default: the part name)' },
        'eggs-directory': { description: '[buildout] eggs-directory (written back)', generated: true },
        'develop-eggs-directory': { description: '[buildout] develop-eggs-directory (written back)', generated: true },
        _e: { description: 'the eggs directory (written back)', generated: true },
        _d: { description: 'the develop-eggs directory (written back)', generated: true },
        ...(scripts
          ? {
              scripts: { description: 'the console scripts to generate' },
              'bin-directory': { description: '[buildout] bin-directory (written back)', generated: true },
              _b: { description: 'the bin directory (written back)', generated: true },
            }
          : {}),
      },
      freeOptions: true,
    },
    init(ctx) {
      eggDirectories(ctx, scripts);
      readAll(ctx.options);
      return stubbed(ctx, ctx.options.require('recipe').trim(), undefined);
    },
  };
}

export const eggScripts = eggRecipe(['zc.recipe.egg', 'zc.recipe.egg:scripts'], true);
export const eggEggs = eggRecipe(['zc.recipe.egg:eggs', 'zc.recipe.egg:custom', 'zc.recipe.egg:develop'], false);
