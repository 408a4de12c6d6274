// SLAP calls made synchronously, for recipe constructors: zc.buildout runs
// them synchronously and slapconfiguration, request and publish-early talk
// to the master there. One worker thread (started on first use, unref'd)
// runs the exchange of http.ts — its source text, so both clients send
// exactly the same requests over node:http and node:https — and the
// calling thread posts the request on a fresh MessageChannel, sleeps in
// Atomics.wait until the worker signals, then takes the answer with
// receiveMessageOnPort. The master must not be served by the blocked
// thread itself (the node runs buildout in a child process, so it never is).
import { MessageChannel, receiveMessageOnPort, Worker } from 'node:worker_threads';
import type { PyDict, PyValue } from '../python/index.ts';
import type { SlapObject } from './marshal.ts';
import { answerValue, asSlapObject, calls, checkStatus, httpRequest, type MasterConnection, redactUrl, type SlapCall, tlsMaterial, transportError } from './client.ts';
import { exchange, type HttpAnswer, type HttpOutcome, type HttpRequest } from './http.ts';
import { MasterError, type RequestArgs } from './api.ts';

const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const modules = { http: require('node:http'), https: require('node:https') };
const exchange = (${exchange.toString()});
parentPort.on('message', ({ port, signal, request }) => {
  exchange(modules, request, (answer) => {
    port.postMessage(answer);
    port.close();
    Atomics.store(signal, 0, 1);
    Atomics.notify(signal, 0);
  });
});
`;

let worker: Worker | undefined;

function getWorker(): Worker {
  if (!worker) {
    worker = new Worker(WORKER_SOURCE, { eval: true });
    worker.unref();
  }
  return worker;
}

/** One HTTP exchange, synchronously. */
export function syncExchange(request: HttpRequest): HttpAnswer {
  const signal = new Int32Array(new SharedArrayBuffer(4));
  const { port1, port2 } = new MessageChannel();
  getWorker().postMessage({ port: port2, signal, request }, [port2]);
  const r = Atomics.wait(signal, 0, 0, request.timeoutMs + 5000);
  const msg = receiveMessageOnPort(port1)?.message as HttpOutcome | undefined;
  port1.close();
  if (r === 'timed-out' || !msg) throw new MasterError(`no answer from ${redactUrl(request.url)}`, 504);
  if ('error' in msg) throw transportError(request.url, msg);
  return msg;
}

/** slapos.slap's connection, as recipes use it. */
export class SyncSlap {
  readonly connection: MasterConnection;
  private tls: HttpRequest['tls'] | null = null;

  constructor(connection: string | MasterConnection) {
    this.connection = typeof connection === 'string' ? { url: connection } : connection;
  }

  get url() {
    return this.connection.url;
  }

  send(call: SlapCall): HttpAnswer {
    if (this.tls === null) this.tls = tlsMaterial(this.connection);
    return syncExchange(httpRequest(this.connection, call, this.tls));
  }

  private value(call: SlapCall): PyValue {
    return answerValue(call, this.send(call));
  }

  /** registerComputerPartition (not cached: a process may run several buildouts, tests do). */
  register(computer: string, partition: string): SlapObject {
    return asSlapObject(this.value(calls.register(computer, partition)), 'ComputerPartition');
  }

  /** requestComputerPartition: undefined when the master answers 408 (not ready). */
  request(args: RequestArgs): SlapObject | undefined {
    const call = calls.request(args);
    const a = this.send(call);
    if (a.status === 408) return undefined;
    return asSlapObject(answerValue(call, a), 'SoftwareInstance');
  }

  setConnection(computer: string, partition: string, d: PyDict, slave?: string | null): void {
    const call = calls.setConnection(computer, partition, d, slave);
    checkStatus(call, this.send(call));
  }

  error(computer: string, partition: string, message: string, slave?: string | null): void {
    const call = calls.error(computer, partition, message, slave);
    checkStatus(call, this.send(call));
  }
}
