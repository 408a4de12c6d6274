// Services under supervisord (Debian's supervisor), as slapgrid runs them
// (docs/slapos-node.md#services-under-supervisord): one node-wide supervisord (instance/etc/supervisord.conf,
// socket instance/sv.sock) including instance/etc/supervisord.conf.d/*.conf,
// one group per partition whose programs are the files of etc/run and
// etc/service (the latter named `<file>-on-watch`: watched by the
// watchdog event listener, which bangs the master when they exit), never
// restarted automatically. Driven over XML-RPC like slapgrid's svcbackend.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { sweepTemporaries } from '../../recipes/lib/files.ts';
import { shellQuote } from '../../recipes/lib/shlex.ts';
import { NodeError, type NodePaths } from './config.ts';
import type { SystemUser } from './format.ts';
import { rpcCall, RpcFault, type RpcValue } from './xmlrpc.ts';

export function supervisorPaths(paths: NodePaths) {
  const r = paths.instanceRoot;
  return {
    conf: join(r, 'etc', 'supervisord.conf'),
    confD: join(r, 'etc', 'supervisord.conf.d'),
    socket: join(r, 'sv.sock'),
    log: join(r, 'var', 'log', 'supervisord.log'),
    pid: join(r, 'var', 'run', 'supervisord.pid'),
  };
}

export function supervisordConf(paths: NodePaths, watchdog: string[]): string {
  const p = supervisorPaths(paths);
  return `[unix_http_server]
file = ${p.socket}
chmod = 0700

[supervisord]
logfile = ${p.log}
pidfile = ${p.pid}
childlogdir = ${join(paths.instanceRoot, 'var', 'log')}
logfile_maxbytes = 1MB
logfile_backups = 1
identifier = tsbuildout-node

[rpcinterface:supervisor]
supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface

[supervisorctl]
serverurl = unix://${p.socket}

[include]
files = ${p.confD}/*.conf

[eventlistener:watchdog]
command = ${watchdog.map(shellQuote).join(' ')}
events = PROCESS_STATE_EXITED, PROCESS_STATE_FATAL
autorestart = true
stderr_logfile = ${join(paths.instanceRoot, 'var', 'log', 'watchdog.log')}
`;
}

export async function supervisordAlive(paths: NodePaths): Promise<boolean> {
  const { socket } = supervisorPaths(paths);
  if (!existsSync(socket)) return false;
  try {
    await rpcCall(socket, 'supervisor.getState', [], 5000);
    return true;
  } catch {
    return false;
  }
}

/** Start supervisord when it is not running (writing its configuration). */
export async function ensureSupervisord(paths: NodePaths, watchdog: string[]): Promise<void> {
  const p = supervisorPaths(paths);
  for (const d of [join(paths.instanceRoot, 'etc'), p.confD, join(paths.instanceRoot, 'var', 'log'), join(paths.instanceRoot, 'var', 'run')]) mkdirSync(d, { recursive: true });
  const text = supervisordConf(paths, watchdog);
  if (!existsSync(p.conf) || readFileSync(p.conf, 'utf8') !== text) writeFileSync(p.conf, text);
  if (await supervisordAlive(paths)) return;
  rmSync(p.socket, { force: true });
  const r = spawnSync('supervisord', ['-c', p.conf], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (r.error) throw new NodeError(`cannot start supervisord (install Debian's supervisor): ${r.error.message}`);
  if (r.status !== 0) throw new NodeError(`supervisord failed to start: ${r.stderr || r.stdout}`);
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    if (await supervisordAlive(paths)) return;
    await new Promise((res) => setTimeout(res, 50));
  }
  throw new NodeError(`supervisord did not open ${p.socket} (see ${p.log})`);
}

export async function shutdownSupervisord(paths: NodePaths): Promise<boolean> {
  if (!(await supervisordAlive(paths))) return false;
  const p = supervisorPaths(paths);
  const pid = existsSync(p.pid) ? Number(readFileSync(p.pid, 'utf8').trim()) : NaN;
  await rpcCall(p.socket, 'supervisor.shutdown').catch(() => undefined);
  const deadline = Date.now() + 70_000;
  while (Number.isFinite(pid) && Date.now() < deadline) {
    try {
      process.kill(pid, 0);
    } catch {
      break;
    }
    await new Promise((res) => setTimeout(res, 50));
  }
  return true;
}

/** A name supervisord never gets: a dot file (tsbuildout's temporaries are dot-named) or an older `name.tmp-<pid>` temporary. */
function hidden(name: string): boolean {
  return name.startsWith('.') || /\.tmp-\d+$/.test(name);
}

/** The services of a folder (etc/run, etc/service): its files, less temporaries a killed run left. */
function executables(dir: string): string[] {
  sweepTemporaries(dir);
  try {
    return readdirSync(dir)
      .filter((f) => !hidden(f))
      .filter((f) => {
        try {
          return statSync(join(dir, f)).isFile();
        } catch {
          return false;
        }
      })
      .sort();
  } catch {
    return [];
  }
}

