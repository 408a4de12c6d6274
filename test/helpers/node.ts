// Running tsbuildout's commands against a temporary SlapOS node, as a
// person would (the bundled command in a child process).
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { lockDirectory, type Lock } from '../../executor/lock.ts';
import { repositoryRoot } from './paths.ts';
import { freePort } from '../../slapos/node/config.ts';
import { adminTokenPath } from '../../slapos/master/access.ts';

export interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

/** `tsbuildout ARGS…` (asynchronously: a local master may be served by the caller). */
export function cli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Ran> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(repositoryRoot(), 'bin', 'tsbuildout.js'), ...args], { cwd: repositoryRoot(), env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

/** Like cli, but a non-zero exit fails with the output. */
export async function ok(args: string[]): Promise<Ran> {
  const r = await cli(args);
  if (r.code !== 0) throw new Error(`tsbuildout ${args.join(' ')} exited ${r.code}\n${r.stdout}\n${r.stderr}`);
  return r;
}

export function hasSupervisord(): boolean {
  return spawnSync('supervisord', ['--version']).status === 0;
}

/** Write executable stubs: {relative path: script text}. */
export function writeStubs(dir: string, files: Record<string, string>): string {
  for (const [rel, text] of Object.entries(files)) {
    const p = join(dir, rel);
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, text);
    chmodSync(p, 0o755);
  }
  return dir;
}

/** A stub that runs fixtures/slapos/stub-server.mjs with the arguments a shell snippet computes. */
export function stubServer(shell: string): string {
  return `#!/bin/sh\n# written by tsbuildout's tests: stands in for the real daemon\nSTUB=${JSON.stringify(join(repositoryRoot(), 'fixtures', 'slapos', 'stub-server.mjs'))}\n${shell}\n`;
}

export interface Status {
  partition: string;
  title: string;
  state: string;
  status: string;
  services: { name: string; state: string; pid: number }[];
  promises: Record<string, { failed: boolean; message: string }>;
}

export async function status(root: string): Promise<Status[]> {
  return JSON.parse((await ok(['--json', 'node', 'status', '--root', root])).stdout) as Status[];
}

export async function show(root: string, name: string): Promise<Record<string, unknown> & { connection: Record<string, string>; parameters: Record<string, string> }> {
  return JSON.parse((await ok(['--json', 'show', name, '--root', root])).stdout) as Record<string, unknown> & { connection: Record<string, string>; parameters: Record<string, string> };
}

/** GET a URL, the body or the error. */
export async function get(url: string): Promise<string> {
  try {
    const r = await fetch(url, { signal: AbortSignal.timeout(5000) });
    return await r.text();
  } catch (e) {
    return `ERROR ${String((e as Error).cause ?? e)}`;
  }
}

/** The last buildout run in a partition, from slapgrid's instance.log. */
export function lastRun(log: string): string {
  const i = log.lastIndexOf(' Running buildout in ');
  return i < 0 ? '' : log.slice(i);
}

/** The URL a starting `tsbuildout master` says it serves at (its standard output), or its exit as an error. */
export function servedAt(master: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    master.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = / at (http:\/\/\S+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    master.on('exit', (code) => reject(new Error(`tsbuildout master exited ${code}: ${out}`)));
  });
}

/** A TCP port free on ::1 now (the example's instances listen there). */
export const freeV6Port = () => freePort('::1');

/**
 * The software releases of the corpus listen on fixed ports (helloworld on
 * 7777-7779, html5as on 8081…): runs of these tests or benchmarks from two
 * checkouts on one machine take turns, through a lock in the temporary
 * directory (a lock whose process is gone is taken over).
 */
export async function fixedPortsLock(): Promise<Lock> {
  const dir = join(tmpdir(), 'tsbuildout-fixed-ports');
  mkdirSync(dir, { recursive: true });
  return lockDirectory(dir, { say: (m) => process.stderr.write(m + '\n') });
}

/** `tsbuildout master ARGS…` in a child process, once it says where it serves. */
export async function startMaster(args: string[]): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [join(repositoryRoot(), 'bin', 'tsbuildout.js'), 'master', ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  return { child, url: await servedAt(child) };
}

/** A served master's URL as its administrator: `admin:<token>`, the token beside its database (a remote node's --master-url). */
export function adminUrl(url: string, database: string): string {
  const admin = new URL(url);
  admin.username = 'admin';
  admin.password = readFileSync(adminTokenPath(database), 'utf8').trim();
  return admin.toString().replace(/\/$/, '');
}
