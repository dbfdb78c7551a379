import { Construct } from 'constructs';
import { HardenedDeployment, HardeningException, HealthCheck } from '../lib';
import { connect, Dependency, ExternalDependency } from './dependency';
import { templateContainer, TemplateContainerOptions } from './shared/template-container';

/** Props of a `Worker`. */
export interface WorkerProps extends TemplateContainerOptions {
  /** Arguments, for example the queue to read. @default - the image's */
  readonly args?: string[];
  /**
   * Port of the worker's health endpoint (`/ready`, `/healthz`), probed by the kubelet. No
   * traffic is allowed to it from other pods.
   */
  readonly healthPort: number;
  /** @default 2 */
  readonly replicas?: number;
  /** The workloads (queues, databases) it connects to: its only egress besides DNS. */
  readonly dependencies: Dependency[];
  /** @default - none */
  readonly externalDependencies?: ExternalDependency[];
  /** @default - none */
  readonly exceptions?: HardeningException[];
}

/**
 * A background worker: a hardened Deployment that accepts no traffic at all and connects
 * only to the services it declares.
 */
export class Worker extends Construct {
  /** The hardened Deployment. */
  public readonly workload: HardenedDeployment;

  constructor(scope: Construct, id: string, props: WorkerProps) {
    super(scope, id);
    this.workload = new HardenedDeployment(this, id, {
      replicas: props.replicas,
      exceptions: props.exceptions,
      containers: [
        templateContainer(props, {
          portNumber: props.healthPort,
          writablePaths: ['/tmp'],
          readiness: HealthCheck.httpGet('/ready', { port: props.healthPort }),
          liveness: HealthCheck.httpGet('/healthz', { port: props.healthPort }),
        }),
      ],
    });
    connect(this.workload, props.dependencies, props.externalDependencies);
  }
}
