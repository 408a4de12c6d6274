// Who may call what on the local master. `slapos proxy` lets anyone do
// anything; the real SlapOS master knows each caller by its certificate: the
// computer's (slapgrid) may act on all its partitions, a partition's only on
// itself and on what it requests. tsbuildout's master does the same with
// tokens carried as HTTP Basic credentials, which every SLAP client sends
// from the userinfo of its master URL (python-requests and Node alike), so
// no client changes:
//
// - the administrator (the node, the CLI): `admin:<token>`, the token kept
//   0600 beside the database (adminTokenPath);
// - a partition: `<partition>:<token>`, the token an HMAC of the partition
//   under the database's secret; the node writes it into the partition's
//   buildout.cfg (`[slap-connection] server-url`, mode 0640, the
//   partition's own), so its recipes reach the master as that partition.
//
// Policy `partition` (the default) checks every call; `open` is the proxy's
// (no check), for clients that cannot carry a partition's credentials (the
// real slapgrid over HTTP gives its own master URL to every partition).
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { chmodSync, closeSync, openSync, readFileSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type BetterSqlite3 from 'better-sqlite3';

export type AccessPolicy = 'partition' | 'open';

export type Identity = { kind: 'admin' } | { kind: 'partition'; computer: string; partition: string } | { kind: 'anonymous' };

export const ADMIN_USER = 'admin';

/** The file holding the administrator's token: `<db without .db>-admin.token` beside the database. */
export function adminTokenPath(database: string): string {
  return join(dirname(database), `${basename(database).replace(/\.db$/, '')}-admin.token`);
}

/** The secret tokens derive from, created with the database (tsbuildout_access17). */
export function accessSecret(db: BetterSqlite3.Database): Buffer {
  const read = () => db.prepare("SELECT value FROM tsbuildout_access17 WHERE name='secret'").get() as { value: string } | undefined;
  // written once: a read the other times (a write transaction costs an up-to-date run more than the rest of its queries)
  let row = read();
  if (!row) {
    // two first runs at once: the one that inserts first wins, both read its secret
    db.prepare("INSERT OR IGNORE INTO tsbuildout_access17 (name, value) VALUES ('secret', ?)").run(randomBytes(32).toString('hex'));
    row = read()!;
  }
  return Buffer.from(row.value, 'hex');
}

export class Access {
  constructor(
    private readonly secret: Buffer,
    readonly policy: AccessPolicy = 'partition',
  ) {}

  private token(...parts: string[]): string {
    return createHmac('sha256', this.secret).update(parts.join('\0')).digest('hex');
  }

  adminToken(): string {
    return this.token('admin');
  }

  partitionToken(computer: string, partition: string): string {
    return this.token('partition', computer, partition);
  }

  /** The master URL a partition's recipes use: its credentials in the userinfo. */
  partitionUrl(url: string, computer: string, partition: string): string {
    const u = new URL(url);
    u.username = encodeURIComponent(partition);
    u.password = this.partitionToken(computer, partition);
    return u.toString().replace(/\/$/, '');
  }

  /** Write the administrator's token beside the database, mode 0600 (kept when it is there). */
  writeAdminToken(database: string): string {
    const path = adminTokenPath(database);
    const token = this.adminToken();
    let current: string | undefined;
    try {
      current = readFileSync(path, 'utf8').trim();
    } catch {
      // not written yet
    }
    if (current !== token) {
      const fd = openSync(path, 'w', 0o600);
      try {
        writeSync(fd, token + '\n');
      } finally {
        closeSync(fd);
      }
    }
    chmodSync(path, 0o600);
    return path;
  }

  /**
   * Who an Authorization header names: the administrator, a partition (of
   * one of the computers that have a partition of that name), or nobody.
   */
  identify(authorization: string | undefined, computersOf: (partition: string) => string[]): Identity {
    const m = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(authorization ?? '');
    if (!m) return { kind: 'anonymous' };
    const text = Buffer.from(m[1]!, 'base64').toString('utf8');
    const colon = text.indexOf(':');
    if (colon < 0) return { kind: 'anonymous' };
    const user = text.slice(0, colon);
    const given = Buffer.from(text.slice(colon + 1));
    const same = (token: string) => {
      const t = Buffer.from(token);
      return t.length === given.length && timingSafeEqual(t, given);
    };
    if (same(this.adminToken())) return { kind: 'admin' };
    for (const computer of computersOf(user)) {
      if (same(this.partitionToken(computer, user))) return { kind: 'partition', computer, partition: user };
    }
    return { kind: 'anonymous' };
  }
}
