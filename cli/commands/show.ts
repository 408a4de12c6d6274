// `tsbuildout show NAME`: an instance tree as the master knows it —
// software release and type, requested state, parameters, published
// connection parameters (through the hateoas API on a remote master, as
// `slapos service info` reads it), and where the master is tsbuildout's,
// the reported state, partition and the last error or bang reported.
import { UsageError } from '../args.ts';
import type { CommandContext } from '../context.ts';
import type { InstanceInformation } from '../../slap/api.ts';
import { pyToJs } from '../../slap/marshal.ts';
import { openMaster } from '../../slapos/node/config.ts';
import { commandOptions, nodeFrom } from './node.ts';

export async function showCommand(ctx: CommandContext): Promise<number> {
  const o = commandOptions(ctx.args.args, ['--root', '--cfg', '--master-url'], []);
  const [name] = o.positional;
  if (!name || o.positional.length > 1) throw new UsageError('usage: tsbuildout show NAME');
  const { paths, settings } = await nodeFrom(o, (l) => ctx.err(l));
  const master = await openMaster(paths, settings);
  let found: InstanceInformation | undefined;
  try {
    found = await master.api.instanceInformation(name);
  } finally {
    master.close();
  }
  if (!found) {
    if (ctx.args.json) ctx.out(JSON.stringify({ ok: false, error: { message: `no instance ${name}` } }, null, 1));
    ctx.err(`Error: the master has no instance named ${name}`);
    return 1;
  }
  const info: Record<string, unknown> = { ...found, parameters: pyToJs(found.parameters), connection: pyToJs(found.connection) };
  if (ctx.args.json) {
    ctx.out(JSON.stringify(info, null, 1));
    return 0;
  }
  const line = (k: string, v: unknown) => {
    if (v !== null && v !== undefined && v !== '') ctx.out(`${k}: ${v}`);
  };
  line('title', info.title);
  line('software release', info['software-release']);
  line('software type', info['software-type']);
  line('shared', info.shared ? 'yes' : undefined);
  line('requested state', info['requested-state']);
  line('reported state', info['reported-state']);
  line('partition', info.partition ? `${info.partition} on ${info.computer}` : undefined);
  line('hosted by', info['hosted-by']);
  for (const [title, key] of [['parameters', 'parameters'], ['connection parameters', 'connection']] as const) {
    let d = (info[key] ?? {}) as Record<string, unknown>;
    // JSON-in-XML (the `_` key of .serialised recipes and json-in-xml software releases): shown decoded
    if (Object.keys(d).length === 1 && typeof d._ === 'string') {
      try {
        const inner = JSON.parse(d._) as unknown;
        if (inner && typeof inner === 'object' && !Array.isArray(inner)) d = inner as Record<string, unknown>;
      } catch {
        // shown as it is
      }
    }
    const keys = Object.keys(d).sort();
    ctx.out(`${title}:${keys.length ? '' : ' (none)'}`);
    for (const k of keys) ctx.out(`  ${k} = ${typeof d[k] === 'string' ? d[k] : JSON.stringify(d[k])}`);
  }
  if (info.error) ctx.out(`error:\n  ${String(info.error).split('\n').join('\n  ')}`);
  if (info.bang) ctx.out(`bang: ${info.bang}`);
  return 0;
}
