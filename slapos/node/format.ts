// What `slapos node format` does that the node needs (slapos/format.py):
// the partition directories (mode 0750, owned by the partition's user
// `<user_base_name><i>` when the node runs as root and that user exists),
// and, at its end, the computer declared to a remote master
// (Computer.updateConfiguration → loadComputerConfigurationFromXML): its
// reference and address, each partition with its addresses and interface.
// Addresses are the node's own (README "Decisions"): partition i gets
// 127.0.1.<i+1> and ::1.
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MasterError, type ComputerConfiguration, type MasterApi } from '../../slap/api.ts';
import type { SlapObject } from '../../slap/marshal.ts';
import { PyList } from '../../python/index.ts';
import { NodeError, type NodePaths, type NodeSettings, partitionName } from './config.ts';

export interface SystemUser {
  name: string;
  uid: number;
  gid: number;
  home: string;
}

const users = new Map<string, SystemUser | undefined>();

/** A user of the system database (getent: NSS users too), by name or uid. */
export function systemUser(key: string | number): SystemUser | undefined {
  const k = String(key);
  if (!users.has(k)) {
    const r = spawnSync('getent', ['passwd', k], { encoding: 'utf8' });
    const f = r.status === 0 ? r.stdout.trim().split('\n')[0]!.split(':') : [];
    users.set(k, f.length >= 6 ? { name: f[0]!, uid: Number(f[2]), gid: Number(f[3]), home: f[5]! } : undefined);
  }
  return users.get(k);
}

export const isRoot = () => process.getuid?.() === 0;

/**
 * Who a partition runs as (slapgrid's Partition.getUserGroupId: the owner
 * of its directory), when that is someone else than the node: only a node
 * running as root gives partitions away, and never to root.
 */
export function partitionUser(dir: string): SystemUser | undefined {
  if (!isRoot() || !existsSync(dir)) return undefined;
  const { uid, gid } = statSync(dir);
  if (uid === 0) return undefined;
  const u = systemUser(uid);
  return { name: u?.name ?? String(uid), uid, gid, home: u?.home ?? dir };
}

/** The users partitions are given to, and what the node says about them (once per run). */
export function partitionOwners(settings: NodeSettings): { owners: (SystemUser | undefined)[]; notice?: string } {
  const base = settings['user-base-name'];
  const owners: (SystemUser | undefined)[] = [];
  if (!base) return { owners };
  const names = Array.from({ length: settings.partitions }, (_, i) => `${base}${i}`);
  if (!isRoot()) return { owners, notice: `user_base_name ${base}: the node does not run as root, its partitions run as ${process.env.USER ?? `uid ${process.getuid?.()}`}.` };
  for (const n of names) owners.push(systemUser(n));
  const missing = names.filter((_, i) => !owners[i]);
  if (missing.length) return { owners, notice: `user_base_name ${base}: no user ${missing.join(', ')} (slapos node format creates them): ${missing.length === names.length ? 'the partitions run' : 'those partitions run'} as root.` };
  return { owners };
}

/** The partition directories, mode 0750, given to their users (Partition.createPath). */
export function formatPartitions(paths: NodePaths, settings: NodeSettings, owners: (SystemUser | undefined)[]): void {
  mkdirSync(paths.instanceRoot, { recursive: true });
  for (let i = 0; i < settings.partitions; i++) {
    const dir = paths.partition(partitionName(settings, i));
    if (!existsSync(dir)) mkdirSync(dir, { mode: 0o750 });
    chmodSync(dir, 0o750);
    const owner = owners[i];
    if (owner && statSync(dir).uid !== owner.uid) chownSync(dir, owner.uid, owner.gid);
  }
}

/** What the node declares: its computer and partitions with their addresses. */
export function computerConfiguration(settings: NodeSettings): ComputerConfiguration {
  if (settings.partitions > 254) throw new NodeError(`${settings.partitions} partitions: a node has at most 254 (partition i listens on 127.0.1.<i+1>)`);
  return {
    reference: settings.computer,
    address: '127.0.1.1',
    netmask: '255.255.255.255',
    partitions: Array.from({ length: settings.partitions }, (_, i) => ({
      reference: partitionName(settings, i),
      interface: 'lo',
      addresses: [
        { addr: `127.0.1.${i + 1}`, netmask: '255.255.255.255' },
        { addr: '::1', netmask: 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff' },
      ],
    })),
  };
}

/** The partition references a master lists for a computer. */
export function listedPartitions(computer: SlapObject): Set<string> {
  const list = computer.attr('_computer_partition_list');
  return new Set(list instanceof PyList ? list.items.map((cp) => String((cp as SlapObject).attr('_partition_id'))) : []);
}

/** Where the node keeps what it declared last, and to which master. */
const recordOf = (paths: NodePaths) => join(paths.instanceRoot, '.tsbuildout-computer.json');

/**
 * The master's view of this computer, after declaring it when the master
 * does not list every partition (first run, a new master database) or the
 * configuration changed since it was last declared to that master. An
 * unknown computer (404) is one to declare.
 */
export async function declareComputer(api: MasterApi, paths: NodePaths, settings: NodeSettings, say: (line: string) => void): Promise<SlapObject | undefined> {
  const wanted = computerConfiguration(settings);
  const record = JSON.stringify({ master: settings['master-url'], configuration: wanted });
  let computer: SlapObject | undefined;
  try {
    computer = await api.computerInformation(settings.computer);
  } catch (e) {
    if (!(e instanceof MasterError) || e.status !== 404) throw e;
  }
  const listed = computer ? listedPartitions(computer) : new Set<string>();
  const last = existsSync(recordOf(paths)) ? readFileSync(recordOf(paths), 'utf8') : '';
  if (wanted.partitions.every((p) => listed.has(p.reference)) && last === record) return computer;
  await api.loadComputerConfiguration(wanted);
  mkdirSync(paths.instanceRoot, { recursive: true });
  writeFileSync(recordOf(paths), record);
  say(`Declared computer ${settings.computer} (${wanted.partitions.length} partitions) to the ${api.description}.`);
  return api.computerInformation(settings.computer);
}
