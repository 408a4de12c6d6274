// A small JSON-RPC client for language servers over stdio (the protocol's
// Content-Length framing), written apart from the server's library so the
// tests check what goes over the wire. It answers the server's own
// requests (configuration, registrations, message boxes, edits) and keeps
// every notification it receives.
import { spawn, type ChildProcess } from 'node:child_process';
import { pathToFileURL } from 'node:url';

export interface Message {
  jsonrpc: '2.0';
  id?: number | string;
  method?: string;
  params?: unknown;
  result?: unknown;
  error?: { code: number; message: string };
}

export type ServerRequestHandler = (params: unknown) => unknown;

export function uri(path: string): string {
  return pathToFileURL(path).href;
}

export class LspClient {
  private buffer = Buffer.alloc(0);
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (m: Message) => void; method: string }>();
  readonly notifications: Message[] = [];
  private readonly waiters: { test: (m: Message) => boolean; resolve: (m: Message) => void }[] = [];
  readonly handlers = new Map<string, ServerRequestHandler>([
    ['client/registerCapability', () => null],
    ['workspace/configuration', (p) => ((p as { items: unknown[] }).items ?? []).map(() => null)],
    ['window/showMessageRequest', () => null],
    ['workspace/applyEdit', () => ({ applied: true })],
    ['window/workDoneProgress/create', () => null],
  ]);
  readonly serverRequests: Message[] = [];
  stderr = '';
  exited: Promise<number | null>;

  constructor(readonly child: ChildProcess) {
    child.stdout!.on('data', (d: Buffer) => this.receive(d));
    child.stderr!.on('data', (d: Buffer) => (this.stderr += d.toString()));
    this.exited = new Promise((done) => child.on('exit', (code) => done(code)));
  }

  /** Start a server command (default: this checkout's `tsbuildout lsp`). */
  static start(command: string, args: string[], cwd: string): LspClient {
    return new LspClient(spawn(command, args, { cwd, stdio: ['pipe', 'pipe', 'pipe'] }));
  }

  private receive(d: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, d]);
    for (;;) {
      const end = this.buffer.indexOf('\r\n\r\n');
      if (end < 0) return;
      const m = /Content-Length: *(\d+)/i.exec(this.buffer.subarray(0, end).toString('ascii'));
      if (!m) throw new Error(`bad header from the server: ${this.buffer.subarray(0, end).toString()}`);
      const length = Number(m[1]);
      if (this.buffer.length < end + 4 + length) return;
      const body = this.buffer.subarray(end + 4, end + 4 + length).toString('utf8');
      this.buffer = this.buffer.subarray(end + 4 + length);
      this.dispatch(JSON.parse(body) as Message);
    }
  }

  private dispatch(m: Message): void {
    if (m.method && m.id !== undefined) {
      this.serverRequests.push(m);
      const h = this.handlers.get(m.method);
      this.send(h ? { jsonrpc: '2.0', id: m.id, result: h(m.params) ?? null } : { jsonrpc: '2.0', id: m.id, error: { code: -32601, message: `client: no ${m.method}` } });
      return;
    }
    if (m.method) {
      this.notifications.push(m);
      for (const w of [...this.waiters]) {
        if (w.test(m)) {
          this.waiters.splice(this.waiters.indexOf(w), 1);
          w.resolve(m);
        }
      }
      return;
    }
    const p = this.pending.get(m.id as number);
    if (p) {
      this.pending.delete(m.id as number);
      p.resolve(m);
    }
  }

  send(m: Message): void {
    const body = Buffer.from(JSON.stringify(m), 'utf8');
    this.child.stdin!.write(Buffer.concat([Buffer.from(`Content-Length: ${body.length}\r\n\r\n`, 'ascii'), body]));
  }

  /** Send a request; the whole response (result or error). */
  call(method: string, params: unknown, timeoutMs = 60_000): Promise<Message> {
    const id = this.nextId++;
    return new Promise<Message>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`${method}: no answer within ${timeoutMs} ms; server stderr: ${this.stderr.slice(-2000)}`));
      }, timeoutMs);
      this.pending.set(id, {
        method,
        resolve: (m) => {
          clearTimeout(timer);
          resolve(m);
        },
      });
      this.send({ jsonrpc: '2.0', id, method, params });
    });
  }

  /** The id the next call will use (to cancel it). */
  get upcomingId(): number {
    return this.nextId;
  }

  /** Send a request; its result, or throw its error. */
  async request<T = unknown>(method: string, params: unknown, timeoutMs?: number): Promise<T> {
    const m = await this.call(method, params, timeoutMs);
    if (m.error) throw new Error(`${method}: ${m.error.message} (${m.error.code})`);
    return m.result as T;
  }

  notify(method: string, params: unknown): void {
    this.send({ jsonrpc: '2.0', method, params });
  }

  /** The next notification that passes the test (one already received counts when `past`). */
  waitFor(method: string, test: (params: any) => boolean = () => true, timeoutMs = 60_000, past = false): Promise<any> {
    if (past) {
      const seen = this.notifications.find((m) => m.method === method && test(m.params));
      if (seen) return Promise.resolve(seen.params);
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ${method} within ${timeoutMs} ms; server stderr: ${this.stderr.slice(-2000)}`)), timeoutMs);
      this.waiters.push({
        test: (m) => m.method === method && test(m.params),
        resolve: (m) => {
          clearTimeout(timer);
          resolve(m.params);
        },
      });
    });
  }

  async initialize(rootPath: string, initializationOptions?: unknown): Promise<any> {
    const result = await this.request('initialize', {
      processId: process.pid,
      rootUri: uri(rootPath),
      capabilities: { workspace: { configuration: true, didChangeWatchedFiles: { dynamicRegistration: true }, applyEdit: true }, textDocument: { publishDiagnostics: { relatedInformation: true } } },
      ...(initializationOptions ? { initializationOptions } : {}),
    });
    this.notify('initialized', {});
    return result;
  }

  open(path: string, text: string, languageId = 'buildout'): void {
    this.notify('textDocument/didOpen', { textDocument: { uri: uri(path), languageId, version: 1, text } });
  }

  /** Diagnostics published for a document at a version (or any version). */
  diagnostics(path: string, version?: number, timeoutMs?: number): Promise<{ uri: string; version?: number; diagnostics: any[] }> {
    return this.waitFor('textDocument/publishDiagnostics', (p) => p.uri === uri(path) && (version === undefined || p.version === version), timeoutMs);
  }

  /** shutdown, exit, and the exit code. */
  async stop(): Promise<number | null> {
    if (this.child.exitCode === null) {
      await this.request('shutdown', null, 10_000).catch(() => undefined);
      this.notify('exit', null);
    }
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
    const code = await this.exited;
    clearTimeout(timer);
    return code;
  }
}
