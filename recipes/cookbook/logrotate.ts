// slapos.cookbook:logrotate and logrotate.d (slapos/recipe/logrotate.py):
// logrotate writes the configuration `conf` (gzip and gunzip, `include`
// of the entries directory) and a wrapper running logrotate with its
// state file; logrotate.d writes one entry, `<logrotate-entries>/<name>`:
// the `log` files rotated daily, 3650 kept, compressed, into `backup`,
// with `post` and `pre` scripts. Both return what they wrote; update =
// install.
import { join } from 'node:path';
import type { RecipeModule } from '../api.ts';
import { createFile } from '../lib/files.ts';
import { createWrapper } from '../lib/wrapper-script.ts';

export const logrotate: RecipeModule = {
  names: ['slapos.cookbook:logrotate'],
  pureInit: true,
  schema: {
    doc: 'Writes the logrotate configuration and its wrapper.',
    options: {
      'logrotate-entries': { doc: 'the directory of the entries' },
      conf: { doc: 'the configuration written' },
      'gzip-binary': { doc: 'gzip' },
      'gunzip-binary': { doc: 'gunzip' },
      'state-file': { doc: 'logrotate\'s state file' },
      wrapper: { doc: 'the script written' },
      'logrotate-binary': { doc: 'logrotate' },
    },
    required: ['logrotate-entries', 'conf', 'gzip-binary', 'gunzip-binary', 'state-file', 'wrapper', 'logrotate-binary'],
    generated: [],
  },
  init({ options }) {
    const o = (k: string) => options.require(k);
    const install = () => {
      const conf = createFile(o('conf'), [`compresscmd ${o('gzip-binary')}`, 'compressoptions -9', `uncompresscmd ${o('gunzip-binary')}`, `include ${o('logrotate-entries')}`].join('\n'));
      return [createWrapper(o('wrapper'), { args: [o('logrotate-binary'), '-s', o('state-file'), conf] }), conf];
    };
    return { install, update: install };
  },
};

export const logrotateD: RecipeModule = {
  names: ['slapos.cookbook:logrotate.d'],
  pureInit: true,
  schema: {
    doc: 'Writes one logrotate entry.',
    options: {
      'logrotate-entries': { doc: 'the entries directory' },
      name: { doc: 'the entry file name' },
      log: { doc: 'the log files (logrotate patterns)' },
      backup: { doc: 'where rotated logs go (olddir)' },
      post: { doc: 'postrotate script' },
      pre: { doc: 'prerotate script' },
    },
    required: ['logrotate-entries', 'name', 'log', 'backup'],
    generated: [],
  },
  init({ options }) {
    const o = (k: string) => options.require(k);
    const install = () => {
      const conf = ['daily', 'dateext', 'rotate 3650', 'compress', 'delaycompress', 'notifempty', 'sharedscripts', 'create', `olddir ${o('backup')}`];
      if (options.has('post')) conf.push(`postrotate\n${o('post')}\nendscript`);
      if (options.has('pre')) conf.push(`prerotate\n${o('pre')}\nendscript`);
      return [createFile(join(o('logrotate-entries'), o('name')), `${o('log')} {\n${conf.join('\n')}\n}\n`)];
    };
    return { install, update: install };
  },
};
