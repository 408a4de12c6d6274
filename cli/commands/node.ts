// `tsbuildout node [software|instance|status|stop|watchdog]`: a SlapOS node
// on this machine (slapos/node/), kept under --root or configured by a
// slapos.cfg (--cfg). `node` alone installs every software release the
// master wants here that is not installed yet (all of them with --force),
// then processes the instances.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from '../args.ts';
import type { CommandContext } from '../context.ts';
import { consoleLogger } from '../logger.ts';
import { findPython } from '../python.ts';
import { type NodePaths, type NodeSettings, nodePaths, nodeSettings, openMaster } from '../../slapos/node/config.ts';
import { runInstances } from '../../slapos/node/instance.ts';
import { readSlaposCfg } from '../../slapos/node/slapos-cfg.ts';
import { partitionUser } from '../../slapos/node/format.ts';
import { lastResults, runPromises } from '../../slapos/node/promises.ts';
import { processes, shutdownSupervisord, supervisordAlive } from '../../slapos/node/supervisord.ts';
import { watch } from '../../slapos/node/watchdog.ts';
import { PyList } from '../../python/index.ts';
import type { SlapObject } from '../../slap/marshal.ts';
import type { Assignment } from '../../profile/assemble.ts';

export interface CommandOptions {
  values: Map<string, string>;
  flags: Set<string>;
  positional: string[];
  assignments: Assignment[];
}

/** `--name value`, `--name=value`, flags and positional arguments of a command. */
export function commandOptions(args: string[], valueNames: string[], flagNames: string[]): CommandOptions {
  const out: CommandOptions = { values: new Map(), flags: new Set(), positional: [], assignments: [] };
  const rest = [...args];
  while (rest.length) {
    const a = rest.shift()!;
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      const name = eq < 0 ? a : a.slice(0, eq);
      if (valueNames.includes(name)) {
        const v = eq < 0 ? rest.shift() : a.slice(eq + 1);
        if (v === undefined) throw new UsageError(`option ${name} needs a value`);
        out.values.set(name, v);
      } else if (flagNames.includes(name) && eq < 0) out.flags.add(name);
      else throw new UsageError(`unknown option ${a}`);
      continue;
    }
    const m = /^([^:=\s]+):([^=\s]+)=(.*)$/s.exec(a);
    if (m) out.assignments.push({ section: m[1]!, option: m[2]!, value: m[3]! });
    else out.positional.push(a);
  }
  return out;
}

function intOption(o: CommandOptions, name: string): number | undefined {
  const v = o.values.get(name);
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v)) throw new UsageError(`${name}: expected a number, got '${v}'`);
  return Number(v);
}

/**
 * The node's settings: from slapos.cfg with --cfg (--master-url and
 * --partitions override it for this run), else from the node root's
 * node.json with --partitions / --master-url applied and kept. `say`
 * hears what the slapos.cfg sets that tsbuildout does not use.
 */
export async function nodeFrom(o: CommandOptions, say?: (line: string) => void): Promise<{ paths: NodePaths; settings: NodeSettings }> {
  const partitions = intOption(o, '--partitions');
  const url = o.values.get('--master-url');
  const cfg = o.values.get('--cfg');
  if (cfg !== undefined) {
    if (o.values.has('--root')) throw new UsageError('--cfg and --root: a node is configured by one or the other');
    const node = readSlaposCfg(cfg);
    if (url !== undefined) node.settings['master-url'] = url;
    if (partitions !== undefined) node.settings.partitions = partitions;
    if (node.notice) say?.(node.notice);
    return node;
  }
  const paths = nodePaths(o.values.get('--root'));
  const settings = await nodeSettings(paths, { ...(partitions !== undefined ? { partitions } : {}), ...(url !== undefined ? { 'master-url': url } : {}) });
  return { paths, settings };
}

const NODE_VALUES = ['--root', '--cfg', '--partitions', '--master-url', '--stub-bin', '--partition'];
const NODE_FLAGS = ['--stub-software', '--force'];

/** `node software`'s code (the executor, the recipes): loaded by the subcommands that build software only. */
const softwareCode = () => import('../../slapos/node/software.ts');

export async function nodeCommand(ctx: CommandContext): Promise<number> {
  const o = commandOptions(ctx.args.args, NODE_VALUES, NODE_FLAGS);
  // the subcommand is the first positional argument, wherever the options are
  const sub = o.positional.length ? o.positional.shift()! : 'all';
  const { paths, settings } = await nodeFrom(o, sub === 'watchdog' ? undefined : (l) => ctx.err(l));
  const logger = consoleLogger(ctx.args.verbosity, ctx.out);
  const executable = findPython(ctx.args.python);
  const say = (line: string) => ctx.out(line);
  switch (sub) {
    case 'software': {
      const [url] = o.positional;
      if (!url || o.positional.length > 1) throw new UsageError('usage: tsbuildout node software SOFTWARE-URL [--stub-software] [--stub-bin DIR] [section:option=value …]');
      const { installSoftware, softwareUrl } = await softwareCode();
      const sr = softwareUrl(url, ctx.cwd);
      const r = await installSoftware(paths, sr, { stubSoftware: o.flags.has('--stub-software'), ...(o.values.has('--stub-bin') ? { stubBin: o.values.get('--stub-bin')! } : {}), assignments: o.assignments, executable, logger });
      const master = await openMaster(paths, settings);
      try {
        await master.api.supply(sr, settings.computer);
      } finally {
        master.close();
      }
      say(`Software release ${sr} installed in ${r.directory}.`);
      return 0;
    }
    case 'instance':
      // no buildout in this process (each partition's runs in its own): the
      // executor and the recipes are not loaded
      return instance(ctx, paths, settings, o);
    case 'all': {
      const { processSoftwareReleases } = await softwareCode();
      const master = await openMaster(paths, settings);
      try {
        await processSoftwareReleases(paths, settings, master.api, { force: o.flags.has('--force'), say, stubSoftware: o.flags.has('--stub-software'), ...(o.values.has('--stub-bin') ? { stubBin: o.values.get('--stub-bin')! } : {}), assignments: o.assignments, executable, logger });
      } finally {
        master.close();
      }
      return instance(ctx, paths, settings, o);
    }
    case 'status':
      return status(ctx, paths, settings);
    case 'stop':
      say((await shutdownSupervisord(paths)) ? 'supervisord stopped.' : 'supervisord was not running.');
      return 0;
    case 'watchdog':
      await watch(paths, async () => (await nodeFrom(o)).settings);
      return 0;
    default:
      throw new UsageError(`unknown node command ${sub} (software, instance, status, stop)`);
  }
}

