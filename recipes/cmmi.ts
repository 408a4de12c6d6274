// slapos.recipe.cmmi (docs/slapos-recipes.md): configure, make, make install
// of a source archive. tsbuildout does not build software yet: its init sets
// what the original computes — `location` (`${buildout:parts-directory}/
// <part>`, or under shared-part-list for a shared part, @@LOCATION@@
// replaced in every option: docs/slapos-recipes.md#shared-parts), `prefix`
// (default the location) and `compile-directory` (`<location>__compile__`) — and reads every option,
// so a software profile resolves and its templates render; its install is
// refused, or stood in under --stub-software.
import { refusedBuild } from './stand-in.ts';
import type { RecipeModule } from './api.ts';
import { readAllOptions } from './lib/options.ts';
import { partPlace, placePart } from './lib/shared.ts';
import { LOCATION, SHARED, undocumented } from './schema.ts';

export const cmmi: RecipeModule = {
  names: ['slapos.recipe.cmmi'],
  pureInit: true,
  stubSoftware: 'builds',
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
    generated: ['location', 'prefix', 'compile-directory'],
    download: { url: 'url', md5sum: 'md5sum' },
  },
  init(ctx) {
    const { options } = ctx;
    // slapos.recipe.cmmi: shared when `shared` is true, any case
    const { location } = partPlace(ctx, options.get('shared')?.trim().toLowerCase() === 'true');
    placePart(options, location);
    if (!options.get('prefix')) options.set('prefix', location);
    options.set('compile-directory', `${location}__compile__`);
    readAllOptions(options);
    return refusedBuild(ctx.name, 'slapos.recipe.cmmi');
  },
};
