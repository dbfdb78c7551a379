import { ApiObject } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { writeScannerSkips } from '../policy/exception-routing';
import { AUTOSCALED_SKIPS } from '../policy/scanner-map';
import { HardenedWorkload, HardenedWorkloadProps, validateReplicas } from './hardened-workload';

/** Props of a `HardenedDeployment`. */
export interface HardenedDeploymentProps extends HardenedWorkloadProps {
  /**
   * Number of pods. Above 1, a PodDisruptionBudget and a spread over nodes and zones are
   * added.
   *
   * @default 2
   */
  readonly replicas?: number;

  /**
   * A HorizontalPodAutoscaler owns the number of pods: `replicas` is then the autoscaler's
   * minimum, and the Deployment leaves `spec.replicas` unset so GitOps tools do not fight
   * the autoscaler.
   *
   * @default false
   */
  readonly autoscaled?: boolean;
}

/**
 * A stateless, long-running workload that meets Pod Security `restricted` with no security
 * props at all: non-root, read-only root filesystem, all capabilities dropped, seccomp
 * `RuntimeDefault`, its own ServiceAccount without a token, pinned images, requests and
 * limits, readiness and liveness probes.
 *
 * @see https://kubernetes.io/docs/concepts/workloads/controllers/deployment/
 */
export class HardenedDeployment extends HardenedWorkload {
  /** The number of pods. */
  public readonly replicas: number;
  /** The underlying cdk8s-plus Deployment, for what this construct does not cover. */
  public readonly deployment: kplus.Deployment;

  constructor(scope: Construct, id: string, props: HardenedDeploymentProps) {
    super(scope, id, props);
    this.replicas = validateReplicas(this, props.replicas ?? 2);
    this.deployment = this.assemble(props, {
      create: (pod) => new kplus.Deployment(this, 'Resource', { ...pod, replicas: props.autoscaled ? undefined : this.replicas }),
      longRunning: true,
      replicas: this.replicas,
    });
    // Polaris asks for spec.replicas, which an autoscaled Deployment leaves to its autoscaler.
    if (props.autoscaled) writeScannerSkips(ApiObject.of(this.deployment), AUTOSCALED_SKIPS);
  }
}
