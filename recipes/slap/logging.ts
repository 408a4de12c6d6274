// slapos.cookbook:simplelogger and cron (docs/slapos-recipes.md#cron-and-simplelogger), used by the monitor
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
  schema: {
    options: { wrapper: { doc: 'the logger script to write' }, log: { doc: 'the file lines are appended to' } },
    required: ['wrapper', 'log'],
    generated: [],
  },
  init({ options }) {
    const wrapper = options.require('wrapper');
    const log = options.require('log');
    // slapos.cookbook generates a Python script; this sh one does the same: each line of stdin, timestamped
    const text = `#!/bin/sh\n# written by tsbuildout (slapos.cookbook:simplelogger): appends each line of standard input, timestamped\nwhile IFS= read -r line; do\n  printf '%s: %s\\n' "$(date '+%Y-%m-%d %H:%M:%S')" "$line" >> ${shellQuote(log)}\ndone\n`;
    // 0755: a console script in the real recipe
    const install = () => [createExecutable(wrapper, text, 0o755)];
    return { install, update: install };
  },
};

export const cron: RecipeModule = {
  names: ['slapos.cookbook:cron'],
  schema: {
    doc: 'Writes the dcron service wrapper.',
    options: {
      binary: { doc: 'the wrapper to write (the recipe fails without it)' },
      'dcrond-binary': { doc: 'the crond (dcron) executable' },
      'cron-entries': { doc: 'the entries directory (cron.d)' },
      crontabs: { doc: 'crontabs directory' },
      cronstamps: { doc: 'stamps directory' },
      catcher: { doc: 'the program mail goes to (-M)' },
      'log-file': { doc: 'crond log file (-L)' },
    },
    // binary is not `required`, though the recipe fails without it: the
    // linter has never reported it missing, and doing so is a lint change of its own
    required: ['dcrond-binary', 'cron-entries', 'crontabs', 'cronstamps', 'catcher'],
    generated: [],
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
