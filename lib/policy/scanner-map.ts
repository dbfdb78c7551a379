/**
 * How the checks of the scanners people already run (Checkov, kube-score, kube-linter,
 * Polaris, Trivy) correspond to the rules of this engine, as plain data. Two uses:
 *
 * - **Exceptions carry over.** An exception to one of our rules is written into the YAML as
 *   each scanner's own skip annotation for every check mapped to that rule, with the same
 *   reason where the scanner has room for one (`scannerSkipAnnotations`). So the scanners
 *   accept exactly what our review accepts, and nothing else.
 * - **Checks that do not apply are named, with the reason**, and the scan (`scripts/scan.sh`)
 *   turns them off; docs/proofs.md lists them. Every other check of a scanner runs as the
 *   scanner ships it and must pass.
 *
 * Kept in `lib/policy`, below the constructs and the review: constructs write the skip annotations
 * (`lib/policy/exception-routing.ts`), scripts and the docs read the rest; it imports neither.
 */
import { compareText } from '../core/compare-text';
import { ANY_KIND, kindsOfRule, POD_TEMPLATE_KINDS } from './rule-catalog';

/** The scanners whose checks are mapped. */
export type Scanner = 'checkov' | 'kube-score' | 'kube-linter' | 'polaris' | 'trivy';

/** Every scanner, in the order the scan runs and reports them. */
export const SCANNERS: readonly Scanner[] = ['checkov', 'kube-score', 'kube-linter', 'polaris', 'trivy'];

/** The `rule` of a check that does not apply to what this library emits. */
export const NOT_APPLICABLE = 'not-applicable';

/** One scanner check and the rule of ours that judges the same thing. */
export interface ScannerCheck {
  readonly scanner: Scanner;
  /** The scanner's own id: `CKV_K8S_22`, `container-resources`, `no-read-only-root-fs`, `notReadOnlyRootFilesystem`. */
  readonly check: string;
  /**
   * Our rule id, or `not-applicable`. A check may appear once per rule when it covers
   * several of ours: an exception to any of them skips it (our review still judges the others).
   */
  readonly rule: string;
  /** Why the check does not apply: required with `not-applicable`, shown in docs/proofs.md. */
  readonly reason?: string;
  /**
   * The kinds the scanner judges with this check, when they differ from the rule's: a
   * skip annotation is only written on objects of these kinds.
   *
   * @default - the kinds of `rule`
   */
  readonly kinds?: readonly string[];
  /**
   * The scanner reports on a RoleBinding or ClusterRoleBinding what the role it binds holds,
   * while `rule` judges the role, where our exceptions to it are written: the scan accepts the
   * finding on a binding whose role (in the same output) carries an exception to `rule`, and
   * says so with our reason. The scanner itself, run alone, still reports it.
   *
   * @default false
   */
  readonly boundRole?: boolean;
}

const row = (scanner: Scanner, check: string, rule: string, kinds?: readonly string[]): ScannerCheck =>
  kinds ? { scanner, check, rule, kinds } : { scanner, check, rule };
const notApplicable = (scanner: Scanner, check: string, reason: string): ScannerCheck => ({ scanner, check, rule: NOT_APPLICABLE, reason });
/** A check reported on bindings for what their role holds (see `ScannerCheck.boundRole`). */
const BINDING_KINDS = ['RoleBinding', 'ClusterRoleBinding'];
const onBoundRole = (scanner: Scanner, check: string, rule: string): ScannerCheck => ({
  scanner,
  check,
  rule,
  kinds: BINDING_KINDS,
  boundRole: true,
});

