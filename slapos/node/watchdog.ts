// supervisord's event listener for the node (slapos.grid.watchdog): when a
// watched program (`*-on-watch`, from etc/service) exits or fails to start,
// the master gets a bang for its partition — once per successful
// deployment (.slapos_latest_bang_timestamp holds the deployment
// timestamp last banged for) — and the master's new timestamp makes the
// next `node instance` reprocess the partition and start the program
// again.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type NodePaths, type NodeSettings, openMaster } from './config.ts';

export const BANG_FILE = '.slapos_latest_bang_timestamp';

export function parseTokens(line: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const t of line.trim().split(/\s+/)) {
    const i = t.indexOf(':');
    if (i > 0) out[t.slice(0, i)] = t.slice(i + 1);
  }
  return out;
}

/** What the watchdog does with one event; returns the bang message when it sent one. */
export async function handleEvent(paths: NodePaths, load: () => Promise<NodeSettings>, headers: Record<string, string>, payload: Record<string, string>): Promise<string | undefined> {
  if (headers.eventname !== 'PROCESS_STATE_EXITED' && headers.eventname !== 'PROCESS_STATE_FATAL') return undefined;
  const name = payload.processname ?? '';
  const pid = payload.groupname ?? '';
  if (!name.endsWith('-on-watch') || !pid) return undefined;
  const dir = paths.partition(pid);
  const stampFile = join(dir, '.timestamp');
  if (!existsSync(stampFile)) return undefined;
  const stamp = readFileSync(stampFile, 'utf8').trim();
  const bangFile = join(dir, BANG_FILE);
  if (existsSync(bangFile) && readFileSync(bangFile, 'utf8').trim() === stamp) return undefined;
  const message = `${name} process in partition ${pid} ${headers.eventname === 'PROCESS_STATE_FATAL' ? 'could not start' : 'exited'} (from state ${payload.from_state ?? '?'}), bang`;
  // read at each event: the node's settings may have changed since supervisord started the watchdog
  const settings = await load();
  const master = await openMaster(paths, settings);
  try {
    await master.api.bang(settings.computer, pid, message);
  } finally {
    master.close();
  }
  writeFileSync(bangFile, stamp);
  return message;
}

/** The listener loop on standard input/output (supervisord's protocol). */
export function watch(paths: NodePaths, load: () => Promise<NodeSettings>): Promise<void> {
  return new Promise((resolve) => {
    let buf = Buffer.alloc(0);
    let headers: Record<string, string> | undefined;
    let busy = Promise.resolve();
    process.stdout.write('READY\n');
    const pump = () => {
      for (;;) {
        if (!headers) {
          const nl = buf.indexOf(10);
          if (nl < 0) return;
          headers = parseTokens(buf.subarray(0, nl).toString('utf8'));
          buf = buf.subarray(nl + 1);
        }
        const len = Number(headers.len ?? 0);
        if (buf.length < len) return;
        const payload = parseTokens(buf.subarray(0, len).toString('utf8').split('\n')[0] ?? '');
        buf = buf.subarray(len);
        const h = headers;
        headers = undefined;
        busy = busy.then(async () => {
          try {
            const said = await handleEvent(paths, load, h, payload);
            if (said) process.stderr.write(`${new Date().toISOString()} ${said}\n`);
          } catch (e) {
            process.stderr.write(`${new Date().toISOString()} watchdog: ${(e as Error).message}\n`);
          }
          process.stdout.write('RESULT 2\nOKREADY\n');
        });
      }
    };
    process.stdin.on('data', (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      pump();
    });
    process.stdin.on('end', () => void busy.then(resolve));
  });
}
