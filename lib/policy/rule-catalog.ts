import { LONG_RUNNING_KINDS, POD_TEMPLATE_KINDS } from './pod-template-locations';

/**
 * The rule catalog the constructs need, as data: every rule id of the review and the kinds it
 * judges. Constructs read it to validate an exception's rule and to record the exception on the
 * objects its rule looks at (`exception-routing.ts`); the scanner map reads it for the kinds a
 * scanner check covers. The rules themselves (lib/review/rules) stay the source: a test
 * (test/policy/rule-catalog.test.ts) fails when a rule is added, removed or changes its kinds
 * without this table.
 */

/** The `kinds` entry of a rule that judges every kind. */
export const ANY_KIND = '*';

// The kinds that carry a pod template, and those whose pods run forever: from the one table of
// where each kind keeps its pod template, which the review's walkers read too.
export { LONG_RUNNING_KINDS, POD_TEMPLATE_KINDS } from './pod-template-locations';

/** Every rule of the review, by id, with the kinds it judges (in the review's rule order). */
export const RULE_KINDS: Readonly<Record<string, readonly string[]>> = {
  'object-schema': [ANY_KIND],
  'duplicate-object': [ANY_KIND],
  'no-host-namespaces': POD_TEMPLATE_KINDS,
  'no-privileged': POD_TEMPLATE_KINDS,
  'baseline-capabilities': POD_TEMPLATE_KINDS,
  'no-host-path': POD_TEMPLATE_KINDS,
  'no-host-ports': POD_TEMPLATE_KINDS,
  'no-apparmor-unconfined': POD_TEMPLATE_KINDS,
  'no-custom-selinux': POD_TEMPLATE_KINDS,
  'no-unmasked-proc-mount': POD_TEMPLATE_KINDS,
  'no-unconfined-seccomp': POD_TEMPLATE_KINDS,
  'no-unsafe-sysctls': POD_TEMPLATE_KINDS,
  'no-windows-host-process': POD_TEMPLATE_KINDS,
  'no-host-probes': POD_TEMPLATE_KINDS,
  'restricted-volume-types': POD_TEMPLATE_KINDS,
  'no-privilege-escalation': POD_TEMPLATE_KINDS,
  'run-as-non-root': POD_TEMPLATE_KINDS,
  'no-root-user': POD_TEMPLATE_KINDS,
  'seccomp-runtime-default': POD_TEMPLATE_KINDS,
  'drop-all-capabilities': POD_TEMPLATE_KINDS,
  'restricted-proc-mount': POD_TEMPLATE_KINDS,
  'read-only-root-filesystem': POD_TEMPLATE_KINDS,
  'high-user-group-ids': POD_TEMPLATE_KINDS,
  'resources-set': POD_TEMPLATE_KINDS,
  'image-digest': POD_TEMPLATE_KINDS,
  'image-registry-allowed': POD_TEMPLATE_KINDS,
  'no-latest-tag': POD_TEMPLATE_KINDS,
  'image-pull-always': POD_TEMPLATE_KINDS,
  'readiness-probe': LONG_RUNNING_KINDS,
  'liveness-probe': LONG_RUNNING_KINDS,
  'no-service-account-token': POD_TEMPLATE_KINDS,
  'no-default-service-account': POD_TEMPLATE_KINDS,
  'distinct-probes': LONG_RUNNING_KINDS,
  'pod-anti-affinity': [
    'Deployment',
    'StatefulSet',
    'argoproj.io/Rollout',
    'apps.kruise.io/CloneSet',
    'apps.openshift.io/DeploymentConfig',
  ],
  'pdb-unhealthy-pod-eviction-policy': ['PodDisruptionBudget'],
  'unjudged-pod-template': [ANY_KIND],
  'hpa-target-exists': ['HorizontalPodAutoscaler'],
  'pdb-selects-pods': ['PodDisruptionBudget'],
  'namespace-pod-security': ['Namespace'],
  'workload-namespace-hardened': POD_TEMPLATE_KINDS,
  'no-default-namespace': [ANY_KIND],
  'namespace-default-deny': ['Namespace'],
  'network-ingress-from-anywhere': ['NetworkPolicy'],
  'network-egress-metadata': ['NetworkPolicy'],
  'network-policy-selects-pods': ['NetworkPolicy'],
  'service-selects-pods': ['Service'],
  'service-type-allowed-by-quota': ['Service'],
  'rbac-no-wildcards': ['Role', 'ClusterRole'],
  'rbac-no-escalation-verbs': ['Role', 'ClusterRole'],
  'rbac-no-exec-attach-portforward': ['Role', 'ClusterRole'],
  'rbac-no-cluster-takeover-powers': ['Role', 'ClusterRole'],
  'rbac-namespace-escalation-powers': ['Role', 'ClusterRole'],
  'rbac-no-aggregation-leak': ['ClusterRole'],
  'rbac-no-cluster-secret-read': ['ClusterRoleBinding'],
  'rbac-no-kube-system-escalation': ['RoleBinding'],
  'rbac-no-cluster-admin-binding': ['RoleBinding', 'ClusterRoleBinding'],
  'rbac-no-broad-subjects': ['RoleBinding', 'ClusterRoleBinding'],
  'rbac-no-default-service-account-binding': ['RoleBinding', 'ClusterRoleBinding'],
  'rbac-no-user-subjects': ['RoleBinding', 'ClusterRoleBinding'],
  'rbac-cluster-scope': ['ClusterRoleBinding'],
  'secret-no-plaintext': ['Secret'],
  'env-no-literal-secret': POD_TEMPLATE_KINDS,
  'configmap-no-secret-keys': ['ConfigMap'],
  'value-no-known-secret': [ANY_KIND],
  'value-no-jwt': [ANY_KIND],
  'secret-as-file': POD_TEMPLATE_KINDS,
  'cluster-apiserver-settings': ['ClusterConfiguration'],
  'cluster-controller-manager-settings': ['ClusterConfiguration'],
  'cluster-scheduler-settings': ['ClusterConfiguration'],
  'cluster-etcd-settings': ['ClusterConfiguration'],
  'cluster-kubelet-settings': ['KubeletConfiguration'],
  'audit-sensitive-metadata-only': ['Policy'],
  'audit-high-risk-recorded': ['Policy'],
  'audit-omit-request-received': ['Policy'],
  'admission-pod-security-restricted': ['AdmissionConfiguration'],
  'admission-exemptions-system-only': ['AdmissionConfiguration'],
  'authentication-anonymous-health-only': ['AuthenticationConfiguration'],
  'encryption-secrets-encrypted': ['EncryptionConfiguration'],
  'encryption-key-not-in-manifests': ['EncryptionConfiguration'],
};

/** The kinds a rule judges, or `undefined` for an unknown rule id. */
export function kindsOfRule(ruleId: string): readonly string[] | undefined {
  return Object.prototype.hasOwnProperty.call(RULE_KINDS, ruleId) ? RULE_KINDS[ruleId] : undefined;
}