/** Every mapped check, grouped by scanner, then by our rule. */
export const SCANNER_CHECKS: readonly ScannerCheck[] = [
  // Checkov (kubernetes framework).
  row('checkov', 'CKV_K8S_8', 'liveness-probe'),
  row('checkov', 'CKV_K8S_9', 'readiness-probe'),
  row('checkov', 'CKV_K8S_10', 'resources-set'),
  row('checkov', 'CKV_K8S_12', 'resources-set'),
  row('checkov', 'CKV_K8S_13', 'resources-set'),
  row('checkov', 'CKV_K8S_14', 'no-latest-tag'),
  row('checkov', 'CKV_K8S_15', 'image-pull-always'),
  row('checkov', 'CKV_K8S_16', 'no-privileged'),
  row('checkov', 'CKV_K8S_17', 'no-host-namespaces'),
  row('checkov', 'CKV_K8S_18', 'no-host-namespaces'),
  row('checkov', 'CKV_K8S_19', 'no-host-namespaces'),
  row('checkov', 'CKV_K8S_20', 'no-privilege-escalation'),
  row('checkov', 'CKV_K8S_21', 'workload-namespace-hardened'),
  row('checkov', 'CKV_K8S_22', 'read-only-root-filesystem'),
  row('checkov', 'CKV_K8S_23', 'run-as-non-root'),
  row('checkov', 'CKV_K8S_25', 'baseline-capabilities'),
  row('checkov', 'CKV_K8S_26', 'no-host-ports'),
  row('checkov', 'CKV_K8S_28', 'drop-all-capabilities'),
  row('checkov', 'CKV_K8S_31', 'seccomp-runtime-default'),
  row('checkov', 'CKV_K8S_35', 'secret-as-file'),
  row('checkov', 'CKV_K8S_37', 'drop-all-capabilities'),
  row('checkov', 'CKV_K8S_38', 'no-service-account-token'),
  row('checkov', 'CKV_K8S_40', 'high-user-group-ids'),
  row('checkov', 'CKV_K8S_42', 'rbac-no-default-service-account-binding'),
  row('checkov', 'CKV_K8S_43', 'image-digest'),
  row('checkov', 'CKV_K8S_49', 'rbac-no-wildcards'),
  row('checkov', 'CKV_K8S_155', 'rbac-no-cluster-takeover-powers', ['ClusterRole']),
  row('checkov', 'CKV_K8S_156', 'rbac-no-cluster-takeover-powers', ['ClusterRole']),
  row('checkov', 'CKV_K8S_157', 'rbac-no-escalation-verbs'),
  row('checkov', 'CKV_K8S_158', 'rbac-no-escalation-verbs'),
  // A graph check on the pod's workload: some NetworkPolicy selects its pods.
  row('checkov', 'CKV2_K8S_6', 'workload-namespace-hardened'),
  row('checkov', 'CKV2_K8S_6', 'namespace-default-deny', POD_TEMPLATE_KINDS),

  // kube-score: its default checks, plus the optional container-seccomp-profile.
  row('kube-score', 'container-image-pull-policy', 'image-pull-always'),
  row('kube-score', 'container-image-tag', 'no-latest-tag'),
  row('kube-score', 'container-resources', 'resources-set'),
  row('kube-score', 'container-seccomp-profile', 'seccomp-runtime-default'),
  row('kube-score', 'container-security-context-privileged', 'no-privileged'),
  row('kube-score', 'container-security-context-readonlyrootfilesystem', 'read-only-root-filesystem'),
  row('kube-score', 'container-security-context-user-group-id', 'high-user-group-ids'),
  row('kube-score', 'deployment-has-host-podantiaffinity', 'pod-anti-affinity'),
  row('kube-score', 'statefulset-has-host-podantiaffinity', 'pod-anti-affinity'),
  row('kube-score', 'pod-networkpolicy', 'workload-namespace-hardened'),
  row('kube-score', 'pod-networkpolicy', 'namespace-default-deny', POD_TEMPLATE_KINDS),
  row('kube-score', 'pod-probes', 'readiness-probe'),
  row('kube-score', 'pod-probes', 'liveness-probe'),
  row('kube-score', 'pod-probes-identical', 'distinct-probes'),
  row('kube-score', 'networkpolicy-targets-pod', 'network-policy-selects-pods'),
  notApplicable(
    'kube-score',
    'container-cpu-requests-equal-limits',
    'Optional in kube-score. CPU requests stay below limits on purpose: a pod may use idle CPU, and CPU is throttled, never a reason to kill. Memory, which is not compressible, has request = limit by default.',
  ),
  notApplicable(
    'kube-score',
    'container-memory-requests-equal-limits',
    'Optional in kube-score. Our sizes set memory request = limit, but resources-set accepts a lower request when a workload chooses one explicitly.',
  ),
  notApplicable(
    'kube-score',
    'container-resource-requests-equal-limits',
    'Optional in kube-score: CPU and memory together, see container-cpu-requests-equal-limits.',
  ),
  notApplicable(
    'kube-score',
    'container-ephemeral-storage-request-equals-limit',
    'Optional in kube-score. Scratch space is requested at its usual use and limited at its bound (64Mi and 256Mi by default); the kubelet evicts a pod above the limit, which is the protection.',
  ),

  // kube-linter: its default checks plus KUBE_LINTER_ADDED_CHECKS; the rows for checks left off still translate exceptions.
  onBoundRole('kube-linter', 'access-to-create-pods', 'rbac-namespace-escalation-powers'),
  row('kube-linter', 'access-to-secrets', 'rbac-no-cluster-secret-read', ['ClusterRoleBinding']),
  onBoundRole('kube-linter', 'access-to-secrets', 'rbac-namespace-escalation-powers'),
  row('kube-linter', 'cluster-admin-role-binding', 'rbac-no-cluster-admin-binding'),
  row('kube-linter', 'dangling-networkpolicy', 'network-policy-selects-pods'),
  row('kube-linter', 'default-service-account', 'no-default-service-account'),
  row('kube-linter', 'docker-sock', 'no-host-path'),
  row('kube-linter', 'drop-net-raw-capability', 'drop-all-capabilities'),
  row('kube-linter', 'env-var-secret', 'env-no-literal-secret'),
  row('kube-linter', 'host-ipc', 'no-host-namespaces'),
  row('kube-linter', 'host-network', 'no-host-namespaces'),
  row('kube-linter', 'host-pid', 'no-host-namespaces'),
  row('kube-linter', 'latest-tag', 'no-latest-tag'),
  row('kube-linter', 'no-anti-affinity', 'pod-anti-affinity'),
  row('kube-linter', 'no-liveness-probe', 'liveness-probe'),
  row('kube-linter', 'no-read-only-root-fs', 'read-only-root-filesystem'),
  row('kube-linter', 'no-readiness-probe', 'readiness-probe'),
  row('kube-linter', 'non-isolated-pod', 'workload-namespace-hardened'),
  row('kube-linter', 'non-isolated-pod', 'namespace-default-deny', POD_TEMPLATE_KINDS),
  row('kube-linter', 'pdb-unhealthy-pod-eviction-policy', 'pdb-unhealthy-pod-eviction-policy'),
  row('kube-linter', 'privilege-escalation-container', 'no-privilege-escalation'),
  row('kube-linter', 'privileged-container', 'no-privileged'),
  row('kube-linter', 'read-secret-from-env-var', 'secret-as-file'),
  row('kube-linter', 'run-as-non-root', 'run-as-non-root'),
  row('kube-linter', 'sensitive-host-mounts', 'no-host-path'),
  row('kube-linter', 'unsafe-proc-mount', 'no-unmasked-proc-mount'),
  row('kube-linter', 'unsafe-proc-mount', 'restricted-proc-mount'),
  row('kube-linter', 'unsafe-sysctls', 'no-unsafe-sysctls'),
  row('kube-linter', 'unset-cpu-requirements', 'resources-set'),
  row('kube-linter', 'unset-memory-requirements', 'resources-set'),
  row('kube-linter', 'use-namespace', 'no-default-namespace'),
  row('kube-linter', 'wildcard-in-rules', 'rbac-no-wildcards'),
  row('kube-linter', 'writable-host-mount', 'no-host-path'),

  // Polaris: its default configuration, warnings and dangers alike.
  row('polaris', 'automountServiceAccountToken', 'no-service-account-token'),
  row('polaris', 'clusterrolePodExecAttach', 'rbac-no-exec-attach-portforward', ['ClusterRole']),
  onBoundRole('polaris', 'clusterrolebindingPodExecAttach', 'rbac-no-exec-attach-portforward'),
  row('polaris', 'clusterrolebindingClusterAdmin', 'rbac-no-cluster-admin-binding', ['ClusterRoleBinding']),
  row('polaris', 'cpuRequestsMissing', 'resources-set'),
  row('polaris', 'hostIPCSet', 'no-host-namespaces'),
  row('polaris', 'hostNetworkSet', 'no-host-namespaces'),
  row('polaris', 'hostPIDSet', 'no-host-namespaces'),
  row('polaris', 'hostPathSet', 'no-host-path'),
  row('polaris', 'hostPortSet', 'no-host-ports'),
  row('polaris', 'insecureCapabilities', 'drop-all-capabilities'),
  row('polaris', 'livenessProbeMissing', 'liveness-probe'),
  row('polaris', 'memoryLimitsMissing', 'resources-set'),
  row('polaris', 'memoryRequestsMissing', 'resources-set'),
  row('polaris', 'notReadOnlyRootFilesystem', 'read-only-root-filesystem'),
  row('polaris', 'privilegeEscalationAllowed', 'no-privilege-escalation'),
  row('polaris', 'pullPolicyNotAlways', 'image-pull-always'),
  row('polaris', 'readinessProbeMissing', 'readiness-probe'),
  row('polaris', 'rolePodExecAttach', 'rbac-no-exec-attach-portforward', ['Role']),
  onBoundRole('polaris', 'rolebindingClusterRolePodExecAttach', 'rbac-no-exec-attach-portforward'),
  onBoundRole('polaris', 'rolebindingRolePodExecAttach', 'rbac-no-exec-attach-portforward'),
  row('polaris', 'rolebindingClusterAdminClusterRole', 'rbac-no-cluster-admin-binding', ['RoleBinding']),
  row('polaris', 'runAsPrivileged', 'no-privileged'),
  row('polaris', 'runAsRootAllowed', 'run-as-non-root'),
  row('polaris', 'sensitiveConfigmapContent', 'configmap-no-secret-keys'),
  row('polaris', 'sensitiveContainerEnvVar', 'env-no-literal-secret'),
  row('polaris', 'tagNotSpecified', 'no-latest-tag'),
  notApplicable(
    'polaris',
    'metadataAndInstanceMismatched',
    "Polaris wants the label app.kubernetes.io/instance to equal the object's own name. Kubernetes' recommended labels define it as the name of the application's instance, shared by all its objects, as Helm sets it to the release name: our constructs happen to meet both readings, and the add-ons keep upstream's values, which their Deployments' selectors (immutable) use.",
  ),
  notApplicable(
    'polaris',
    'missingNetworkPolicy',
    "Polaris counts a pod as covered only by one NetworkPolicy with both ingress and egress rules whose podSelector matches exactly one of the pod's labels (its schema says oneOf, not anyOf). Ours select a workload by app.kubernetes.io/name and instance together, so none ever counts; and a workload that takes no traffic rightly has no ingress rule, under its namespace's default deny (namespace-default-deny), which kube-score, Checkov and kube-linter see.",
  ),
  notApplicable(
    'polaris',
    'priorityClassNotSet',
    'Priority classes are cluster policy: a name the cluster lacks makes the API server refuse the pod. Set one through the escape hatch where your cluster defines them.',
  ),
  notApplicable(
    'polaris',
    'topologySpreadConstraint',
    "Every workload with more than one replica gets spread constraints over nodes and zones (and pod-anti-affinity); a single pod, or a DaemonSet's one pod per node, has nothing to spread.",
  ),

  // Trivy (`trivy config`, its embedded Kubernetes checks): it reads no annotation, so the
  // skips of these rows reach it as entries of the ignore file the review writes (lib/policy/trivy-ignore.ts).
  row('trivy', 'KSV-0001', 'no-privilege-escalation'),
  row('trivy', 'KSV-0002', 'no-apparmor-unconfined'),
  row('trivy', 'KSV-0003', 'drop-all-capabilities'),
  row('trivy', 'KSV-0004', 'drop-all-capabilities'),
  row('trivy', 'KSV-0005', 'baseline-capabilities'),
  row('trivy', 'KSV-0006', 'no-host-path'),
  row('trivy', 'KSV-0008', 'no-host-namespaces'),
  row('trivy', 'KSV-0009', 'no-host-namespaces'),
  row('trivy', 'KSV-0010', 'no-host-namespaces'),
  row('trivy', 'KSV-0011', 'resources-set'),
  row('trivy', 'KSV-0012', 'run-as-non-root'),
  row('trivy', 'KSV-0013', 'no-latest-tag'),
  row('trivy', 'KSV-0014', 'read-only-root-filesystem'),
  row('trivy', 'KSV-0015', 'resources-set'),
  row('trivy', 'KSV-0016', 'resources-set'),
  row('trivy', 'KSV-0017', 'no-privileged'),
  row('trivy', 'KSV-0018', 'resources-set'),
  row('trivy', 'KSV-0020', 'high-user-group-ids'),
  row('trivy', 'KSV-0021', 'high-user-group-ids'),
  row('trivy', 'KSV-0022', 'baseline-capabilities'),
  row('trivy', 'KSV-0023', 'no-host-path'),
  row('trivy', 'KSV-0024', 'no-host-ports'),
  row('trivy', 'KSV-0025', 'no-custom-selinux'),
  row('trivy', 'KSV-0026', 'no-unsafe-sysctls'),
  row('trivy', 'KSV-0027', 'no-unmasked-proc-mount'),
  row('trivy', 'KSV-0027', 'restricted-proc-mount'),
  row('trivy', 'KSV-0028', 'restricted-volume-types'),
  row('trivy', 'KSV-0030', 'seccomp-runtime-default'),
  row('trivy', 'KSV-0036', 'no-service-account-token'),
  row('trivy', 'KSV-0041', 'rbac-namespace-escalation-powers', ['ClusterRole']),
  row('trivy', 'KSV-0044', 'rbac-no-wildcards'),
  row('trivy', 'KSV-0045', 'rbac-no-wildcards'),
  row('trivy', 'KSV-0046', 'rbac-no-wildcards'),
  row('trivy', 'KSV-0048', 'rbac-namespace-escalation-powers'),
  row('trivy', 'KSV-0053', 'rbac-no-exec-attach-portforward'),
  row('trivy', 'KSV-0054', 'rbac-no-exec-attach-portforward'),
  row('trivy', 'KSV-0056', 'rbac-namespace-escalation-powers'),
  row('trivy', 'KSV-0103', 'no-windows-host-process'),
  row('trivy', 'KSV-0104', 'no-unconfined-seccomp'),
  row('trivy', 'KSV-0105', 'run-as-non-root'),
  row('trivy', 'KSV-0106', 'drop-all-capabilities'),
  row('trivy', 'KSV-0110', 'no-default-namespace'),
  row('trivy', 'KSV-0111', 'rbac-no-cluster-admin-binding'),
  row('trivy', 'KSV-0112', 'rbac-no-wildcards'),
  row('trivy', 'KSV-0113', 'rbac-namespace-escalation-powers', ['Role']),
  row('trivy', 'KSV-0114', 'rbac-no-cluster-takeover-powers'),
  row('trivy', 'KSV-0119', 'baseline-capabilities'),
  row('trivy', 'KSV-0120', 'baseline-capabilities'),
  row('trivy', 'KSV-0121', 'no-host-path'),
  // Trivy's kubernetes library spells the other kind "ClusterRolebinding", so only RoleBindings are judged.
  row('trivy', 'KSV-0122', 'rbac-no-broad-subjects', ['RoleBinding']),
  row('trivy', 'KSV-0123', 'rbac-no-broad-subjects', ['RoleBinding']),
  notApplicable(
    'trivy',
    'KSV-0049',
    "Writing the ConfigMaps of one's own namespace reaches no further than the workloads there, which whoever may deploy in it controls anyway, and controllers keep their leader-election locks in them; a secret in a ConfigMap is refused by configmap-no-secret-keys.",
  ),
  notApplicable(
    'trivy',
    'KSV-0125',
    "Trivy trusts the big clouds' registries unless given another list; the platform's own list is judged by image-registry-allowed (HardenedApp allowedRegistries), which the admission policies also enforce, with every image pinned by digest.",
  ),
];

