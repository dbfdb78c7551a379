import * as kplus from 'cdk8s-plus-27';
import { ApiObject, JsonPatch } from 'cdk8s';
import { Construct } from 'constructs';
import { HardeningError } from '../core/hardening-error';
import { HardenedWorkload, HardenedWorkloadProps, validateReplicas } from './hardened-workload';

/** Props of a `HardenedStatefulSet`. */
export interface HardenedStatefulSetProps extends HardenedWorkloadProps {
  /**
   * Number of pods. Above 1, a PodDisruptionBudget and a spread over nodes and zones are
   * added.
   *
   * @default 2
   */
  readonly replicas?: number;
}

/**
 * A long-running workload with stable pod identities, hardened like `HardenedDeployment`.
 * Its governing headless Service is created with the workload's name and container ports.
 *
 * @see https://kubernetes.io/docs/concepts/workloads/controllers/statefulset/
 */
export class HardenedStatefulSet extends HardenedWorkload {
  /** The number of pods. */
  public readonly replicas: number;
  /** The underlying cdk8s-plus StatefulSet. */
  public readonly statefulSet: kplus.StatefulSet;
  /** The headless Service that gives each pod its DNS name. */
  public readonly headlessService: kplus.Service;

  constructor(scope: Construct, id: string, props: HardenedStatefulSetProps) {
    super(scope, id, props);
    this.replicas = validateReplicas(this, props.replicas ?? 2);
    const ports = props.containers.flatMap((c) => [
      ...(c.portNumber !== undefined ? [{ port: c.portNumber, targetPort: c.portNumber }] : []),
      ...(c.ports ?? []).map((p) => ({ port: p.number, targetPort: p.number, name: p.name, protocol: p.protocol })),
    ]);
    if (ports.length === 0) {
      throw new HardeningError(this, "'containers' expose no port, but a StatefulSet needs one for its headless Service. Set 'portNumber' on the container that serves.");
    }
    // cdk8s-plus would create this Service itself, named with a hash and before our
    // containers exist; ours is named after the workload.
    this.headlessService = new kplus.Service(this, 'HeadlessService', {
      metadata: this.metadata(),
      clusterIP: 'None',
      ports,
    });
    this.statefulSet = new kplus.StatefulSet(this, 'Resource', {
      ...this.podProps(props),
      replicas: this.replicas,
      service: this.headlessService,
    });
    this.harden(this.statefulSet, props, true);
    // The StatefulSet made the Service select its hashed address label, which we removed
    // from the pods; select the stable labels instead.
    ApiObject.of(this.headlessService).addJsonPatch(JsonPatch.replace('/spec/selector', { ...this.selectorLabels }));
    if (this.replicas > 1) {
      this.spread(this.statefulSet);
      this.addDisruptionBudget();
    }
  }

  protected get podSpecPath(): string {
    return '/spec/template/spec';
  }
}
