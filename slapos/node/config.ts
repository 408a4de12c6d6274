// A node on one machine: its root directory holds the node's settings
// (node.json), the local master's database (master.db), the software root
// (software/<md5 of url>) and the instance root (instance/: partitions,
// supervisord's configuration, socket and logs). A node configured by a
// slapos.cfg (slapos-cfg.ts) takes its settings, software root and
// instance root from there instead, and always has a remote master.
//
// The master is the one of `master-url` when set (a real SlapOS master, a
// `slapos proxy` or a `tsbuildout master` elsewhere, over HTTP or HTTPS
// with the node's key and certificate), else the local master on
// master.db, used directly by the commands and served over HTTP on
// 127.0.0.1:<master-port> while `node instance` runs (recipes in the
// partitions talk to it there).
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { HttpMaster, type MasterConnection } from '../../slap/client.ts';
import type { MasterApi } from '../../slap/api.ts';
import { DEFAULT_COMPUTER, LocalMaster, localApi } from '../master/local.ts';
import { UserError } from '../../parser/diagnostic.ts';

export interface NodeSettings {
  computer: string;
  partitions: number;
  /** A remote master; absent: the local master. */
  'master-url'?: string;
  /** Where the local master is served during `node instance`. */
  'master-port': number;
  /** HTTPS: the node's key and certificate, the master's CA (slapos.cfg key_file, cert_file, master_ca_file). */
  'key-file'?: string;
  'cert-file'?: string;
  'master-ca-file'?: string;
  /** The master's hateoas API (slapos.cfg master_rest_url). */
  'master-rest-url'?: string;
  /** Where each partition's certificate and key are written (slapos.cfg certificate_repository_path). */
  'certificate-repository-path'?: string;
  /** Partition names: <base>0…N-1 (slapformat partition_base_name, default slappart). */
  'partition-base-name'?: string;
  /** Partition users <base>0…N-1 (slapformat user_base_name), when they exist and the node runs as root. */
  'user-base-name'?: string;
}

/** A node failure the user can act on (printed as an `Error:` line, never as a bug). */
export class NodeError extends UserError {}

export const DEFAULT_ROOT = 'slapos-node';
export const DEFAULT_PARTITIONS = 10;

export class NodePaths {
  constructor(
    readonly root: string,
    /** slapos.cfg's software_root, instance_root, shared_part_list (the directories of shared parts, one a line) and the file itself. */
    readonly layout: { softwareRoot?: string; instanceRoot?: string; cfg?: string; sharedPartList?: string } = {},
  ) {}
  get settings() {
    return join(this.root, 'node.json');
  }
  get database() {
    return join(this.root, 'master.db');
  }
  get softwareRoot() {
    return this.layout.softwareRoot ?? join(this.root, 'software');
  }
  get instanceRoot() {
    return this.layout.instanceRoot ?? join(this.root, 'instance');
  }
  /** The arguments that name this node to another tsbuildout command (the watchdog). */
  get nodeArgs(): string[] {
    return this.layout.cfg ? ['--cfg', this.layout.cfg] : ['--root', this.root];
  }
  software(url: string) {
    return join(this.softwareRoot, md5(url));
  }
  partition(id: string) {
    return join(this.instanceRoot, id);
  }
}

export const md5 = (s: string) => createHash('md5').update(s).digest('hex');

/** A port nobody listens on now, on `host` (127.0.0.1 by default). */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.once('error', rej);
    s.listen(0, host, () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => res(port));
    });
  });
}

/** The node's settings, created on first use (a free port picked once for the local master). */
export async function nodeSettings(paths: NodePaths, init: Partial<NodeSettings> = {}): Promise<NodeSettings> {
  let s: NodeSettings | undefined;
  if (existsSync(paths.settings)) s = JSON.parse(readFileSync(paths.settings, 'utf8')) as NodeSettings;
  const before = JSON.stringify(s);
  s ??= { computer: DEFAULT_COMPUTER, partitions: DEFAULT_PARTITIONS, 'master-port': 0 };
  if (init.partitions !== undefined) s.partitions = init.partitions;
  if (init['master-url'] !== undefined) s['master-url'] = init['master-url'];
  if (init['master-port'] !== undefined) s['master-port'] = init['master-port'];
  if (init.computer !== undefined) s.computer = init.computer;
  if (!s['master-port']) s['master-port'] = await freePort();
  if (JSON.stringify(s) !== before) {
    mkdirSync(paths.root, { recursive: true });
    // private: a master URL may carry the master's credentials
    writeFileSync(paths.settings, JSON.stringify(s, null, 2) + '\n', { mode: 0o600 });
  }
  return s;
}

export interface OpenedMaster {
  api: MasterApi;
  /** The local master's database, when the node uses it. */
  local?: LocalMaster;
  close(): void;
}

/** The node's master: remote (HTTP) or the local database, formatted with the node's partitions. */
export async function openMaster(paths: NodePaths, settings: NodeSettings): Promise<OpenedMaster> {
  const url = settings['master-url'];
  if (url) return { api: new HttpMaster(masterConnection(settings)!), close: () => {} };
  mkdirSync(paths.root, { recursive: true });
  const local = await LocalMaster.open(paths.database);
  if (local.partitionCount(settings.computer) < settings.partitions) local.format(settings.partitions, settings.computer);
  return { api: localApi(local, `local master ${paths.database}`), local, close: () => local.close() };
}

/** How the node reaches a remote master (undefined: the local master). */
export function masterConnection(settings: NodeSettings): MasterConnection | undefined {
  const url = settings['master-url'];
  if (!url) return undefined;
  return { url, keyFile: settings['key-file'], certFile: settings['cert-file'], caFile: settings['master-ca-file'], restUrl: settings['master-rest-url'] };
}

/** Partition i's reference. */
export function partitionName(settings: NodeSettings, i: number): string {
  return `${settings['partition-base-name'] ?? 'slappart'}${i}`;
}

/**
 * How to run tsbuildout itself (buildout in partitions, supervisord's
 * watchdog): node + bin/tsbuildout.js — the running command, else the
 * package holding the bundle (a checkout, or an installed copy started
 * through a link such as /usr/bin/tsbuildout or node_modules/.bin), else the
 * current directory (tests and benchmarks run from the repository);
 * TSBUILDOUT_COMMAND overrides.
 */
export function tsbuildoutCommand(): string[] {
  const override = process.env.TSBUILDOUT_COMMAND;
  if (override) return override.split(' ');
  const argv1 = process.argv[1] ?? '';
  if (argv1.endsWith(join('bin', 'tsbuildout.js'))) return [process.execPath, argv1];
  const starts = [typeof __filename !== 'undefined' ? dirname(__filename) : undefined, process.cwd()].filter((s): s is string => !!s);
  for (const start of starts) {
    for (let dir = start; ; dir = dirname(dir)) {
      const bin = join(dir, 'bin', 'tsbuildout.js');
      if (existsSync(bin) && existsSync(join(dir, 'package.json'))) return [process.execPath, bin];
      if (dirname(dir) === dir) break;
    }
  }
  throw new NodeError(`cannot find bin/tsbuildout.js (from ${starts.join(', ')}): set TSBUILDOUT_COMMAND`);
}

export function nodePaths(root?: string): NodePaths {
  return new NodePaths(resolve(root ?? process.env.TSBUILDOUT_NODE_ROOT ?? DEFAULT_ROOT));
}
