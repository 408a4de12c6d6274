// slapos.cookbook:slapconfiguration, .serialised and .jsonschema
// (docs/slapos-recipes.md#slapconfiguration). Everything happens at init:
// one registerComputerPartition, then
// the options written back — instance-state, slap-software-type,
// slap-computer-partition-id, slap-computer-id, slap-software-release-url,
// slave-instance-list, timestamp, instance-title, root-instance-title,
// root-instance-short-title, instance-guid, ipv4/ipv6 (sets) and their
// -random minimum, storage-dict, the keys of the partition's
// .slapos-resource (flattened), configuration (the parameters) and
// configuration.<k> for each parameter whose name buildout can spell.
// `configuration.<k>` lines of the profile are defaults: a parameter the
// master sends overwrites them. install = update = [].
//
// .serialised: the parameters are the JSON of their `_` key. .jsonschema:
// the software's `software.cfg.json` says the serialisation and the request
// schema of each software type; the parameters are validated
// (validate-parameters), completed with the schema's defaults (set-default)
// and integers unstringified (unstringify), each for `main` and/or `shared`
// instances; invalid parameters fail the run with "Invalid parameters:"
// and jsonschema's messages, which slapgrid reports to the master; an
// invalid shared instance goes to invalid-shared-instance-list and its
// error is reported to the master for it (report-error, default all: an
// invalid main parameter dict is reported too).
//
// switch-softwaretype.noop (the [slap-configuration] of switch-softwaretype's
// sub-buildout) sets the options its parent computed, without the master.
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { isIP } from 'node:net';
import { jsonLoads, PyDict, PyList, PySet, PyTuple, repr, type PyValue } from '../../python/index.ts';
import { RecipeError, type PartOptions, type RecipeContext, type RecipeModule } from '../api.ts';
import { lexists } from '../lib/files.ts';
import type { OptionSpec } from '../schema.ts';
import { masterCall, type SlapTarget, targetFrom, unwrap } from './connection.ts';
import { formatErrors, SchemaStore, Validator } from './jsonschema.ts';

const SPELLINGS = { url: ['server-url', 'url'], computer: ['computer-id', 'computer'], partition: ['partition-id', 'partition'], key: ['key-file', 'key'], cert: ['cert-file', 'cert'] };

export const RESOURCE_FILE = '.slapos-resource';

/** Keys of a nested dict as slapconfiguration's flatten_dict gives them: `_` → `-`, joined with `-`. */
export function flattenDict(d: PyDict, prefix = ''): [string, PyValue][] {
  const out: [string, PyValue][] = [];
  for (const [k, v] of d.entries()) {
    const key = prefix + String(k).replaceAll('_', '-');
    if (v instanceof PyDict) out.push(...flattenDict(v, key + '-'));
    else out.push([key, v]);
  }
  return out;
}

