/**
 * The built-in kinds the admission policies judge, where each keeps its pod template, and who
 * is left to Pod Security admission: the facts the policy generator (admission-policies.ts)
 * needs beyond the rules.
 */
import { POD_TEMPLATE_LOCATIONS } from '../../policy/pod-template-locations';

/** One kind of one API group as an admission rule matches it. */
export interface AdmissionKind {
  readonly group: string;
  readonly version: string;
  readonly kind: string;
  /** Its resource (plural), as admission rules name it. */
  readonly resource: string;
  readonly namespaced: boolean;
  /**
   * For kinds with a pod template: CEL from `object` to the template (a mapping with `metadata`
   * and `spec`); `object` for a Pod.
   *
   * @default - no pod template
   */
  readonly podTemplate?: string;
  /** For kinds with a pod template: whether its pods run forever (POD_TEMPLATE_LOCATIONS), so probes are judged. */
  readonly longRunning?: boolean;
}

const RESOURCES: readonly Omit<AdmissionKind, 'podTemplate'>[] = [
  { group: '', version: 'v1', kind: 'Pod', resource: 'pods', namespaced: true },
  { group: '', version: 'v1', kind: 'ReplicationController', resource: 'replicationcontrollers', namespaced: true },
  { group: 'apps', version: 'v1', kind: 'ReplicaSet', resource: 'replicasets', namespaced: true },
  { group: 'apps', version: 'v1', kind: 'Deployment', resource: 'deployments', namespaced: true },
  { group: 'apps', version: 'v1', kind: 'StatefulSet', resource: 'statefulsets', namespaced: true },
  { group: 'apps', version: 'v1', kind: 'DaemonSet', resource: 'daemonsets', namespaced: true },
  { group: 'batch', version: 'v1', kind: 'Job', resource: 'jobs', namespaced: true },
  { group: 'batch', version: 'v1', kind: 'CronJob', resource: 'cronjobs', namespaced: true },
  { group: '', version: 'v1', kind: 'Namespace', resource: 'namespaces', namespaced: false },
  { group: '', version: 'v1', kind: 'Service', resource: 'services', namespaced: true },
  { group: '', version: 'v1', kind: 'ConfigMap', resource: 'configmaps', namespaced: true },
  { group: '', version: 'v1', kind: 'Secret', resource: 'secrets', namespaced: true },
  { group: 'networking.k8s.io', version: 'v1', kind: 'NetworkPolicy', resource: 'networkpolicies', namespaced: true },
  { group: 'policy', version: 'v1', kind: 'PodDisruptionBudget', resource: 'poddisruptionbudgets', namespaced: true },
  { group: 'autoscaling', version: 'v2', kind: 'HorizontalPodAutoscaler', resource: 'horizontalpodautoscalers', namespaced: true },
  { group: 'rbac.authorization.k8s.io', version: 'v1', kind: 'Role', resource: 'roles', namespaced: true },
  { group: 'rbac.authorization.k8s.io', version: 'v1', kind: 'ClusterRole', resource: 'clusterroles', namespaced: false },
  { group: 'rbac.authorization.k8s.io', version: 'v1', kind: 'RoleBinding', resource: 'rolebindings', namespaced: true },
  { group: 'rbac.authorization.k8s.io', version: 'v1', kind: 'ClusterRoleBinding', resource: 'clusterrolebindings', namespaced: false },
];

/**
 * Every kind the policies can match, in this order; a pod template kind's template path comes
 * from the review's own table (POD_TEMPLATE_LOCATIONS). Custom resources with pod templates
 * (Argo Rollouts, OpenKruise, Kubeflow...) and PodTemplate are not matched: their controllers
 * create Pods (or ReplicaSets), which are, as those controllers' own requests.
 */
export const ADMISSION_KINDS: readonly AdmissionKind[] = RESOURCES.map((resource) => {
  const location = POD_TEMPLATE_LOCATIONS.find((l) => l.group === resource.group && l.kind === resource.kind);
  if (!location) return resource;
  return { ...resource, podTemplate: ['object', ...location.template].join('.'), longRunning: location.longRunning };
});

/** The admission kinds a rule's `kinds` names (a kind name matches it in any group; `<group>/<kind>` only there). */
export function admissionKindsOf(ruleKinds: readonly string[]): readonly AdmissionKind[] {
  return ADMISSION_KINDS.filter((k) => ruleKinds.includes('*') || ruleKinds.includes(k.kind) || ruleKinds.includes(`${k.group}/${k.kind}`));
}

const KUBE_SYSTEM_ACCOUNT = 'system:serviceaccount:kube-system:';

/**
 * Who the policies leave alone, by user name: kube-controller-manager's controllers that
 * create objects from templates the policies already judged (a Deployment's ReplicaSets, their
 * Pods, a CronJob's Jobs), write ClusterRoles from roles already judged (aggregation) or only
 * edit metadata (the garbage collector removing owner references and finalizers, which must not
 * be blocked on objects admitted before the policies). Each acts with its own service account
 * (kubeadm's `--use-service-account-credentials`), or as `system:kube-controller-manager`
 * without it. A person or another controller is never among them: its Pods are judged.
 */
export const TEMPLATE_CONTROLLERS: readonly string[] = [
  'system:kube-controller-manager',
  ...[
    'clusterrole-aggregation-controller',
    'cronjob-controller',
    'daemon-set-controller',
    'deployment-controller',
    'generic-garbage-collector',
    'job-controller',
    'replicaset-controller',
    'replication-controller',
    'statefulset-controller',
  ].map((account) => KUBE_SYSTEM_ACCOUNT + account),
];
