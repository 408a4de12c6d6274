// The local master: `slapos proxy` on its own database (schema.ts: the
// proxy's tables, version 17, and tsbuildout's reports), call by call as
// slapos/proxy/slap_tool.py answers them, with db.py's effects (db.ts).
// Each method is one call with its arguments parsed; the HTTP server
// (server.ts) and localApi (below, for the node and the commands on this
// machine) both go through them, so an effect has one implementation.
//
// Beyond the proxy: what the node reports (errors, bangs, started/stopped,
// which the proxy answers 'Ignored') is kept for `tsbuildout show`; a
// shared instance with no host yet is not ready (408, as the real SlapOS
// master) where the proxy answers 404; updateComputerPartitionRelatedInstanceList
// (the real master's, not the proxy's) destroys the children a partition no
// longer requests; a requester sees its timestamp move when an instance it
// requested publishes (documents.ts); multimaster forwarding is not done.
import { randomBytes } from 'node:crypto';
import { chmodSync, closeSync, existsSync, openSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type BetterSqlite3 from 'better-sqlite3';
import { PyDict, PyList, repr, str, truthy, type PyValue } from '../../python/index.ts';
import { MasterError, type ComputerConfiguration, type InstanceInformation, type MasterApi, type RequestAnswer, type RequestArgs } from '../../slap/api.ts';
import { xml2dict, type SlapObject } from '../../slap/marshal.ts';
import { MasterDb, now, type FormattedPartition, type RequestInput, type RequestOutcome } from './db.ts';
import { computerDocument, computerPartition } from './documents.ts';
import { HttpFailure } from './flask.ts';
import { sharedInformation } from './hateoas.ts';
import { ensureSchema } from './schema.ts';
import { Access, accessSecret, type AccessPolicy } from './access.ts';

export const DEFAULT_COMPUTER = 'local';

export interface MasterOptions {
  /** [slapos] computer_id: the computer requests go to by default. */
  computerId?: string;
  /** Who may call what over HTTP (access.ts): `partition` (default) or `open` (the proxy's). */
  access?: AccessPolicy;
  /** [slapproxy] software_product_list: product reference → software release URL. */
  softwareProducts?: Map<string, string>;
}

/** A run id as views.py makes it: 32 letters and digits. */
function makeRunId(): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
  return [...randomBytes(32)].map((b) => alphabet[b % alphabet.length]).join('');
}

/**
 * The database and its journal files hold every instance's parameters and
 * connection parameters, passwords included: mode 0600 (SQLite gives the
 * -wal and -shm files the database's mode), older ones made so too.
 */
/**
 * better-sqlite3's compiled addon, named directly: found by the `bindings`
 * package otherwise, which searches a dozen places from a stack trace (a
 * tenth of an up-to-date `node instance`). Where it is not at its usual
 * place (build/Release, where npm's install puts it), `bindings` looks.
 */
function nativeBinding(): BetterSqlite3.Options {
  try {
    const addon = join(dirname(require.resolve('better-sqlite3/package.json')), 'build', 'Release', 'better_sqlite3.node');
    return existsSync(addon) ? { nativeBinding: addon } : {};
  } catch {
    return {};
  }
}

function privateFiles(path: string): void {
  if (!existsSync(dirname(path))) return;
  closeSync(openSync(path, 'a', 0o600));
  for (const f of [path, `${path}-wal`, `${path}-shm`]) {
    try {
      chmodSync(f, 0o600);
    } catch {
      // not there
    }
  }
}

export class LocalMaster {
  readonly m: MasterDb;
  /** views.py getRunId: tells a master it is being asked about itself. */
  readonly runId = makeRunId();
  readonly computerId: string;
  readonly softwareProducts: Map<string, string>;
  readonly access: Access;
  /** The file holding the administrator's token. */
  readonly adminTokenFile: string;

