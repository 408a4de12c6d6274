// slapos.cookbook:generic.kumofs (slapos/recipe/generic_kumofs): three
// service scripts (shell, `shell-path`) for a kumofs cluster on one
// address `ip`: the manager (manager-port), the server (server-port,
// server-listen-port; storage `data-path`, else
// `<data-directory>/kumodb.tch`) and the gateway (gateway-port), each
// exec'ing its binary with its log file — the recipe's three templates.
// Returns the scripts; update = install.
import { RecipeError, type RecipeModule } from '../api.ts';
import { createExecutable } from '../lib/files.ts';

export const genericKumofs: RecipeModule = {
  names: ['slapos.cookbook:generic.kumofs'],
  pureInit: true,
  schema: {
    doc: 'Writes the service scripts of a kumofs manager, server and gateway.',
    options: {
      ip: { doc: 'the address all three listen on' },
      'manager-port': { doc: 'the manager\'s port' },
      'server-port': { doc: 'the server\'s port' },
      'server-listen-port': { doc: 'the server\'s replication port' },
      'gateway-port': { doc: 'the gateway\'s memcached port' },
      'data-path': { doc: 'the server\'s storage (default <data-directory>/kumodb.tch)' },
      'data-directory': { doc: 'where the storage goes without data-path' },
      'shell-path': { doc: 'the shell of the scripts' },
      'kumo-gateway-binary': { doc: 'kumo-gateway' },
      'kumo-manager-binary': { doc: 'kumo-manager' },
      'kumo-server-binary': { doc: 'kumo-server' },
      'kumo-gateway-log': { doc: 'the gateway\'s log file' },
      'kumo-manager-log': { doc: 'the manager\'s log file' },
      'kumo-server-log': { doc: 'the server\'s log file' },
      'gateway-wrapper': { doc: 'the gateway\'s script' },
      'manager-wrapper': { doc: 'the manager\'s script' },
      'server-wrapper': { doc: 'the server\'s script' },
    },
    required: ['ip', 'manager-port', 'server-port', 'server-listen-port', 'gateway-port', 'shell-path', 'gateway-wrapper', 'manager-wrapper', 'server-wrapper'],
    generated: [],
  },
  init({ name, options }) {
    const o = (k: string) => options.require(k);
    const port = (k: string) => {
      const v = o(k).trim();
      if (!/^[+-]?\d+$/.test(v)) throw new RecipeError(`[${name}] ${k}: invalid literal for int() with base 10: '${v}'`);
      return String(Number(v));
    };
    const install = () => {
      const ip = o('ip');
      const [manager, server, listen, gateway] = [port('manager-port'), port('server-port'), port('server-listen-port'), port('gateway-port')];
      const storage = options.has('data-path') ? o('data-path') : `${o('data-directory')}/kumodb.tch`;
      const shell = o('shell-path');
      return [
        createExecutable(o('gateway-wrapper'), `#!${shell}\nexec ${o('kumo-gateway-binary')} -F -E -m ${ip}:${manager} -t ${ip}:${gateway} -o ${o('kumo-gateway-log')}\n`),
        createExecutable(o('manager-wrapper'), `#!${shell}\nexec ${o('kumo-manager-binary')} -a -l ${ip}:${manager} -o ${o('kumo-manager-log')}\n`),
        createExecutable(o('server-wrapper'), `#!${shell}\nexec ${o('kumo-server-binary')} -l ${ip}:${server} -L ${listen} -m ${ip}:${manager} -s ${storage} -o ${o('kumo-server-log')}\n`),
      ];
    };
    return { install, update: install };
  },
};
