// slapos.recipe.cmmi: configure, make, make install (software side).
import type { RecipeSpec } from './types.ts';

export const slaposRecipeCmmi: RecipeSpec[] = [
  {
    names: ['slapos.recipe.cmmi', 'slapos.recipe.cmmi:default'],
    doc: 'Builds software from source: configure, make, make install.',
    options: {
      url: {}, md5sum: {}, path: {}, location: {}, prefix: {}, shared: {},
      'configure-command': {}, 'configure-options': {}, 'make-binary': {}, 'make-options': {}, 'make-targets': {},
      'install-command': {}, patches: {}, 'patch-options': {}, 'patch-binary': {}, environment: {}, 'environment-section': {},
      'pre-configure': {}, 'pre-configure-hook': {}, 'post-install': {}, 'post-make-hook': {}, 'pre-make-hook': {}, 'pre-install': {},
      'keep-compile-dir': {}, 'source-directory-contains': {}, 'promises': {}, 'strip-top-level-dir': {}, 'dependencies': {},
      'compile-directory': {}, 'configure-cmd': {},
    },
    // cmmi reads any `<name>-build` style extra data and platform-suffixed options
    anyOptions: true,
    generated: ['location', 'prefix', 'compile-directory'],
    download: { url: 'url', md5sum: 'md5sum' },
  },
];
