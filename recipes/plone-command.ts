// plone.recipe.command (docs/slapos-recipes.md#plonerecipecommand): `command`
// runs at install, `update-command` at update, through the shell from the
// buildout directory; `location` lists paths buildout removes on uninstall;
// `stop-on-error` makes a failing command fail the run.
import { spawnSync } from 'node:child_process';
import { RecipeError, type RecipeModule } from './api.ts';
import { pySplitWhitespace } from '../python/index.ts';
import { willCreate } from './lib/files.ts';

function truthy(v: string | undefined): boolean {
  return ['yes', 'true', 'on'].includes((v ?? '').trim().toLowerCase());
}

export const ploneCommand: RecipeModule = {
  names: ['plone.recipe.command'],
  pureInit: true,
  // on the software side its commands use what was built: not run under --stub-software
  stubSoftware: 'runs',
  schema: {
    doc: 'Runs `command` at install and `update-command` at update; other options are data.',
    options: {
      command: { doc: 'shell command run at install' },
      'update-command': { doc: 'shell command run at update (empty: nothing)' },
      location: { doc: 'paths (whitespace separated) removed on uninstall' },
      'stop-on-error': { doc: 'yes/true/on: a failing command fails the run' },
    },
    anyOptions: true,
    generated: [],
  },
  init({ options, logger, buildout }) {
    const stop = truthy(options.get('stop-on-error'));
    const location = pySplitWhitespace(options.get('location') ?? '');
    // read at init, as zc.buildout counts unread options as unused
    const command = options.get('command');
    const updateCommand = options.get('update-command');
    const execute = (command: string | undefined) => {
      if (!command) return;
      logger.info(`Running '${command}'`);
      const r = spawnSync('/bin/sh', ['-c', command], { cwd: buildout.directory, stdio: 'inherit' });
      if ((r.status !== 0 || r.error) && stop) {
        throw new RecipeError(`Error executing command: ${command} (exit status ${r.status ?? r.error?.message})`);
      }
    };
    return {
      install() {
        // its paths, before the command makes them (lib/files.ts willCreate)
        for (const p of location) willCreate(p);
        execute(command);
        return location;
      },
      update() {
        execute(updateCommand);
        return undefined;
      },
    };
  },
};
