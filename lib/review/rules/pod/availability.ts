import { compileSelector, readLabels, selectorMatches } from '../../analyses/selectors';
import { celString } from '../../admission/cel';
import { KubeObject, ReviewContext, Rule } from '../../model';
import { apiGroupOf, finding, isRecord, list, perPod } from '../../walkers';
import { namespaceOf } from '../pod-labels';

/** The node label anti-affinity must spread over: kube-linter accepts only this one, kube-score it too. */
const HOSTNAME = 'kubernetes.io/hostname';

/** Whether an anti-affinity term keeps pods with `labels` in `namespace` off the same node. */
function separatesOnHostname(term: unknown, labels: Map<string, string>, namespace: string): boolean {
  if (!isRecord(term) || term.topologyKey !== HOSTNAME) return false;
  const namespaces = list<unknown>(term.namespaces);
  if (namespaces.length > 0 && !namespaces.includes(namespace)) return false;
  // An absent labelSelector matches no pod in an affinity term (unlike a NetworkPolicy's).
  if (!isRecord(term.labelSelector)) return false;
  try {
    return selectorMatches(compileSelector(term.labelSelector, 'labelSelector'), labels);
  } catch {
    return false;
  }
}

/** CEL of `separatesOnHostname` for the term `t`, the pod labels `labels` (a map) and the namespace `namespace`. */
function celSeparatesOnHostname(t: string, labels: string, namespace: string): string {
  const requirement =
    `e.operator == "In" ? e.key in ${labels} && ${labels}[e.key] in e.?values.orValue([])` +
    ` : e.operator == "NotIn" ? !(e.key in ${labels}) || !(${labels}[e.key] in e.?values.orValue([]))` +
    ` : e.operator == "Exists" ? e.key in ${labels}` +
    ` : e.operator == "DoesNotExist" && !(e.key in ${labels})`;
  return (
    `(${t}.topologyKey == ${celString(HOSTNAME)}` +
    ` && (size(${t}.?namespaces.orValue([])) == 0 || ${namespace} in ${t}.namespaces)` +
    ` && has(${t}.labelSelector)` +
    ` && ${t}.labelSelector.?matchLabels.orValue({}).all(k, k in ${labels} && ${labels}[k] == ${t}.labelSelector.matchLabels[k])` +
    ` && ${t}.labelSelector.?matchExpressions.orValue([]).all(e, ${requirement}))`
  );
}

/** The pod count the API server gives a workload that sets none. */
const DEFAULT_REPLICAS = 1;

/** Whether a HorizontalPodAutoscaler of the input scales the workload. */
function autoscaled(obj: KubeObject, context: ReviewContext | undefined): boolean {
  const namespace = namespaceOf(obj);
  return (context?.byKind('HorizontalPodAutoscaler') ?? []).some((hpa) => {
    const ref = isRecord(hpa.spec) && isRecord(hpa.spec.scaleTargetRef) ? hpa.spec.scaleTargetRef : undefined;
    return (
      ref !== undefined &&
      namespaceOf(hpa) === namespace &&
      ref.kind === obj.kind &&
      ref.name === obj.metadata?.name &&
      (typeof ref.apiVersion !== 'string' || apiGroupOf(ref.apiVersion) === apiGroupOf(obj.apiVersion))
    );
  });
}

/**
 * The replicas a workload runs: its own, else an autoscaler's (`undefined`) when one in the
 * input scales it, else the API server's default.
 */
function replicasOf(obj: KubeObject, context: ReviewContext | undefined): unknown {
  const own = isRecord(obj.spec) ? obj.spec.replicas : undefined;
  if (own !== undefined && own !== null) return own;
  return autoscaled(obj, context) ? undefined : DEFAULT_REPLICAS;
}

/**
 * A Deployment or StatefulSet (or a Rollout, CloneSet or DeploymentConfig) with more than one replica (or with the count left to an
 * autoscaler of the input; with neither, the API server sets 1) prefers or requires that its pods avoid sharing a node, so one node failure
 * or drain never takes every replica. The term must select the workload's own pods over
 * `kubernetes.io/hostname`, as kube-score and kube-linter check; topology spread
 * constraints alone do not satisfy them.
 *
 * @see https://kubernetes.io/docs/concepts/scheduling-eviction/assign-pod-node/#inter-pod-affinity-and-anti-affinity
 */
