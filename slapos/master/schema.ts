// The master's database: the tables of `slapos proxy` (slapos/proxy/schema.sql,
// version 17, byte for byte, so that the real proxy opens a tsbuildout
// database and the two compare row for row), plus one table of tsbuildout's
// own whose name also ends with the version (slapos/proxy/views.py
// _upgradeDatabaseIfNeeded reads the version from every table name): what
// the node reported, which the proxy answers 'Ignored' and forgets.
//
// Older databases are migrated in one transaction after an SQL dump of them
// is written next to the database, as the proxy does:
// `<db>-backup-<from>to17-<date>.sql`. From the proxy's own older versions
// as views.py does; from tsbuildout's schema before it adopted the proxy's
// (tables without a version, called version 0 here) into the proxy's
// identities: an instance's `requested_by` becomes its root's title, a
// shared instance's reference `<root title>_<title>`.
import { writeFileSync } from 'node:fs';
import type BetterSqlite3 from 'better-sqlite3';
import { PyDict, PyList } from '../../python/index.ts';
import { MasterError } from '../../slap/api.ts';
import { marshal, unmarshal } from '../../slap/marshal.ts';

export const DB_VERSION = '17';

/** slapos/proxy/schema.sql, with %(version)s and %(computer)s as the proxy fills them. */
export function proxySchema(computer: string): string {
  const c = computer.replace(/'/g, "''");
  return `CREATE TABLE config17 (
  name TEXT PRIMARY KEY,
  value TEXT
) WITHOUT ROWID;

CREATE TABLE software17 (
  url VARCHAR(255),
  computer_reference VARCHAR(255) DEFAULT '${c}',
  requested_state VARCHAR(255) DEFAULT 'available',
  PRIMARY KEY (url, computer_reference)
);

CREATE TABLE computer17 (
  reference VARCHAR(255) DEFAULT '${c}',
  address VARCHAR(255),
  netmask VARCHAR(255),
  PRIMARY KEY (reference)
);

CREATE TABLE partition17 (
  reference VARCHAR(255),
  computer_reference VARCHAR(255) DEFAULT '${c}',
  slap_state VARCHAR(255) DEFAULT 'free',
  software_release VARCHAR(255),
  xml TEXT,
  connection_xml TEXT,
  slave_instance_list TEXT,
  software_type VARCHAR(255),
  partition_reference VARCHAR(255), -- name of the instance
  requested_by VARCHAR(255) NOT NULL DEFAULT '',
  requested_state VARCHAR(255) NOT NULL DEFAULT 'started',
  timestamp REAL,
  PRIMARY KEY (reference, computer_reference)
);

CREATE TABLE slave17 (
  reference VARCHAR(255), -- unique slave reference
  computer_reference VARCHAR(255) DEFAULT '${c}',
  connection_xml TEXT,
  hosted_by VARCHAR(255),
  asked_by VARCHAR(255) -- only used for debugging,
                        -- slapproxy does not support proper scope
);

CREATE TABLE partition_network17 (
  partition_reference VARCHAR(255),
  computer_reference VARCHAR(255) DEFAULT '${c}',
  reference VARCHAR(255),
  address VARCHAR(255),
  netmask VARCHAR(255)
);

CREATE TABLE forwarded_partition_request17 (
  partition_reference VARCHAR(255), -- a.k.a source_instance_id
  master_url VARCHAR(255),
  PRIMARY KEY (partition_reference, master_url)
);
`;
}

/**
 * tsbuildout's own: per partition (kind 'partition') and per shared instance
 * (kind 'shared', its slave17 reference), what the node reported and who
 * requested it (the proxy keeps only the root's title, the node needs the
 * requesting partition: updateComputerPartitionRelatedInstanceList, show);
 * and the secret of the callers' credentials.
 */
export const REPORT_SCHEMA = `CREATE TABLE IF NOT EXISTS tsbuildout_report17 (
  kind VARCHAR(255) NOT NULL, -- partition or shared
  reference VARCHAR(255) NOT NULL,
  computer_reference VARCHAR(255) NOT NULL,
  requester_reference VARCHAR(255), -- the partition that requested it
  requester_computer VARCHAR(255),
  reported_state VARCHAR(255), -- started, stopped or error
  error_text TEXT,
  error_at REAL,
  bang_text TEXT,
  bang_at REAL,
  published_at REAL, -- when its connection parameters last changed
  PRIMARY KEY (kind, reference, computer_reference)
);
CREATE TABLE IF NOT EXISTS tsbuildout_access17 (
  name TEXT PRIMARY KEY, -- 'secret': the key the callers' tokens derive from (access.ts)
  value TEXT
);
`;

/** Python's sqlite3 iterdump(): what the proxy writes as its backup before a migration. */
export function sqlDump(db: BetterSqlite3.Database): string {
  const out = ['BEGIN TRANSACTION;'];
  const tables = db.prepare(`SELECT "name", "sql" FROM "sqlite_master" WHERE "sql" NOT NULL AND "type" == 'table' ORDER BY "name"`).all() as { name: string; sql: string }[];
  for (const { name, sql } of tables) {
    if (name.startsWith('sqlite_')) continue;
    out.push(`${sql};`);
    const ident = name.replace(/"/g, '""');
    const columns = (db.prepare(`PRAGMA table_info("${ident}")`).all() as { name: string }[]).map((c) => `'||quote("${c.name.replace(/"/g, '""')}")||'`);
    const rows = db.prepare(`SELECT 'INSERT INTO "${ident}" VALUES(${columns.join(',')})' AS line FROM "${ident}"`).all() as { line: string }[];
    for (const r of rows) out.push(`${r.line};`);
  }
  for (const r of db.prepare(`SELECT "sql" FROM "sqlite_master" WHERE "sql" NOT NULL AND "type" IN ('index', 'trigger', 'view')`).all() as { sql: string }[]) out.push(`${r.sql};`);
  out.push('COMMIT;');
  return out.map((l) => l + '\n').join('');
}

/** datetime.now().isoformat() */
function isoNow(): string {
  const d = new Date();
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}.${p(d.getMilliseconds(), 3)}000`;
}

type Row = Record<string, unknown>;

/**
 * Create the tables, or migrate an older database to them. `path` names the
 * backup; `computer` is the configured computer (the tables' defaults).
 * Returns the backup's path when there was a migration.
 */
export function ensureSchema(db: BetterSqlite3.Database, path: string, computer: string): string | undefined {
  const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name").all() as { name: string }[]).map((t) => t.name);
  if (!tables.length) {
    db.transaction(() => db.exec(proxySchema(computer) + REPORT_SCHEMA))();
    return undefined;
  }
  const versions = new Set(tables.map((t) => /\d+$/.exec(t)?.[0] ?? '0'));
  if (versions.size !== 1) throw new MasterError(`${path}: not a database of the proxy or of tsbuildout (tables ${tables.join(', ')})`);
  const [from] = versions as unknown as [string];
  if (from === DB_VERSION) {
    // a database the real proxy created: tsbuildout's table joins it
    db.exec(REPORT_SCHEMA);
    return undefined;
  }
  if (Number(from) > Number(DB_VERSION)) throw new MasterError(`${path}: a database of a newer proxy (version ${from}); tsbuildout knows version ${DB_VERSION}`);
  const backup = `${path}-backup-${from}to${DB_VERSION}-${isoNow()}.sql`;
  // it holds every instance's parameters, passwords included: private, as the database
  writeFileSync(backup, sqlDump(db), { mode: 0o600 });
  db.transaction(() => {
    db.exec(proxySchema(computer) + REPORT_SCHEMA);
    if (from === '0') migrateTsbuildout(db, tables);
    else migrateProxy(db, tables, from);
    for (const t of tables) db.exec(`DROP TABLE "${t.replace(/"/g, '""')}"`);
  })();
  return backup;
}

