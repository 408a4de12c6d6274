// `node instance`: what slapgrid-cp does (docs/slapos-node.md#processing-a-partition), for every partition
// the master gave this computer. A remote master first gets the computer
// declared (format.ts) when it does not know it as configured. A
// partition whose .timestamp equals the master's timestamp is up to date
// and skipped; the others are prepared (partition.ts), buildout runs
// there as the partition's user, then, when started, their services go to
// supervisord and their promises run; failures are reported to the master
// (softwareInstanceError with buildout's error or the first failed
// promise), successes as started/stopped, with the list of instances the
// partition requested during the run (a master without that call is
// warned about, as slapgrid does). A partition requested destroyed is
// stopped, emptied and reported destroyed, as slapos node report does; a
// root the master keeps until its children are destroyed (the proxy) is
// reported again once they are. The whole pass repeats while it changed
// something (children allocated or destroyed, parameters published bump
// timestamps), at most 10 times, so one run converges.
//
// Exit status as slapgrid's: 0, 1 when a partition failed, 2 when only
// promises failed.
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PyDict, PyList, PyTuple, type PyValue } from '../../python/index.ts';
import type { SlapObject } from '../../slap/marshal.ts';
import { MasterError, NotDestroyedYet, type MasterApi } from '../../slap/api.ts';
import type { LocalMaster } from '../master/local.ts';
import { serveMaster, type Serving } from '../master/server.ts';
import { type NodePaths, type NodeSettings, openMaster, tsbuildoutCommand } from './config.ts';
import { removeCertificate, updateCertificate } from './certificates.ts';
import { declareComputer, formatPartitions, partitionOwners, partitionUser } from './format.ts';
import { type Address, preparePartition, runPartitionBuildout } from './partition.ts';
import { runPromises, type PromiseResult } from './promises.ts';
import { ensureSupervisord, groupSettling, startPartition, stopPartition } from './supervisord.ts';

/**
 * Promises run once right after the partition's services start, as
 * slapgrid's _checkPromiseList; those that failed are run again at the end
 * of the run, for at most this long in all (slapgrid's next run, which finds
 * the services listening): one wait per run, not one per partition.
 */
export const PROMISE_GRACE_MS = 10_000;
/**
 * Within the grace, failing promises are retried only while a service
 * started less than this ago (or is starting): the whole grace, since a
 * stand-in daemon under load took more than 3 s to listen (software/html5as's
 * monitor httpd); the grace thus ends early when every service has exited.
 */
export const PROMISE_SETTLE_MS = PROMISE_GRACE_MS;

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
  /** destroying: emptied and reported, but the master keeps it until its children are destroyed. */
  status: 'ok' | 'failed' | 'promise-failed' | 'destroyed' | 'destroying';
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
async function masterUrlForRun(settings: NodeSettings, local: LocalMaster | undefined): Promise<{ url: string; serving?: Serving }> {
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

/** What one run remembers between passes. */
interface Run {
  paths: NodePaths;
  settings: NodeSettings;
  api: MasterApi;
  /**
   * The master URL the partitions' recipes use: the local master is served
   * when a partition first needs it (an up-to-date run serves nothing).
   */
  masterUrl: () => Promise<string>;
  /** The local master, when it is the node's: each partition's recipes get their own credentials. */
  local: LocalMaster | undefined;
  o: InstanceOptions;
  /** Partitions freed so far, and the count when each destroyed partition was last reported. */
  freed: number;
  reportedAt: Map<string, number>;
  warned: Set<string>;
  /** Started partitions whose promises failed after their buildout ran: re-checked at the end of the run. */
  unsettled: Map<string, Unsettled>;
}

interface Unsettled {
  dir: string;
  title: string;
  timestamp: string;
  user: ReturnType<typeof partitionUser>;
}

export async function runInstances(paths: NodePaths, settings: NodeSettings, o: InstanceOptions): Promise<InstanceReport> {
  const opened = await openMaster(paths, settings);
  let master: Promise<{ url: string; serving?: Serving }> | undefined;
  const masterUrl = async () => (await (master ??= masterUrlForRun(settings, opened.local))).url;
  const report: InstanceReport = { exitCode: 0, passes: 0, processed: [] };
  const run: Run = { paths, settings, api: opened.api, masterUrl, local: opened.local, o, freed: 0, reportedAt: new Map(), warned: new Set(), unsettled: new Map() };
  try {
    if (settings['master-url']) await declareComputer(opened.api, paths, settings, o.say);
    const { owners, notice } = partitionOwners(settings);
    if (notice) o.say(notice);
    formatPartitions(paths, settings, owners);
    await ensureSupervisord(paths, [...tsbuildoutCommand(), 'node', 'watchdog', ...paths.nodeArgs]);
    // a partition that failed is retried in a later pass only when the master changed it
    // since (its timestamp), or another partition was deployed since: a child it requested
    // may have published (the proxy does not bump the requester's timestamp for that).
    // That is how one run converges.
    const failedAt = new Map<string, { stamp: string; deployed: number }>();
    let deployed = 0;
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
        const failed = failedAt.get(pid);
        // a partition whose buildout ran and whose promises failed waits for the end of the run
        if (failed && failed.stamp === stamp && (failed.deployed === deployed || last.get(pid)?.status === 'promise-failed')) continue;
        const outcome = await processPartition(run, cp, pass === 0 && !!o.force);
        if (!outcome) continue;
        changed = true;
        report.processed.push(outcome);
        last.set(pid, outcome);
        if (outcome.status === 'failed' || outcome.status === 'promise-failed') failedAt.set(pid, { stamp, deployed });
        else {
          failedAt.delete(pid);
          deployed++;
        }
      }
      // once a pass changed nothing (or after the last one), the promises that failed get
      // their services' time; a partition that passes them may change what the master has
      // (the instances it no longer requests), so another pass follows
      const settled = changed && pass < maxPasses - 1 ? [] : await settle(run, [...last.values()].filter((x) => x.status === 'promise-failed'));
      for (const outcome of settled) {
        report.processed.push(outcome);
        last.set(outcome.partition, outcome);
        failedAt.delete(outcome.partition);
        deployed++;
      }
      if (!changed && !settled.length) break;
    }
    const outcomes = [...last.values()];
    report.exitCode = outcomes.some((x) => x.status === 'failed') ? 1 : outcomes.some((x) => x.status === 'promise-failed') ? 2 : 0;
  } finally {
    if (master) await (await master.catch(() => undefined))?.serving?.close();
    opened.close();
  }
  return report;
}