function findResource(start: string): string | undefined {
  let dir = resolve(start);
  for (;;) {
    const p = join(dir, RESOURCE_FILE);
    if (existsSync(p)) return p;
    const up = dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
}

type Variant = 'plain' | 'serialised' | 'jsonschema';

/** The options a slapconfiguration writes back, fetched from the master. */
function fetchParameters(ctx: RecipeContext, variant: Variant): PyValue {
  const { options, buildout } = ctx;
  const target = targetFrom(options, SPELLINGS, buildout);
  const cp = masterCall(`[${ctx.name}] cannot get the partition's parameters from the master`, () => target.slap.register(target.computer, target.partition));
  const raw = cp.attr('_parameter_dict');
  const params = raw instanceof PyDict ? raw.copy() : new PyDict();
  options.set('instance-state', cp.attr('_requested_state') ?? null);
  for (const key of ['slap_software_type', 'slap_computer_partition_id', 'slap_computer_id', 'slap_software_release_url', 'slave_instance_list', 'timestamp']) {
    if (params.has(key)) {
      options.set(key.replaceAll('_', '-'), params.get(key)!);
      params.delete(key);
    }
  }
  const pop = (key: string, fallback: string) => {
    const v = params.get(key);
    params.delete(key);
    return v === undefined ? fallback : v;
  };
  options.set('instance-title', pop('instance_title', 'UNKNOWN Instance'));
  options.set('root-instance-title', pop('root_instance_title', 'UNKNOWN'));
  options.set('root-instance-short-title', pop('root_instance_short_title', 'UNKNOWN'));
  options.set('instance-guid', cp.attr('_instance_guid') ?? null);
  const v4 = new PySet();
  const v6 = new PySet();
  const ipList = params.get('ip_list');
  params.delete('ip_list');
  if (ipList instanceof PyList || ipList instanceof PyTuple) {
    for (const item of ipList.items) {
      const pair = item instanceof PyList || item instanceof PyTuple ? item.items : [];
      const ip = pair[1];
      if (typeof ip !== 'string') continue;
      if (isIP(ip) === 4) v4.add(ip);
      else if (isIP(ip) === 6) v6.add(ip);
    }
  }
  params.delete('full_address_list');
  params.delete('full_ip_list');
  options.set('ipv4', v4);
  options.set('ipv6', v6);
  const min = (s: PySet) => [...s.values()].map(String).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))[0];
  if (v4.size) options.set('ipv4-random', min(v4)!);
  if (v6.size) options.set('ipv6-random', min(v6)!);

  const storageHome = options.get('storage-home');
  const storage = new PyDict();
  if (storageHome && existsSync(storageHome) && statSync(storageHome).isDirectory()) {
    const pid = options.get('slap-computer-partition-id') ?? target.partition;
    for (const name of readdirSync(storageHome)) {
      const path = join(storageHome, name, pid);
      if (existsSync(path) && statSync(path).isDirectory()) {
        const link = join(buildout.directory, 'DATA', name);
        mkdirSync(join(buildout.directory, 'DATA'), { recursive: true });
        if (!lexists(link)) symlinkSync(path, link);
        storage.set(name, link);
      }
    }
  }
  options.set('storage-dict', storage);

  const resource = findResource(buildout.directory);
  if (resource) {
    const data = jsonLoads(readFileSync(resource, 'utf8'));
    if (data instanceof PyDict) for (const [k, v] of flattenDict(data)) if (!options.has(k)) options.set(k, v);
  }
  return expand(ctx, variant, params, target);
}

function expand(ctx: RecipeContext, variant: Variant, params: PyDict, target: SlapTarget): PyValue {
  const { options } = ctx;
  if (variant === 'plain') {
    options.set('configuration', params);
    return params;
  }
  if (variant === 'serialised') {
    const d = unwrap(params);
    options.set('configuration', d);
    return d instanceof PyDict ? d : new PyDict();
  }
  return validated(ctx, params, target);
}

const ACCEPTED = ['none', 'main', 'shared', 'all'];
function parseOption(options: PartOptions, key: string, fallback: string): { main: boolean; shared: boolean } {
  const v = options.get(key) ?? fallback;
  const i = ACCEPTED.indexOf(v);
  if (i < 0) throw new RecipeError(`${repr(v)} is not a valid value for option ${repr(key)}. Accepted values are ('none', 'main', 'shared', 'all')`);
  return { main: (i & 1) !== 0, shared: (i & 2) !== 0 };
}

