import { Duration, Size } from 'cdk8s';
import { Construct } from 'constructs';
import { HardenedStatefulSet, HardenedWorkload, HardeningException, HealthCheck, WorkloadSize } from '../lib';
import { templateContainer, TemplateContainerOptions } from './shared/template-container';

/** Props of a `StatefulStore`. */
export interface StatefulStoreProps extends TemplateContainerOptions {
  /** The port clients connect to (TCP). */
  readonly port: number;
  /** Where the data volume is mounted. */
  readonly dataPath: string;
  /** Capacity of each pod's data volume. */
  readonly storage: Size;
  /**
   * Storage class of the data volumes: choose one that encrypts at rest.
   *
   * @default - the cluster's default
   */
  readonly storageClassName?: string;
  /**
   * The workloads allowed to connect; nothing else can. (A client may also declare the
   * store among its own dependencies.)
   *
   * @default - none yet
   */
  readonly clients?: HardenedWorkload[];
  /**
   * Readiness probe.
   *
   * @default - a TCP connection to `port` every 10 s
   */
  readonly readiness?: HealthCheck;
  /**
   * Liveness probe: more patient than readiness, so a slow store is taken out of rotation
   * before it is restarted.
   *
   * @default - a TCP connection to `port` every 20 s, restarted after 6 failures. With
   * both default probes the store carries an exception to `distinct-probes` saying so (both
   * connect to the one port), which also reaches the scanners' skip annotations.
   */
  readonly liveness?: HealthCheck;
  /** @default 1 */
  readonly replicas?: number;
  /** @default WorkloadSize.MEDIUM */
  readonly size?: WorkloadSize;
  /** @default ['/tmp', '/var/run'] */
  readonly writablePaths?: string[];
  /** @default - none */
  readonly exceptions?: HardeningException[];
}

/** Why the two default probes may check the same port: the liveness probe is far more patient. */
const DEFAULT_PROBES_EXCEPTION: HardeningException = {
  rule: 'distinct-probes',
  reason:
    'a store has one TCP port and no health endpoint, so both default probes connect to it; liveness restarts only after 2 minutes (6 x 20 s), readiness acts within 30 s',
};

/**
 * A stateful store (database, queue): a hardened StatefulSet whose pods each keep a
 * PersistentVolumeClaim, reachable only from the clients it declares.
 */
export class StatefulStore extends Construct {
  /** The hardened StatefulSet (with its headless Service). */
  public readonly workload: HardenedStatefulSet;

  constructor(scope: Construct, id: string, props: StatefulStoreProps) {
    super(scope, id);
    const readiness = props.readiness ?? HealthCheck.tcpSocket({ port: props.port, period: Duration.seconds(10) });
    const liveness = props.liveness ?? HealthCheck.tcpSocket({ port: props.port, period: Duration.seconds(20), failureThreshold: 6 });
    const defaultProbes = props.readiness === undefined && props.liveness === undefined;
    const exceptions =
      defaultProbes && !(props.exceptions ?? []).some((e) => e.rule === 'distinct-probes')
        ? [...(props.exceptions ?? []), DEFAULT_PROBES_EXCEPTION]
        : props.exceptions;
    this.workload = new HardenedStatefulSet(this, id, {
      replicas: props.replicas ?? 1,
      exceptions,
      containers: [
        templateContainer(props, {
          portNumber: props.port,
          size: WorkloadSize.MEDIUM,
          writablePaths: ['/tmp', '/var/run'],
          readiness,
          liveness,
        }),
      ],
      volumeClaims: [{ name: 'data', mountPath: props.dataPath, size: props.storage, storageClassName: props.storageClassName }],
    });
    for (const client of props.clients ?? []) this.workload.allowFrom(client, { port: props.port });
  }
}