/**
 * Trivy checks that select one kind but that Trivy 0.74 evaluates on every object: the
 * Kubernetes scanner ignores a check's subtype selector (pkg/iac/rego/scanner.go
 * isPolicyApplicable: subtypes count for cloud inputs only). Judged on their kind alone;
 * reported on any other, they are dropped with this reason.
 */
export const TRIVY_KIND_SCOPED_CHECKS: readonly { readonly check: string; readonly kind: string; readonly reason: string }[] = [
  {
    check: 'KSV-0039',
    kind: 'LimitRange',
    reason: 'It judges a LimitRange (its selector names only that kind); Trivy 0.74 applies it to every object.',
  },
  {
    check: 'KSV-0040',
    kind: 'ResourceQuota',
    reason: 'It judges a ResourceQuota (its selector names only that kind); Trivy 0.74 applies it to every object.',
  },
];

/**
 * A scanner check that does not apply to some objects we emit, though it applies to others:
 * the construct that emits such an object writes the scanner's skip annotation on it, and
 * only there, so the scanner passes wherever it is run. Listed in docs/proofs.md with the reason.
 */
export interface ObjectSkip {
  readonly scanner: Scanner;
  readonly check: string;
  /** Which objects, in words. */
  readonly objects: string;
  readonly reason: string;
  /**
   * The kinds it may stand on where the skip travels outside the object: Trivy's ignore file
   * honours it on these kinds only.
   *
   * @default - any kind
   */
  readonly kinds?: readonly string[];
}

