// Language server benchmarks: `tsbuildout lsp` beside buildoutls (the
// peer, ../shared/tools/buildoutls-reference, when it runs here), both over
// stdio with the same client and the same requests, on software/erp5:
// opening software/erp5/software.cfg in a new server until its first
// diagnostics; diagnostics after one-character edits, of that file (its
// whole extends tree) and of a component of the tree opened beside it;
// hover and definition on the `${…}` of stack/erp5-zope2/buildout.cfg
// (the tree's largest profile, opened beside them); the server's
// resident memory with the tree loaded. Called by bench/run.ts; `node
// dist/bench/lsp.mjs` runs it alone.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LspClient, uri } from '../test/helpers/lsp-client.ts';
import { median, table } from './lib/stats.ts';

interface Server {
  name: string;
  command: string;
  args: string[];
}

function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]! : NaN;
}

function rssMb(pid: number | undefined): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : NaN;
  } catch {
    return NaN;
  }
}

/** The CPU time (user + system) a process used so far, in ms (clock ticks of 10 ms): a figure the machine's load skews less than the wall. */
function cpuMs(pid: number | undefined): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /s, '').split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return NaN;
  }
}

function diagnosticsAfter(client: LspClient, path: string, version: number, timeoutMs = 120_000) {
  return client.waitFor('textDocument/publishDiagnostics', (p) => p.uri === uri(path) && (p.version === undefined || p.version === null || p.version === version), timeoutMs);
}

/** A new server: initialize, open the profile, until its first diagnostics. */
async function open(server: Server, corpus: string, profile: string): Promise<{ client: LspClient; ms: number; cpu: number; count: number }> {
  const t0 = performance.now();
  const client = LspClient.start(server.command, server.args, corpus);
  await client.initialize(corpus);
  const text = readFileSync(profile, 'utf8');
  const first = client.diagnostics(profile, undefined, 180_000);
  client.open(profile, text, 'zc-buildout');
  const d = await first;
  return { client, ms: performance.now() - t0, cpu: cpuMs(client.child.pid), count: d.diagnostics.length };
}

/** One-character edits (a space after the first header, then removed), each until the document's diagnostics. */
async function edits(client: LspClient, path: string, runs: number, startVersion: number): Promise<{ times: number[]; cpu: number[] }> {
  const text = readFileSync(path, 'utf8');
  const eol = text.indexOf('\n');
  const times: number[] = [];
  const cpu: number[] = [];
  let version = startVersion;
  for (let i = 0; i < runs; i++) {
    version++;
    const insert = i % 2 === 0;
    const at = { line: 0, character: eol };
    const change = insert ? { range: { start: at, end: at }, text: ' ' } : { range: { start: at, end: { line: 0, character: eol + 1 } }, text: '' };
    const t0 = performance.now();
    const c0 = cpuMs(client.child.pid);
    const published = diagnosticsAfter(client, path, version);
    client.notify('textDocument/didChange', { textDocument: { uri: uri(path), version }, contentChanges: [change] });
    await published;
    times.push(performance.now() - t0);
    cpu.push(cpuMs(client.child.pid) - c0);
    // let a server that refreshes other documents after a pause do it, as between keystrokes
    await new Promise((r) => setTimeout(r, 30));
  }
  return { times, cpu };
}

