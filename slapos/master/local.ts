// The local master: what `slapos proxy` does (spec §3.9), on a SQLite
// database (better-sqlite3). One computer (default `local`) with partitions
// slappart0…N-1; requests allocate the first free partition or reuse the
// one already holding the title; instance parameters are stored as the
// proxy stores them (the `<instance>` XML of dict2xml, so every value is a
// string); connection parameters as the same XML; shared instances are
// attached to a started partition of the same software release and type.
//
// Beyond the proxy, the database keeps what the node reported (the last
// error, the last bang, started/stopped) so that `tsbuildout show` can say
// it. Every change of what a partition must deploy bumps its timestamp, as
// the proxy does; a bang bumps it too (slapgrid then reprocesses the
// partition), and a child's newly published connection parameters bump its
// requester's (so the requester reads them on the next run).
import type BetterSqlite3 from 'better-sqlite3';
import { PyDict, PyList, PyTuple } from '../../python/value.ts';
import type { InstanceInformation, MasterApi, NetworkAddress, RequestAnswer, RequestArgs } from '../../slap/api.ts';
import { MasterError } from '../../slap/api.ts';
import { dict2xml, marshal, slapObject, unmarshal, xml2dict, type SlapObject } from '../../slap/marshal.ts';

export interface PartitionRow {
  reference: string;
  computer_reference: string;
  slap_state: string;
  software_release: string | null;
  xml: string | null;
  connection_xml: string | null;
  slave_instance_list: string | null;
  software_type: string | null;
  partition_reference: string | null;
  requested_by: string | null;
  requested_state: string;
  timestamp: number;
  reported_state: string | null;
  error_text: string | null;
  error_at: number | null;
  bang_text: string | null;
  bang_at: number | null;
}