/** Skipped on a namespace's default-deny and DNS policies (`podSelector: {}`). */
export const NAMESPACE_WIDE_POLICY_SKIPS: readonly ObjectSkip[] = [
  {
    scanner: 'kube-score',
    check: 'networkpolicy-targets-pod',
    objects: "a namespace's `default-deny` and `allow-dns` NetworkPolicies (`podSelector: {}`)",
    reason:
      'A namespace-wide policy selects every pod of its namespace, those to come included: the default deny and the DNS allowance belong in a namespace before its first workload. kube-score fails them while the namespace has no pod.',
  },
  {
    scanner: 'kube-linter',
    check: 'dangling-networkpolicy',
    objects: 'the same policies',
    reason:
      'A namespace-wide policy selects every pod of its namespace, those to come included: the default deny and the DNS allowance belong in a namespace before its first workload. kube-linter fails them while the namespace has no pod.',
  },
];

/**
 * Skipped on an add-on component that runs one instance by design (its add-on says why in
 * REVIEW.md): the checks that want two replicas of a workload a Service targets.
 */
export const SINGLE_INSTANCE_SKIPS: readonly ObjectSkip[] = [
  {
    scanner: 'kube-score',
    check: 'deployment-replicas',
    objects: "an add-on component that runs one instance by design (Sealed Secrets, Argo CD's redis and ApplicationSet controller)",
    reason:
      'Two instances would corrupt its state or double its work: the Sealed Secrets controller has no leader election (two would each generate sealing keys), the non-HA redis is a cache of its own. REVIEW.md gives each reason; the component restarts in seconds and its clients retry.',
  },
  {
    scanner: 'polaris',
    check: 'deploymentMissingReplicas',
    objects: 'the same components',
    reason: 'As for kube-score deployment-replicas.',
  },
  {
    scanner: 'polaris',
    check: 'missingPodDisruptionBudget',
    objects: 'the same components',
    reason:
      'A budget for one pod either forbids every voluntary eviction (minAvailable 1), which blocks node drains, or allows it (maxUnavailable 1), which protects nothing.',
  },
];

