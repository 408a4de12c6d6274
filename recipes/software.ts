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
import { LOCATION, SHARED, undocumented } from './schema.ts';

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


export const cmmi: RecipeModule = {
  names: ['slapos.recipe.cmmi'],
  pureInit: true,
  schema: {
    doc: 'Builds software from source: configure, make, make install.',
    options: {
      url: { doc: 'the source archive' },
      md5sum: { doc: 'its md5' },
      'configure-options': { doc: 'arguments of ./configure' },
      ...LOCATION,
      ...SHARED,
      ...undocumented(
        'path', 'prefix', 'configure-command', 'make-binary', 'make-options', 'make-targets',
        'install-command', 'patches', 'patch-options', 'patch-binary', 'environment', 'environment-section',
        'pre-configure', 'pre-configure-hook', 'post-install', 'post-make-hook', 'pre-make-hook', 'pre-install',
        'keep-compile-dir', 'source-directory-contains', 'promises', 'strip-top-level-dir', 'dependencies',
        'compile-directory', 'configure-cmd',
      ),
    },
    // cmmi reads any `<name>-build` style extra data and platform-suffixed options
    anyOptions: true,
    // prefix and compile-directory: set by the original recipe, not by this stub
    generated: ['location', 'prefix', 'compile-directory'],
    download: { url: 'url', md5sum: 'md5sum' },
  },
  init(ctx) {
    const location = locationOf(ctx);
    readAll(ctx.options);
    return stubbed(ctx, 'slapos.recipe.cmmi', location);
  },
};

export const hexagonitDownload: RecipeModule = {
  names: ['hexagonit.recipe.download'],
  pureInit: true,
  schema: {
    doc: 'Downloads a file or an archive (and unpacks it) at install.',
    options: {
      url: { doc: 'the file or archive to download' },
      md5sum: { doc: 'its md5' },
      destination: { doc: 'where it goes (default ${buildout:parts-directory}/<part>, written back at init)' },
    },
    required: ['url'],
    anyOptions: true,
    // location: the destination
    generated: ['destination', 'location'],
    download: { url: 'url', md5sum: 'md5sum' },
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
  pureInit: true,
  schema: {
    doc: 'Clones a git repository at install.',
    options: {
      repository: { doc: 'the git repository' },
      branch: { doc: 'the branch to check out' },
      revision: { doc: 'the revision to check out' },
      ...undocumented('develop', 'ignore-cloning-submodules', 'ignore-ssl-certificate', 'git-executable', 'git-command', 'sparse-checkout', 'use-cache', 'depth'),
      ...LOCATION,
      ...SHARED,
    },
    required: ['repository'],
    generated: ['location'],
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
    pureInit: true,
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
      readAll(ctx.options);
      return stubbed(ctx, ctx.options.require('recipe').trim(), undefined);
    },
  };
}

export const eggScripts = eggRecipe(['zc.recipe.egg', 'zc.recipe.egg:scripts'], true);
export const eggEggs = eggRecipe(['zc.recipe.egg:eggs', 'zc.recipe.egg:custom', 'zc.recipe.egg:develop'], false);
