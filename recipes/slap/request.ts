// slapos.cookbook:request, requestoptional, request.serialised,
// requestoptional.serialised (docs/slapos-recipes.md#request). At init (every run): one
// requestComputerPartition for the instance `name` of `software-url`
// (`software-type`, `shared`, `config-<k>` parameters, `sla-<k>` filter,
// state `started` — the original reads `[slap-connection] requested`, which
// slapgrid never writes). The requested name is appended to
// `<instance root>/<partition>/.slapos-request-transaction-<partition>`
// when SLAPGRID_INSTANCE_ROOT is set (slapgrid then tells the master which
// children are still wanted). Written back: `connection-<k>` for each key of
// `return` (str() of the value, '' when missing), `requested-state` and,
// for non-shared requests, `instance-guid`, `instance_guid`,
// `instance-state`, `instance-status`. `.serialised` sends the parameters as
// JSON-in-XML and reads the connection parameters from the `_` key.
// Install (= update) fails when the request failed or a `return` key is
// missing; the optional variants only warn. Returns [].
import { appendFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { PyDict, pySplitWhitespace, str } from '../../python/index.ts';
import { MasterError } from '../../slap/api.ts';
import { RecipeError, type RecipeModule } from '../api.ts';
import { isTrue } from '../lib/files.ts';
import { targetFrom, unwrap, wrap } from './connection.ts';

const SPELLINGS = { url: ['server-url'], computer: ['computer-id'], partition: ['partition-id'], key: ['key-file'], cert: ['cert-file'] };

function makeRequest(names: string[], serialised: boolean, optional: boolean): RecipeModule {
  return {
    names,
    initEffect: 'its init requests an instance from the SlapOS master',
    schema: {
      doc: 'Requests an instance from the master at initialisation; sets `connection-<key>` for each `return` key.',
      options: {
        'server-url': { doc: 'the master URL (normally from [slap-connection])' },
        'key-file': { doc: 'key file for the master' },
        'cert-file': { doc: 'certificate file for the master' },
        'computer-id': { doc: 'the requesting computer' },
        'partition-id': { doc: 'the requesting partition' },
        'software-url': { doc: 'the software release of the requested instance' },
        name: { doc: 'the title of the requested instance' },
        'software-type': { doc: 'the software type requested', default: 'default' },
        shared: { doc: 'request a shared instance', default: 'false' },
        slave: { doc: 'legacy spelling of shared (not read by tsbuildout)' },
        return: { doc: 'connection parameters written back as connection-<key>' },
        state: { doc: 'requested state', default: 'started' },
      },
      optionPrefixes: ['config-', 'sla-'],
      required: ['server-url', 'computer-id', 'partition-id', 'software-url', 'name'],
      // instance-*: for non-shared requests
      generated: ['requested-state', 'instance-guid', 'instance_guid', 'instance-state', 'instance-status'],
      generatedPrefixes: ['connection-'],
    },
    init({ name, options, logger, buildout }) {
      for (const k of ['config', 'sla']) if (options.has(k)) throw new RecipeError(`[${name}] the option ${k} is not supported: use ${k}-<key> options`);
      const target = targetFrom(options, SPELLINGS);
      const softwareUrl = options.require('software-url');
      const title = options.require('name');
      const softwareType = options.get('software-type') || 'default';
      const shared = isTrue(options.get('shared'));
      const parameters = new PyDict();
      const filter = new PyDict();
      for (const k of options.keys()) {
        if (k.startsWith('config-')) parameters.set(k.slice(7), options.typed(k) ?? '');
        else if (k.startsWith('sla-')) {
          const v = options.get(k);
          if (v) filter.set(k.slice(4), v);
        }
      }
      const returns = pySplitWhitespace(options.get('return') ?? '');
      let failure: string | undefined;
      let connection = new PyDict();
      let instance;
      try {
        instance = target.slap.request({
          computerId: target.computer,
          partitionId: target.partition,
          softwareRelease: softwareUrl,
          softwareType,
          title,
          shared,
          parameters: serialised ? wrap(parameters) : parameters,
          filter,
          state: options.get('state') || 'started',
        });
        if (!instance) failure = `the master is not ready to give the instance ${title} yet`;
      } catch (e) {
        if (!(e instanceof MasterError)) throw e;
        failure = e.message;
      }
      const root = process.env.SLAPGRID_INSTANCE_ROOT;
      if (root && existsSync(join(root, target.partition))) appendFileSync(join(root, target.partition, `.slapos-request-transaction-${target.partition}`), title + '\n');
      if (instance) {
        const c = instance.attr('_connection_dict');
        const d = serialised ? unwrap(c ?? new PyDict()) : c;
        if (d instanceof PyDict) connection = d;
      }
      const missing: string[] = [];
      for (const k of returns) {
        const v = connection.get(k);
        if (v === undefined) missing.push(k);
        // the value itself, as request.py sets it (a serialised instance publishes lists, dicts, numbers): the fork keeps it typed
        options.set(`connection-${k}`, v === undefined ? '' : buildout.semantics.typedValues ? v : str(v));
      }
      options.set('requested-state', instance?.attr('_requested_state') ?? 'started');
      if (!shared) {
        const guid = instance?.attr('_instance_guid') ?? '';
        options.set('instance-guid', guid);
        options.set('instance_guid', guid);
        options.set('instance-state', instance?.attr('_requested_state') ?? '');
        // getStatus() is getAccessStatus(): the partition's last access message, None from a proxy
        options.set('instance-status', instance?.attr('_access_status') ?? null);
      }
      const install = () => {
        const problems = [...(failure ? [`Request for ${title} failed: ${failure}`] : []), ...missing.map((k) => `Connection parameter ${k} not found. Requested instance is currently as: ${connection.size ? 'partially published' : 'not published yet'}`)];
        if (problems.length) {
          if (optional) for (const p of problems) logger.warning(`[${name}] ${p}`);
          else throw new RecipeError(`[${name}] ${problems.join('\n')}`);
        }
        return [];
      };
      return { install, update: install };
    },
  };
}

export const request = makeRequest(['slapos.cookbook:request'], false, false);
export const requestOptional = makeRequest(['slapos.cookbook:requestoptional'], false, true);
export const requestSerialised = makeRequest(['slapos.cookbook:request.serialised'], true, false);
export const requestOptionalSerialised = makeRequest(['slapos.cookbook:requestoptional.serialised'], true, true);
