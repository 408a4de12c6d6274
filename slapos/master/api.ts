// What the node and the commands need from a master, whichever it is: the
// local one (direct access to its database) or one reached over HTTP with
// the SLAP protocol (spec §3.8).
import type { PyDict } from '../../python/value.ts';
import type { SlapObject } from '../marshal.ts';
import type { LocalMaster, RequestAnswer, RequestArgs } from './local.ts';

export interface MasterApi {
  readonly description: string;
  computerInformation(computer: string): Promise<SlapObject>;
  register(computer: string, partition: string): Promise<SlapObject>;
  request(args: RequestArgs): Promise<RequestAnswer>;
  setConnection(computer: string, partition: string, connection: PyDict, slaveReference?: string | null): Promise<void>;
  error(computer: string, partition: string, message: string, slaveReference?: string | null): Promise<void>;
  bang(computer: string, partition: string, message: string): Promise<void>;
  reportState(computer: string, partition: string, state: 'started' | 'stopped' | 'destroyed'): Promise<void>;
  relatedInstances(computer: string, partition: string, titles: string[]): Promise<void>;
  supply(url: string, computer: string): Promise<void>;
  /** tsbuildout's own call (`show`): an instance by title, undefined when unknown. */
  instanceInformation(title: string): Promise<Record<string, unknown> | undefined>;
}

/** The local master's database, used in this process. */
export function localApi(m: LocalMaster, description = 'local master'): MasterApi {
  return {
    description,
    computerInformation: async (c) => m.computerInformation(c),
    register: async (c, p) => m.computerPartition(c, p),
    request: async (a) => m.request(a),
    setConnection: async (c, p, d, s) => m.setConnection(c, p, d, s),
    error: async (c, p, msg, s) => m.error(c, p, msg, s),
    bang: async (c, p, msg) => m.bang(c, p, msg),
    reportState: async (c, p, s) => m.reportState(c, p, s),
    relatedInstances: async (c, p, t) => m.relatedInstances(c, p, t),
    supply: async (u, c) => m.supply(u, c),
    instanceInformation: async (t) => m.instanceInformation(t),
  };
}
