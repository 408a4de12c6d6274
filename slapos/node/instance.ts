// `node instance`: what slapgrid-cp does (spec §3.2), for every partition
// the master gave this computer. A partition whose .timestamp equals the
// master's timestamp is up to date and skipped; the others are prepared
// (partition.ts), buildout runs there, then, when started, their services
// go to supervisord and their promises run; failures are reported to the
// master (softwareInstanceError with buildout's error or the first failed
// promise), successes as started/stopped, with the list of instances the
// partition requested during the run. The whole pass repeats while it
// changed something (children allocated, parameters published bump
// timestamps), at most 10 times, so one run converges.
//
// Exit status as slapgrid's: 0, 1 when a partition failed, 2 when only
// promises failed.
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PyDict, PyList, PyTuple, type PyValue } from '../../python/value.ts';
import type { SlapObject } from '../../slap/marshal.ts';
import type { MasterApi } from '../../slap/api.ts';
import { serveMaster, type Serving } from '../master/server.ts';
import { type NodePaths, type NodeSettings, openMaster, tsbuildoutCommand } from './config.ts';
import { type Address, preparePartition, runPartitionBuildout } from './partition.ts';
import { runPromises, type PromiseResult } from './promises.ts';
import { ensureSupervisord, startPartition, stopPartition } from './supervisord.ts';

/** How long failing promises are retried right after the services started. */
export const PROMISE_GRACE_MS = 10_000;

export interface InstanceOptions {
  say: (line: string) => void;
  /** Process every partition, even up to date ones. */
  force?: boolean;
  /** Only these partitions. */
  only?: string[];
  maxPasses?: number;
}

export interface PartitionOutcome {
  partition: string;
  title: string;
  state: string;
  status: 'ok' | 'failed' | 'promise-failed' | 'destroyed';
  message?: string;
  promises?: PromiseResult[];
}

export interface InstanceReport {
  exitCode: number;
  passes: number;
  processed: PartitionOutcome[];
}

function str(v: PyValue | undefined): string {
  return typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v);
}

function addressesOf(params: PyDict): Address[] {
  const list = params.get('ip_list');
  const out: Address[] = [];
  if (list instanceof PyList || list instanceof PyTuple) {
    for (const item of list.items) {
      if (item instanceof PyList || item instanceof PyTuple) out.push({ interface: str(item.items[0]), address: str(item.items[1]) });
    }
  }
  return out;
}

/** The local master served for the recipes of the partitions, or the remote master's URL. */
async function masterUrlForRun(settings: NodeSettings, local: import('../master/local.ts').LocalMaster | undefined): Promise<{ url: string; serving?: Serving }> {
  if (settings['master-url']) return { url: settings['master-url'] };
  const port = settings['master-port'];
  try {
    const serving = await serveMaster(local!, '127.0.0.1', port);
    return { url: serving.url, serving };
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw e;
    // a `tsbuildout master` already serves it there
    return { url: `http://127.0.0.1:${port}` };
  }
}

export async function runInstances(paths: NodePaths, settings: NodeSettings, o: InstanceOptions): Promise<InstanceReport> {
  const opened = await openMaster(paths, settings);
  const { url, serving } = await masterUrlForRun(settings, opened.local);
  const report: InstanceReport = { exitCode: 0, passes: 0, processed: [] };
  try {
    await ensureSupervisord(paths, [...tsbuildoutCommand(), 'node', 'watchdog', '--root', paths.root]);
    // a partition that failed is retried in a later pass only when the master changed it
    // since (a child it requested published, say): that is how one run converges
    const failedAt = new Map<string, string>();
    const last = new Map<string, PartitionOutcome>();
    const maxPasses = o.maxPasses ?? 10;
    for (let pass = 0; pass < maxPasses; pass++) {
      report.passes = pass + 1;
      const computer = await opened.api.computerInformation(settings.computer);
      const list = computer.attr('_computer_partition_list');
      let changed = false;
      for (const cp of list instanceof PyList ? (list.items as SlapObject[]) : []) {
        const pid = str(cp.attr('_partition_id'));
        if (o.only && !o.only.includes(pid)) continue;
        const params = cp.attr('_parameter_dict');
        const stamp = params instanceof PyDict ? str(params.get('timestamp')) : '';
        if (failedAt.get(pid) === stamp) continue;
        const outcome = await processPartition(paths, settings, opened.api, url, cp, o, pass === 0 && !!o.force);
        if (!outcome) continue;
        changed = true;
        report.processed.push(outcome);
        last.set(pid, outcome);
        if (outcome.status === 'failed' || outcome.status === 'promise-failed') failedAt.set(pid, stamp);
        else failedAt.delete(pid);
      }
      if (!changed) break;
    }
    const outcomes = [...last.values()];
    report.exitCode = outcomes.some((x) => x.status === 'failed') ? 1 : outcomes.some((x) => x.status === 'promise-failed') ? 2 : 0;
  } finally {
    await serving?.close();
    opened.close();
  }
  return report;
}

