import * as kplus from 'cdk8s-plus-27';
import { ApiObject, JsonPatch, Size } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import { isMountPath, requireDns1123Label } from '../core/names';
import { Construct } from 'constructs';
import { HardeningError } from '../core/hardening-error';
import { selectStatefulSetPodsByOwnLabels } from './cdk8s-plus-compat';
import { plusProtocol } from './container-port';
import { HardenedWorkload, HardenedWorkloadProps, validateReplicas } from './hardened-workload';

/** A PersistentVolumeClaim made for each pod and mounted into one of its containers. */
export interface StatefulVolumeClaim {
  /** Name of the claim template (a DNS-1123 label), also the volume name. */
  readonly name: string;
  /** Where the volume is mounted. */
  readonly mountPath: string;
  /** Requested capacity. */
  readonly size: Size;
  /**
   * Storage class: pick one that encrypts at rest.
   *
   * @default - the cluster's default storage class
   */
  readonly storageClassName?: string;
  /**
   * The container that mounts it.
   *
   * @default - the first container
   */
  readonly containerName?: string;
}

/** Props of a `HardenedStatefulSet`. */
export interface HardenedStatefulSetProps extends HardenedWorkloadProps {
  /**
   * Volumes that each pod keeps across restarts and rescheduling (ReadWriteOnce).
   *
   * @default - none
   */
  readonly volumeClaims?: StatefulVolumeClaim[];

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
      ...(c.ports ?? []).map((p) => ({ port: p.number, targetPort: p.number, name: p.name, protocol: plusProtocol(p.protocol) })),
    ]);
    if (ports.length === 0) {
      throw new HardeningError(
        this,
        "'containers' expose no port, but a StatefulSet needs one for its headless Service. Set 'portNumber' on the container that serves.",
      );
    }
    // cdk8s-plus would create this Service itself, named with a hash and before our
    // containers exist; ours is named after the workload.
    this.headlessService = new kplus.Service(this, 'HeadlessService', {
      metadata: this.metadata(),
      clusterIP: 'None',
      ports,
    });
    this.statefulSet = this.assemble(props, {
      create: (pod) => new kplus.StatefulSet(this, 'Resource', { ...pod, replicas: this.replicas, service: this.headlessService }),
      longRunning: true,
      replicas: this.replicas,
    });
    // The StatefulSet made the Service select its hashed address label, which we removed
    // from the pods; select the stable labels instead.
    selectStatefulSetPodsByOwnLabels(this.headlessService, this.selectorLabels);
    this.addVolumeClaims(props.volumeClaims ?? []);
  }

  private addVolumeClaims(claims: readonly StatefulVolumeClaim[]): void {
    if (!claims.length) return;
    const api = ApiObject.of(this.statefulSet);
    const containers = this.statefulSet.containers;
    const names = new Set<string>();
    const templates = claims.map((claim, i) => {
      const at = `volumeClaims[${i}]`;
      requireDns1123Label(this, `${at}.name`, claim.name);
      if (names.has(claim.name)) throw new HardeningError(this, `'${at}.name' repeats '${claim.name}'. Give each claim its own name.`);
      names.add(claim.name);
      if (!isMountPath(claim.mountPath)) {
        throw new HardeningError(
          this,
          `'${at}.mountPath' must be an absolute directory path other than '/', without '..' (got '${claim.mountPath}'). For example '/var/lib/data'.`,
        );
      }
      const index = claim.containerName === undefined ? 0 : containers.findIndex((c) => c.name === claim.containerName);
      if (index < 0) {
        throw new HardeningError(
          this,
          `'${at}.containerName' is '${claim.containerName}', which is not a container of '${this.name}' (${containers.map((c) => c.name).join(', ')}).`,
        );
      }
      // Append to the container's mounts, or create the list when it has none yet.
      const mount = { name: claim.name, mountPath: claim.mountPath };
      const mounts = `${this.podSpecPath}/containers/${index}/volumeMounts`;
      api.addJsonPatch(
        containers[index].mounts.length || this.claimsMountedIn(claims.slice(0, i), containers, index)
          ? JsonPatch.add(`${mounts}/-`, mount)
          : JsonPatch.add(mounts, [mount]),
      );
      return {
        metadata: { name: claim.name, labels: { ...this.selectorLabels } },
        spec: {
          accessModes: ['ReadWriteOnce'],
          ...(claim.storageClassName !== undefined ? { storageClassName: claim.storageClassName } : {}),
          resources: { requests: { storage: k8s.Quantity.fromString(storageQuantity(claim.size)) } },
        },
      };
    });
    api.addJsonPatch(JsonPatch.add('/spec/volumeClaimTemplates', templates));
  }

  /** Whether an earlier claim already created the mount list of container `index`. */
  private claimsMountedIn(earlier: readonly StatefulVolumeClaim[], containers: readonly kplus.Container[], index: number): boolean {
    return earlier.some((c) => (c.containerName === undefined ? 0 : containers.findIndex((x) => x.name === c.containerName)) === index);
  }
}

/** `20Gi` rather than `20480Mi` when the size is a whole number of GiB. */
function storageQuantity(size: Size): string {
  const mebibytes = size.toMebibytes();
  return mebibytes % 1024 === 0 ? `${mebibytes / 1024}Gi` : `${mebibytes}Mi`;
}
