// One partition, as slapgrid's Partition prepares and runs it
// (docs/slapos-node.md#the-partition-profile,
// docs/slapos-node.md#running-buildout-in-a-partition,
// docs/slapos-node.md#files-in-a-partition): the software_release link, buildout.cfg (the software's
// instance.cfg, or legacy template.cfg, then slapgrid's tail), the
// .slapos-resource file slapos node format would write, and buildout run
// in the partition with slapgrid's environment and umask 027. Buildout is
// tsbuildout itself, in a child process (`tsbuildout -U install`), as
// slapgrid runs the software's bin/buildout.
import { spawn } from 'node:child_process';
import { appendFileSync, chmodSync, chownSync, existsSync, lchownSync, lstatSync, mkdirSync, readFileSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { guardGroup } from '../../recipes/lib/process-guard.ts';
import { NodeError, tsbuildoutCommand } from './config.ts';
import type { SystemUser } from './format.ts';

export interface TailValues {
  computerId: string;
  partitionId: string;
  serverUrl: string;
  softwareReleaseUrl: string;
  keyFile?: string;
  certFile?: string;
  sharedPartList?: string[];
  buildTimePartList?: string[];
  requestedState: string;
  storageHome?: string;
  globalIpv4NetworkPrefix?: string;
}

/** slapos/grid/templates/buildout-tail.cfg.in, filled. */
export function buildoutTail(v: TailValues): string {
  const key = v.keyFile ?? '';
  const cert = v.certFile ?? '';
  return `# This is beginning of zc.buildout profile's tail added by slapgrid
[buildout]
# put buildout generated binaries in specific directory
bin-directory = \${buildout:directory}/sbin

# protect software and run parts offline
offline = true

[slap-connection]
computer-id = ${v.computerId}
partition-id = ${v.partitionId}
server-url = ${v.serverUrl}
software-release-url = ${v.softwareReleaseUrl}
key-file = ${key}
cert-file = ${cert}
shared-part-list =
  ${(v.sharedPartList ?? []).join('\n  ')}
build-time-part-list =
  ${(v.buildTimePartList ?? []).join('\n  ')}
requested-state = ${v.requestedState}

[slap_connection]
# Kept for backward compatiblity
computer_id = ${v.computerId}
partition_id = ${v.partitionId}
server_url = ${v.serverUrl}
software_release_url = ${v.softwareReleaseUrl}
key_file = ${key}
cert_file = ${cert}

[storage-configuration]
storage-home = ${v.storageHome ?? ''}

[network-information]
global-ipv4-network = ${v.globalIpv4NetworkPrefix ?? ''}
# This is end of zc.buildout profile's tail added by slapgrid
`;
}

/** The software release's instance profile: instance.cfg, else the legacy template.cfg. */
export function instanceProfile(softwareDir: string): string | undefined {
  for (const name of ['instance.cfg', 'template.cfg']) {
    const p = join(softwareDir, name);
    if (existsSync(p)) return p;
  }
  return undefined;
}

function writeIfDifferent(path: string, text: string, mode: number): void {
  if (!existsSync(path) || readFileSync(path, 'utf8') !== text) writeFileSync(path, text, { mode });
  chmodSync(path, mode);
}

export interface Address {
  interface: string;
  address: string;
}

/** Everything slapgrid puts in a partition before buildout runs (user: the partition's, when it is not the node's). */
export function preparePartition(dir: string, softwareDir: string, tail: TailValues, addresses: Address[], user?: SystemUser): void {
  mkdirSync(dir, { recursive: true });
  chmodSync(dir, 0o750);
  const link = join(dir, 'software_release');
  let current: string | undefined;
  try {
    if (lstatSync(link).isSymbolicLink()) current = readlinkSync(link);
  } catch {
    // none yet
  }
  if (current !== softwareDir) {
    rmSync(link, { force: true });
    symlinkSync(softwareDir, link);
    if (user) lchownSync(link, user.uid, user.gid);
  }
  const profile = instanceProfile(softwareDir);
  if (!profile) throw new NodeError(`the software release ${tail.softwareReleaseUrl} has no instance.cfg nor template.cfg in ${softwareDir}: is it installed (tsbuildout node software)?`);
  const config = join(dir, 'buildout.cfg');
  writeIfDifferent(config, readFileSync(profile, 'utf8') + '\n\n' + buildoutTail(tail), 0o640);
  // readable by the partition's group (Partition.install)
  if (user) chownSync(config, -1, user.gid);
  const me = userInfo();
  const resource = {
    reference: tail.partitionId,
    path: dir,
    user: user ? { name: user.name, uid: user.uid, gid: user.gid } : { name: me.username, uid: me.uid, gid: me.gid },
    address_list: addresses.map((a) => ({ addr: a.address, interface: a.interface })),
  };
  writeIfDifferent(join(dir, '.slapos-resource'), JSON.stringify(resource, null, 2) + '\n', 0o644);
  rmSync(join(dir, `.slapos-request-transaction-${tail.partitionId}`), { force: true });
  rmSync(join(dir, `.slapgrid-${tail.partitionId}-error.log`), { force: true });
}

/** The environment buildout runs with (slapgrid's: docs/slapos-node.md#running-buildout-in-a-partition). */
export function buildoutEnvironment(instanceRoot: string, dir: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  const drop = new Set(['PYTHONHOME', 'PYTHONPATH', 'PYTHONSTARTUP', 'PYTHONY2K', 'PYTHONOPTIMIZE', 'PYTHONDEBUG', 'PYTHONDONTWRITEBYTECODE', 'PYTHONINSPECT', 'PYTHONUNBUFFERED', 'PYTHONVERBOSE', 'CONFIG_SITE', 'ENV', 'LOGNAME', 'TEMP', 'TMP', 'TMPDIR', 'LANG', 'LANGUAGE']);
  for (const [k, v] of Object.entries(process.env)) if (!drop.has(k) && !k.startsWith('LC_') && !k.startsWith('NODE_TEST')) env[k] = v;
  env.HOME = dir;
  env.PYTHONNOUSERSITE = 'true';
  env.SLAPGRID_INSTANCE_ROOT = instanceRoot;
  return env;
}

export interface BuildoutResult {
  ok: boolean;
  output: string;
  /** What buildout printed on standard error (its error, when it failed). */
  errors: string;
}

/**
 * The error of a failed run: with --json, tsbuildout prints it last on
 * standard output with its message intact (several lines, as the
 * recipe raised it); the chain of `while:` lines comes from standard error.
 */
export function errorOf(stdout: string, errors: string): string {
  const output = stdout;
  const i = output.lastIndexOf('\n{\n "ok": false');
  if (i >= 0 || output.startsWith('{\n "ok": false')) {
    try {
      const j = JSON.parse(output.slice(i + 1)) as { error?: { message?: string } };
      if (j.error?.message) {
        const chain = errors.split('\n').filter((l) => /^\s+(while|hint|also):/.test(l));
        return ['Error: ' + j.error.message, ...chain].join('\n');
      }
    } catch {
      // not the JSON error
    }
  }
  return errors.trim() || output.trim();
}

/** `tsbuildout -U install` in the partition, umask 027, as the partition's user; output appended to .slapgrid/log/instance.log. */
export function runPartitionBuildout(instanceRoot: string, dir: string, extraArgs: string[] = [], user?: SystemUser): Promise<BuildoutResult> {
  const logDir = join(dir, '.slapgrid', 'log');
  mkdirSync(logDir, { recursive: true });
  if (user) for (const d of [join(dir, '.slapgrid'), logDir]) chownSync(d, user.uid, user.gid);
  const log = join(logDir, 'instance.log');
  appendFileSync(log, `\n${new Date().toISOString()} Running buildout in ${dir}\n`);
  const [cmd, ...args] = tsbuildoutCommand();
  return new Promise((resolve) => {
    // its own process group, ended with the node if the node dies first (a killed node leaves no run behind)
    const child = spawn('/bin/sh', ['-c', 'umask 027 && exec "$@"', 'sh', cmd!, ...args, '-U', '--json', ...extraArgs, 'install'], { cwd: dir, env: buildoutEnvironment(instanceRoot, dir), stdio: ['ignore', 'pipe', 'pipe'], detached: true, ...(user ? { uid: user.uid, gid: user.gid } : {}) });
    const guard = child.pid ? guardGroup(child.pid) : undefined;
    let output = '';
    let stdout = '';
    let errors = '';
    child.stdout.on('data', (d: Buffer) => {
      output += d.toString();
      stdout += d.toString();
      appendFileSync(log, d);
    });
    child.stderr.on('data', (d: Buffer) => {
      output += d.toString();
      errors += d.toString();
      appendFileSync(log, d);
    });
    child.on('error', (e) => resolve({ ok: false, output: e.message, errors: e.message }));
    child.on('close', (code) => {
      guard?.release();
      resolve({ ok: code === 0, output, errors: errorOf(stdout, errors) });
    });
  });
}