async function processPartition(paths: NodePaths, settings: NodeSettings, api: MasterApi, url: string, cp: SlapObject, o: InstanceOptions, force: boolean): Promise<PartitionOutcome | undefined> {
  const pid = str(cp.attr('_partition_id'));
  const dir = paths.partition(pid);
  const state = str(cp.attr('_requested_state'));
  const params = cp.attr('_parameter_dict');
  const sr = cp.attr('_software_release_document');
  const softwareUrl = sr && typeof sr === 'object' && 'attr' in sr ? str((sr as SlapObject).attr('_software_release')) : '';
  if (!(params instanceof PyDict) || !softwareUrl) {
    // a free partition: nothing to do, unless something is left there
    return undefined;
  }
  const title = str(params.get('instance_title'));
  const timestamp = str(params.get('timestamp'));
  const stampFile = join(dir, '.timestamp');
  if (state === 'destroyed') {
    if (!existsSync(dir)) return undefined;
    o.say(`Destroying partition ${pid} (${title}).`);
    await stopPartition(paths, pid);
    for (const f of readdirSync(dir)) rmSync(join(dir, f), { recursive: true, force: true });
    rmSync(dir, { recursive: true, force: true });
    await api.reportState(settings.computer, pid, 'destroyed');
    return { partition: pid, title, state, status: 'destroyed' };
  }
  if (!force && existsSync(stampFile) && readFileSync(stampFile, 'utf8').trim() === timestamp) return undefined;
  o.say(`Processing partition ${pid} (${title}, ${state}).`);
  const fail = async (message: string, kind: 'failed' | 'promise-failed', promises?: PromiseResult[]): Promise<PartitionOutcome> => {
    o.say(`Partition ${pid} failed: ${message}`);
    if (kind === 'failed') writeFileSync(join(dir, `.slapgrid-${pid}-error.log`), message + '\n');
    await api.error(settings.computer, pid, message);
    return { partition: pid, title, state, status: kind, message, ...(promises ? { promises } : {}) };
  };
  try {
    preparePartition(dir, paths.software(softwareUrl), { computerId: settings.computer, partitionId: pid, serverUrl: url, softwareReleaseUrl: softwareUrl, requestedState: state }, addressesOf(params));
  } catch (e) {
    return fail((e as Error).message, 'failed');
  }
  const result = await runPartitionBuildout(paths.instanceRoot, dir);
  if (!result.ok) {
    const outcome = await fail(result.errors, 'failed');
    // slapgrid still runs the promises of a started partition
    if (state === 'started') outcome.promises = await runPromises(dir);
    return outcome;
  }
  let promises: PromiseResult[] | undefined;
  if (state === 'started') {
    await startPartition(paths, pid, dir);
    promises = await runPromises(dir, PROMISE_GRACE_MS);
    const bad = promises.find((p) => p.failed);
    if (bad) return fail(`Promise '${bad.name}' failed with output: ${bad.message}`, 'promise-failed', promises);
    await api.reportState(settings.computer, pid, 'started');
  } else {
    await stopPartition(paths, pid);
    await api.reportState(settings.computer, pid, 'stopped');
  }
  const transaction = join(dir, `.slapos-request-transaction-${pid}`);
  const requested = existsSync(transaction) ? readFileSync(transaction, 'utf8').split('\n').filter(Boolean) : [];
  await api.relatedInstances(settings.computer, pid, [...new Set(requested)]);
  writeFileSync(stampFile, timestamp);
  return { partition: pid, title, state, status: 'ok', ...(promises ? { promises } : {}) };
}
