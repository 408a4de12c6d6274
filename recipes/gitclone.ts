// slapos.recipe.build:gitclone: clones a git repository at install into
// `location`. tsbuildout does not clone yet: its init sets `location`, its
// install is refused, or stood in under --stub-software.
import type { RecipeModule } from './api.ts';
import { locationOf, readAllOptions } from './lib/options.ts';
import { LOCATION, SHARED, undocumented } from './schema.ts';
import { refusedBuild } from './stand-in.ts';

export const gitclone: RecipeModule = {
  names: ['slapos.recipe.build:gitclone'],
  pureInit: true,
  stubSoftware: 'builds',
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
    locationOf(ctx);
    readAllOptions(ctx.options);
    return refusedBuild(ctx.name, 'slapos.recipe.build:gitclone');
  },
};