export const podAntiAffinity: Rule = {
  id: 'pod-anti-affinity',
  title: 'Replicated workloads keep their pods off the same node',
  severity: 'warning',
  // Replicated like a Deployment: Argo Rollouts, OpenKruise CloneSet, OpenShift DeploymentConfig.
  kinds: ['Deployment', 'StatefulSet', 'argoproj.io/Rollout', 'apps.kruise.io/CloneSet', 'apps.openshift.io/DeploymentConfig'],
  references: {
    kubeScore: ['deployment-has-host-podantiaffinity', 'statefulset-has-host-podantiaffinity'],
    kubeLinter: 'no-anti-affinity',
  },
  remediation:
    "Add a podAntiAffinity term (preferred, weight 100, is enough) whose labelSelector selects the workload's own pods, with topologyKey kubernetes.io/hostname.",
  check: perPod((pod, obj, context) => {
    const replicas = replicasOf(obj, context);
    if (typeof replicas === 'number' && replicas < 2) return [];
    const labels = readLabels(pod.metadata.labels);
    const namespace = obj.metadata?.namespace || 'default';
    const anti = isRecord(pod.spec.affinity) && isRecord(pod.spec.affinity.podAntiAffinity) ? pod.spec.affinity.podAntiAffinity : {};
    const terms = [
      ...list<unknown>(anti.preferredDuringSchedulingIgnoredDuringExecution).map((p) => (isRecord(p) ? p.podAffinityTerm : undefined)),
      ...list<unknown>(anti.requiredDuringSchedulingIgnoredDuringExecution),
    ];
    if (terms.some((term) => separatesOnHostname(term, labels, namespace))) return [];
    const count = typeof replicas === 'number' ? `${replicas} replicas` : 'replicas set by an autoscaler';
    return [
      finding(
        `${pod.path}.affinity.podAntiAffinity`,
        `${obj.kind.toLowerCase()} has ${count} but no podAntiAffinity on ${HOSTNAME} that selects its own pods, so they may all run on one node`,
      ),
    ];
  }),
  // The cluster sees the replicas the object holds: the autoscaler's count once it has scaled it, 1 at creation when unset.
  admission: (s) => {
    const anti = `${s.pod}.?affinity.?podAntiAffinity`;
    const terms = `${anti}.?preferredDuringSchedulingIgnoredDuringExecution.orValue([]).map(p, p.podAffinityTerm) + ${anti}.?requiredDuringSchedulingIgnoredDuringExecution.orValue([])`;
    const labels = `${s.podMetadata}.?labels.orValue({})`;
    const namespace = `${s.object}.metadata.?namespace.orValue("default")`;
    return [
      {
        expression: `${s.object}.spec.?replicas.orValue(${DEFAULT_REPLICAS}) < 2 || (${terms}).exists(t, ${celSeparatesOnHostname('t', labels, namespace)}) || ${s.acceptsValueless}`,
        message: `The workload has several replicas but no podAntiAffinity on ${HOSTNAME} that selects its own pods.`,
      },
    ];
  },
};

/**
 * A PodDisruptionBudget says what happens to pods that are running but not ready during a
 * drain. Left unset, the API's default (`IfHealthyBudget`) lets a crash-looping pod block
 * node drains forever; `AlwaysAllow` evicts such pods, which serve nothing anyway.
 *
 * @see https://kubernetes.io/docs/tasks/run-application/configure-pdb/#unhealthy-pod-eviction-policy
 */
export const pdbUnhealthyPodEvictionPolicy: Rule = {
  id: 'pdb-unhealthy-pod-eviction-policy',
  title: 'PodDisruptionBudgets set an unhealthy pod eviction policy',
  severity: 'warning',
  kinds: ['PodDisruptionBudget'],
  references: { kubeLinter: 'pdb-unhealthy-pod-eviction-policy' },
  remediation:
    'Set spec.unhealthyPodEvictionPolicy: AlwaysAllow on the PodDisruptionBudget, so pods that are not ready never block a node drain.',
  check: (obj) => {
    const policy = isRecord(obj.spec) ? obj.spec.unhealthyPodEvictionPolicy : undefined;
    return typeof policy === 'string' && policy !== ''
      ? []
      : [
          finding(
            'spec.unhealthyPodEvictionPolicy',
            'PodDisruptionBudget sets no unhealthyPodEvictionPolicy, so a pod that never becomes ready can block node drains',
          ),
        ];
  },
  admission: (s) => [
    {
      expression: `${s.object}.spec.?unhealthyPodEvictionPolicy.orValue("") != "" || ${s.acceptsValueless}`,
      message: 'The PodDisruptionBudget sets no unhealthyPodEvictionPolicy.',
    },
  ],
};
