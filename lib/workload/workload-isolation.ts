import { ApiObject, JsonPatch } from 'cdk8s';
import { Construct } from 'constructs';
import { requireDns1123Label } from '../core/names';

const DEFAULT_POOL_TAINT_KEY = 'hardened.cdk8s.io/pool';

/**
 * Pins a sensitive workload to a dedicated node pool, so a container escape lands on nodes
 * that run nothing else.
 */
export interface WorkloadIsolation {
  /** The node pool's name: the value of the node label and taint `taintKey`. */
  readonly nodePool: string;

  /**
   * Key of the node label (used as nodeSelector) and of the `NoSchedule` taint (tolerated).
   *
   * @default 'hardened.cdk8s.io/pool'
   */
  readonly taintKey?: string;

  /**
   * A sandboxed runtime such as gVisor (`gvisor`) or Kata Containers (`kata`).
   *
   * @default - the cluster's default runtime
   */
  readonly runtimeClassName?: string;
}

/** Pins the pod at `podSpecPath` to its node pool (selector and toleration) and sandboxed runtime. */
export function isolatePod(scope: Construct, api: ApiObject, podSpecPath: string, isolation: WorkloadIsolation | undefined): void {
  if (!isolation) return;
  const key = isolation.taintKey ?? DEFAULT_POOL_TAINT_KEY;
  requireDns1123Label(scope, 'isolation.nodePool', isolation.nodePool);
  const pod = podSpecPath;
  api.addJsonPatch(JsonPatch.add(`${pod}/nodeSelector`, { [key]: isolation.nodePool }));
  api.addJsonPatch(JsonPatch.add(`${pod}/tolerations`, [{ key, operator: 'Equal', value: isolation.nodePool, effect: 'NoSchedule' }]));
  if (isolation.runtimeClassName !== undefined) {
    requireDns1123Label(scope, 'isolation.runtimeClassName', isolation.runtimeClassName);
    api.addJsonPatch(JsonPatch.add(`${pod}/runtimeClassName`, isolation.runtimeClassName));
  }
}
