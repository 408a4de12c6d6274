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
    options: Object.fromEntries(
      ['ip', 'manager-port', 'server-port', 'server-listen-port', 'gateway-port', 'data-path', 'data-directory', 'shell-path', 'kumo-gateway-binary', 'kumo-manager-binary', 'kumo-server-binary', 'kumo-gateway-log', 'kumo-manager-log', 'kumo-server-log', 'gateway-wrapper', 'manager-wrapper', 'server-wrapper'].map((k) => [k, {}]),
    ),
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