/** Skipped on ingress-nginx's controller, the one container that keeps a capability. */
export const NET_BIND_SERVICE_SKIPS: readonly ObjectSkip[] = [
  {
    scanner: 'checkov',
    check: 'CKV_K8S_25',
    objects: "ingress-nginx's controller Deployment",
    reason:
      "It keeps NET_BIND_SERVICE, the one capability Pod Security restricted allows: the image's nginx binary carries it as a file capability and cannot start without it. Every other capability is dropped, which drop-all-capabilities and baseline-capabilities judge.",
  },
  {
    scanner: 'kube-linter',
    check: 'privileged-ports',
    objects: 'the same Deployment',
    reason: 'It listens on 80 and 443, where Ingress traffic arrives, with the NET_BIND_SERVICE capability above.',
  },
  {
    scanner: 'trivy',
    check: 'KSV-0022',
    kinds: ['Deployment'],
    objects: 'the same Deployment',
    reason: 'As for Checkov CKV_K8S_25: NET_BIND_SERVICE is the one capability it adds, the one Pod Security restricted allows.',
  },
  {
    scanner: 'trivy',
    check: 'KSV-0117',
    kinds: ['Deployment'],
    objects: 'the same Deployment',
    reason: 'As for kube-linter privileged-ports: it listens on 80 and 443, with NET_BIND_SERVICE.',
  },
];