/** A partition directory holding more than what format puts there. */
function inUse(dir: string): boolean {
  try {
    return readdirSync(dir).some((f) => f !== '.slapos-resource');
  } catch {
    return false;
  }
}

/**
 * slapos node report for a partition requested destroyed: stopped,
 * emptied (the directory stays, as Partition.destroy leaves it), its
 * certificate removed, then reported destroyed. Reported again in a later
 * pass when the master kept it (a root waiting for its children) and a
 * partition was freed since; once per run otherwise.
 */
async function destroyPartition(run: Run, pid: string, dir: string, title: string): Promise<PartitionOutcome | undefined> {
  const { api, settings, o } = run;
  const used = inUse(dir);
  if (!used && run.reportedAt.get(pid) === run.freed) return undefined;
  if (used) {
    o.say(`Destroying partition ${pid} (${title}).`);
    await stopPartition(run.paths, pid);
    for (const f of readdirSync(dir)) rmSync(join(dir, f), { recursive: true, force: true });
    removeCertificate(settings, pid);
  }
  run.reportedAt.set(pid, run.freed);
  try {
    await api.reportState(settings.computer, pid, 'destroyed');
  } catch (e) {
    if (!(e instanceof NotDestroyedYet)) throw e;
    o.say(`Partition ${pid} (${title}) is not freed yet: ${e.message}`);
    return { partition: pid, title, state: 'destroyed', status: 'destroying', message: e.message };
  }
  run.freed++;
  run.reportedAt.delete(pid);
  return { partition: pid, title, state: 'destroyed', status: 'destroyed' };
}

