// An asynchronous function called synchronously: zc.buildout's recipe
// constructors are synchronous, and some must talk to a master or download
// a file meanwhile. A worker thread (started on first use, unref'd) runs
// the function from its source text (so it must be self-contained: no
// import, no outer name; node:http, node:https and node:fs come as its
// first argument); the caller posts the request on a fresh MessageChannel,
// sleeps in Atomics.wait until the worker signals, then takes the answer
// with receiveMessageOnPort. What the function answers must not depend on
// the calling thread (which sleeps).
import type * as Fs from 'node:fs';
import type * as Http from 'node:http';
import type * as Https from 'node:https';
import type { Worker } from 'node:worker_threads';

/** node:worker_threads, loaded on the first call (a run that downloads nothing does not load it). */
const threads = () => require('node:worker_threads') as typeof import('node:worker_threads');

export type WorkerModules = { http: typeof Http; https: typeof Https; fs: typeof Fs };

export class SyncWorker<Request, Answer> {
  private worker: Worker | undefined;

  constructor(private readonly fn: (modules: WorkerModules, request: Request, done: (answer: Answer) => void) => void) {}

  /** The answer, or undefined when none came within `timeoutMs` (default: wait). */
  call(request: Request, timeoutMs?: number): Answer | undefined {
    if (!this.worker) {
      const source = `
const { parentPort } = require('node:worker_threads');
// node:https (TLS) loaded only for an https: URL: the worker starts while its caller waits
const modules = { get http() { return require('node:http'); }, get https() { return require('node:https'); }, fs: require('node:fs') };
const fn = (${this.fn.toString()});
parentPort.on('message', ({ port, signal, request }) => {
  fn(modules, request, (answer) => {
    port.postMessage(answer);
    port.close();
    Atomics.store(signal, 0, 1);
    Atomics.notify(signal, 0);
  });
});
`;
      this.worker = new (threads().Worker)(source, { eval: true });
      this.worker.unref();
    }
    const signal = new Int32Array(new SharedArrayBuffer(4));
    const { MessageChannel, receiveMessageOnPort } = threads();
    const { port1, port2 } = new MessageChannel();
    this.worker.postMessage({ port: port2, signal, request }, [port2]);
    const r = Atomics.wait(signal, 0, 0, timeoutMs);
    const answer = receiveMessageOnPort(port1)?.message as Answer | undefined;
    port1.close();
    return r === 'timed-out' ? undefined : answer;
  }
}