export interface SlaveRow {
  reference: string;
  computer_reference: string;
  hosted_by: string | null;
  asked_by: string | null;
  software_release: string;
  software_type: string;
  xml: string | null;
  connection_xml: string | null;
  error_text: string | null;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS computer (reference TEXT PRIMARY KEY, address TEXT, netmask TEXT);
CREATE TABLE IF NOT EXISTS software (url TEXT, computer_reference TEXT, requested_state TEXT DEFAULT 'available', PRIMARY KEY (url, computer_reference));
CREATE TABLE IF NOT EXISTS partition (
  reference TEXT, computer_reference TEXT, slap_state TEXT DEFAULT 'free', software_release TEXT, xml TEXT,
  connection_xml TEXT, slave_instance_list TEXT, software_type TEXT, partition_reference TEXT, requested_by TEXT,
  requested_state TEXT NOT NULL DEFAULT 'started', timestamp REAL NOT NULL DEFAULT 0,
  reported_state TEXT, error_text TEXT, error_at REAL, bang_text TEXT, bang_at REAL,
  PRIMARY KEY (reference, computer_reference));
CREATE TABLE IF NOT EXISTS slave (
  reference TEXT, computer_reference TEXT, hosted_by TEXT, asked_by TEXT, software_release TEXT, software_type TEXT,
  xml TEXT, connection_xml TEXT, error_text TEXT, PRIMARY KEY (reference, computer_reference));
CREATE TABLE IF NOT EXISTS partition_network (
  partition_reference TEXT, computer_reference TEXT, reference TEXT, address TEXT, netmask TEXT);
`;

export const DEFAULT_COMPUTER = 'local';

/** Seconds since the epoch, strictly increasing within the process (timestamps compare). */
let lastNow = 0;
function now(): number {
  let t = Date.now() / 1000;
  if (t <= lastNow) t = lastNow + 0.001;
  lastNow = t;
  return Math.round(t * 1000) / 1000;
}

export class LocalMaster {
  private constructor(readonly db: BetterSqlite3.Database) {
    db.pragma('journal_mode = WAL');
    db.pragma('busy_timeout = 10000');
    db.exec(SCHEMA);
  }

  static async open(path: string): Promise<LocalMaster> {
    // loaded on first use (a native module; the bundles keep it external and every bundle has a require)
    const Database = require('better-sqlite3') as typeof BetterSqlite3;
    return new LocalMaster(new Database(path));
  }

  close(): void {
    this.db.close();
  }

  /**
   * Format the computer: partitions slappart0…N-1 (existing ones kept), each
   * with its own loopback IPv4 address (127.0.1.<i+1>: services of two
   * partitions may use the same port) and IPv6 `::1` (the only loopback one).
   */
  format(partitions: number, computer = DEFAULT_COMPUTER): void {
    const tx = this.db.transaction(() => {
      this.db.prepare('INSERT OR IGNORE INTO computer (reference, address, netmask) VALUES (?, ?, ?)').run(computer, '127.0.1.1', '255.255.255.255');
      for (let i = 0; i < partitions; i++) {
        const ref = `slappart${i}`;
        const r = this.db.prepare('INSERT OR IGNORE INTO partition (reference, computer_reference) VALUES (?, ?)').run(ref, computer);
        if (r.changes) {
          const ins = this.db.prepare('INSERT INTO partition_network VALUES (?, ?, ?, ?, ?)');
          ins.run(ref, computer, 'lo', `127.0.1.${i + 1}`, '255.255.255.255');
          ins.run(ref, computer, 'lo', '::1', 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff');
        }
      }
    });
    tx();
  }

  partitionCount(computer = DEFAULT_COMPUTER): number {
    return (this.db.prepare('SELECT COUNT(*) AS n FROM partition WHERE computer_reference = ?').get(computer) as { n: number }).n;
  }

  supply(url: string, computer = DEFAULT_COMPUTER, state = 'available'): void {
    this.db.prepare('INSERT INTO software (url, computer_reference, requested_state) VALUES (?, ?, ?) ON CONFLICT DO UPDATE SET requested_state = excluded.requested_state').run(url, computer, state);
  }

  softwareList(computer = DEFAULT_COMPUTER): { url: string; requested_state: string }[] {
    return this.db.prepare('SELECT url, requested_state FROM software WHERE computer_reference = ? ORDER BY url').all(computer) as { url: string; requested_state: string }[];
  }

  partitions(computer = DEFAULT_COMPUTER): PartitionRow[] {
    const rows = this.db.prepare('SELECT * FROM partition WHERE computer_reference = ?').all(computer) as PartitionRow[];
    return rows.sort((a, b) => partitionNumber(a.reference) - partitionNumber(b.reference));
  }

  partition(computer: string, reference: string): PartitionRow {
    const row = this.db.prepare('SELECT * FROM partition WHERE computer_reference = ? AND reference = ?').get(computer, reference) as PartitionRow | undefined;
    if (!row) throw new MasterError(`no partition ${reference} on computer ${computer}`, 404);
    return row;
  }

  byTitle(title: string): PartitionRow | undefined {
    return this.db.prepare("SELECT * FROM partition WHERE partition_reference = ? AND slap_state = 'busy'").get(title) as PartitionRow | undefined;
  }

  slaveByTitle(title: string): SlaveRow | undefined {
    return this.db.prepare('SELECT * FROM slave WHERE reference = ?').get(title) as SlaveRow | undefined;
  }

  private network(computer: string, reference: string): NetworkAddress[] {
    return (this.db.prepare('SELECT reference, address, netmask FROM partition_network WHERE computer_reference = ? AND partition_reference = ?').all(computer, reference) as { reference: string; address: string; netmask: string }[]).map((r) => ({ interface: r.reference, address: r.address, netmask: r.netmask }));
  }

  private bump(computer: string, reference: string): void {
    this.db.prepare('UPDATE partition SET timestamp = ? WHERE computer_reference = ? AND reference = ?').run(now(), computer, reference);
  }

  request(args: RequestArgs): RequestAnswer {
    const computer = args.computerId || DEFAULT_COMPUTER;
    const requester = args.partitionId ? this.partition(computer, args.partitionId) : undefined;
    const softwareType = args.softwareType || 'default';
    let state = args.state || 'started';
    const parameters = args.parameters ?? new PyDict();
    const xml = dict2xml(parameters);
    return this.db.transaction((): RequestAnswer => {
      if (args.shared) return this.requestShared(computer, args, softwareType, xml, requester);
      // a child follows its requester's state unless the requester is started
      if (requester && requester.requested_state !== 'started') state = requester.requested_state;
      let row = this.byTitle(args.title);
      if (!row) {
        const free = this.partitions(computer).find((p) => p.slap_state === 'free');
        if (!free) throw new MasterError(`no free partition left on computer ${computer} for ${args.title}`, 404);
        this.db.prepare("UPDATE partition SET slap_state = 'busy', partition_reference = ?, timestamp = ? WHERE computer_reference = ? AND reference = ?").run(args.title, now(), computer, free.reference);
        row = this.partition(computer, free.reference);
      }
      const requestedBy = requester ? requester.reference : null;
      if (row.software_release !== args.softwareRelease || row.software_type !== softwareType || row.xml !== xml || row.requested_state !== state || row.requested_by !== requestedBy) {
        this.db
          .prepare('UPDATE partition SET software_release = ?, software_type = ?, xml = ?, requested_state = ?, requested_by = ?, timestamp = ? WHERE computer_reference = ? AND reference = ?')
          .run(args.softwareRelease, softwareType, xml, state, requestedBy, now(), computer, row.reference);
        row = this.partition(computer, row.reference);
      }
      this.supply(args.softwareRelease, computer);
      return { instance: this.softwareInstance(row) };
    })();
  }

  private requestShared(computer: string, args: RequestArgs, softwareType: string, xml: string, requester: PartitionRow | undefined): RequestAnswer {
    const host = (this.db
      .prepare("SELECT * FROM partition WHERE computer_reference = ? AND slap_state = 'busy' AND requested_state = 'started' AND software_release = ? AND software_type = ? ORDER BY reference")
      .all(computer, args.softwareRelease, softwareType) as PartitionRow[])[0];
    if (!host) return { notReady: `no started instance of ${args.softwareRelease} (type ${softwareType}) to host the shared instance ${args.title}` };
    const before = this.slaveByTitle(args.title);
    const askedBy = requester?.reference ?? null;
    if (!before || before.hosted_by !== host.reference || before.xml !== xml) {
      this.db
        .prepare('INSERT INTO slave (reference, computer_reference, hosted_by, asked_by, software_release, software_type, xml, connection_xml) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO UPDATE SET hosted_by = excluded.hosted_by, asked_by = excluded.asked_by, xml = excluded.xml')
        .run(args.title, computer, host.reference, askedBy, args.softwareRelease, softwareType, xml, before?.connection_xml ?? null);
      if (before?.hosted_by && before.hosted_by !== host.reference) this.refreshSlaveList(computer, before.hosted_by);
      this.refreshSlaveList(computer, host.reference);
    }
    const slave = this.slaveByTitle(args.title)!;
    return {
      instance: slapObject('SoftwareInstance', {
        _connection_dict: xml2dict(slave.connection_xml),
        _parameter_dict: xml2dict(slave.xml),
        _requested_state: 'started',
        _instance_guid: `${computer}-${slave.reference}`,
        slap_computer_id: computer,
        slap_computer_partition_id: host.reference,
      }),
    };
  }

  private refreshSlaveList(computer: string, host: string): void {
    const slaves = this.db.prepare('SELECT * FROM slave WHERE computer_reference = ? AND hosted_by = ? ORDER BY reference').all(computer, host) as SlaveRow[];
    const list = new PyList(
      slaves.map((s) => {
        const d = xml2dict(s.xml);
        d.set('slave_title', s.reference);
        d.set('slap_software_type', s.software_type);
        d.set('slave_reference', s.reference);
        return d;
      }),
    );
    this.db.prepare('UPDATE partition SET slave_instance_list = ?, timestamp = ? WHERE computer_reference = ? AND reference = ?').run(marshal(list), now(), computer, host);
  }

  private parameterDict(row: PartitionRow): PyDict {
    const d = xml2dict(row.xml);
    const root = this.rootTitle(row);
    d.set('ip_list', new PyList(this.network(row.computer_reference, row.reference).map((n) => new PyTuple([n.interface, n.address]))));
    d.set('full_address_list', new PyList());
    d.set('slap_software_type', row.software_type ?? 'default');
    d.set('instance_title', row.partition_reference ?? '');
    d.set('root_instance_title', root);
    d.set('slap_computer_id', row.computer_reference);
    d.set('slap_computer_partition_id', row.reference);
    d.set('slap_software_release_url', row.software_release ?? '');
    const slaves = row.slave_instance_list ? unmarshal(row.slave_instance_list) : new PyList();
    d.set('slave_instance_list', slaves);
    d.set('timestamp', String(row.timestamp));
    return d;
  }

  private rootTitle(row: PartitionRow): string {
    let r = row;
    for (let depth = 0; r.requested_by && depth < 100; depth++) {
      const parent = this.db.prepare('SELECT * FROM partition WHERE computer_reference = ? AND reference = ?').get(r.computer_reference, r.requested_by) as PartitionRow | undefined;
      if (!parent) break;
      r = parent;
    }
    return r.partition_reference ?? '';
  }

  private softwareInstance(row: PartitionRow): SlapObject {
    return slapObject('SoftwareInstance', {
      _connection_dict: xml2dict(row.connection_xml),
      _parameter_dict: xml2dict(row.xml),
      _requested_state: row.requested_state,
      _instance_guid: `${row.computer_reference}-${row.reference}`,
      slap_computer_id: row.computer_reference,
      slap_computer_partition_id: row.reference,
    });
  }

  /** registerComputerPartition: the partition as slapos.slap's ComputerPartition. */
  computerPartition(computer: string, reference: string): SlapObject {
    const row = this.partition(computer, reference);
    const busy = row.slap_state === 'busy';
    return slapObject(
      'ComputerPartition',
      {
        _computer_id: computer,
        _partition_id: reference,
        _requested_state: busy ? row.requested_state : 'destroyed',
        _software_release_document: busy && row.software_release ? slapObject('SoftwareRelease', { _software_release: row.software_release, _computer_guid: computer }, [row.software_release, computer]) : null,
        _need_modification: 1n,
        _instance_guid: `${computer}-${reference}`,
        _parameter_dict: busy ? this.parameterDict(row) : new PyDict(),
        _connection_dict: xml2dict(row.connection_xml),
        _access_status: row.error_text ? `#error ${row.error_text}` : (row.reported_state ?? ''),
      },
      [computer, reference, null],
    );
  }

  /** getFullComputerInformation */
  computerInformation(computer = DEFAULT_COMPUTER): SlapObject {
    return slapObject(
      'Computer',
      {
        _computer_id: computer,
        _computer_partition_list: new PyList(this.partitions(computer).map((p) => this.computerPartition(computer, p.reference))),
        _software_release_list: new PyList(this.softwareList(computer).map((s) => slapObject('SoftwareRelease', { _software_release: s.url, _requested_state: s.requested_state, _computer_guid: computer }, [s.url, computer]))),
      },
      [computer],
    );
  }

  setConnection(computer: string, reference: string, connection: PyDict, slaveReference?: string | null): void {
    const xml = dict2xml(connection);
    this.db.transaction(() => {
      if (slaveReference) {
        const slave = this.slaveByTitle(slaveReference);
        if (!slave) throw new MasterError(`no shared instance ${slaveReference}`, 404);
        if (slave.connection_xml === xml) return;
        this.db.prepare('UPDATE slave SET connection_xml = ? WHERE reference = ?').run(xml, slaveReference);
        if (slave.asked_by) this.bump(computer, slave.asked_by);
        return;
      }
      const row = this.partition(computer, reference);
      if (row.connection_xml === xml) return;
      this.db.prepare('UPDATE partition SET connection_xml = ? WHERE computer_reference = ? AND reference = ?').run(xml, computer, reference);
      if (row.requested_by) this.bump(computer, row.requested_by);
    })();
  }

  error(computer: string, reference: string, message: string, slaveReference?: string | null): void {
    if (slaveReference) {
      this.db.prepare('UPDATE slave SET error_text = ? WHERE reference = ?').run(message, slaveReference);
      return;
    }
    this.partition(computer, reference);
    this.db.prepare("UPDATE partition SET error_text = ?, error_at = ?, reported_state = 'error' WHERE computer_reference = ? AND reference = ?").run(message, now(), computer, reference);
  }

  bang(computer: string, reference: string, message: string): void {
    this.partition(computer, reference);
    this.db.prepare('UPDATE partition SET bang_text = ?, bang_at = ?, timestamp = ? WHERE computer_reference = ? AND reference = ?').run(message, now(), now(), computer, reference);
  }

  reportState(computer: string, reference: string, state: 'started' | 'stopped' | 'destroyed'): void {
    this.partition(computer, reference);
    if (state === 'destroyed') return this.free(computer, reference);
    this.db.prepare('UPDATE partition SET reported_state = ?, error_text = NULL, error_at = NULL WHERE computer_reference = ? AND reference = ?').run(state, computer, reference);
  }

  /** updateComputerPartitionRelatedInstanceList: children no longer requested are destroyed. */
  relatedInstances(computer: string, reference: string, titles: string[]): void {
    const keep = new Set(titles);
    this.db.transaction(() => {
      const children = this.db.prepare("SELECT * FROM partition WHERE computer_reference = ? AND requested_by = ? AND slap_state = 'busy'").all(computer, reference) as PartitionRow[];
      for (const c of children) {
        if (!keep.has(c.partition_reference ?? '') && c.requested_state !== 'destroyed') {
          this.db.prepare("UPDATE partition SET requested_state = 'destroyed', timestamp = ? WHERE computer_reference = ? AND reference = ?").run(now(), computer, c.reference);
        }
      }
    })();
  }

  /** After the node destroyed a partition: free it. */
  free(computer: string, reference: string): void {
    this.db
      .prepare("UPDATE partition SET slap_state = 'free', software_release = NULL, xml = NULL, connection_xml = NULL, slave_instance_list = NULL, software_type = NULL, partition_reference = NULL, requested_by = NULL, requested_state = 'started', reported_state = NULL, error_text = NULL, error_at = NULL, bang_text = NULL, bang_at = NULL, timestamp = ? WHERE computer_reference = ? AND reference = ?")
      .run(now(), computer, reference);
  }

  /** What `tsbuildout show NAME` prints: an instance or shared instance by title. */
  instanceInformation(title: string): InstanceInformation | undefined {
    const row = this.byTitle(title);
    if (row) {
      return {
        title,
        shared: false,
        'software-release': row.software_release,
        'software-type': row.software_type,
        'requested-state': row.requested_state,
        'reported-state': row.reported_state,
        computer: row.computer_reference,
        partition: row.reference,
        'requested-by': row.requested_by,
        parameters: xml2dict(row.xml),
        connection: xml2dict(row.connection_xml),
        error: row.error_text,
        'error-at': row.error_at,
        bang: row.bang_text,
        'bang-at': row.bang_at,
        timestamp: row.timestamp,
      };
    }
    const s = this.slaveByTitle(title);
    if (!s) return undefined;
    return {
      title,
      shared: true,
      'requested-state': 'started',
      'software-release': s.software_release,
      'software-type': s.software_type,
      computer: s.computer_reference,
      'hosted-by': s.hosted_by,
      parameters: xml2dict(s.xml),
      connection: xml2dict(s.connection_xml),
      error: s.error_text,
    };
  }
}