function insert(db: BetterSqlite3.Database, table: string, row: Row): void {
  const cols = Object.keys(row);
  db.prepare(`INSERT OR REPLACE INTO ${table} (${cols.join(', ')}) VALUES (${cols.map((c) => ':' + c).join(', ')})`).run(row);
}

/** views.py _upgradeDatabaseIfNeeded, for the proxy's own older versions. */
function migrateProxy(db: BetterSqlite3.Database, tables: string[], from: string): void {
  for (const old of tables) {
    let rows = db.prepare(`SELECT * FROM "${old}"`).all() as Row[];
    if (!rows.length) continue;
    let table = old.slice(0, -from.length);
    if (Number(from) < 17) {
      if (table === 'local_software_release_root') {
        const paths = new Set(rows.map((r) => r.path));
        if (paths.size !== 1) throw new MasterError(`${old}: expected one path, found ${paths.size}`);
        rows = [{ name: table, value: [...paths][0] }];
        table = 'config';
      } else if (table === 'partition') {
        // requested_by: the requesting partition's reference → the root's title
        const byRef = new Map(rows.map((r, i) => [r.reference as string, [i, r.requested_by as string | null] as const]));
        const before = rows.map((r) => ({ ...r }));
        rows.forEach((r, i) => {
          let requestedBy = before[i]!.requested_by as string | null;
          if (!requestedBy) return;
          let j = i;
          for (;;) {
            const up = byRef.get(requestedBy!);
            if (!up) throw new MasterError(`${old}: ${String(r.reference)} is requested by an unknown partition ${requestedBy}`);
            [j, requestedBy] = up;
            if (!requestedBy) break;
          }
          r.requested_by = before[j]!.partition_reference;
        });
      }
    }
    for (const r of rows) insert(db, `${table}${DB_VERSION}`, r);
  }
}

