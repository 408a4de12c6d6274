// `tsbuildout master [--db FILE] [--listen HOST:PORT] [--partitions N]`:
// the local master served over HTTP with the SLAP protocol, as `slapos
// proxy` serves it, until interrupted. By default the node's database
// (<root>/master.db) on the port `node instance` uses, so both share it.
import { UsageError } from '../args.ts';
import type { CommandContext } from '../context.ts';
import { LocalMaster } from '../../slapos/master/local.ts';
import { serveMaster } from '../../slapos/master/server.ts';
import { commandOptions, nodeFrom } from './node.ts';

export async function masterCommand(ctx: CommandContext): Promise<number> {
  const o = commandOptions(ctx.args.args, ['--db', '--listen', '--partitions', '--root', '--computer'], []);
  if (o.positional.length) throw new UsageError(`unexpected argument ${o.positional[0]}`);
  const { paths, settings } = await nodeFrom(o);
  const listen = o.values.get('--listen') ?? `127.0.0.1:${settings['master-port']}`;
  const m = /^(.*):(\d+)$/.exec(listen);
  if (!m) throw new UsageError(`--listen: expected HOST:PORT, got '${listen}'`);
  const host = m[1]!.replace(/^\[(.*)\]$/, '$1');
  const master = await LocalMaster.open(o.values.get('--db') ?? paths.database);
  const computer = o.values.get('--computer') ?? settings.computer;
  if (master.partitionCount(computer) < settings.partitions) master.format(settings.partitions, computer);
  const serving = await serveMaster(master, host, Number(m[2]));
  ctx.out(`Serving the local master (${master.partitionCount(computer)} partitions on computer ${computer}) at ${serving.url}`);
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await serving.close();
  master.close();
  return 0;
}
