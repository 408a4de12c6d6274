// SLAP calls made synchronously, for recipe constructors: zc.buildout runs
// them synchronously and slapconfiguration, request and publish-early talk
// to the master there. One worker thread (started on first use, unref'd)
// does the HTTP exchange with fetch; the calling thread posts the call on a
// fresh MessageChannel, sleeps in Atomics.wait until the worker signals,
// then takes the answer with receiveMessageOnPort. The master must not be
// served by the blocked thread itself (the node runs buildout in a child
// process, so it never is).
import { MessageChannel, receiveMessageOnPort, Worker } from 'node:worker_threads';
import type { PyDict, PyValue } from '../python/value.ts';
import type { SlapObject } from './marshal.ts';
import { answerValue, asSlapObject, calls, httpRequest, type HttpAnswer, type SlapCall } from './client.ts';
import { MasterError, type RequestArgs } from './api.ts';

const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
parentPort.on('message', async ({ port, signal, url, init, timeout }) => {
  let answer;
  try {
    const res = await fetch(url, { ...init, signal: AbortSignal.timeout(timeout) });
    answer = { status: res.status, body: await res.text() };
  } catch (e) {
    answer = { error: String((e && e.cause) || (e && e.message) || e) };
  }
  port.postMessage(answer);
  port.close();
  Atomics.store(signal, 0, 1);
  Atomics.notify(signal, 0);
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

const TIMEOUT_MS = 120_000;

/** One HTTP exchange, synchronously. */
export function syncFetch(url: string, init: { method: string; headers?: Record<string, string>; body?: string }): HttpAnswer {
  const signal = new Int32Array(new SharedArrayBuffer(4));
  const { port1, port2 } = new MessageChannel();
  getWorker().postMessage({ port: port2, signal, url, init, timeout: TIMEOUT_MS }, [port2]);
  const r = Atomics.wait(signal, 0, 0, TIMEOUT_MS + 5000);
  const msg = receiveMessageOnPort(port1)?.message as (HttpAnswer & { error?: string }) | undefined;
  port1.close();
  if (r === 'timed-out' || !msg) throw new MasterError(`no answer from ${url}`, 504);
  if (msg.error !== undefined) throw new MasterError(`cannot reach the master (${url}): ${msg.error}`, 503);
  return msg;
}

/** slapos.slap's connection, as recipes use it. */
export class SyncSlap {
  constructor(readonly url: string) {}

  send(call: SlapCall): HttpAnswer {
    const { url, init } = httpRequest(this.url, call);
    return syncFetch(url, init);
  }

  private value(call: SlapCall): PyValue | undefined {
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
    this.value(calls.setConnection(computer, partition, d, slave));
  }

  error(computer: string, partition: string, message: string, slave?: string | null): void {
    this.value(calls.error(computer, partition, message, slave));
  }
}
