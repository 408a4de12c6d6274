// `tsbuildout master [--cfg FILE] [--db FILE] [--listen HOST:PORT]
// [--computer ID] [--partitions N] [--root DIR] [--access partition|open]
// [--max-body BYTES]`: the local master served over HTTP as `slapos proxy`
// serves it, until interrupted; each partition may only call on itself and
// what it requests (slapos/master/access.ts) unless `--access open`.
//
// With --cfg, the proxy's own configuration file (`slapos proxy start
// --cfg FILE`): [slapos] computer_id, [slapproxy] host, port, database_uri,
// software_product_list; the options given on the command line win, as
// the proxy's do. Without it, the node's database (<root>/master.db) on the
// port `node instance` uses, formatted with the node's partitions, so both
// share it.
import { UsageError } from '../args.ts';
import type { CommandContext } from '../context.ts';
import { UserError } from '../../parser/diagnostic.ts';
import { LocalMaster } from '../../slapos/master/local.ts';
import { readProxyConfig } from '../../slapos/master/proxy-config.ts';
import { DEFAULT_MAX_BODY, serveMaster } from '../../slapos/master/server.ts';
import { commandOptions, nodeFrom } from './node.ts';

function listenOption(listen: string): { host: string; port: number } {
  const m = /^(.*):(\d+)$/.exec(listen);
  if (!m) throw new UsageError(`--listen: expected HOST:PORT, got '${listen}'`);
  return { host: m[1]!.replace(/^\[(.*)\]$/, '$1'), port: Number(m[2]) };
}

export async function masterCommand(ctx: CommandContext): Promise<number> {
  const o = commandOptions(ctx.args.args, ['--cfg', '--db', '--listen', '--partitions', '--root', '--computer', '--access', '--max-body'], []);
  if (o.positional.length) throw new UsageError(`unexpected argument ${o.positional[0]}`);
  const access = o.values.get('--access') ?? 'partition';
  if (access !== 'partition' && access !== 'open') throw new UsageError(`--access: expected partition or open, got '${access}'`);
  const maxBodyText = o.values.get('--max-body');
  if (maxBodyText !== undefined && !/^\d+$/.test(maxBodyText)) throw new UsageError(`--max-body: expected a number of bytes, got '${maxBodyText}'`);
  const maxBody = maxBodyText === undefined ? DEFAULT_MAX_BODY : Number(maxBodyText);
  let master: LocalMaster;
  let host: string;
  let port: number;
  let computer: string;
  const cfgPath = o.values.get('--cfg');
  if (cfgPath !== undefined) {
    const cfg = readProxyConfig(cfgPath);
    if (cfg.unused.length) ctx.err(`Not used by tsbuildout master: ${cfg.unused.join(', ')}`);
    computer = o.values.get('--computer') ?? cfg.computerId ?? '';
    if (!computer) throw new UserError(`${cfgPath}: [slapos] computer_id is required`);
    const database = o.values.get('--db') ?? cfg.databaseUri;
    if (!database) throw new UserError(`${cfgPath}: [slapproxy] database_uri is required`);
    const listen = o.values.get('--listen');
    if (listen !== undefined) ({ host, port } = listenOption(listen));
    else {
      host = cfg.host ?? '127.0.0.1';
      if (cfg.port === undefined) throw new UserError(`${cfgPath}: [slapproxy] port is required`);
      if (!/^\d+$/.test(cfg.port)) throw new UserError(`${cfgPath}: [slapproxy] port: not a number: ${cfg.port}`);
      port = Number(cfg.port);
    }
    master = await LocalMaster.open(database, { computerId: computer, softwareProducts: cfg.softwareProducts, access });
    const partitions = o.values.get('--partitions');
    if (partitions !== undefined) {
      if (!/^\d+$/.test(partitions)) throw new UsageError(`--partitions: expected a number, got '${partitions}'`);
      if (master.partitionCount(computer) < Number(partitions)) master.format(Number(partitions), computer);
    }
  } else {
    const { paths, settings } = await nodeFrom(o);
    ({ host, port } = listenOption(o.values.get('--listen') ?? `127.0.0.1:${settings['master-port']}`));
    computer = o.values.get('--computer') ?? settings.computer;
    master = await LocalMaster.open(o.values.get('--db') ?? paths.database, { computerId: computer, access });
    if (master.partitionCount(computer) < settings.partitions) master.format(settings.partitions, computer);
  }
  if (master.migrationBackup) ctx.out(`Migrated the database to the proxy's schema (version 17); the old one is saved in ${master.migrationBackup}`);
  let serving;
  try {
    serving = await serveMaster(master, host, port, { maxBody });
  } catch (e) {
    master.close();
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE' || code === 'EACCES' || code === 'EADDRNOTAVAIL') throw new UserError(`cannot listen on ${host}:${port}: ${code}`);
    throw e;
  }
  ctx.out(`Serving the local master (${master.partitionCount(computer)} partitions on computer ${computer}) at ${serving.url}`);
  ctx.out(access === 'open' ? 'Access: open (as slapos proxy: any caller may call on any partition)' : `Access: each partition on itself only; the administrator's token is in ${master.adminTokenFile}`);
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await serving.close();
  master.close();
  return 0;
}
