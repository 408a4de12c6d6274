// slapos.recipe.cmmi (docs/slapos-recipes.md): configure, make, make install
// of a source archive. tsbuildout does not build software yet: its init sets
// what the original computes (`location` =
// `${buildout:parts-directory}/<part>`) and reads every option, so a
// software profile resolves and its templates render; its install is
// refused, or stood in under --stub-software.
import { refusedBuild } from './stand-in.ts';
import type { RecipeModule } from './api.ts';
import { locationOf, readAllOptions } from './lib/options.ts';
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
    // prefix and compile-directory: set by the original recipe, not by this stub
    generated: ['location', 'prefix', 'compile-directory'],
    download: { url: 'url', md5sum: 'md5sum' },
  },
  init(ctx) {
    locationOf(ctx);
    readAllOptions(ctx.options);
    return refusedBuild(ctx.name, 'slapos.recipe.cmmi');
  },
};
