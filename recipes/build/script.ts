// slapos.recipe.build, default entry
// (docs/slapos-recipes.md#slaposrecipebuild): Python code in `init` (run when
// the section is initialised, so also in dry runs), `install` (must create
// `location`, which buildout then tracks and removes) and `update` (every
// later run; without `install`, install runs `update` and `location` is
// ignored), with `self`, `options` and `location` in scope. The code runs in
// the Python bridge (pybridge/), whose Script class reproduces the recipe:
// `self.buildout`, `self.options`, `self.name`, `self.download()`,
// `self.extract()`, `self.copyTree()`, `self.environ`, `self.cleanup_list`,
// the module's helpers (guessworkdir, …). `location` is computed here, a
// shared part's under shared-part-list (docs/slapos-recipes.md#shared-parts).
//
// A section with no code is only data: it needs no Python, install does
// nothing. With `--stub-software`, the code is tried without commands (a
// process it starts fails: it would build software with what was not
// built), and when it fails the part is stood in (recipes/stand-in.ts),
// `location` created with an empty `bin/`.
import { RecipeError, type RecipeModule } from '../api.ts';
import { willCreate } from '../lib/files.ts';
import { buildSharedOption, partPlace, placePart } from '../lib/shared.ts';
import { LOCATION, SHARED } from '../schema.ts';

const CODE = ['init', 'install', 'update'] as const;

export const buildScript: RecipeModule = {
  names: ['slapos.recipe.build'],
  pureInit: true,
  // code builds software (its init code computes options others read, and runs); data alone runs as is
  // its code may build software, or only write a file instances read (software/kvm's software.json): tried
  stubSoftware: (options) => (CODE.some((k) => options.get(k)?.trim()) ? 'tries' : undefined),
  inspect: ({ options }) => (options.get('init')?.trim() ? { skip: 'its init runs Python code (the init option)' } : undefined),
  schema: {
    doc: 'Runs the Python code of `init` (at initialisation), `install` and `update`; any other option is data for that code.',
    options: {
      init: { doc: 'Python code run when the section is initialised (sets options other sections read)' },
      install: { doc: 'Python code that must create location (tracked and removed by buildout)' },
      update: { doc: 'Python code run on every later run; install runs it when there is no install code' },
      ...LOCATION,
      ...SHARED,
      environment: { doc: 'environment variables (lines KEY=VALUE, or a section name) for self.environ' },
      'keep-on-error': { doc: 'keep temporary directories when install fails' },
      slapos_promise: { doc: 'paths install must have created (file:, directory:, statlib:, dynlib:)' },
      url: { doc: 'what self.download() fetches without arguments' },
      md5sum: { doc: 'its md5' },
    },
    anyOptions: true,
    generated: ['location'],
    generatesUnknownWith: { option: 'init', why: 'the `init` code of slapos.recipe.build may set any option' },
  },
  init(ctx) {
    const { name, options } = ctx;
    const code = CODE.filter((k) => options.get(k)?.trim());
    // its location (a shared part's under shared-part-list), set before the code runs
    placePart(options, partPlace(ctx, buildSharedOption(options, name)).location.trim());
    if (!code.length) {
      // data only: no Python; every option is read (data for other sections)
      for (const k of options.keys()) options.get(k);
      return { install: () => [], update: () => undefined };
    }
    if (!ctx.python) throw new RecipeError(`[${name}] slapos.recipe.build: Python code needs the Python bridge, which only runs with a run of the profile`);
    const session = ctx.python();
    const handle = session.buildInit(name);
    const via = `Python bridge (${code.join(', ')})`;
    return {
      via,
      // --stub-software tries the code without commands (they would build software): stood in if it fails
      install: () => {
        // `location`, which the install code creates and the part returns: journalled first (lib/files.ts willCreate)
        if (code.includes('install')) willCreate(options.require('location'));
        return session.install(handle, code.includes('install') ? 'install' : 'update', ctx.buildout.stubSoftware);
      },
      // no update code: nothing to run (the recipe's update does nothing then)
      update: code.includes('update') ? () => session.update(handle, 'update', ctx.buildout.stubSoftware) : () => undefined,
    };
  },
};
