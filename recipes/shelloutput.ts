// collective.recipe.shelloutput: each line `NAME = COMMAND` of `commands`
// runs (through the shell, from the buildout directory) when the section
// is initialised, and NAME is set to its output, stripped. Errors are not
// raised: a command that fails sets NAME to "Error: …" (its error output),
// as the profiles that use it expect (software/seleniumserver checks for
// that with a command of its own). Install does nothing.
import { spawnSync } from 'node:child_process';
import type { RecipeModule } from './api.ts';

export const shellOutput: RecipeModule = {
  names: ['collective.recipe.shelloutput'],
  initEffect: 'its init runs shell commands',
  schema: {
    doc: 'Sets options to the output of shell commands run at initialisation (`commands`: lines NAME = COMMAND).',
    options: { commands: { doc: 'lines NAME = COMMAND' } },
    generatesUnknown: 'collective.recipe.shelloutput sets an option for each line of its commands',
  },
  init({ options, buildout }) {
    for (const line of (options.get('commands') ?? '').split('\n')) {
      const eq = line.indexOf('=');
      if (!line.trim() || eq < 0) continue;
      const key = line.slice(0, eq).trim();
      const command = line.slice(eq + 1).trim();
      const r = spawnSync('/bin/sh', ['-c', command], { cwd: buildout.directory, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
      options.set(key, r.status === 0 ? r.stdout.trim() : `Error: ${(r.stderr || r.error?.message || `exit status ${r.status}`).trim()}`);
    }
    return { install: () => [], update: () => [] };
  },
};
