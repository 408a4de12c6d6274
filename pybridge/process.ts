// The bridge process: the Python module (tsbuildout_bridge.py, bundled as
// text) run by the profile's interpreter, spoken to in line-delimited JSON.
//
// Calls are synchronous on this side: zc.buildout runs recipe constructors
// while a section is initialised, and inline `init` code reads other
// sections, which tsbuildout's resolver (synchronous) must initialise in the
// middle of the Python call. So a worker thread owns the child's pipes and
// forwards each line it reads through a MessagePort, bumping a counter in a
// SharedArrayBuffer; the main thread sleeps on that counter (Atomics.wait),
// takes the line (receiveMessageOnPort) and, when it is a callback from
// Python, answers it and sleeps again until the answer to its own call
// comes. Calls nest both ways (Python → resolver → another part's Python
// code → …); the protocol is strictly nested, so no ids are needed.
import { writeSync } from 'node:fs';
import type { MessagePort, Worker } from 'node:worker_threads';
import { guardGroup, type GroupGuard } from '../recipes/lib/process-guard.ts';
import bridgeSource from './tsbuildout_bridge.py';

/** The worker: plain CommonJS, evaluated as is (no bundling concerns). */
const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const { spawn } = require('node:child_process');
const { python, args, env, cwd, signal, port, recipeStdout } = workerData;
const flag = new Int32Array(signal);
// whatever goes wrong here must wake the main thread, which sleeps until a message comes
process.on('uncaughtException', (e) => post({ failed: 'bridge worker: ' + String((e && e.stack) || e) }));
function post(m) {
  port.postMessage(m);
  Atomics.add(flag, 0, 1);
  Atomics.notify(flag, 0);
}
let child;
try {
  // its own process group, which recipes/lib/process-guard.ts ends with this process;
  // fd 3, when given, is this process's standard output: the bridge makes it the recipes' fd 1
  child = spawn(python, args, { stdio: ['pipe', 'pipe', 'inherit', ...(recipeStdout ? [1] : [])], env, cwd, detached: true });
} catch (e) {
  post({ failed: String((e && e.message) || e) });
}
if (child) {
  // the main thread writes to the child's standard input itself (one thread hop less per message)
  const fd = child.stdin._handle && child.stdin._handle.fd;
  post({ stdinFd: typeof fd === 'number' && fd >= 0 ? fd : null, pid: child.pid });
  // a line may come in many chunks: only the new chunk is searched for its end
  let parts = [];
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk) => {
    let start = 0;
    for (let i = chunk.indexOf('\\n'); i >= 0; i = chunk.indexOf('\\n', start)) {
      parts.push(chunk.slice(start, i));
      post({ line: parts.join('') });
      parts = [];
      start = i + 1;
    }
    if (start < chunk.length) parts.push(chunk.slice(start));
  });
  child.stdin.on('error', () => {});
  child.on('error', (e) => post({ failed: e.message, code: e.code }));
  child.on('close', (code, sig) => post({ exit: { code, signal: sig } }));
  port.on('message', (m) => {
    if (m === null) child.stdin.end();
    else child.stdin.write(m);
  });
}
`;

/** node:worker_threads, loaded when a bridge starts (a run that needs no Python never loads it). */
function threads(): typeof import('node:worker_threads') {
  return require('node:worker_threads') as typeof import('node:worker_threads');
}

const BOOT = "import sys; s = sys.argv.pop(1); exec(compile(s, '<tsbuildout-bridge>', 'exec'))";

type FromWorker = { line: string } | { stdinFd: number | null; pid?: number } | { failed: string; code?: string } | { exit: { code: number | null; signal: string | null } };

/** The process is gone: a crash, a kill, an interpreter that cannot run the bridge. */
export class BridgeCrash extends Error {
  /** The status the bridge exited with by itself during a call (Python code's os._exit). */
  exitCode?: number;
}

/** An error the Python side reported for a call (described as data). */
export class PythonFailure extends Error {
  constructor(readonly detail: PythonErrorDetail) {
    super(`${detail.type ?? 'Error'}: ${detail.message}`);
  }
}

export interface PythonFrame {
  file: string;
  line: number;
  name: string;
  text: string;
}

export interface PythonErrorDetail {
  kind: 'python' | 'tsbuildout' | 'protocol';
  message: string;
  type?: string;
  module?: string;
  /** A zc.buildout UserError: the message is for the user. */
  user?: boolean;
  frames?: PythonFrame[];
  /** traceback.format_exception_only */
  text?: string;
  /** The exception's class and its bases, innermost first (Python exceptions raised to templates). */
  mro?: string[];
  syntax?: { file: string | null; line: number | null; offset: number | null; text: string | null; msg: string };
  token?: number;
}

/** A callback refused with a Python exception of this class (MissingOption, KeyError, TypeError…). */
export class CallbackRefusal extends Error {
  constructor(
    readonly kind: string,
    message: string,
  ) {
    super(message);
  }
}

export type CallbackHandler = (method: string, args: unknown[]) => unknown;

export interface PythonInfo {
  protocol: number;
  python: [number, number, number];
  executable: string;
}

export interface StartOptions {
  python: string;
  cwd: string;
  env?: Record<string, string | undefined>;
  /** What recipe code prints goes to standard output, in order with buildout's lines (else to standard error). */
  recipeStdout?: boolean;
}

export class PythonProcess {
  readonly info: PythonInfo;
  readonly startMs: number;
  private readonly flag: Int32Array;
  private dead: string | undefined;
  /** Kills the process's group when this process ends, or at close(). */
  private guard: GroupGuard | undefined;
  /** The child's standard input, written from this thread (null: through the worker). */
  private stdinFd: number | null = null;
  private readonly pause = new Int32Array(new SharedArrayBuffer(4));
  /** Errors thrown by callbacks, by token: Python sends the token back and the original error is rethrown. */
  private readonly thrown = new Map<number, unknown>();
  private nextToken = 1;
  private depth = 0;

  private constructor(
    readonly python: string,
    private readonly worker: Worker,
    private readonly port: MessagePort,
    signal: SharedArrayBuffer,
  ) {
    this.flag = new Int32Array(signal);
    const t0 = performance.now();
    this.info = this.waitReady();
    this.startMs = performance.now() - t0;
  }

  /** Start the interpreter with the bridge module; returns when it is ready. Throws BridgeCrash. */
  static start(opts: StartOptions): PythonProcess {
    const signal = new SharedArrayBuffer(4);
    const { port1, port2 } = new (threads().MessageChannel)();
    const base = opts.env ?? process.env;
    // PYTHONHASHSEED=0: sets of strings iterate in the order python/ gives them;
    // the bridge restores the caller's values for the code it runs
    const added: Record<string, string | null> = { PYTHONHASHSEED: base.PYTHONHASHSEED ?? null, PYTHONUNBUFFERED: base.PYTHONUNBUFFERED ?? null };
    const env = { ...base, PYTHONHASHSEED: '0', PYTHONUNBUFFERED: '1', TSBUILDOUT_BRIDGE_RESTORE: JSON.stringify(added) };
    const worker = new (threads().Worker)(WORKER_SOURCE, {
      eval: true,
      workerData: { python: opts.python, args: ['-c', BOOT, bridgeSource], env, cwd: opts.cwd, signal, port: port2, recipeStdout: opts.recipeStdout ?? false },
      transferList: [port2],
      stdout: false,
      stderr: false,
    });
    worker.unref();
    port1.unref();
    return new PythonProcess(opts.python, worker, port1, signal);
  }

  get alive(): boolean {
    return this.dead === undefined;
  }

  private next(timeoutMs?: number): FromWorker | undefined {
    for (;;) {
      const seen = Atomics.load(this.flag, 0);
      const m = threads().receiveMessageOnPort(this.port);
      if (m) return m.message as FromWorker;
      if (Atomics.wait(this.flag, 0, seen, timeoutMs) === 'timed-out') return undefined;
    }
  }

  private waitReady(): PythonInfo {
    for (;;) {
      const m = this.next()!;
      if ('stdinFd' in m) {
        this.stdinFd = m.stdinFd;
        if (m.pid) this.guard = guardGroup(m.pid);
        continue;
      }
      if ('line' in m) {
        const msg = JSON.parse(m.line) as { ready?: PythonInfo };
        if (msg.ready) return msg.ready;
        continue;
      }
      this.dead = describeEnd(m);
      throw new BridgeCrash(`could not start the Python bridge with ${this.python}: ${this.dead} (the bridge needs Python ≥ 3.7)`);
    }
  }

  private send(obj: unknown): void {
    const text = JSON.stringify(obj) + '\n';
    if (this.stdinFd === null) {
      this.port.postMessage(text);
      return;
    }
    // the pipe is non-blocking: a full pipe (a long message Python has not read yet) is waited out
    const data = Buffer.from(text);
    for (let off = 0; off < data.length; ) {
      try {
        off += writeSync(this.stdinFd, data, off);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code !== 'EAGAIN') throw new BridgeCrash(`the Python bridge (${this.python}) cannot be written to: ${code ?? String(e)}`);
        Atomics.wait(this.pause, 0, 0, 1);
      }
    }
  }

  /**
   * Call a bridge method and wait for its answer, serving the callbacks
   * Python makes meanwhile. Throws PythonFailure, BridgeCrash, or an error
   * a callback threw (rethrown as it was).
   */
  call(method: string, args: unknown[], onCallback: CallbackHandler): unknown {
    if (this.dead) throw new BridgeCrash(`the Python bridge (${this.python}) is not running: ${this.dead}`);
    this.send({ c: method, a: args });
    this.depth++;
    try {
      return this.answer(method, onCallback);
    } finally {
      if (--this.depth === 0) this.thrown.clear();
    }
  }

  private answer(method: string, onCallback: CallbackHandler): unknown {
    for (;;) {
      const m = this.next()!;
      if ('stdinFd' in m) continue;
      if (!('line' in m)) {
        this.dead = describeEnd(m);
        const crash = new BridgeCrash(`the Python bridge (${this.python}) ${this.dead} during ${method}`);
        if ('exit' in m && !m.exit.signal && typeof m.exit.code === 'number') crash.exitCode = m.exit.code;
        throw crash;
      }
      const msg = JSON.parse(m.line) as { r?: unknown; e?: PythonErrorDetail; c?: string; a?: unknown[] };
      if ('r' in msg) return msg.r;
      if (msg.e) {
        if (msg.e.kind === 'tsbuildout' && msg.e.token !== undefined && this.thrown.has(msg.e.token)) throw this.thrown.get(msg.e.token);
        throw new PythonFailure(msg.e);
      }
      if (msg.c !== undefined) {
        let reply: unknown;
        try {
          reply = { r: onCallback(msg.c, msg.a ?? []) };
        } catch (e) {
          if (e instanceof BridgeCrash) throw e;
          if (e instanceof CallbackRefusal) reply = { e: { kind: e.kind, message: e.message } };
          else {
            const token = this.nextToken++;
            this.thrown.set(token, e);
            reply = { e: { kind: 'tsbuildout', token, message: e instanceof Error ? e.message : String(e) } };
          }
        }
        this.send(reply);
      }
    }
  }

  /**
   * End the process (its standard input closes; it exits, whatever threads
   * its code left), then its group (what its code started), and the worker.
   */
  close(): void {
    if (!this.dead) {
      this.port.postMessage(null);
      const deadline = performance.now() + 2000;
      while (!this.dead) {
        const m = this.next(Math.max(1, deadline - performance.now()));
        if (!m) break;
        if ('exit' in m || 'failed' in m) this.dead = describeEnd(m);
      }
      this.dead ??= 'closed';
    }
    this.guard?.kill();
    void this.worker.terminate();
    this.port.close();
  }
}

function describeEnd(m: FromWorker): string {
  if ('stdinFd' in m || 'line' in m) return 'ended';
  if ('failed' in m) return m.code === 'ENOENT' ? 'no such interpreter' : m.failed;
  if ('exit' in m) return m.exit.signal ? `was killed by ${m.exit.signal}` : `exited with code ${m.exit.code}`;
  return 'ended';
}
