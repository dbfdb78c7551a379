import * as kplus from 'cdk8s-plus-27';
import { k8s } from 'cdk8s-plus-27';
import { ApiObject, JsonPatch } from 'cdk8s';
import { Construct } from 'constructs';

/**
 * Spreads replicas over nodes and zones; best effort so a small cluster still schedules.
 * A preferred pod anti-affinity on the node says the same in the form kube-score and
 * kube-linter check (rule `pod-anti-affinity`); it goes through cdk8s-plus' scheduling API
 * so affinities added through the escape hatch are kept.
 */
export function spreadPods(
  scope: Construct,
  workload: kplus.Workload,
  selectorLabels: { [key: string]: string },
  podSpecPath: string,
): void {
  const ownPods = kplus.Pods.select(scope, 'OwnPods', { labels: { ...selectorLabels } });
  workload.scheduling.separate(ownPods, { topology: kplus.Topology.HOSTNAME, weight: 100 });
  const spreadOver = (topologyKey: string) => ({
    maxSkew: 1,
    topologyKey,
    whenUnsatisfiable: 'ScheduleAnyway',
    labelSelector: { matchLabels: { ...selectorLabels } },
  });
  ApiObject.of(workload).addJsonPatch(
    JsonPatch.add(`${podSpecPath}/topologySpreadConstraints`, [
      spreadOver('kubernetes.io/hostname'),
      spreadOver('topology.kubernetes.io/zone'),
    ]),
  );
}

/**
 * Keeps at least all but one replica running through voluntary disruptions (drains,
 * upgrades); pods that are not ready may always be evicted (rule
 * `pdb-unhealthy-pod-eviction-policy`).
 */
export function disruptionBudget(
  scope: Construct,
  metadata: k8s.ObjectMeta,
  selectorLabels: { [key: string]: string },
): k8s.KubePodDisruptionBudget {
  return new k8s.KubePodDisruptionBudget(scope, 'DisruptionBudget', {
    metadata,
    spec: {
      maxUnavailable: k8s.IntOrString.fromNumber(1),
      selector: { matchLabels: { ...selectorLabels } },
      // A pod that is running but not ready serves nothing: never let it block a drain.
      unhealthyPodEvictionPolicy: 'AlwaysAllow',
    },
  });
}
