// slapos.recipe.build:gitclone (docs/slapos-recipes.md#slaposrecipebuild):
// clones `repository` into `location` (default `${buildout:parts-directory}/
// <part>`, written back at init) at install, with `git-executable` (default
// git): `git clone --recursive [--branch BRANCH] REPOSITORY LOCATION`
// (without --recursive when `ignore-cloning-submodules` is true, shallow
// with `depth`), then `git reset --hard REVISION` when a revision is given
// and its submodules updated; GIT_SSL_NO_VERIFY with
// `ignore-ssl-certificate`. A failure removes the location and is
// "Impossible to clone repository." With `develop` true, a location that
// exists is kept as it is (a working copy) and never removed by buildout.
// Update does nothing. Under --stub-software it builds (stood in).
import { spawnSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { RecipeError, type RecipeModule } from './api.ts';
import { isTrue } from './lib/files.ts';
import { locationOf, readAllOptions } from './lib/options.ts';
import { LOCATION, SHARED } from './schema.ts';

export const gitclone: RecipeModule = {
  names: ['slapos.recipe.build:gitclone'],
  pureInit: true,
  stubSoftware: 'builds',
  schema: {
    doc: 'Clones a git repository at install.',
    options: {
      repository: { doc: 'the git repository' },
      branch: { doc: 'the branch to check out' },
      revision: { doc: 'the revision to reset to after cloning' },
      develop: { doc: 'true: an existing location is a working copy, kept as it is and never removed' },
      'ignore-cloning-submodules': { doc: 'true: no --recursive, no submodule update' },
      'ignore-ssl-certificate': { doc: 'true: GIT_SSL_NO_VERIFY' },
      'git-executable': { doc: 'the git command', default: 'git' },
      depth: { doc: 'a shallow clone of that depth' },
      'sparse-checkout': { doc: 'not done by tsbuildout (a full checkout)' },
      'use-cache': { doc: 'not read by tsbuildout (no network cache)' },
      ...LOCATION,
      ...SHARED,
    },
    required: ['repository'],
    generated: ['location'],
  },
  init(ctx) {
    const { name, options, logger } = ctx;
    const repository = options.require('repository');
    const location = locationOf(ctx);
    const branch = options.get('branch')?.trim();
    const revision = options.get('revision')?.trim();
    const develop = isTrue(options.get('develop'));
    const submodules = !isTrue(options.get('ignore-cloning-submodules'));
    const depth = options.get('depth')?.trim();
    const git = options.get('git-executable')?.trim() || 'git';
    const env = { ...process.env, ...(isTrue(options.get('ignore-ssl-certificate')) ? { GIT_SSL_NO_VERIFY: 'true' } : {}) };
    readAllOptions(options);
    const runGit = (args: string[], cwd?: string) => {
      logger.info(`${git} ${args.join(' ')}`);
      const r = spawnSync(git, args, { cwd, env, stdio: ['ignore', 'inherit', 'inherit'] });
      if (r.status !== 0) throw new RecipeError(`[${name}] ${r.error ? `cannot run ${git}: ${(r.error as NodeJS.ErrnoException).code}` : `${git} ${args[0]} exited with status ${r.status}`}: Impossible to clone repository.`);
    };
    return {
      install() {
        if (existsSync(location)) {
          if (develop) return [];
          rmSync(location, { recursive: true, force: true });
        }
        try {
          runGit(['clone', ...(submodules ? ['--recursive'] : []), ...(depth ? ['--depth', depth] : []), ...(branch && !revision ? ['--branch', branch] : []), repository, location]);
          if (revision) {
            runGit(['reset', '--hard', revision], location);
            if (submodules) runGit(['submodule', 'update', '--init', '--recursive'], location);
          }
        } catch (e) {
          rmSync(location, { recursive: true, force: true });
          throw e;
        }
        return develop ? [] : [location];
      },
      update: () => undefined,
    };
  },
};