/** The option part of every `${section:option}` of a text (not in comments). */
function references(text: string): { line: number; character: number }[] {
  const out: { line: number; character: number }[] = [];
  text.split('\n').forEach((l, line) => {
    if (/^\s*[#;]/.test(l)) return;
    for (const m of l.matchAll(/\$\{([-a-zA-Z0-9 ._]*):[-a-zA-Z0-9 ._]+\}/g)) out.push({ line, character: m.index + m[1]!.length + 3 });
  });
  return out;
}

async function latencies(client: LspClient, path: string, method: string, positions: { line: number; character: number }[]): Promise<{ times: number[]; answered: number }> {
  const times: number[] = [];
  let answered = 0;
  for (const position of positions) {
    const t0 = performance.now();
    const r = await client.call(method, { textDocument: { uri: uri(path) }, position }, 60_000);
    times.push(performance.now() - t0);
    if (r.result && (!Array.isArray(r.result) || r.result.length)) answered++;
  }
  return { times, answered };
}

const ms = (x: number) => (Number.isNaN(x) ? '—' : x < 10 ? x.toFixed(2) : x.toFixed(0));

export async function lspBench(root: string, corpus: string, runs = Number(process.env.BENCH_LSP_RUNS ?? 3)): Promise<string> {
  if (!existsSync(corpus)) return `(no corpus at ${corpus}: language server benchmark skipped)`;
  const profile = join(corpus, 'software/erp5/software.cfg');
  const component = join(corpus, 'component/zlib/buildout.cfg');
  // BENCH_LSP_NODE_ARGS: options for the server's node (`--cpu-prof --cpu-prof-dir=DIR` to see where its time goes)
  const nodeArgs = (process.env.BENCH_LSP_NODE_ARGS ?? '').split(/\s+/).filter(Boolean);
  const servers: Server[] = [{ name: 'tsbuildout lsp', command: process.execPath, args: [...nodeArgs, join(root, 'bin/tsbuildout.js'), 'lsp'] }];
  const peer = join(root, '..', 'shared', 'tools', 'buildoutls-reference');
  if (existsSync(peer) && process.env.BENCH_LSP_PEER !== '0') servers.push({ name: 'buildoutls 0.17.2', command: peer, args: [] });
  const rows: string[][] = [];
  const notes: string[] = [];
  const sample = join(corpus, 'stack/erp5-zope2/buildout.cfg');
  const positions = references(readFileSync(sample, 'utf8')).slice(0, Number(process.env.BENCH_LSP_REQUESTS ?? 100));
  for (const server of servers) {
    const opens: number[] = [];
    const openCpu: number[] = [];
    let client: LspClient | undefined;
    let count = 0;
    try {
      for (let i = 0; i < runs; i++) {
        const o = await open(server, corpus, profile);
        opens.push(o.ms);
        openCpu.push(o.cpu);
        count = o.count;
        if (i < runs - 1) await o.client.stop();
        else client = o.client;
      }
    } catch (e) {
      notes.push(`${server.name} did not run here: ${(e as Error).message.split('\n')[0]}`);
      await client?.stop();
      continue;
    }
    const c = client!;
    const memory = rssMb(c.child.pid);
    const rootEdits = await edits(c, profile, Number(process.env.BENCH_LSP_EDITS ?? 30), 1);
    c.open(component, readFileSync(component, 'utf8'), 'zc-buildout');
    await c.diagnostics(component, undefined, 120_000);
    const componentEdits = await edits(c, component, Number(process.env.BENCH_LSP_EDITS ?? 30), 1);
    c.open(sample, readFileSync(sample, 'utf8'), 'zc-buildout');
    await c.diagnostics(sample, undefined, 180_000);
    const hover = await latencies(c, sample, 'textDocument/hover', positions);
    const definition = await latencies(c, sample, 'textDocument/definition', positions);
    const memoryAfter = rssMb(c.child.pid);
    await c.stop();
    rows.push([server.name, 'open software/erp5/software.cfg → first diagnostics', `${opens.map(ms).join(', ')} (median ${ms(median(opens))}; CPU ${ms(median(openCpu))})`, `${count} diagnostics`]);
    rows.push([server.name, 'edit software/erp5/software.cfg → its diagnostics', `p50 ${ms(median(rootEdits.times))}, p99 ${ms(percentile(rootEdits.times, 99))} (CPU p50 ${ms(median(rootEdits.cpu))})`, `${rootEdits.times.length} edits`]);
    rows.push([server.name, 'edit component/zlib/buildout.cfg (erp5 open) → its diagnostics', `p50 ${ms(median(componentEdits.times))}, p99 ${ms(percentile(componentEdits.times, 99))} (CPU p50 ${ms(median(componentEdits.cpu))})`, `${componentEdits.times.length} edits`]);
    rows.push([server.name, 'hover on each ${…} of stack/erp5-zope2/buildout.cfg', `p50 ${ms(median(hover.times))}, p99 ${ms(percentile(hover.times, 99))}`, `${hover.answered}/${positions.length} answered`]);
    rows.push([server.name, 'definition of each ${…} of stack/erp5-zope2/buildout.cfg', `p50 ${ms(median(definition.times))}, p99 ${ms(percentile(definition.times, 99))}`, `${definition.answered}/${positions.length} found`]);
    rows.push([server.name, 'resident memory, erp5 loaded / after the requests (MB)', `${ms(memory)} / ${ms(memoryAfter)}`, '']);
  }
  return ['\nLanguage server (stdio, same client and requests for both; ms)', table(['server', 'what', 'figure', ''], rows), ...notes].join('\n');
}

if (process.argv[1]?.endsWith('/bench/lsp.mjs')) {
  const { repositoryRoot } = await import('./lib/paths.ts');
  const root = repositoryRoot();
  process.stdout.write((await lspBench(root, join(root, '..', 'shared', 'corpus', 'slapos'))) + '\n');
}
