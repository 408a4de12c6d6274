// Partition certificates, as slapgrid writes them when slapos.cfg has a
// certificate_repository_path (SlapObject.py Partition._updateCertificate):
// getComputerPartitionCertificate's certificate and key in
// <repository>/<partition>.crt and .key, mode 0400, owned by the
// partition's user; buildout's [slap-connection] cert-file and key-file
// name them, so the partition's recipes authenticate to the master. The
// proxy has no partition certificates (it answers empty ones): the
// partition then gets the node's own key and certificate, so that its
// recipes can still reach a proxy behind a TLS front (README).
import { chownSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MasterError, type MasterApi } from '../../slap/api.ts';
import { NodeError, type NodeSettings } from './config.ts';
import type { SystemUser } from './format.ts';

export interface PartitionCertificate {
  keyFile: string;
  certFile: string;
}

export function certificateFiles(settings: NodeSettings, partition: string): PartitionCertificate | undefined {
  const repository = settings['certificate-repository-path'];
  if (!repository) return undefined;
  return { keyFile: join(repository, `${partition}.key`), certFile: join(repository, `${partition}.crt`) };
}

function readNodeFile(path: string | undefined): string {
  if (!path) return '';
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new NodeError(`cannot read ${path}: ${(e as Error).message}`);
  }
}

/** The partition's certificate and key, fetched and written when they changed; undefined without a certificate repository. */
export async function updateCertificate(api: MasterApi, settings: NodeSettings, partition: string, user: SystemUser | undefined): Promise<PartitionCertificate | undefined> {
  const files = certificateFiles(settings, partition);
  if (!files) return undefined;
  let given = { certificate: '', key: '' };
  if (api.partitionCertificate) {
    try {
      given = await api.partitionCertificate(settings.computer, partition);
    } catch (e) {
      if (e instanceof MasterError && e.status === 404) throw new NodeError(`Partition ${partition} is not known by the master.`);
      throw e;
    }
  }
  if (!given.certificate && !given.key) given = { certificate: readNodeFile(settings['cert-file']), key: readNodeFile(settings['key-file']) };
  for (const [text, path] of [[given.certificate, files.certFile], [given.key, files.keyFile]] as const) {
    if (existsSync(path) && readFileSync(path, 'utf8') === text) continue;
    // a 0400 file is replaced, not rewritten
    rmSync(path, { force: true });
    writeFileSync(path, text, { mode: 0o400 });
    if (user) chownSync(path, user.uid, user.gid);
  }
  return files;
}

/** Partition.destroy: the partition's certificate and key removed. */
export function removeCertificate(settings: NodeSettings, partition: string): void {
  const files = certificateFiles(settings, partition);
  if (!files) return;
  rmSync(files.keyFile, { force: true });
  rmSync(files.certFile, { force: true });
}