function partitionNumber(ref: string): number {
  const m = /(\d+)$/.exec(ref);
  return m ? Number(m[1]) : 0;
}


/** The local master's database, used in this process. */
export function localApi(m: LocalMaster, description = 'local master'): MasterApi {
  const unsupported = (call: string) => Promise.reject(new MasterError(`${call} is not supported by the ${description}`, 404));
  return {
    description,
    computerInformation: async (c) => m.computerInformation(c),
    loadComputerConfiguration: () => unsupported('loadComputerConfigurationFromXML'),
    computerBang: async () => {},
    supply: async (u, c, s) => m.supply(u, c, s),
    softwareReleaseState: async () => {},
    softwareReleaseError: async () => {},
    register: async (c, p) => m.computerPartition(c, p),
    request: async (a) => m.request(a),
    setConnection: async (c, p, d, s) => m.setConnection(c, p, d, s),
    error: async (c, p, msg, s) => m.error(c, p, msg, s),
    bang: async (c, p, msg) => m.bang(c, p, msg),
    reportState: async (c, p, s) => m.reportState(c, p, s),
    rename: () => unsupported('softwareInstanceRename'),
    relatedInstances: async (c, p, t) => m.relatedInstances(c, p, t),
    instanceInformation: async (t) => m.instanceInformation(t),
  };
}