/** The [group] and [program]s of a partition (slapgrid's program_partition_supervisord.conf.in), run as its user; undefined: no service. */
export function partitionConf(pid: string, dir: string, owner?: SystemUser): string | undefined {
  const programs: { name: string; command: string; processName: string }[] = [];
  for (const [sub, watched] of [['run', false], ['service', true]] as const) {
    for (const f of executables(join(dir, 'etc', sub))) programs.push({ name: `${pid}_${f}`, command: join(dir, 'etc', sub, f), processName: watched ? `${f}-on-watch` : f });
  }
  if (!programs.length) return undefined;
  const me = userInfo();
  const user = owner ? { uid: owner.uid, username: owner.name, homedir: owner.home } : { uid: me.uid, username: me.username, homedir: me.homedir };
  const asRoot = process.getuid?.() === 0;
  const out = [`[group:${pid}]`, `programs = ${programs.map((p) => p.name).join(',')}`, ''];
  for (const p of programs) {
    const file = p.command.slice(p.command.lastIndexOf('/') + 1);
    const log = join(dir, `.${pid}_${file}.log`);
    out.push(
      `[program:${p.name}]`,
      `directory = ${dir}`,
      `command = ${shellQuote(p.command)}`,
      `process_name = ${p.processName}`,
      'autostart = false',
      'autorestart = false',
      'startsecs = 0',
      'startretries = 0',
      'exitcodes = 0',
      'stopsignal = TERM',
      'stopwaitsecs = 60',
      'stopasgroup = true',
      'killasgroup = true',
      ...(asRoot ? [`user = ${user.uid}`] : []),
      'serverurl = AUTO',
      'redirect_stderr = true',
      `stdout_logfile = ${log}`,
      'stdout_logfile_maxbytes = 100KB',
      'stdout_logfile_backups = 1',
      `environment = USER="${user.username}",LOGNAME="${user.username}",HOME="${user.homedir}"`,
      '',
    );
  }
  return out.join('\n');
}

async function applyConfig(socket: string): Promise<void> {
  const [[added, changed, removed]] = (await rpcCall(socket, 'supervisor.reloadConfig')) as [[string[], string[], string[]]];
  for (const g of [...removed, ...changed]) {
    await rpcCall(socket, 'supervisor.stopProcessGroup', [g, true]).catch(ignoreFault);
    await rpcCall(socket, 'supervisor.removeProcessGroup', [g]).catch(ignoreFault);
  }
  for (const g of [...changed, ...added]) await rpcCall(socket, 'supervisor.addProcessGroup', [g]).catch(ignoreFault);
}

function ignoreFault(e: unknown): void {
  if (!(e instanceof RpcFault)) throw e;
}

/** Partition.start(): the group's configuration, reloaded; then every stopped program started. */
export async function startPartition(paths: NodePaths, pid: string, dir: string, owner?: SystemUser): Promise<void> {
  const p = supervisorPaths(paths);
  const text = partitionConf(pid, dir, owner);
  const file = join(p.confD, `${pid}.conf`);
  if (text === undefined) {
    if (existsSync(file)) {
      rmSync(file);
      await applyConfig(p.socket);
    }
    return;
  }
  if (!existsSync(file) || readFileSync(file, 'utf8') !== text) writeFileSync(file, text);
  await applyConfig(p.socket);
  await rpcCall(p.socket, 'supervisor.startProcessGroup', [pid, false]).catch(ignoreFault);
}

/** Partition.stop(): the group's configuration removed and reloaded (its processes stop). */
export async function stopPartition(paths: NodePaths, pid: string): Promise<void> {
  const p = supervisorPaths(paths);
  const file = join(p.confD, `${pid}.conf`);
  if (!existsSync(file)) return;
  rmSync(file);
  if (await supervisordAlive(paths)) await applyConfig(p.socket);
}

export interface ProcessInfo {
  name: string;
  group: string;
  statename: string;
  pid: number;
  exitstatus: number;
  description: string;
  /** When it was last started, and supervisord's clock (seconds since the epoch). */
  start: number;
  now: number;
}

/**
 * Whether a program of the group may still begin to listen: one is
 * starting, or running since less than `settleMs` (a service that has
 * exited will not turn a promise green: promises' grace, instance.ts).
 */
export async function groupSettling(paths: NodePaths, group: string, settleMs: number): Promise<boolean> {
  const all = await processes(paths);
  return all.some((p) => p.group === group && (p.statename === 'STARTING' || p.statename === 'BACKOFF' || (p.statename === 'RUNNING' && (p.now - p.start) * 1000 < settleMs)));
}

export async function processes(paths: NodePaths): Promise<ProcessInfo[]> {
  if (!(await supervisordAlive(paths))) return [];
  return ((await rpcCall(supervisorPaths(paths).socket, 'supervisor.getAllProcessInfo')) as RpcValue[]).map((v) => v as unknown as ProcessInfo);
}