const UNLISTED_PROBE_PORT_REASON =
  'Their probes call the health endpoint upstream serves on a port it does not list (10254 and 8082). The kubelet probes a port whether or not the container lists it; the list is informational, and NetworkPolicy, not the list, decides who else reaches it.';

/** Skipped on an add-on container whose probes reach a health port upstream does not list among its ports. */
export const UNLISTED_PROBE_PORT_SKIPS: readonly ObjectSkip[] = [
  {
    scanner: 'kube-linter',
    check: 'liveness-port',
    objects: "ingress-nginx's controller and External Secrets' controller Deployments",
    reason: UNLISTED_PROBE_PORT_REASON,
  },
  {
    scanner: 'kube-linter',
    check: 'readiness-port',
    objects: 'the same Deployments',
    reason: UNLISTED_PROBE_PORT_REASON,
  },
];

/** Skipped on External Secrets' controller and cert-controller while each runs one pod. */
export const ONE_CONTROLLER_SKIPS: readonly ObjectSkip[] = [
  {
    scanner: 'polaris',
    check: 'deploymentMissingReplicas',
    objects: "External Secrets' controller (at its default of one replica) and cert-controller",
    reason:
      'Background controllers that no Service targets (kube-score, which asks for two replicas only there, leaves them alone): while one restarts, in seconds, the Secrets and certificates it wrote stay in place and it catches up from the API. The controller runs two with leader election when `replicas` says so.',
  },
];

/** Skipped on a Deployment that a HorizontalPodAutoscaler scales (HardenedDeployment `autoscaled`). */
export const AUTOSCALED_SKIPS: readonly ObjectSkip[] = [
  {
    scanner: 'polaris',
    check: 'deploymentMissingReplicas',
    objects: 'a Deployment that a HorizontalPodAutoscaler scales',
    reason:
      "It leaves spec.replicas out on purpose, so that an apply does not reset the autoscaler's count; the autoscaler's minReplicas (2 by default) is the floor, which kube-score's deployment-replicas reads and Polaris does not.",
  },
];

/** Skipped on the RoleBinding of a NamespaceAccess with the developer or admin profile. */
export const WORKLOAD_AUTHOR_SKIPS: readonly ObjectSkip[] = [
  {
    scanner: 'kube-linter',
    check: 'access-to-create-pods',
    objects: "a namespace's developer and admin access (NamespaceAccess)",
    reason:
      'Creating Deployments, StatefulSets, Jobs and CronJobs in their namespace is what these profiles are for (never pods directly). Those pods run under Pod Security restricted and the admission policies, but may run as any service account of the namespace and use its grants: keep workload accounts narrow.',
  },
];

/** Skipped on the RoleBinding of a NamespaceAccess with the admin profile. */
export const SECRET_ROTATION_SKIPS: readonly ObjectSkip[] = [
  {
    scanner: 'kube-linter',
    check: 'access-to-secrets',
    objects: "a namespace's admin access (NamespaceAccess)",
    reason:
      'Admins may update, patch and delete Secrets, to rotate them, but never get, list, watch or create them; kube-linter counts delete as access. Reading and creating Secrets are judged by rbac-namespace-escalation-powers.',
  },
];

const WORKLOAD_AUTHOR_REASON =
  'Deploying workloads, and the Services and Ingresses in front of them, in their namespace is what these profiles are for; the pods they create run under Pod Security restricted and the admission policies, and rbac-namespace-escalation-powers judges creating pods themselves.';

/**
 * Skipped on the Role of a NamespaceAccess with the developer or admin profile: Trivy reports
 * on the Role what kube-linter reports on its binding.
 */
export const WORKLOAD_AUTHOR_ROLE_SKIPS: readonly ObjectSkip[] = [
  {
    scanner: 'trivy',
    check: 'KSV-0048',
    kinds: ['Role'],
    objects: "a namespace's developer and admin Roles (NamespaceAccess)",
    reason: WORKLOAD_AUTHOR_REASON,
  },
  { scanner: 'trivy', check: 'KSV-0056', kinds: ['Role'], objects: 'the same Roles', reason: WORKLOAD_AUTHOR_REASON },
];

/** Skipped on the Role of a NamespaceAccess with the admin profile. */
export const NAMESPACE_ADMIN_ROLE_SKIPS: readonly ObjectSkip[] = [
  {
    scanner: 'trivy',
    check: 'KSV-0050',
    kinds: ['Role'],
    objects: "a namespace's admin Role (NamespaceAccess)",
    reason:
      "Admins manage the Roles and RoleBindings of their namespace, without bind or escalate: the API server lets them grant no permission they do not hold themselves (RBAC's escalation prevention), and rbac-no-escalation-verbs keeps those verbs out.",
  },
  {
    scanner: 'trivy',
    check: 'KSV-0113',
    kinds: ['Role'],
    objects: 'the same Role',
    reason: SECRET_ROTATION_SKIPS[0].reason,
  },
];