async function instance(ctx: CommandContext, paths: NodePaths, settings: NodeSettings, o: CommandOptions): Promise<number> {
  const only = o.values.get('--partition');
  const report = await runInstances(paths, settings, { say: (l) => ctx.out(l), force: o.flags.has('--force'), ...(only ? { only: only.split(',') } : {}) });
  if (ctx.args.json) ctx.out(JSON.stringify(report, null, 1));
  else if (!report.processed.length) ctx.out('Every partition is up to date.');
  else {
    // the last outcome of each partition processed
    const last = new Map(report.processed.map((p) => [p.partition, p]));
    for (const p of last.values()) {
      const promises = p.promises ? `, ${p.promises.filter((x) => !x.failed).length}/${p.promises.length} promises ok` : '';
      ctx.out(`${p.partition} (${p.title}): ${p.status === 'ok' ? p.state : p.status}${promises}`);
    }
  }
  return report.exitCode;
}

/**
 * The partitions as they are now: the state the master asks and the one
 * last reported, each service as supervisord has it (or that supervisord is
 * not running), and the promises of a started partition run again, so that
 * a service that exited since the last run shows as a failing promise.
 */
async function status(ctx: CommandContext, paths: NodePaths, settings: NodeSettings): Promise<number> {
  const master = await openMaster(paths, settings);
  const rows: Record<string, unknown>[] = [];
  try {
    const info = await master.api.computerInformation(settings.computer);
    const supervised = await supervisordAlive(paths);
    const procs = supervised ? await processes(paths) : [];
    const list = info.attr('_computer_partition_list');
    for (const cp of list instanceof PyList ? (list.items as SlapObject[]) : []) {
      const pid = String(cp.attr('_partition_id'));
      const params = cp.attr('_parameter_dict') as import('../../python/index.ts').PyDict;
      const sr = cp.attr('_software_release_document') as SlapObject | null;
      if (!sr) continue;
      const dir = paths.partition(pid);
      const requested = String(cp.attr('_requested_state'));
      const checked = requested === 'started' && existsSync(dir);
      const promises = checked
        ? Object.fromEntries((await runPromises(dir, 0, partitionUser(dir))).map((p) => [p.name, { failed: p.failed, message: p.message, date: p.date }]))
        : lastResults(dir);
      rows.push({
        partition: pid,
        title: params.get('instance_title'),
        'software-release': sr.attr('_software_release'),
        'software-type': params.get('slap_software_type'),
        state: requested,
        // the proxy's documents carry no access status: the local master's reports have it
        status: cp.attr('_access_status') ?? master.local?.accessStatus(settings.computer, pid),
        supervisord: supervised,
        services: procs.filter((p) => p.group === pid).map((p) => ({ name: p.name, state: p.statename, pid: p.pid })),
        'has-services': hasServices(dir),
        'promises-checked': checked,
        promises,
      });
    }
  } finally {
    master.close();
  }
  if (ctx.args.json) {
    ctx.out(JSON.stringify(rows, null, 1));
    return 0;
  }
  if (!rows.length) ctx.out('No partition is in use.');
  for (const r of rows) {
    const reported = r.status ? `, last reported ${String(r.status).split('\n')[0]}` : '';
    ctx.out(`${r.partition}  ${r.title}  (${r['software-type']}, requested ${r.state}${reported})`);
    ctx.out(`  software: ${r['software-release']}`);
    if (!r.supervisord && r['has-services']) ctx.out('  services: supervisord is not running (tsbuildout node starts it)');
    for (const s of r.services as { name: string; state: string; pid: number }[]) ctx.out(`  service ${s.name}: ${s.state}${s.pid ? ` (pid ${s.pid})` : ''}`);
    const when = r['promises-checked'] ? 'now' : 'at the last run';
    for (const [name, p] of Object.entries(r.promises as Record<string, { failed: boolean; message: string }>)) ctx.out(`  promise ${name}: ${p.failed ? 'FAILED' : 'ok'} (${when})${p.failed ? ` — ${p.message}` : ''}`);
  }
  return 0;
}

/** Whether a partition gives supervisord anything to run (etc/service, etc/run). */
function hasServices(dir: string): boolean {
  return ['service', 'run'].some((d) => {
    try {
      return readdirSync(join(dir, 'etc', d)).some((f) => !f.startsWith('.'));
    } catch {
      return false;
    }
  });
}