  private constructor(
    readonly db: BetterSqlite3.Database,
    options: MasterOptions,
    /** The backup written when an older database was migrated. */
    readonly migrationBackup: string | undefined,
    path: string,
  ) {
    this.computerId = options.computerId ?? DEFAULT_COMPUTER;
    this.softwareProducts = options.softwareProducts ?? new Map();
    this.m = new MasterDb(db, this.computerId);
    this.access = new Access(accessSecret(db), options.access ?? 'partition');
    this.adminTokenFile = this.access.writeAdminToken(path);
  }

  static async open(path: string, options: MasterOptions = {}): Promise<LocalMaster> {
    // loaded on first use (a native module; the bundles keep it external and every bundle has a require)
    const Database = require('better-sqlite3') as typeof BetterSqlite3;
    let db: BetterSqlite3.Database | undefined;
    try {
      privateFiles(path);
      db = new Database(path, nativeBinding());
      db.pragma('journal_mode = WAL');
      db.pragma('busy_timeout = 10000');
      const backup = ensureSchema(db, path, options.computerId ?? DEFAULT_COMPUTER);
      return new LocalMaster(db, options, backup, path);
    } catch (e) {
      db?.close();
      // a missing directory, a file that is not a database: the user's to fix
      if (e instanceof Error && (e.name === 'SqliteError' || /directory does not exist/.test(e.message))) throw new MasterError(`cannot use the database ${path}: ${e.message}`);
      throw e;
    }
  }

  close(): void {
    this.db.close();
  }