/** Skipped on a HardenedNamespace's LimitRange. */
export const LIMIT_RANGE_SKIPS: readonly ObjectSkip[] = [
  {
    scanner: 'trivy',
    check: 'KSV-0039',
    kinds: ['LimitRange'],
    objects: "a namespace's `default-limits` LimitRange",
    reason:
      'It sets default requests and limits and a maximum for every container, as the check asks, but no minimum: a floor would refuse small containers at admission, after the review passed them, and bounds nothing an attacker could use.',
  },
];

/** Every object-level skip, for docs/proofs.md and its test. */
export const OBJECT_SKIPS: readonly ObjectSkip[] = [
  ...NAMESPACE_WIDE_POLICY_SKIPS,
  ...SINGLE_INSTANCE_SKIPS,
  ...NET_BIND_SERVICE_SKIPS,
  ...UNLISTED_PROBE_PORT_SKIPS,
  ...ONE_CONTROLLER_SKIPS,
  ...AUTOSCALED_SKIPS,
  ...WORKLOAD_AUTHOR_SKIPS,
  ...SECRET_ROTATION_SKIPS,
  ...WORKLOAD_AUTHOR_ROLE_SKIPS,
  ...NAMESPACE_ADMIN_ROLE_SKIPS,
  ...LIMIT_RANGE_SKIPS,
];

/** The kube-score checks that are optional (off by default) and that the scan turns on. */
export const KUBE_SCORE_OPTIONAL_CHECKS: readonly string[] = ['container-seccomp-profile'];

/**
 * The kube-linter checks that it ships off and that the scan turns on: those that judge
 * security (RBAC, isolation, host access, Secrets, namespaces). Left off: schema-validation
 * (it downloads schemas), the probe and replica checks (reliability; Checkov, kube-score and
 * Polaris judge probes where they apply, Jobs excepted), exposed-services (a namespace's
 * ResourceQuota allows no LoadBalancer or NodePort Service unless raised, which
 * service-type-allowed-by-quota checks), env-value-from and dangling-networkpolicypeer-podselector
 * (references to objects outside the output; a dangling peer fails closed), OpenShift's
 * scc-deny-privileged-container (privileged-container judges the same), and the conventions
 * (dnsconfig-options, no-node-affinity, priority-class-name, required-*, sorted-keys, ...).
 */
export const KUBE_LINTER_ADDED_CHECKS: readonly string[] = [
  'access-to-create-pods',
  'access-to-secrets',
  'cluster-admin-role-binding',
  'dangling-networkpolicy',
  'default-service-account',
  'non-isolated-pod',
  'privileged-ports',
  'read-secret-from-env-var',
  'unsafe-proc-mount',
  'use-namespace',
  'wildcard-in-rules',
  'writable-host-mount',
];

/** The checks of `scanner` that do not apply, with their reasons: the scan turns them off. */
export function notApplicableChecks(scanner: Scanner): ScannerCheck[] {
  return SCANNER_CHECKS.filter((c) => c.scanner === scanner && c.rule === NOT_APPLICABLE);
}

/** Our rules that judge what `check` of `scanner` judges (empty for unmapped and not-applicable checks). */
export function rulesForCheck(scanner: Scanner, check: string): string[] {
  return [
    ...new Set(SCANNER_CHECKS.filter((c) => c.scanner === scanner && c.check === check && c.rule !== NOT_APPLICABLE).map((c) => c.rule)),
  ].sort();
}

/**
 * Checkov's command line as the scan runs it on `files` (and the benchmark times it): the
 * Kubernetes framework, offline, JSON, with the checks that do not apply turned off.
 */
export function checkovArguments(files: readonly string[]): string[] {
  return [
    ...files.flatMap((f) => ['-f', f]),
    '--framework',
    'kubernetes',
    '--skip-download',
    '--compact',
    '-o',
    'json',
    ...notApplicableChecks('checkov').flatMap((c) => ['--skip-check', c.check]),
  ];
}

/**
 * Trivy's command line as the scan runs it on `folder`: its embedded Kubernetes checks,
 * offline (no check bundle download, version check or telemetry), JSON, and the ignore file the review wrote there (`ignoreFile`) when there is one.
 */
export function trivyArguments(folder: string, cacheDir: string, ignoreFile?: string): string[] {
  return [
    'config',
    '--misconfig-scanners',
    'kubernetes',
    '--skip-check-update',
    '--skip-version-check',
    '--disable-telemetry',
    '--cache-dir',
    cacheDir,
    '--format',
    'json',
    '--quiet',
    ...(ignoreFile ? ['--ignorefile', ignoreFile] : []),
    folder,
  ];
}

/** The rules whose exception on the bound role accepts `check` on a binding (see `ScannerCheck.boundRole`). */
export function boundRoleRules(scanner: Scanner, check: string): string[] {
  return SCANNER_CHECKS.filter((c) => c.scanner === scanner && c.check === check && c.boundRole).map((c) => c.rule);
}

