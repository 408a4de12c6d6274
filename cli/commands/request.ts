// `tsbuildout request NAME SOFTWARE-URL [--type T] [--parameters JSON]
// [--shared] [--state started|stopped|destroyed]`: ask the master for an
// instance on this node's computer (filter computer_guid), as `slapos
// request --node computer_guid=…` does; prints the connection parameters
// published so far. Before that, a remote master gets this node's computer
// declared when it does not know it (as `slapos node format` does) and the
// software release supplied to it when it does not list it, so that
// `request` then `node` deploys on any master. When the software release
// has a software.cfg.json (SOFTWARE-URL + ".json") whose serialisation is
// json-in-xml, the parameters are sent as JSON under the `_` key.
import { existsSync, readFileSync } from 'node:fs';
import { UsageError } from '../args.ts';
import type { CommandContext } from '../context.ts';
import { jsonDumps, jsonLoads, PyDict, PyList } from '../../python/index.ts';
import { pyToJs, type SlapObject } from '../../slap/marshal.ts';
import { openMaster } from '../../slapos/node/config.ts';
import { declareComputer } from '../../slapos/node/format.ts';
import { softwareUrl } from '../../slapos/node/software.ts';
import { commandOptions, nodeFrom } from './node.ts';

export function serialisationOf(url: string, type: string): string | undefined {
  const path = url.replace(/^file:\/\//, '') + '.json';
  if (/^[a-z]+:\/\//i.test(path) || !existsSync(path)) return undefined;
  try {
    const j = JSON.parse(readFileSync(path, 'utf8')) as { serialisation?: string; 'software-type'?: Record<string, { serialisation?: string }> };
    return j['software-type']?.[type]?.serialisation ?? j.serialisation;
  } catch {
    return undefined;
  }
}

export async function requestCommand(ctx: CommandContext): Promise<number> {
  const o = commandOptions(ctx.args.args, ['--type', '--parameters', '--state', '--root', '--cfg', '--master-url', '--partitions'], ['--shared']);
  const [name, url] = o.positional;
  if (!name || !url || o.positional.length > 2) throw new UsageError('usage: tsbuildout request NAME SOFTWARE-URL [--type T] [--parameters JSON] [--shared] [--state S]');
  const sr = softwareUrl(url, ctx.cwd);
  const type = o.values.get('--type') ?? 'default';
  let parameters = new PyDict();
  const text = o.values.get('--parameters');
  if (text !== undefined) {
    let v;
    try {
      v = jsonLoads(text);
    } catch (e) {
      throw new UsageError(`--parameters: not JSON: ${(e as Error).message}`);
    }
    if (!(v instanceof PyDict)) throw new UsageError('--parameters: expected a JSON object');
    parameters = v;
  }
  if (serialisationOf(sr, type) === 'json-in-xml') parameters = new PyDict([['_', jsonDumps(parameters)]]);
  const { paths, settings } = await nodeFrom(o, (l) => ctx.err(l));
  const master = await openMaster(paths, settings);
  try {
    const computer = settings['master-url'] ? await declareComputer(master.api, paths, settings, (l) => ctx.out(l)) : await master.api.computerInformation(settings.computer);
    const listed = computer?.attr('_software_release_list');
    const supplied = listed instanceof PyList && (listed.items as SlapObject[]).some((s) => s.attr('_software_release') === sr && s.attr('_requested_state') !== 'destroyed');
    // a shared instance is hosted by an instance already there: nothing to supply
    if (!supplied && !o.flags.has('--shared')) await master.api.supply(sr, settings.computer);
    // a person's request (OpenOrder.request), on this node's computer
    const filter = PyDict.fromObject({ computer_guid: settings.computer });
    const answer = await master.api.request({ softwareRelease: sr, softwareType: type, title: name, shared: o.flags.has('--shared'), parameters, filter, state: o.values.get('--state') ?? 'started' });
    if (answer.notReady !== undefined) {
      ctx.out(`The master is not ready to give ${name} yet: ${answer.notReady}`);
      return 0;
    }
    const connection = pyToJs(answer.instance!.attr('_connection_dict') ?? new PyDict()) as Record<string, unknown>;
    if (ctx.args.json) ctx.out(JSON.stringify({ title: name, partition: pyToJs(answer.instance!.attr('slap_computer_partition_id') ?? null), connection }, null, 1));
    else {
      ctx.out(`Requested ${name} (${sr}, type ${type}) from the ${master.api.description}: partition ${String(answer.instance!.attr('slap_computer_partition_id'))}.`);
      const keys = Object.keys(connection).sort();
      ctx.out(keys.length ? 'Connection parameters:' : 'No connection parameters yet: run tsbuildout node.');
      for (const k of keys) ctx.out(`  ${k} = ${typeof connection[k] === 'string' ? connection[k] : JSON.stringify(connection[k])}`);
    }
  } finally {
    master.close();
  }
  return 0;
}
