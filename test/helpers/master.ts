// A `tsbuildout master` in a child process for recipe tests that talk to a
// master: its root directory, URL, access (partition URLs, the
// administrator's token) and an administrator client.
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HttpMaster } from '../../slap/client.ts';
import type { Access } from '../../slapos/master/access.ts';
import { LocalMaster } from '../../slapos/master/local.ts';
import { startMaster } from './node.ts';

export interface TestMaster {
  root: string;
  url: string;
  access: Access;
  /** The test itself as the administrator. */
  http: HttpMaster;
  /** `[slap-connection]` of a partition, with its own credentials. */
  connection(partition: string): string;
  stop(): void;
}

export async function startTestMaster(prefix: string, partitions: number): Promise<TestMaster> {
  const root = mkdtempSync(join(tmpdir(), prefix));
  let child: ChildProcess | undefined;
  try {
    const started = await startMaster(['--db', join(root, 'master.db'), '--listen', '127.0.0.1:0', '--partitions', String(partitions), '--root', join(root, 'node')]);
    child = started.child;
    const db = await LocalMaster.open(join(root, 'master.db'));
    const access = db.access;
    db.close();
    const admin = new URL(started.url);
    admin.username = 'admin';
    admin.password = access.adminToken();
    const url = started.url;
    return {
      root,
      url,
      access,
      http: new HttpMaster(admin.toString()),
      connection: (partition) => `[slap-connection]\ncomputer-id = local\npartition-id = ${partition}\nserver-url = ${access.partitionUrl(url, 'local', partition)}\nsoftware-release-url = /sr/software.cfg\nkey-file =\ncert-file =\n`,
      stop() {
        child?.kill();
        rmSync(root, { recursive: true, force: true });
      },
    };
  } catch (e) {
    child?.kill();
    rmSync(root, { recursive: true, force: true });
    throw e;
  }
}
