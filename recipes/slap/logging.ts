// slapos.cookbook:simplelogger and cron (spec §2.11), used by the monitor
// and logrotate stacks. simplelogger: where slapos.cookbook generates a
// Python script, a POSIX sh script appending each line of standard input
// with a timestamp to `log`. cron: the wrapper
// `exec <dcrond> -s <entries> -c <crontabs> -t <stamps> -f -l 5 -M <catcher>
// [-L <log>]`. update = install.
import type { RecipeModule } from '../api.ts';
import { createExecutable } from '../lib/files.ts';
import { shellQuote } from '../lib/shlex.ts';
import { createWrapper } from '../lib/wrapper-script.ts';

export const simplelogger: RecipeModule = {
  names: ['slapos.cookbook:simplelogger'],
  schema: { options: { wrapper: { description: 'the logger script to write', required: true }, log: { description: 'the file lines are appended to', required: true } } },
  init({ options }) {
    const wrapper = options.require('wrapper');
    const log = options.require('log');
    // slapos.cookbook generates a Python script; this sh one does the same: each line of stdin, timestamped
    const text = `#!/bin/sh\n# written by tsbuildout (slapos.cookbook:simplelogger): appends each line of standard input, timestamped\nwhile IFS= read -r line; do\n  printf '%s: %s\\n' "$(date '+%Y-%m-%d %H:%M:%S')" "$line" >> ${shellQuote(log)}\ndone\n`;
    const install = () => [createExecutable(wrapper, text)];
    return { install, update: install };
  },
};

export const cron: RecipeModule = {
  names: ['slapos.cookbook:cron'],
  schema: {
    options: {
      binary: { description: 'the wrapper to write', required: true },
      'dcrond-binary': { description: 'the crond (dcron) executable', required: true },
      'cron-entries': { description: 'the entries directory (cron.d)', required: true },
      crontabs: { description: 'crontabs directory', required: true },
      cronstamps: { description: 'stamps directory', required: true },
      catcher: { description: 'the program mail goes to (-M)', required: true },
      'log-file': { description: 'crond log file (-L)' },
    },
  },
  init({ options }) {
    const args = [options.require('dcrond-binary').trim(), '-s', options.require('cron-entries'), '-c', options.require('crontabs'), '-t', options.require('cronstamps'), '-f', '-l', '5', '-M', options.require('catcher')];
    const log = options.get('log-file');
    if (log) args.push('-L', log);
    const binary = options.require('binary');
    const install = () => [createWrapper(binary, { args })];
    return { install, update: install };
  },
};
