// slapos.cookbook:equeue (slapos/recipe/equeue.py): the service wrapper of
// slapos.toolbox's equeue (`equeue-binary`) with its database, log, lock
// file (`lockfile` must end in `.lock`: equeue adds the suffix itself),
// optional takeover file and log level, listening on `socket`. Returns the
// wrapper; update = install.
import { RecipeError, type RecipeModule } from '../api.ts';
import { createWrapper } from '../lib/wrapper-script.ts';

export const equeue: RecipeModule = {
  names: ['slapos.cookbook:equeue'],
  pureInit: true,
  schema: {
    doc: "Writes the service wrapper of slapos.toolbox's equeue.",
    options: {
      lockfile: { doc: 'the lock file' },
      'equeue-binary': { doc: 'equeue' },
      database: { doc: 'its database' },
      log: { doc: 'its log file' },
      'takeover-triggered-file-path': { doc: 'the file that stops it after a takeover' },
      loglevel: { doc: 'its log level' },
      socket: { doc: 'its socket' },
      wrapper: { doc: 'the service script written' },
    },
    required: ['lockfile', 'equeue-binary', 'database', 'log', 'socket', 'wrapper'],
    generated: [],
  },
  init({ options }) {
    const lockfile = options.require('lockfile');
    if (!lockfile.endsWith('.lock')) throw new RecipeError('lockfile parameter must end with .lock as equeue process will add .lock suffix');
    const install = () => {
      const args = [options.require('equeue-binary'), '--database', options.require('database'), '--logfile', options.require('log'), '--lockfile', lockfile.slice(0, -5)];
      const takeover = options.get('takeover-triggered-file-path');
      if (takeover !== undefined) args.push('--takeover-triggered-file-path', takeover);
      const level = options.get('loglevel');
      if (level !== undefined) args.push('--loglevel', level);
      args.push(options.require('socket'));
      return [createWrapper(options.require('wrapper'), { args })];
    };
    return { install, update: install };
  },
};
