// The SLAP protocol as the node, the commands and the recipes use it,
// whichever master answers: tsbuildout's own (slapos/master/, a SQLite
// database used directly or served over HTTP), the real `slapos proxy`, or a
// real SlapOS master (slap/client.ts speaks HTTP to both). Each method is one
// call of slapos.slap (slapos/slap/slap.py in slapos.core); the names of the
// HTTP calls are in slap/client.ts. This file holds only the interface and
// its types: implementations live above it.
import { UserError } from '../parser/diagnostic.ts';
import type { PyDict } from '../python/index.ts';
import type { SlapObject } from './marshal.ts';

/** A failure of a master call; `status` is the HTTP status (404: unknown, 408: not ready, 503: unreachable). */
export class MasterError extends UserError {
  constructor(
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

/**
 * destroyedComputerPartition: the master keeps the partition for now — a
 * root whose children are not destroyed yet (slapos/proxy/db.py
 * freePartitionFromDB answers "Not destroying yet because this partition
 * has child partitions: …" with HTTP 200 and requests the children
 * destroyed). The node reports the root again once they are.
 */
export class NotDestroyedYet extends MasterError {
  constructor(message: string) {
    super(message, 200);
  }
}

export interface NetworkAddress {
  interface: string;
  address: string;
  netmask: string;
}

/** requestComputerPartition's arguments (ComputerPartition.request and OpenOrder.request). */
export interface RequestArgs {
  computerId?: string | null;
  /** The requesting partition (null for a person's request). */
  partitionId?: string | null;
  softwareRelease: string;
  softwareType?: string | null;
  title: string;
  shared?: boolean;
  parameters?: PyDict;
  /** filter_kw: computer_guid, instance_guid, … (every value a string). */
  filter?: PyDict;
  state?: string | null;
}

/** What the master answers to a request: the instance as slapos.slap's SoftwareInstance, or not ready yet (HTTP 408). */
export interface RequestAnswer {
  notReady?: string;
  instance?: SlapObject;
}

/**
 * What `slapos node format` declares at its end (Computer.updateConfiguration,
 * the computer dict of slapos/format.py marshalled): the computer's reference
 * and address, and each partition with its addresses and tap interface name.
 */
export interface ComputerConfiguration {
  reference: string;
  address: string | null;
  netmask: string | null;
  partitions: {
    reference: string;
    /** The interface name the master records for the partition's addresses (format's tap name, else the partition reference). */
    interface?: string | null;
    addresses: { addr: string; netmask: string }[];
  }[];
}

/** An instance as `tsbuildout show` prints it (hateoas service info, plus what a tsbuildout master also knows). */
export interface InstanceInformation {
  title: string;
  shared: boolean;
  'software-release': string | null;
  'software-type': string | null;
  'requested-state': string | null;
  parameters: PyDict;
  connection: PyDict;
  /** Known to tsbuildout's own master only. */
  'reported-state'?: string | null;
  computer?: string | null;
  partition?: string | null;
  'requested-by'?: string | null;
  'hosted-by'?: string | null;
  error?: string | null;
  'error-at'?: number | null;
  bang?: string | null;
  'bang-at'?: number | null;
  timestamp?: number | null;
}

export type ReportedState = 'started' | 'stopped' | 'destroyed';
export type SoftwareReleaseState = 'building' | 'available' | 'destroyed';

export interface MasterApi {
  readonly description: string;

  // the computer
  /** getFullComputerInformation: the Computer with its partitions and software releases. */
  computerInformation(computer: string): Promise<SlapObject>;
  /** loadComputerConfigurationFromXML: declare the computer, its partitions and their addresses. */
  loadComputerConfiguration(configuration: ComputerConfiguration): Promise<void>;
  /** computerBang */
  computerBang(computer: string, message: string): Promise<void>;

  // software releases
  /** supplySupply */
  supply(url: string, computer: string, state?: 'available' | 'destroyed'): Promise<void>;
  /** buildingSoftwareRelease, availableSoftwareRelease, destroyedSoftwareRelease */
  softwareReleaseState(url: string, computer: string, state: SoftwareReleaseState): Promise<void>;
  /** softwareReleaseError */
  softwareReleaseError(url: string, computer: string, message: string): Promise<void>;

  // partitions and instances
  /** registerComputerPartition: the partition as slapos.slap's ComputerPartition. */
  register(computer: string, partition: string): Promise<SlapObject>;
  /** requestComputerPartition */
  request(args: RequestArgs): Promise<RequestAnswer>;
  /** setComputerPartitionConnectionXml */
  setConnection(computer: string, partition: string, connection: PyDict, slaveReference?: string | null): Promise<void>;
  /** softwareInstanceError */
  error(computer: string, partition: string, message: string, slaveReference?: string | null): Promise<void>;
  /** softwareInstanceBang */
  bang(computer: string, partition: string, message: string): Promise<void>;
  /** startedComputerPartition, stoppedComputerPartition, destroyedComputerPartition (rejects with NotDestroyedYet when the master keeps the partition) */
  reportState(computer: string, partition: string, state: ReportedState): Promise<void>;
  /** softwareInstanceRename */
  rename(computer: string, partition: string, newName: string, slaveReference?: string | null): Promise<void>;
  /**
   * updateComputerPartitionRelatedInstanceList: the instances a partition
   * still requests. The real SlapOS master has it, the proxy does not:
   * a master without it is tolerated, as slapgrid tolerates it.
   */
  relatedInstances(computer: string, partition: string, titles: string[]): Promise<void>;
  /**
   * getComputerPartitionCertificate: the partition's certificate and key
   * ('' when the master has none, as the proxy). Optional: only masters
   * reached over HTTP need to give one (slapgrid's certificate_repository_path).
   */
  partitionCertificate?(computer: string, partition: string): Promise<{ certificate: string; key: string }>;

  // reading
  /** An instance tree's root (or a person's shared instance) by title, undefined when unknown. */
  instanceInformation(title: string): Promise<InstanceInformation | undefined>;
}