async function processPartition(run: Run, cp: SlapObject, force: boolean): Promise<PartitionOutcome | undefined> {
  const { paths, settings, api, o } = run;
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
  if (state === 'destroyed') return destroyPartition(run, pid, dir, title);
  if (!force && existsSync(stampFile) && readFileSync(stampFile, 'utf8').trim() === timestamp) return undefined;
  o.say(`Processing partition ${pid} (${title}, ${state}).`);
  const user = partitionUser(dir);
  const fail = async (message: string, kind: 'failed' | 'promise-failed', promises?: PromiseResult[]): Promise<PartitionOutcome> => {
    o.say(`Partition ${pid} failed: ${message}`);
    if (kind === 'failed') writeFileSync(join(dir, `.slapgrid-${pid}-error.log`), message + '\n');
    // ComputerPartition.error logs a failure to report and goes on
    await api.error(settings.computer, pid, message).catch((e: unknown) => {
      if (!(e instanceof MasterError)) throw e;
      o.say(`Warning: the error of ${pid} could not be reported: ${e.message}`);
    });
    return { partition: pid, title, state, status: kind, message, ...(promises ? { promises } : {}) };
  };
  // served now, outside the try: a master that cannot be served ends the run, not this partition
  const url = await run.masterUrl();
  try {
    const certificate = await updateCertificate(api, settings, pid, user);
    // the local master knows each partition by its own credentials (master/access.ts)
    const serverUrl = run.local ? run.local.access.partitionUrl(url, settings.computer, pid) : url;
    const tail = { computerId: settings.computer, partitionId: pid, serverUrl, softwareReleaseUrl: softwareUrl, requestedState: state, ...(certificate ? { keyFile: certificate.keyFile, certFile: certificate.certFile } : {}) };
    preparePartition(dir, paths.software(softwareUrl), tail, addressesOf(params), user);
  } catch (e) {
    if (!(e instanceof Error) || (e instanceof MasterError && e.status !== 404)) throw e;
    return fail(e.message, 'failed');
  }
  const result = await runPartitionBuildout(paths.instanceRoot, dir, [], user);
  if (!result.ok) {
    const outcome = await fail(result.errors, 'failed');
    // slapgrid still runs the promises of a started partition
    if (state === 'started') outcome.promises = await runPromises(dir, 0, user);
    return outcome;
  }
  let promises: PromiseResult[] | undefined;
  if (state === 'started') {
    await startPartition(paths, pid, dir, user);
    promises = await runPromises(dir, 0, user);
    const bad = promises.find((p) => p.failed);
    if (bad) {
      run.unsettled.set(pid, { dir, title, timestamp, user });
      return fail(`Promise '${bad.name}' failed with output: ${bad.message}`, 'promise-failed', promises);
    }
    run.unsettled.delete(pid);
    await api.reportState(settings.computer, pid, 'started');
  } else {
    await stopPartition(paths, pid);
    await api.reportState(settings.computer, pid, 'stopped');
  }
  await endTransaction(run, pid, dir);
  writeFileSync(stampFile, timestamp);
  return { partition: pid, title, state, status: 'ok', ...(promises ? { promises } : {}) };
}

/**
 * The partitions whose promises failed right after their services started,
 * their promises run again together for at most PROMISE_GRACE_MS, each while
 * a service of its own may still begin to listen (none started lately: the
 * failure is final); those that turn green are reported started and up to
 * date, as slapgrid's next run would find them (without running buildout
 * again: nothing changed for it).
 */
async function settle(run: Run, failed: PartitionOutcome[]): Promise<PartitionOutcome[]> {
  const { paths, settings, api, o } = run;
  const deadline = Date.now() + PROMISE_GRACE_MS;
  const settled = await Promise.all(
    failed.map(async (outcome): Promise<PartitionOutcome | undefined> => {
      const pid = outcome.partition;
      const u = run.unsettled.get(pid);
      if (!u) return undefined;
      const promises = await runPromises(u.dir, Math.max(0, deadline - Date.now()), u.user, () => groupSettling(paths, pid, PROMISE_SETTLE_MS));
      if (promises.some((p) => p.failed)) return undefined;
      return { partition: pid, title: u.title, state: outcome.state, status: 'ok', promises };
    }),
  );
  const out: PartitionOutcome[] = [];
  // reported one after the other, in the order the partitions were processed
  for (const outcome of settled) {
    if (!outcome) continue;
    const u = run.unsettled.get(outcome.partition)!;
    o.say(`Partition ${outcome.partition} (${u.title}): its promises passed once its services listened.`);
    await api.reportState(settings.computer, outcome.partition, 'started');
    await endTransaction(run, outcome.partition, u.dir);
    writeFileSync(join(u.dir, '.timestamp'), u.timestamp);
    run.unsettled.delete(outcome.partition);
    out.push(outcome);
  }
  return out;
}

/**
 * slapgrid's _endInstallationTransaction: when the partition's recipes
 * talked to the master (the transaction file exists), the instances it
 * requested this time; a master without the call (the proxy: 404) gets a
 * warning, once per run.
 */
async function endTransaction(run: Run, pid: string, dir: string): Promise<void> {
  const transaction = join(dir, `.slapos-request-transaction-${pid}`);
  if (!existsSync(transaction)) return;
  const requested = readFileSync(transaction, 'utf8').split('\n').filter(Boolean);
  try {
    await run.api.relatedInstances(run.settings.computer, pid, [...new Set(requested)]);
  } catch (e) {
    if (!(e instanceof MasterError) || e.status !== 404) throw e;
    if (!run.warned.has('related')) run.o.say(`Warning: the ${run.api.description} does not implement updateComputerPartitionRelatedInstanceList (404): it is not told which instances the partitions still request.`);
    run.warned.add('related');
  }
}
