// SLAP calls made synchronously, for recipe constructors: zc.buildout runs
// them synchronously and slapconfiguration, request and publish-early talk
// to the master there. A worker thread (profile/sync-worker.ts) runs the
// exchange of http.ts — its source text, so both clients send exactly the
// same requests over node:http and node:https — while the calling thread
// sleeps. The master must not be served by the blocked thread itself (the
// node runs buildout in a child process, so it never is).
import { SyncWorker } from '../profile/sync-worker.ts';
import type { PyDict, PyValue } from '../python/index.ts';
import type { SlapObject } from './marshal.ts';
import { answerValue, asSlapObject, calls, checkStatus, httpRequest, type MasterConnection, redactUrl, type SlapCall, tlsMaterial, transportError } from './client.ts';
import { exchange, type HttpAnswer, type HttpOutcome, type HttpRequest } from './http.ts';
import { MasterError, type RequestArgs } from './api.ts';

const worker = new SyncWorker<HttpRequest, HttpOutcome>(exchange);

/** One HTTP exchange, synchronously. */
export function syncExchange(request: HttpRequest): HttpAnswer {
  const msg = worker.call(request, request.timeoutMs + 5000);
  if (!msg) throw new MasterError(`no answer from ${redactUrl(request.url)}`, 504);
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