function validated(ctx: RecipeContext, raw: PyDict, target: SlapTarget): PyValue {
  const { options } = ctx;
  const validate = parseOption(options, 'validate-parameters', 'all');
  const setDefault = parseOption(options, 'set-default', 'none');
  const unstringify = parseOption(options, 'unstringify', 'none');
  const reportError = parseOption(options, 'report-error', 'all');
  let path = options.require('jsonschema');
  if (path.startsWith('file://')) path = path.slice(7);
  if (!isAbsolute(path)) path = resolve(ctx.buildout.directory, path);
  const store = new SchemaStore();
  let software: PyValue;
  try {
    software = store.load(path);
  } catch (e) {
    throw new RecipeError(`[${ctx.name}] cannot read the software's JSON schema ${path}: ${(e as Error).message}`);
  }
  let type = options.get('slap-software-type') || 'default';
  if (type === 'RootSoftwareInstance') type = 'default';
  const types = software instanceof PyDict ? software.get('software-type') : undefined;
  const typeDict = types instanceof PyDict ? types.get(type) : undefined;
  const serialisation = (typeDict instanceof PyDict && typeDict.get('serialisation')) || (software instanceof PyDict && software.get('serialisation'));
  if (serialisation !== 'xml' && serialisation !== 'json-in-xml') throw new RecipeError(`[${ctx.name}] ${path}: invalid or undefined serialisation ${repr(serialisation ?? null)}`);
  let parameters: PyValue = serialisation === 'json-in-xml' ? unwrap(raw) : raw;
  if (validate.main) {
    const request = typeDict instanceof PyDict ? typeDict.get('request') : undefined;
    if (typeof request !== 'string') throw new RecipeError(`requested software-type ${repr(type)} seems to have no JSON schema entry in the software.cfg.json.`);
    const instance = parameters instanceof PyDict ? parameters : new PyDict();
    instance.delete('$schema');
    const errors = new Validator(store, { setDefaults: setDefault.main, unstringify: unstringify.main }).validate(resolve(dirname(path), request), instance);
    if (errors.length) {
      const text = 'Invalid parameters:\n' + formatErrors(errors, 2);
      // the requester sees why the instance is not deployed
      if (reportError.main) masterCall(`[${ctx.name}] cannot report the error`, () => target.slap.error(target.computer, target.partition, text, null));
      throw new RecipeError(text);
    }
    parameters = instance;
  }
  if (validate.shared) {
    const list = options.typed('slave-instance-list');
    // popped, as the real recipe does: only the validated lists below stay
    options.remove('slave-instance-list');
    const valid = new PyList();
    const invalid = new PyList();
    const sharedSchema = sharedRequest(types, type);
    for (const item of list instanceof PyList ? list.items : []) {
      if (!(item instanceof PyDict)) continue;
      const copy = item.copy();
      const reference = copy.get('slave_reference') ?? null;
      copy.delete('slave_reference');
      const instance = unwrap(copy);
      const entry = new PyDict([['reference', reference], ['parameters', instance]]);
      if (sharedSchema) {
        const errors = new Validator(store, { setDefaults: setDefault.shared, unstringify: unstringify.shared }).validate(resolve(dirname(path), sharedSchema), instance);
        if (errors.length) {
          entry.set('errors', new PyList(errors.map((e) => `${e.message}`)));
          // the shared instance's requester sees why it is not served
          if (reportError.shared && typeof reference === 'string') {
            const text = 'Invalid parameters:\n' + formatErrors(errors, 2);
            masterCall(`[${ctx.name}] cannot report the error of ${reference}`, () => target.slap.error(target.computer, target.partition, text, reference));
          }
          invalid.items.push(entry);
          continue;
        }
      }
      valid.items.push(entry);
    }
    options.set('valid-shared-instance-list', valid);
    options.set('invalid-shared-instance-list', invalid);
  }
  options.set('configuration', parameters);
  return parameters instanceof PyDict ? parameters : new PyDict();
}

function sharedRequest(types: PyValue | undefined, type: string): string | undefined {
  if (!(types instanceof PyDict)) return undefined;
  for (const t of types.values()) {
    if (t instanceof PyDict && t.get('software-type') === type && t.get('shared') === true) {
      const r = t.get('request');
      if (typeof r === 'string') return r;
    }
  }
  return undefined;
}