  /**
   * The node's own format: partitions slappart0…N-1 of the computer, each
   * with its own loopback IPv4 address (127.0.1.<i+1>: services of two
   * partitions may use the same port) and IPv6 `::1` (the only loopback
   * one), declared as `slapos node format` declares them.
   */
  format(partitions: number, computer = this.computerId): void {
    const list: FormattedPartition[] = [];
    for (let i = 0; i < partitions; i++) {
      list.push({
        reference: `slappart${i}`,
        addresses: [
          { interface: 'lo', address: `127.0.1.${i + 1}`, netmask: '255.255.255.255' },
          { interface: 'lo', address: '::1', netmask: 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff' },
        ],
      });
    }
    this.m.format(computer, list, '127.0.1.1', '255.255.255.255');
  }

  partitionCount(computer = this.computerId): number {
    return this.m.partitions(computer).length;
  }

  // -- the calls of slap_tool.py ---------------------------------------------

  /** getFullComputerInformation (and getComputerInformation) */
  computerInformation(computer: string): SlapObject {
    if (!this.m.computer(computer) && computer !== this.computerId) throw new HttpFailure(`${computer} is not registered.`, 500);
    return computerDocument(this.m, computer);
  }

  /** registerComputerPartition */
  registerPartition(computer: string, partition: string): SlapObject {
    const p = this.m.partition(partition, computer);
    if (!p) throw new HttpFailure(`no partition ${partition} on computer ${computer}`, 500);
    return computerPartition(this.m, p);
  }

  /** loadComputerConfigurationFromXML */
  loadComputerConfiguration(c: ComputerConfiguration): string {
    this.m.format(
      c.reference,
      c.partitions.map((p) => ({ reference: p.reference, addresses: p.addresses.map((a) => ({ interface: p.interface || p.reference, address: a.addr, netmask: a.netmask })) })),
      c.address,
      c.netmask,
    );
    return 'done';
  }

  /** supplySupply */
  supply(url: string, computer: string, state: string): string {
    this.m.supply(computer, url, state);
    return `Supplied ${repr(url)} to be ${state}`;
  }

  /** destroyedSoftwareRelease */
  destroyedSoftware(url: string, computer: string): string {
    this.m.removeSoftware(computer, url);
    return 'OK';
  }

  /** requestComputerPartition */
  async request(r: RequestInput): Promise<RequestOutcome> {
    const masterUrl = r.filter.get('master_url');
    const elsewhere = masterUrl !== undefined && truthy(masterUrl) && !(await this.isThisMaster(str(masterUrl)));
    return this.m.request(r, elsewhere);
  }

  /** The root title getRequesterFromForm finds for a requesting partition ('' when unknown or free). */
  requesterOf(computer: string | null | undefined, partition: string | null | undefined): string {
    if (computer === null || computer === undefined || partition === null || partition === undefined) return '';
    return this.m.rootTitleOf(partition, computer) ?? '';
  }

  /** db.py checkIfMasterIsCurrentMaster: ask the URL for its run id. */
  private async isThisMaster(url: string): Promise<boolean> {
    try {
      const res = await fetch(new URL('/getRunId', url.endsWith('/') ? url : url + '/'), { signal: AbortSignal.timeout(10_000) });
      return (await res.text()) === this.runId;
    } catch {
      return false;
    }
  }

  /** setComputerPartitionConnectionXml */
  setConnection(computer: string, partition: string, connection: PyDict, slaveReference?: string | null): string {
    this.m.setConnection(computer, partition, connection, slaveReference);
    return 'done';
  }

  /** softwareInstanceError: 'Ignored' by the proxy; tsbuildout keeps it for show. */
  error(computer: string, partition: string, message: string, slaveReference?: string | null): string {
    if (slaveReference && slaveReference !== 'None') this.m.report('shared', slaveReference, computer, { error_text: message, error_at: now() });
    else if (this.m.partition(partition, computer)) this.m.report('partition', partition, computer, { reported_state: 'error', error_text: message, error_at: now() });
    return 'Ignored';
  }

  /** softwareInstanceBang: the whole instance tree is processed again. */
  bang(computer: string, partition: string, message: string): string {
    this.m.transaction(() => {
      this.m.bang(this.m.rootTitleOf(partition, computer));
      if (this.m.partition(partition, computer)) this.m.report('partition', partition, computer, { bang_text: message, bang_at: now() });
    });
    return 'OK';
  }

  /** startedComputerPartition, stoppedComputerPartition: 'Ignored' by the proxy; tsbuildout keeps them for show. */
  reportState(computer: string, partition: string, state: 'started' | 'stopped'): string {
    if (this.m.partition(partition, computer)) this.m.report('partition', partition, computer, { reported_state: state, error_text: null, error_at: null });
    return 'Ignored';
  }

  /**
   * What the node last reported for a partition, as the real SlapOS master's
   * access status reads (`#error …`, `started`, `stopped`); the proxy keeps none.
   */
  accessStatus(computer: string, partition: string): string {
    const r = this.m.reportOf('partition', partition, computer);
    return r?.error_text ? `#error ${r.error_text}` : (r?.reported_state ?? '');
  }

  /** destroyedComputerPartition */
  destroyed(computer: string, partition: string): string {
    return this.m.free(partition, computer);
  }

  /** softwareInstanceRename (the proxy renames the partition even when a shared instance is named) */
  rename(computer: string, partition: string, newName: string): string {
    return this.m.rename(computer, partition, newName);
  }

  /** getSoftwareReleaseListFromSoftwareProduct: from [slapproxy] software_product_list. */
  softwareReleaseList(product: string | null, url: string | null): PyList {
    if (url) {
      if (product !== null) throw new HttpFailure('software_product_reference and software_release_url are exclusive', 500);
      throw new HttpFailure('software_release_url parameter is not supported yet.', 500);
    }
    if (product === null) throw new HttpFailure('software_product_reference is required', 500);
    const found = this.softwareProducts.get(product);
    return new PyList(found === undefined ? [] : [found]);
  }

  /**
   * updateComputerPartitionRelatedInstanceList (the real master's; the proxy
   * has no such call): the partitions this one requested and no longer
   * requests are requested destroyed.
   */
  relatedInstances(computer: string, partition: string, titles: string[]): void {
    const keep = new Set(titles);
    this.m.transaction(() => {
      for (const r of this.m.requestedBy(computer, partition)) {
        if (r.kind !== 'partition') continue;
        const child = this.m.partition(r.reference, r.computer_reference);
        if (!child || child.slap_state !== 'busy' || keep.has(child.partition_reference ?? '') || child.requested_state === 'destroyed') continue;
        this.m.requestDestroyed(child);
      }
    });
  }

  /**
   * What `tsbuildout show NAME` prints: the instance tree of that title (or
   * a person's shared instance of that title), else the first instance or
   * shared instance of that title in any tree; with what tsbuildout also
   * knows.
   */
  instanceInformation(title: string): InstanceInformation | undefined {
    const p = this.m.rootPartitions(title)[0] ?? (this.m.rootShared(title).length ? undefined : this.m.busyPartitionByTitle(title));
    const shared = p ? undefined : (this.m.rootShared(title)[0] ?? this.m.sharedByTitle(title));
    if (shared) {
      const info = sharedInformation(this.m, shared);
      const report = this.m.reportOf('shared', shared.reference, shared.computer_reference);
      return {
        title,
        shared: true,
        'software-release': info?.host.software_release ?? null,
        'software-type': typeof info?.softwareType === 'string' ? info.softwareType : null,
        'requested-state': 'started',
        parameters: info?.parameters ?? new PyDict(),
        connection: xml2dict(shared.connection_xml),
        computer: shared.computer_reference,
        'hosted-by': shared.hosted_by,
        error: report?.error_text ?? null,
        'error-at': report?.error_at ?? null,
      };
    }
    const row = p;
    if (!row) return undefined;
    const report = this.m.reportOf('partition', row.reference, row.computer_reference);
    return {
      title,
      shared: false,
      'software-release': row.software_release,
      'software-type': row.software_type,
      'requested-state': row.requested_state,
      'reported-state': report?.reported_state ?? null,
      computer: row.computer_reference,
      partition: row.reference,
      'requested-by': report?.requester_reference ?? null,
      parameters: xml2dict(row.xml),
      connection: xml2dict(row.connection_xml),
      error: report?.error_text ?? null,
      'error-at': report?.error_at ?? null,
      bang: report?.bang_text ?? null,
      'bang-at': report?.bang_at ?? null,
      timestamp: row.timestamp,
    };
  }
}

/** RequestArgs (slap/api.ts) as requestComputerPartition parses them, the requester found as getRequesterFromForm finds it. */
export function requestInput(m: LocalMaster, a: RequestArgs): RequestInput {
  const requester = a.computerId && a.partitionId ? { computer: a.computerId, partition: a.partitionId } : undefined;
  return {
    requestedBy: requester ? m.requesterOf(requester.computer, requester.partition) : '',
    requester,
    softwareRelease: a.softwareRelease,
    // what slapos.slap sends for None: the client's defaults
    softwareType: a.softwareType ?? 'default',
    title: a.title,
    parameters: a.parameters ?? new PyDict(),
    filter: a.filter ? a.filter.copy() : new PyDict(),
    state: (a.state ?? 'started') as PyValue,
    shared: a.shared ?? false,
  };
}

/** The local master's database, used in this process: every call of MasterApi with the effects of the HTTP calls. */
export function localApi(master: LocalMaster, description = 'local master'): MasterApi {
  return {
    description,
    computerInformation: async (computer) => master.computerInformation(computer),
    loadComputerConfiguration: async (c) => void master.loadComputerConfiguration(c),
    computerBang: async () => {},
    supply: async (url, computer, state = 'available') => void master.supply(url, computer, state),
    softwareReleaseState: async (url, computer, state) => {
      if (state === 'destroyed') master.destroyedSoftware(url, computer);
    },
    softwareReleaseError: async () => {},
    register: async (computer, partition) => master.registerPartition(computer, partition),
    request: async (a): Promise<RequestAnswer> => master.request(requestInput(master, a)),
    setConnection: async (computer, partition, connection, slave) => void master.setConnection(computer, partition, connection, slave),
    error: async (computer, partition, message, slave) => void master.error(computer, partition, message, slave),
    bang: async (computer, partition, message) => void master.bang(computer, partition, message),
    reportState: async (computer, partition, state) => {
      if (state === 'destroyed') master.destroyed(computer, partition);
      else master.reportState(computer, partition, state);
    },
    rename: async (computer, partition, newName) => void master.rename(computer, partition, newName),
    relatedInstances: async (computer, partition, titles) => master.relatedInstances(computer, partition, titles),
    instanceInformation: async (title) => master.instanceInformation(title),
  };
}
