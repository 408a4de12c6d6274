// The master's database effects, one implementation each, as
// slapos/proxy/db.py has them (the HTTP server and localApi both call
// these): formatFromDB, supplyFromDB, removeFromDB, freePartitionFromDB,
// requestInstanceFromDB (requestNotSlave, requestSlave, the frontend
// bypasses), bangInstanceFromDB, the connection parameters and the rename of
// slap_tool.py, and the reads hateoas.py makes. The SQL is the proxy's, on
// the proxy's tables (schema.ts), so that rows, their order and the answers
// built from them are the proxy's; where the proxy's statements have no
// ORDER BY, SQLite's order is the table's (rowid), made explicit here.
//
// Beside the proxy's tables, tsbuildout_report17 keeps what the node
// reported (errors, bangs, started/stopped), who requested each instance
// and when its connection parameters last changed.
import type BetterSqlite3 from 'better-sqlite3';
import { PyDict, pyEq, PyList, PyTuple, repr, str, truthy, type PyValue } from '../../python/index.ts';
import { dict2xml, marshal, slapObject, unmarshal, xml2dict, type SlapObject } from '../../slap/marshal.ts';
import { HttpFailure } from './flask.ts';

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
  requested_by: string;
  requested_state: string;
  timestamp: number | null;
}

export interface SlaveRow {
  reference: string;
  computer_reference: string;
  connection_xml: string | null;
  hosted_by: string | null;
  asked_by: string | null;
}

export interface ComputerRow {
  reference: string;
  address: string | null;
  netmask: string | null;
}

export interface NetworkRow {
  partition_reference: string;
  computer_reference: string;
  reference: string;
  address: string;
  netmask: string;
}

export type ReportKind = 'partition' | 'shared';

export interface ReportRow {
  kind: ReportKind;
  reference: string;
  computer_reference: string;
  requester_reference: string | null;
  requester_computer: string | null;
  reported_state: string | null;
  error_text: string | null;
  error_at: number | null;
  bang_text: string | null;
  bang_at: number | null;
  published_at: number | null;
}

/** A partition as formatFromDB takes it (from loadComputerConfigurationFromXML or the node's own format). */
export interface FormattedPartition {
  reference: string;
  addresses: { interface: string; address: string; netmask: string }[];
}

/** requestComputerPartition's arguments, parsed as slap_tool.py parses them. */
export interface RequestInput {
  /** The requester's root title (getRequesterFromForm), '' for a person. */
  requestedBy: string;
  /** The requesting partition itself, kept in tsbuildout's reports. */
  requester?: { computer: string; partition: string };
  softwareRelease: string;
  softwareType: string;
  title: string;
  parameters: PyDict;
  filter: PyDict;
  /** The requested state as loaded (None keeps the current one). */
  state: PyValue;
  shared: boolean;
}

export interface RequestOutcome {
  instance?: SlapObject;
  /** tsbuildout answers 408 where the real master does: a shared instance with no host yet. */
  notReady?: string;
}

// slapos/proxy/db.py requestInstanceFromDB: frontends slapproxy cannot provide
const APACHE_FRONTEND = 'http://git.erp5.org/gitweb/slapos.git/blob_plain/HEAD:/software/apache-frontend/software.cfg';
const KVM_FRONTEND = 'http://git.erp5.org/gitweb/slapos.git/blob_plain/refs/tags/slapos-0.92:/software/kvm/software.cfg';