/** configuration.<k> for every parameter buildout can spell (RawConfigParser.OPTCRE does not match it). */
function publishConfiguration(options: PartOptions, params: PyValue): void {
  if (!(params instanceof PyDict)) return;
  for (const [k, v] of params.entries()) {
    const key = String(k);
    if (/^[^:=\s][^:=]*[:=]/.test(key)) continue;
    options.set('configuration.' + key, v);
  }
}

function module(names: string[], variant: Variant, extra: Record<string, OptionSpec> = {}): RecipeModule {
  return {
    names,
    initEffect: 'its init reads the partition configuration from the SlapOS master',
    schema: {
      doc: 'Reads the partition configuration from the master at initialisation.',
      options: {
        url: { doc: 'the master URL' },
        key: { doc: 'key file for the master' },
        cert: { doc: 'certificate file for the master' },
        computer: { doc: 'the computer id' },
        partition: { doc: 'the partition id' },
        'storage-home': { doc: 'external storage: DATA/<name> links to <storage-home>/<name>/<partition>' },
        ...extra,
      },
      aliases: { 'server-url': 'url', 'key-file': 'key', 'cert-file': 'cert', 'computer-id': 'computer', 'partition-id': 'partition' },
      optionPrefixes: ['configuration.'],
      generated: [
        'instance-state', 'slap-software-type', 'slap-computer-partition-id', 'slap-computer-id', 'slap-software-release-url',
        'slave-instance-list', 'timestamp', 'instance-title', 'root-instance-title', 'root-instance-short-title', 'instance-guid',
        'ipv4', 'ipv6', 'ipv4-random', 'ipv6-random', 'storage-dict', 'configuration', 'valid-shared-instance-list', 'invalid-shared-instance-list',
      ],
      generatedPrefixes: ['configuration.'],
      generatesUnknown: 'slapconfiguration also sets every key of the partition resource file (.slapos-resource)',
    },
    init(ctx) {
      publishConfiguration(ctx.options, fetchParameters(ctx, variant));
      return { install: () => [], update: () => [] };
    },
  };
}

export const slapconfiguration = module(['slapos.cookbook:slapconfiguration'], 'plain');
export const slapconfigurationSerialised = module(['slapos.cookbook:slapconfiguration.serialised'], 'serialised');
export const slapconfigurationJsonschema = module(['slapos.cookbook:slapconfiguration.jsonschema'], 'jsonschema', {
  jsonschema: { doc: "path of the software's software.cfg.json" },
  'validate-parameters': { doc: 'none|main|shared|all', default: 'all' },
  'set-default': { doc: 'none|main|shared|all', default: 'none' },
  unstringify: { doc: 'none|main|shared|all', default: 'none' },
  'report-error': { doc: 'none|main|shared|all: report invalid parameters (the instance\'s, the shared instances\') to the master', default: 'all' },
  'unwrap-shared': { doc: 'unwrap JSON-in-XML shared parameters', default: 'true' },
});

export const NOOP_KEY = '-switch-softwaretype.noop';

/** The [slap-configuration] of a switch-softwaretype sub-buildout: the parent's computed options, as they were. */
export const switchSoftwaretypeNoop: RecipeModule = {
  names: ['slapos.cookbook:switch-softwaretype.noop'],
  schema: {
    options: { [NOOP_KEY]: { doc: "the parent's slap-configuration options (dumped)" } },
    required: [NOOP_KEY],
    anyOptions: true,
    generatesUnknown: "switch-softwaretype.noop sets the parent's slap-configuration options, whatever they were",
  },
  init({ name, options }) {
    const saved = options.typed(NOOP_KEY);
    if (!(saved instanceof PyDict)) throw new RecipeError(`[${name}] ${NOOP_KEY} is not a dict`);
    for (const [k, v] of saved.entries()) if (String(k) !== 'recipe') options.set(String(k), v);
    return { install: () => [], update: () => [] };
  },
};