/** The checks of each scanner that an exception to `rule` skips on an object of `kind`, sorted and without repeats. */
export function checksForRule(rule: string, kind: string): Record<Scanner, string[]> {
  const result = Object.fromEntries(SCANNERS.map((s) => [s, [] as string[]])) as Record<Scanner, string[]>;
  for (const c of SCANNER_CHECKS) {
    if (c.rule !== rule) continue;
    const kinds = c.kinds ?? kindsOfRule(rule) ?? [];
    if ((kinds.includes(kind) || kinds.includes(ANY_KIND)) && !result[c.scanner].includes(c.check)) result[c.scanner].push(c.check);
  }
  SCANNERS.forEach((s) => result[s].sort());
  return result;
}

/** What a skip needs to know about an exception: the rule it accepts and the reason given. */
export interface ExceptionForScanners {
  readonly rule: string;
  /** The reason as recorded on the object (with its expiry, if any). */
  readonly reason: string;
}

/** Annotation keys each scanner reads to skip a check on the object that carries them. */
export const SCANNER_ANNOTATIONS = {
  /** `checkov.io/skip<N>: <check>=<reason>`, numbered from 1. */
  checkov: 'checkov.io/skip',
  /** `kube-score/ignore: <check>,<check>`: one list, no reason (ours stays beside it). */
  kubeScore: 'kube-score/ignore',
  /** `ignore-check.kube-linter.io/<check>: <reason>`. */
  kubeLinter: 'ignore-check.kube-linter.io/',
  /** `polaris.fairwinds.com/<check>-exempt: "true"`: no reason (ours stays beside it). */
  polaris: 'polaris.fairwinds.com/',
  /**
   * `trivy.hardened.cdk8s.io/ignore: <check>,<check>`: ours, as Trivy reads no annotation; the
   * review turns it into Trivy's ignore file (lib/policy/trivy-ignore.ts), with the reasons.
   */
  trivy: 'trivy.hardened.cdk8s.io/ignore',
} as const;

/**
 * The scanner annotations that carry `exceptions` (recorded on an object of `kind`) into
 * each scanner's own skip mechanism, with the object's own `skips` (checks that do not apply
 * to it). Deterministic: checks in order, Checkov's numbering follows it. Checkov splits its
 * value on `=`, so an `=` in a reason is written as `:`.
 */
export function scannerSkipAnnotations(
  exceptions: readonly ExceptionForScanners[],
  kind: string,
  skips: readonly ObjectSkip[] = [],
): Record<string, string> {
  const checkov = new Map<string, string>();
  const kubeScore = new Set<string>();
  const kubeLinter = new Map<string, string>();
  const polaris = new Set<string>();
  const trivy = new Set<string>();
  const byRule = [...exceptions].sort((a, b) => compareText(a.rule, b.rule));
  for (const exception of byRule) {
    const checks = checksForRule(exception.rule, kind);
    // The first exception (in rule order) to name a check gives its reason.
    checks.checkov.forEach((c) => {
      if (!checkov.has(c)) checkov.set(c, exception.reason.replace(/=/g, ':'));
    });
    checks['kube-score'].forEach((c) => kubeScore.add(c));
    checks['kube-linter'].forEach((c) => {
      if (!kubeLinter.has(c)) kubeLinter.set(c, exception.reason);
    });
    checks.polaris.forEach((c) => polaris.add(c));
    checks.trivy.forEach((c) => trivy.add(c));
  }
  for (const skip of skips) {
    if (skip.scanner === 'checkov' && !checkov.has(skip.check)) checkov.set(skip.check, skip.reason.replace(/=/g, ':'));
    else if (skip.scanner === 'kube-score') kubeScore.add(skip.check);
    else if (skip.scanner === 'kube-linter' && !kubeLinter.has(skip.check)) kubeLinter.set(skip.check, skip.reason);
    else if (skip.scanner === 'polaris') polaris.add(skip.check);
    else if (skip.scanner === 'trivy') trivy.add(skip.check);
  }
  const annotations: Record<string, string> = {};
  [...checkov.keys()].sort(compareChecks).forEach((check, i) => {
    annotations[`${SCANNER_ANNOTATIONS.checkov}${i + 1}`] = `${check}=${checkov.get(check)}`;
  });
  if (kubeScore.size) annotations[SCANNER_ANNOTATIONS.kubeScore] = [...kubeScore].sort().join(',');
  [...kubeLinter.keys()].sort().forEach((check) => {
    annotations[`${SCANNER_ANNOTATIONS.kubeLinter}${check}`] = kubeLinter.get(check)!;
  });
  [...polaris].sort().forEach((check) => {
    annotations[`${SCANNER_ANNOTATIONS.polaris}${check}-exempt`] = 'true';
  });
  if (trivy.size) annotations[SCANNER_ANNOTATIONS.trivy] = [...trivy].sort().join(',');
  return annotations;
}

/** Orders Checkov ids by framework, then number (`CKV_K8S_9` before `CKV_K8S_10`, `CKV2_K8S_6` last). */
function compareChecks(a: string, b: string): number {
  const parse = (id: string) => {
    const m = /^(.*?)(\d+)$/.exec(id);
    return m ? ([m[1], Number(m[2])] as const) : ([id, 0] as const);
  };
  const [pa, na] = parse(a);
  const [pb, nb] = parse(b);
  return pa < pb ? -1 : pa > pb ? 1 : na - nb;
}