/** Python's urlsplit netloc: what follows `scheme://` up to the path, query or fragment. */
function netloc(url: string): string {
  const m = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/([^/?#]*)/.exec(url);
  return m ? m[1]! : '';
}

let lastNow = 0;
/** time.time(), strictly increasing within the process (two changes never share a timestamp). */
export function now(): number {
  let t = (performance.timeOrigin + performance.now()) / 1000;
  if (t <= lastNow) t = lastNow + 1e-6;
  lastNow = t;
  return t;
}

export class MasterDb {
  constructor(
    readonly db: BetterSqlite3.Database,
    /** The configured computer ([slapos] computer_id): the default of requests. */
    readonly computerId: string,
  ) {}

  private all<T>(sql: string, ...args: unknown[]): T[] {
    return this.db.prepare(sql).all(...args) as T[];
  }
  private one<T>(sql: string, ...args: unknown[]): T | undefined {
    return this.db.prepare(sql).get(...args) as T | undefined;
  }
  private run(sql: string, ...args: unknown[]): BetterSqlite3.RunResult {
    return this.db.prepare(sql).run(...args);
  }
  /** One transaction, taking the write lock at once (several processes share the database). */
  transaction<T>(f: () => T): T {
    return this.db.transaction(f).immediate();
  }

  // -- reads -----------------------------------------------------------------

  /** getPartitionFromDB */
  /** The computers that have a partition of this reference. */
  computersWithPartition(reference: string): string[] {
    return this.all<{ computer_reference: string }>('SELECT computer_reference FROM partition17 WHERE reference=?', reference).map((r) => r.computer_reference);
  }

  partition(reference: string, computer: string): PartitionRow | undefined {
    return this.one('SELECT * FROM partition17 WHERE reference=? AND computer_reference=?', reference, computer);
  }

  /** getAllocatedInstance: an instance by its title and its root's title ('' for a root). */
  allocatedInstance(title: string, requestedBy = ''): PartitionRow | undefined {
    return this.one('SELECT * FROM partition17 WHERE partition_reference=? AND requested_by=? ORDER BY rowid', title, requestedBy);
  }

  computer(reference: string): ComputerRow | undefined {
    return this.one('SELECT * FROM computer17 WHERE reference=?', reference);
  }

  computers(reference?: string): ComputerRow[] {
    return reference === undefined ? this.all('SELECT * FROM computer17 ORDER BY rowid') : this.all('SELECT * FROM computer17 WHERE reference=? ORDER BY rowid', reference);
  }

  partitions(computer: string): PartitionRow[] {
    return this.all('SELECT * FROM partition17 WHERE computer_reference=? ORDER BY rowid', computer);
  }

  software(computer: string): { url: string; computer_reference: string; requested_state: string }[] {
    return this.all('SELECT * FROM software17 WHERE computer_reference=? ORDER BY rowid', computer);
  }

  /** The addresses of a partition; without a computer, those of every partition of that name (requestNotSlave's query). */
  network(partition: string, computer?: string): NetworkRow[] {
    return computer === undefined
      ? this.all('SELECT * FROM partition_network17 WHERE partition_reference=? ORDER BY rowid', partition)
      : this.all('SELECT * FROM partition_network17 WHERE partition_reference=? AND computer_reference=? ORDER BY rowid', partition, computer);
  }

  slave(reference: string, computer?: string): SlaveRow | undefined {
    return computer === undefined
      ? this.one('SELECT * FROM slave17 WHERE reference=? ORDER BY rowid', reference)
      : this.one('SELECT * FROM slave17 WHERE reference=? AND computer_reference=? ORDER BY rowid', reference, computer);
  }

  /** The first partition of that reference on any computer (hateoas.py and the shared instances' hosts look it up so). */
  partitionAnywhere(reference: string | null): PartitionRow | undefined {
    return this.one('SELECT * FROM partition17 WHERE reference=? ORDER BY rowid', reference);
  }

  /** The first busy partition holding an instance of that title, in any tree. */
  busyPartitionByTitle(title: string): PartitionRow | undefined {
    return this.one("SELECT * FROM partition17 WHERE partition_reference=? AND slap_state='busy' ORDER BY rowid", title);
  }

  /** The first partition holding an instance of that title, in any tree (hateoas.py hateoas_partitions). */
  partitionByTitle(title: string): PartitionRow | undefined {
    return this.one('SELECT * FROM partition17 WHERE partition_reference=? ORDER BY rowid', title);
  }

  /** db.py getRootPartitionList */
  rootPartitions(title?: string): PartitionRow[] {
    return title ? this.all("SELECT * FROM partition17 WHERE slap_state!='free' AND requested_by='' AND partition_reference=? ORDER BY rowid", title) : this.all("SELECT * FROM partition17 WHERE slap_state!='free' AND requested_by='' ORDER BY rowid");
  }

  /** The first shared instance of that title an instance tree asked for (reference `<root title>_<title>`). */
  sharedByTitle(title: string): SlaveRow | undefined {
    return this.one("SELECT * FROM slave17 WHERE reference = asked_by || '_' || ? ORDER BY rowid", title);
  }

  /** db.py getRootSharedList: a person's shared instances (references `_<title>`). */
  rootShared(title?: string): SlaveRow[] {
    return title ? this.all("SELECT * FROM slave17 WHERE asked_by='' AND reference=? ORDER BY rowid", '_' + title) : this.all("SELECT * FROM slave17 WHERE asked_by='' ORDER BY rowid");
  }

  /** The root title of a partition's tree (slap_tool.py getRequesterFromForm), or null. */
  rootTitleOf(partition: string, computer: string): string | null {
    const p = this.partition(partition, computer);
    if (!p) return null;
    return p.requested_by || p.partition_reference;
  }

  // -- effects ---------------------------------------------------------------

  /** db.py formatFromDB: the computer, its partitions (others removed, with the shared instances they hosted) and their addresses. */
  format(computer: string, partitions: FormattedPartition[], address: PyValue, netmask: PyValue): void {
    const refs = partitions.map((p) => p.reference);
    const marks = refs.map(() => '?').join(',');
    this.transaction(() => {
      this.run('INSERT OR REPLACE INTO computer17 values(?, ?, ?)', computer, sqlValue(address), sqlValue(netmask));
      this.run(`DELETE FROM partition17 WHERE computer_reference = ? and reference not in (${marks})`, computer, ...refs);
      this.run(`DELETE FROM slave17 WHERE computer_reference = ? and hosted_by not in (${marks})`, computer, ...refs);
      this.run('DELETE FROM partition_network17 WHERE computer_reference = ?', computer);
      for (const p of partitions) {
        this.run('INSERT OR IGNORE INTO partition17 (reference, computer_reference) values(?, ?)', p.reference, computer);
        for (const a of p.addresses) {
          this.run('INSERT OR REPLACE INTO partition_network17 (reference, partition_reference, computer_reference, address, netmask) values(?, ?, ?, ?, ?)', a.interface, p.reference, computer, a.address, a.netmask);
        }
      }
      // tsbuildout's reports of what is gone
      this.run(`DELETE FROM tsbuildout_report17 WHERE kind='partition' AND computer_reference = ? AND reference not in (${marks})`, computer, ...refs);
      this.run("DELETE FROM tsbuildout_report17 WHERE kind='shared' AND NOT EXISTS (SELECT 1 FROM slave17 s WHERE s.reference = tsbuildout_report17.reference AND s.computer_reference = tsbuildout_report17.computer_reference)");
    });
  }

  /** db.py supplyFromDB */
  supply(computer: string, url: string, state: string): void {
    if (state !== 'available' && state !== 'destroyed') throw new HttpFailure(`Wrong state ${state}`, 500);
    // REPLACE gives the row the next rowid (the order releases are listed in): a
    // row already last with this state would be written unchanged, so it is
    // not written (a no-op `node software` then costs no transaction's fsync)
    const same = this.one<{ last: number }>(
      'SELECT rowid = (SELECT MAX(rowid) FROM software17 WHERE computer_reference = ?) AS last FROM software17 WHERE url = ? AND computer_reference = ? AND requested_state = ?',
      computer,
      url,
      computer,
      state,
    );
    if (same?.last) return;
    this.run('INSERT OR REPLACE INTO software17 VALUES(?, ?, ?)', url, computer, state);
  }

  /** db.py removeFromDB (destroyedSoftwareRelease) */
  removeSoftware(computer: string, url: string): void {
    this.run('DELETE FROM software17 WHERE url = ? and computer_reference=? ', url, computer);
  }

  /**
   * db.py freePartitionFromDB: the partition is free again — unless it is a
   * root with children, which are then requested destroyed (as SlapOS
   * master's Alarm_garbageCollectDestroyUnlinkedInstance). The text is the
   * proxy's answer.
   */
  free(partitionId: string, computerId: string): string {
    return this.transaction(() => {
      const p = this.partition(partitionId, computerId);
      if (!p) return `Unknown partition ${repr(partitionId)} on ${repr(computerId)}`;
      if (!p.requested_by) {
        const children = this.all<{ partition_reference: string | null }>('SELECT partition_reference FROM partition17 WHERE requested_by=? ORDER BY partition_reference', p.partition_reference);
        if (children.length) {
          this.run("UPDATE partition17 SET requested_state='destroyed' WHERE requested_by=?", p.partition_reference);
          return 'Not destroying yet because this partition has child partitions: ' + children.map((c) => c.partition_reference ?? 'None').join(', ');
        }
      }
      this.run(
        "UPDATE partition17 SET slap_state='free', software_release=NULL, xml=NULL, connection_xml=NULL, slave_instance_list=NULL, software_type=NULL, partition_reference=NULL, requested_by='', requested_state='started' WHERE reference=? AND computer_reference=?",
        partitionId,
        computerId,
      );
      this.run("DELETE FROM tsbuildout_report17 WHERE kind='partition' AND reference=? AND computer_reference=?", partitionId, computerId);
      return 'OK';
    });
  }

  /** db.py bangInstanceFromDB: every instance of the tree is processed again. */
  bang(rootTitle: string | null): void {
    this.run('UPDATE partition17 SET timestamp=? WHERE (partition_reference=? AND requested_by=?) OR requested_by=?', now(), rootTitle, '', rootTitle);
  }

  /** slap_tool.py setComputerPartitionConnectionXml: no shared instance (missing, '' or 'None') means the partition itself. */
  setConnection(computer: string, partition: string, connection: PyDict, slaveReference: string | null | undefined): void {
    const xml = dict2xml(connection);
    this.transaction(() => {
      if (!slaveReference || slaveReference === 'None') {
        const before = this.partition(partition, computer);
        this.run('UPDATE partition17 SET connection_xml=? WHERE reference=? AND computer_reference=?', xml, partition, computer);
        if (before && before.connection_xml !== xml) this.report('partition', partition, computer, { published_at: now() });
      } else {
        const before = this.slave(slaveReference);
        this.run('UPDATE slave17 SET connection_xml=? , hosted_by=? WHERE reference=?', xml, partition, slaveReference);
        if (before && before.connection_xml !== xml) this.report('shared', slaveReference, before.computer_reference, { published_at: now() });
      }
    });
  }

  /** slap_tool.py softwareInstanceRename: a root's tree follows its new title. */
  rename(computer: string, partition: string, newName: string): string {
    return this.transaction(() => {
      const p = this.partition(partition, computer);
      if (!p) return `Unknown partition ${repr(partition)} on ${repr(computer)}`;
      if (!p.requested_by) this.run('UPDATE partition17 SET requested_by=? WHERE requested_by=?', newName, p.partition_reference);
      this.run('UPDATE partition17 SET partition_reference=? WHERE reference=? AND computer_reference=?', newName, partition, computer);
      return 'done';
    });
  }

  /**
   * db.py requestInstanceFromDB. `masterUrlElsewhere`: the filter names a
   * master_url that is not this master (views.py getRunId tells) — without
   * multimaster support, the proxy's ConfigurationError.
   */
  request(r: RequestInput, masterUrlElsewhere: boolean): RequestOutcome {
    const notListed = () => new HttpFailure(`External SlapOS Master URL ${str(r.filter.get('master_url') ?? null)} is not listed in multimaster list.`, 404, `External SlapOS Master URL ${str(r.filter.get('master_url') ?? null)} is not listed in multimaster list.`);
    return this.transaction((): RequestOutcome => {
      if (r.shared) {
        if (masterUrlElsewhere) throw notListed();
        const bypass = this.frontendBypass(r);
        if (bypass) return { instance: bypass };
      } else if (masterUrlElsewhere && !this.allocatedInstance(r.title, r.requestedBy)) {
        throw notListed();
      }
      // by default, always on the configured computer
      if (!r.filter.has('computer_guid')) r.filter.set('computer_guid', this.computerId);
      return r.shared ? this.requestSlave(r) : { instance: this.requestNotSlave(r) };
    });
  }

  /** slapproxy cannot provide frontends: an apache frontend for a URL, a KVM VNC frontend, answered directly. */
  private frontendBypass(r: RequestInput): SlapObject | undefined {
    const params = r.parameters;
    const fake = (id: string, connection: Record<string, PyValue>) =>
      slapObject('ComputerPartition', { _computer_id: '', _partition_id: id, _request_dict: null, slap_computer_id: '', slap_computer_partition_id: '', _parameter_dict: new PyDict(), _connection_dict: PyDict.fromObject(connection) }, ['', id, null]);
    if (r.softwareRelease === APACHE_FRONTEND && ['', 'RootSoftwareInstance', 'default'].includes(r.softwareType)) {
      const url = params.get('url');
      if (url !== undefined && truthy(url)) {
        // over https the proxy hands its own http_proxy URL, which tsbuildout does not serve: the URL itself
        const u = str(url);
        return fake(`Fake frontend for ${u}`, { secure_access: u, domain: netloc(u) });
      }
    }
    if (r.softwareRelease === KVM_FRONTEND && r.softwareType === 'frontend') {
      let host = params.get('host');
      const port = params.get('port');
      if (host !== undefined && port !== undefined && truthy(host) && truthy(port)) {
        let h = str(host);
        if (h.includes(':') && h[0] !== '[') h = `[${h}]`;
        host = h;
        const url = `https://${h}:${str(port)}/`;
        return fake(`Fake KVM VNC frontend for ${url}`, { url, domainname: host, port, path: '/' });
      }
    }
    return undefined;
  }

  /** db.py requestNotSlave: the instance (title, root title), allocated on the first free partition of the computer when new. */
  private requestNotSlave(r: RequestInput): SlapObject {
    const xml = dict2xml(r.parameters);
    const computer = str(r.filter.get('computer_guid')!);
    let state = r.state;
    let softwareType: string | null = r.softwareType;
    let p = this.allocatedInstance(r.title, r.requestedBy);
    const sets: [string, unknown][] = [['slap_state', 'busy']];
    const isNew = !p;
    if (!p) {
      p = this.one<PartitionRow>("SELECT * FROM partition17 WHERE slap_state='free' and computer_reference=? ORDER BY rowid", computer);
      if (!p) throw new HttpFailure(`No free computer partition found for: ${r.title}`, 404, `No free computer partition found for: ${r.title}`);
      if (r.title) sets.push(['partition_reference', r.title]);
      if (r.requestedBy) sets.push(['requested_by', r.requestedBy]);
      if (!softwareType) softwareType = 'default';
    } else if (r.requestedBy) {
      // a child follows its root when the root is not started
      const root = this.allocatedInstance(r.requestedBy);
      if (root && root.requested_state !== 'started') state = root.requested_state;
    }
    let changed = p.timestamp === null;
    const wanted: [keyof PartitionRow, PyValue][] = [
      ['requested_state', truthy(state) ? state : p.requested_state],
      ['software_release', r.softwareRelease],
      ['software_type', softwareType],
      ['xml', xml],
    ];
    for (const [k, v] of wanted) {
      if (p[k] !== v) {
        sets.push([k, sqlValue(v)]);
        changed = true;
      }
    }
    if (changed) sets.push(['timestamp', now()]);
    this.run(`UPDATE partition17 SET ${sets.map(([k]) => `${k}=?`).join(', ')} WHERE reference=? AND computer_reference=?`, ...sets.map(([, v]) => v), p.reference, p.computer_reference);
    const row = this.partition(p.reference, p.computer_reference)!;
    if (isNew) this.run("DELETE FROM tsbuildout_report17 WHERE kind='partition' AND reference=? AND computer_reference=?", row.reference, row.computer_reference);
    if (r.requester) this.report('partition', row.reference, row.computer_reference, { requester_reference: r.requester.partition, requester_computer: r.requester.computer });
    const parameters = xml2dict(row.xml);
    parameters.set('timestamp', str(row.timestamp));
    return slapObject('SoftwareInstance', {
      _connection_dict: xml2dict(row.connection_xml),
      _parameter_dict: parameters,
      connection_xml: row.connection_xml,
      slap_computer_id: row.computer_reference,
      slap_computer_partition_id: row.reference,
      slap_software_release_url: row.software_release,
      slap_server_url: 'slap_server_url',
      slap_software_type: row.software_type,
      _instance_guid: `${row.computer_reference}-${row.reference}`,
      _requested_state: truthy(state) ? state : 'started',
      ip_list: addressList(this.network(row.reference)),
    });
  }

  /**
   * db.py requestSlave: the shared instance `<root title>_<title>` joins the
   * slave_instance_list of the first partition of its release (and type,
   * and instance_guid when given) on the computer; requested destroyed, it
   * leaves it.
   */
  private requestSlave(r: RequestInput): RequestOutcome {
    const computer = str(r.filter.get('computer_guid')!);
    const xml = dict2xml(r.parameters);
    const args: string[] = [r.softwareRelease, computer];
    let q = 'SELECT * FROM partition17 WHERE software_release=? and computer_reference=?';
    if (r.softwareType) {
      q += ' AND software_type=?';
      args.push(r.softwareType);
    }
    if (r.filter.has('instance_guid')) {
      q += ' AND reference=?';
      const guid = str(r.filter.get('instance_guid')!);
      args.push(guid.startsWith(computer) ? guid.slice(computer.length + 1) : guid);
    }
    const host = this.one<PartitionRow>(q + ' ORDER BY rowid', ...args);
    if (!host) {
      // the proxy: 404 (AllocationFailure); the real SlapOS master: not ready yet (408)
      return { notReady: `No partition corresponding to slave request: ${repr(new PyList(args))}` };
    }
    const reference = `${r.requestedBy}_${r.title}`;
    const entry = PyDict.fromObject({ slave_title: reference, slap_software_type: r.softwareType, slave_reference: reference });
    for (const [k, v] of r.parameters.entries()) entry.set(k, v);
    let list: PyValue[] | null = null;
    let changed = false;
    if (host.slave_instance_list) list = listItems(unmarshal(host.slave_instance_list));
    if (r.state === 'destroyed') {
      if (list === null) throw new HttpFailure(`object of type 'NoneType' has no len()`, 500);
      const before = list.length;
      list = list.filter((x) => !pyEq(slaveField(x, 'slave_reference'), reference));
      changed = before !== list.length;
    } else if (list !== null) {
      const i = list.findIndex((x) => pyEq(slaveField(x, 'slave_reference'), reference));
      if (i >= 0) {
        if (!pyEq(list[i]!, entry)) {
          list[i] = entry;
          changed = true;
        }
      } else {
        list.push(entry);
        changed = true;
      }
    } else {
      list = [entry];
      changed = true;
    }
    const sets: [string, unknown][] = [['slave_instance_list', marshal(new PyList(list))]];
    if (changed) sets.push(['timestamp', now()]);
    this.run(`UPDATE partition17 SET ${sets.map(([k]) => `${k}=?`).join(', ')} WHERE reference=? and computer_reference=?`, ...sets.map(([, v]) => v), host.reference, computer);
    const partition = this.partition(host.reference, computer)!;
    let slave = this.slave(reference, computer);
    if (!slave) {
      this.run('INSERT INTO slave17 (reference,computer_reference,asked_by,hosted_by) values(?,?,?,?)', reference, computer, r.requestedBy, partition.reference);
      slave = this.slave(reference, computer)!;
    }
    if (r.requester) this.report('shared', reference, computer, { requester_reference: r.requester.partition, requester_computer: r.requester.computer });
    return {
      instance: slapObject('SoftwareInstance', {
        _connection_dict: xml2dict(slave.connection_xml),
        _parameter_dict: xml2dict(xml),
        slap_computer_id: partition.computer_reference,
        slap_computer_partition_id: slave.hosted_by,
        slap_software_release_url: partition.software_release,
        slap_server_url: 'slap_server_url',
        slap_software_type: partition.software_type,
        ip_list: addressList(this.network(partition.reference, partition.computer_reference)),
      }),
    };
  }

  /** The real master's updateComputerPartitionRelatedInstanceList: a child no longer requested is requested destroyed. */
  requestDestroyed(partition: PartitionRow): void {
    this.run("UPDATE partition17 SET requested_state='destroyed', timestamp=? WHERE reference=? AND computer_reference=?", now(), partition.reference, partition.computer_reference);
  }

  // -- tsbuildout's reports --------------------------------------------------

  reportOf(kind: ReportKind, reference: string, computer: string): ReportRow | undefined {
    return this.one('SELECT * FROM tsbuildout_report17 WHERE kind=? AND reference=? AND computer_reference=?', kind, reference, computer);
  }

  /** Set some fields of a report (the row is created when missing). */
  report(kind: ReportKind, reference: string, computer: string, fields: Partial<Omit<ReportRow, 'kind' | 'reference' | 'computer_reference'>>): void {
    this.run('INSERT OR IGNORE INTO tsbuildout_report17 (kind, reference, computer_reference) VALUES (?, ?, ?)', kind, reference, computer);
    const keys = Object.keys(fields);
    if (keys.length) this.run(`UPDATE tsbuildout_report17 SET ${keys.map((k) => `${k}=?`).join(', ')} WHERE kind=? AND reference=? AND computer_reference=?`, ...keys.map((k) => (fields as Record<string, unknown>)[k] ?? null), kind, reference, computer);
  }

  /** The partitions and shared instances a partition requested (tsbuildout's reports). */
  requestedBy(computer: string, partition: string): ReportRow[] {
    return this.all('SELECT * FROM tsbuildout_report17 WHERE requester_computer=? AND requester_reference=? ORDER BY rowid', computer, partition);
  }

  /**
   * The timestamp the node sees for a partition: its own, or later when an
   * instance it requested published new connection parameters since (so
   * that the node processes the requester again and it reads them).
   */
  seenTimestamp(row: PartitionRow): number | null {
    if (row.timestamp === null) return null;
    const r = this.one<{ t: number | null }>('SELECT MAX(published_at) AS t FROM tsbuildout_report17 WHERE requester_computer=? AND requester_reference=?', row.computer_reference, row.reference);
    return r?.t && r.t > row.timestamp ? r.t : row.timestamp;
  }
}

/** A Python value as SQLite stores it through the sqlite3 module. */
function sqlValue(v: PyValue): unknown {
  if (v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'bigint') return v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  return str(v);
}

function addressList(rows: NetworkRow[]): PyList {
  return new PyList(rows.map((a) => new PyTuple([a.reference, a.address])));
}

function listItems(v: PyValue): PyValue[] {
  if (v instanceof PyList || v instanceof PyTuple) return [...v.items];
  throw new HttpFailure('slave_instance_list is not a list', 500);
}

function slaveField(entry: PyValue, key: string): PyValue {
  const v = entry instanceof PyDict ? entry.get(key) : undefined;
  if (v === undefined) throw new HttpFailure(`KeyError: ${repr(key)}`, 500);
  return v;
}
