// The real `slapos proxy` (../shared/tools/slapos-reference proxy start
// --cfg FILE) on a free port with its database in a temporary directory,
// and the real `slapos request` client against it.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, openSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repositoryRoot } from './paths.ts';
import { freePort } from '../../slapos/node/config.ts';

export const slaposReference = join(repositoryRoot(), '..', 'shared', 'tools', 'slapos-reference');

export function hasSlaposReference(): boolean {
  return existsSync(slaposReference);
}

export interface Proxy {
  url: string;
  database: string;
  computer: string;
  stop(): Promise<void>;
}


function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** The proxy for `computer`, answering once /getRunId does; its output goes to dir/proxy.log. */
export async function startProxy(dir: string, computer: string): Promise<Proxy> {
  const port = await freePort();
  const database = join(dir, 'proxy.db');
  const cfg = join(dir, 'proxy.cfg');
  writeFileSync(cfg, `[slapos]\ncomputer_id = ${computer}\nmaster_url = http://127.0.0.1:${port}\n\n[slapproxy]\nhost = 127.0.0.1\nport = ${port}\ndatabase_uri = ${database}\n`);
  const log = openSync(join(dir, 'proxy.log'), 'a');
  const child = spawn(slaposReference, ['proxy', 'start', '--cfg', cfg], { stdio: ['ignore', log, log] });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the proxy exited ${child.exitCode} (see ${join(dir, 'proxy.log')})`);
    try {
      if ((await fetch(`${url}/getRunId`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stopChild(child);
      throw new Error(`the proxy did not answer within 30 s (see ${join(dir, 'proxy.log')})`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { url, database, computer, stop: () => stopChild(child) };
}

/**
 * `slapos request --cfg CFG NAME URL …` (the reference client), whose
 * output ends with the instance's connection parameters as Python prints
 * them; the client runs asynchronously (a TLS front may be served by the
 * caller).
 */
export function slaposRequest(cfg: string, args: string[]): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(slaposReference, ['request', '--cfg', cfg, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('close', (code) => resolve({ code: code ?? -1, output }));
  });
}