/** tsbuildout's schema before version 17: same partitions, the proxy's identities, reports apart. */
function migrateTsbuildout(db: BetterSqlite3.Database, tables: string[]): void {
  const has = (t: string) => tables.includes(t);
  const all = (t: string) => (has(t) ? (db.prepare(`SELECT * FROM "${t}"`).all() as Row[]) : []);
  for (const r of all('computer')) insert(db, 'computer17', { reference: r.reference, address: r.address, netmask: r.netmask });
  for (const r of all('software')) insert(db, 'software17', { url: r.url, computer_reference: r.computer_reference, requested_state: r.requested_state });
  for (const r of all('partition_network')) {
    db.prepare('INSERT INTO partition_network17 (partition_reference, computer_reference, reference, address, netmask) VALUES (?, ?, ?, ?, ?)').run(r.partition_reference, r.computer_reference, r.reference, r.address, r.netmask);
  }
  const partitions = all('partition');
  const key = (computer: unknown, reference: unknown) => `${String(computer)}\u0000${String(reference)}`;
  const byKey = new Map(partitions.map((p) => [key(p.computer_reference, p.reference), p]));
  // the root's title (db.py keeps it in requested_by; tsbuildout kept the requesting partition)
  const rootTitle = (p: Row): string => {
    let r = p;
    for (let depth = 0; r.requested_by && depth < 1000; depth++) {
      const up = byKey.get(key(r.computer_reference, r.requested_by));
      if (!up) break;
      r = up;
    }
    return (r.partition_reference as string | null) ?? '';
  };
  const slaves = all('slave');
  const slaveReference = (s: Row): string => {
    const asker = s.asked_by ? byKey.get(key(s.computer_reference, s.asked_by)) : undefined;
    return `${asker ? rootTitle(asker) : ''}_${String(s.reference)}`;
  };
  const renamed = new Map(slaves.map((s) => [key(s.computer_reference, s.reference), slaveReference(s)]));
  for (const p of partitions) {
    const busy = p.slap_state === 'busy';
    let list = p.slave_instance_list as string | null;
    if (list) {
      // the host's list names its shared instances by their new references
      const value = unmarshal(list);
      if (value instanceof PyList) {
        for (const d of value.items) {
          if (!(d instanceof PyDict)) continue;
          const ref = renamed.get(key(p.computer_reference, d.get('slave_reference'))) ?? `_${String(d.get('slave_reference'))}`;
          d.set('slave_reference', ref);
          d.set('slave_title', ref);
        }
        list = marshal(value);
      }
    }
    insert(db, 'partition17', {
      reference: p.reference,
      computer_reference: p.computer_reference,
      slap_state: p.slap_state,
      software_release: p.software_release,
      xml: p.xml,
      connection_xml: p.connection_xml,
      slave_instance_list: list,
      software_type: p.software_type,
      partition_reference: p.partition_reference,
      requested_by: busy && p.requested_by ? rootTitle(p) : '',
      requested_state: p.requested_state ?? 'started',
      // 0 was "never": the proxy's NULL
      timestamp: p.timestamp ? p.timestamp : null,
    });
    if (p.reported_state || p.error_text || p.bang_text || p.requested_by) {
      insert(db, 'tsbuildout_report17', {
        kind: 'partition',
        reference: p.reference,
        computer_reference: p.computer_reference,
        requester_reference: p.requested_by ?? null,
        requester_computer: p.requested_by ? p.computer_reference : null,
        reported_state: p.reported_state ?? null,
        error_text: p.error_text ?? null,
        error_at: p.error_at ?? null,
        bang_text: p.bang_text ?? null,
        bang_at: p.bang_at ?? null,
      });
    }
  }
  for (const s of slaves) {
    const asker = s.asked_by ? byKey.get(key(s.computer_reference, s.asked_by)) : undefined;
    const reference = renamed.get(key(s.computer_reference, s.reference))!;
    db.prepare('INSERT INTO slave17 (reference, computer_reference, connection_xml, hosted_by, asked_by) VALUES (?, ?, ?, ?, ?)').run(reference, s.computer_reference, s.connection_xml, s.hosted_by, asker ? rootTitle(asker) : '');
    if (s.error_text || s.asked_by) {
      insert(db, 'tsbuildout_report17', {
        kind: 'shared',
        reference,
        computer_reference: s.computer_reference,
        requester_reference: s.asked_by ?? null,
        requester_computer: s.asked_by ? s.computer_reference : null,
        error_text: s.error_text ?? null,
      });
    }
  }
}
