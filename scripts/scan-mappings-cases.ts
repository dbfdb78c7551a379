/**
 * The objects that prove each mapping of lib/policy/scanner-map.ts against the real scanners
 * (scripts/scan-mappings.ts runs them): for every check, a minimal object that violates it
 * (the subject, first) and the partners the check needs (the role a binding binds, the
 * Service that targets a Deployment). Cases share a few deliberately bad objects: a check only
 * looks at what it judges, and each case is read on its own subject.
 */
import { KubeObject } from '../lib/review/model';

type Annotations = Readonly<Record<string, string>>;

/** Builds a case's objects, subject first, named `id` in namespace `id`; `subject` and `role` annotations go on the subject and on the role it binds. */
export type Fixture = (id: string, subject: Annotations, role: Annotations) => KubeObject[];

const meta = (id: string, annotations: Annotations, namespaced = true) => ({
  name: id,
  ...(namespaced ? { namespace: id } : {}),
  ...(Object.keys(annotations).length ? { annotations: { ...annotations } } : {}),
});

const labels = (id: string) => ({ app: id });

/** A container that breaks every container check: root, privileged, latest tag, host path, secrets in env, no limits, no probes. */
function badContainer(name: string, image: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name,
    image,
    imagePullPolicy: 'IfNotPresent',
    ports: [{ containerPort: 8080, hostPort: 8080 }],
    securityContext: {
      privileged: true,
      allowPrivilegeEscalation: true,
      runAsUser: 0,
      readOnlyRootFilesystem: false,
      procMount: 'Unmasked',
      capabilities: { add: ['SYS_ADMIN', 'NET_RAW'] },
    },
    env: [
      { name: 'DB_PASSWORD', value: 'hunter2-literal' },
      { name: 'APP_SECRET', value: 'hunter2-literal' },
      { name: 'API_TOKEN', valueFrom: { secretKeyRef: { name: 'api', key: 'token' } } },
    ],
    volumeMounts: [
      { name: 'docker', mountPath: '/var/run/docker.sock' },
      { name: 'etc', mountPath: '/host/etc', readOnly: true },
    ],
    ...extra,
  };
}

interface PodOptions {
  /** Replaces the two bad containers. */
  readonly containers?: readonly Record<string, unknown>[];
  readonly replicas?: number;
  /** Annotations of the pod template. */
  readonly templateAnnotations?: Readonly<Record<string, string>>;
}

/** A pod spec on the host's namespaces, with an unsafe sysctl, host paths (a writable docker.sock, /etc) and the default service account. */
function badPodSpec(options: PodOptions): Record<string, unknown> {
  return {
    hostPID: true,
    hostIPC: true,
    hostNetwork: true,
    securityContext: { sysctls: [{ name: 'kernel.msgmax', value: '65536' }] },
    volumes: [
      { name: 'docker', hostPath: { path: '/var/run/docker.sock' } },
      { name: 'etc', hostPath: { path: '/etc' } },
    ],
    containers: options.containers ?? [badContainer('app', 'nginx:latest'), badContainer('untagged', 'nginx')],
  };
}

function workload(kind: 'Deployment' | 'StatefulSet', options: PodOptions = {}): Fixture {
  return (id, subject) => [
    {
      apiVersion: 'apps/v1',
      kind,
      metadata: meta(id, subject),
      spec: {
        replicas: options.replicas ?? 2,
        ...(kind === 'StatefulSet' ? { serviceName: id } : {}),
        selector: { matchLabels: labels(id) },
        template: {
          metadata: { labels: labels(id), ...(options.templateAnnotations ? { annotations: { ...options.templateAnnotations } } : {}) },
          spec: badPodSpec(options),
        },
      },
    },
  ];
}

/** The bad Deployment, in no namespace (the default one). */
const inDefaultNamespace: Fixture = (id, subject) =>
  workload('Deployment')(id, subject, {}).map((o) => ({ ...o, metadata: meta(id, subject, false) }));

const probe = (port: number) => ({ httpGet: { path: '/healthz', port }, periodSeconds: 10 });

/** Identical liveness and readiness probes. */
const sameProbes = workload('Deployment', {
  containers: [badContainer('app', 'nginx:latest', { livenessProbe: probe(8080), readinessProbe: probe(8080) })],
});

/** Probes on a port the container does not list. */
const unlistedProbePort = workload('Deployment', {
  containers: [badContainer('app', 'nginx:latest', { livenessProbe: probe(10254), readinessProbe: probe(10254) })],
});

/** One replica behind a Service, with no PodDisruptionBudget. */
const singleInstance: Fixture = (id, subject, role) => [
  ...workload('Deployment', { replicas: 1 })(id, subject, role),
  { apiVersion: 'v1', kind: 'Service', metadata: meta(id, {}), spec: { selector: labels(id), ports: [{ port: 80, targetPort: 8080 }] } },
];

/** Listens on port 80 with NET_BIND_SERVICE added. */
const netBindService = workload('Deployment', {
  containers: [
    badContainer('app', 'nginx:latest', {
      ports: [{ containerPort: 80 }],
      securityContext: { capabilities: { add: ['NET_BIND_SERVICE'], drop: ['ALL'] } },
    }),
  ],
});

const networkPolicy =
  (podSelector: Record<string, unknown>): Fixture =>
  (id, subject) => [
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: meta(id, subject),
      spec: { podSelector, policyTypes: ['Ingress', 'Egress'] },
    },
  ];

const configMapWithSecret: Fixture = (id, subject) => [
  { apiVersion: 'v1', kind: 'ConfigMap', metadata: meta(id, subject), data: { password: 'hunter2-literal', aws_secret_access_key: 'x' } },
];

const pdb: Fixture = (id, subject) => [
  {
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: meta(id, subject),
    spec: { minAvailable: 1, selector: { matchLabels: labels(id) } },
  },
];

/** A LimitRange with defaults and a maximum but no minimum. */
const limitRange: Fixture = (id, subject) => [
  {
    apiVersion: 'v1',
    kind: 'LimitRange',
    metadata: meta(id, subject),
    spec: { limits: [{ type: 'Container', default: { cpu: '500m' }, defaultRequest: { cpu: '100m' }, max: { cpu: '4' } }] },
  },
];

/** Every power the RBAC checks look for: wildcards, secrets, pods, exec, bind, escalate, webhooks, certificate approval. */
const BAD_RULES = [
  { apiGroups: ['*'], resources: ['*'], verbs: ['*'] },
  { apiGroups: [''], resources: ['secrets'], verbs: ['get', 'list', 'watch', 'create'] },
  { apiGroups: [''], resources: ['pods'], verbs: ['create'] },
  { apiGroups: [''], resources: ['pods/exec', 'pods/attach', 'pods/portforward'], verbs: ['create', 'get'] },
  {
    apiGroups: ['rbac.authorization.k8s.io'],
    resources: ['roles', 'clusterroles', 'rolebindings', 'clusterrolebindings'],
    verbs: ['bind', 'escalate'],
  },
  {
    apiGroups: ['admissionregistration.k8s.io'],
    resources: ['validatingwebhookconfigurations', 'mutatingwebhookconfigurations'],
    verbs: ['create', 'update', 'patch'],
  },
  { apiGroups: ['certificates.k8s.io'], resources: ['certificatesigningrequests/approval'], verbs: ['update'] },
  { apiGroups: ['certificates.k8s.io'], resources: ['signers'], verbs: ['approve'] },
];

const role =
  (kind: 'Role' | 'ClusterRole'): Fixture =>
  (id, subject) => [{ apiVersion: 'rbac.authorization.k8s.io/v1', kind, metadata: meta(id, subject, kind === 'Role'), rules: BAD_RULES }];

/** The bad role with more rules: checks that look for one resource or verb named, not `*`. */
const roleWith =
  (kind: 'Role' | 'ClusterRole', extra: readonly Record<string, unknown>[]): Fixture =>
  (id, subject) => [
    { apiVersion: 'rbac.authorization.k8s.io/v1', kind, metadata: meta(id, subject, kind === 'Role'), rules: [...BAD_RULES, ...extra] },
  ];

/** Names what Trivy's RBAC checks look for one by one. */
const trivyRole = roleWith('Role', [
  { apiGroups: [''], resources: ['secrets'], verbs: ['*'] },
  { apiGroups: ['*'], resources: ['pods/attach'], verbs: ['create'] },
  { apiGroups: ['*'], resources: ['pods'], verbs: ['get'] },
  { apiGroups: ['networking.k8s.io'], resources: ['networkpolicies'], verbs: ['create'] },
  { apiGroups: ['rbac.authorization.k8s.io'], resources: ['roles', 'rolebindings'], verbs: ['create'] },
]);

const badDeployment = workload('Deployment');

/** The bad Deployment with `patch` applied to its pod spec. */
const badDeploymentWith =
  (patch: Record<string, unknown>): Fixture =>
  (id, subject, roleAnnotations) =>
    badDeployment(id, subject, roleAnnotations).map((o) => {
      const spec = o.spec as { template: { spec: Record<string, unknown> } };
      return { ...o, spec: { ...spec, template: { ...spec.template, spec: { ...spec.template.spec, ...patch } } } };
    });

/** A binding of the bad role (or of `roleName`, which must exist in the cluster) to a service account, or to `default`. */
function binding(
  kind: 'RoleBinding' | 'ClusterRoleBinding',
  roleKind: 'Role' | 'ClusterRole',
  options: { roleName?: string; account?: string; group?: string } = {},
): Fixture {
  return (id, subject, roleAnnotations) => [
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind,
      metadata: meta(id, subject, kind === 'RoleBinding'),
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: roleKind, name: options.roleName ?? id },
      subjects: options.group
        ? [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: options.group }]
        : [{ kind: 'ServiceAccount', name: options.account ?? 'app', namespace: id }],
    },
    ...(options.roleName ? [] : role(roleKind)(id, roleAnnotations, {})),
  ];
}

/**
 * The fixture for each `<scanner> <check>`, mapped or skipped on some objects. A check
 * without one here fails the proof, naming it.
 */
export const FIXTURES: Readonly<Record<string, Fixture>> = {
  // Checkov: the bad Deployment breaks every container and pod check.
  ...Object.fromEntries(
    [
      '8',
      '9',
      '10',
      '12',
      '13',
      '14',
      '15',
      '16',
      '17',
      '18',
      '19',
      '20',
      '22',
      '23',
      '25',
      '26',
      '28',
      '31',
      '35',
      '37',
      '38',
      '40',
      '43',
    ].map((n) => [`checkov CKV_K8S_${n}`, badDeployment]),
  ),
  'checkov CKV_K8S_21': inDefaultNamespace,
  'checkov CKV_K8S_42': binding('RoleBinding', 'Role', { account: 'default' }),
  'checkov CKV_K8S_49': role('Role'),
  'checkov CKV_K8S_155': role('ClusterRole'),
  'checkov CKV_K8S_156': role('ClusterRole'),
  'checkov CKV_K8S_157': role('Role'),
  'checkov CKV_K8S_158': role('Role'),
  'checkov CKV2_K8S_6': badDeployment,

  'kube-score container-image-pull-policy': badDeployment,
  'kube-score container-image-tag': badDeployment,
  'kube-score container-resources': badDeployment,
  'kube-score container-seccomp-profile': badDeployment,
  'kube-score container-security-context-privileged': badDeployment,
  'kube-score container-security-context-readonlyrootfilesystem': badDeployment,
  'kube-score container-security-context-user-group-id': badDeployment,
  'kube-score deployment-has-host-podantiaffinity': badDeployment,
  'kube-score statefulset-has-host-podantiaffinity': workload('StatefulSet'),
  'kube-score pod-networkpolicy': badDeployment,
  'kube-score pod-probes': singleInstance,
  'kube-score pod-probes-identical': sameProbes,
  'kube-score networkpolicy-targets-pod': networkPolicy({ matchLabels: { app: 'nothing-here' } }),
  'kube-score deployment-replicas': singleInstance,

  'kube-linter access-to-create-pods': binding('RoleBinding', 'Role'),
  'kube-linter access-to-secrets': binding('ClusterRoleBinding', 'ClusterRole'),
  'kube-linter cluster-admin-role-binding': binding('ClusterRoleBinding', 'ClusterRole', { roleName: 'cluster-admin' }),
  'kube-linter dangling-networkpolicy': networkPolicy({ matchLabels: { app: 'nothing-here' } }),
  'kube-linter pdb-unhealthy-pod-eviction-policy': pdb,
  'kube-linter use-namespace': inDefaultNamespace,
  'kube-linter wildcard-in-rules': role('Role'),
  'kube-linter liveness-port': unlistedProbePort,
  'kube-linter readiness-port': unlistedProbePort,
  'kube-linter privileged-ports': netBindService,
  ...Object.fromEntries(
    [
      'default-service-account',
      'docker-sock',
      'drop-net-raw-capability',
      'env-var-secret',
      'host-ipc',
      'host-network',
      'host-pid',
      'latest-tag',
      'no-anti-affinity',
      'no-liveness-probe',
      'no-read-only-root-fs',
      'no-readiness-probe',
      'non-isolated-pod',
      'privilege-escalation-container',
      'privileged-container',
      'read-secret-from-env-var',
      'run-as-non-root',
      'sensitive-host-mounts',
      'unsafe-proc-mount',
      'unsafe-sysctls',
      'unset-cpu-requirements',
      'unset-memory-requirements',
      'writable-host-mount',
    ].map((check) => [`kube-linter ${check}`, badDeployment]),
  ),

  'polaris clusterrolePodExecAttach': role('ClusterRole'),
  'polaris rolePodExecAttach': role('Role'),
  'polaris clusterrolebindingPodExecAttach': binding('ClusterRoleBinding', 'ClusterRole'),
  'polaris rolebindingClusterRolePodExecAttach': binding('RoleBinding', 'ClusterRole'),
  'polaris rolebindingRolePodExecAttach': binding('RoleBinding', 'Role'),
  'polaris clusterrolebindingClusterAdmin': binding('ClusterRoleBinding', 'ClusterRole', { roleName: 'cluster-admin' }),
  'polaris rolebindingClusterAdminClusterRole': binding('RoleBinding', 'ClusterRole', { roleName: 'cluster-admin' }),
  'polaris sensitiveConfigmapContent': configMapWithSecret,
  'polaris deploymentMissingReplicas': singleInstance,
  'polaris missingPodDisruptionBudget': singleInstance,
  ...Object.fromEntries(
    [
      'automountServiceAccountToken',
      'cpuRequestsMissing',
      'hostIPCSet',
      'hostNetworkSet',
      'hostPIDSet',
      'hostPathSet',
      'hostPortSet',
      'insecureCapabilities',
      'livenessProbeMissing',
      'memoryLimitsMissing',
      'memoryRequestsMissing',
      'notReadOnlyRootFilesystem',
      'privilegeEscalationAllowed',
      'pullPolicyNotAlways',
      'readinessProbeMissing',
      'runAsPrivileged',
      'runAsRootAllowed',
      'sensitiveContainerEnvVar',
      'tagNotSpecified',
    ].map((check) => [`polaris ${check}`, badDeployment]),
  ),

  // Trivy: the bad Deployment and the bad roles break every pod and RBAC check.
  ...Object.fromEntries(
    [
      '0001',
      '0003',
      '0004',
      '0005',
      '0006',
      '0008',
      '0009',
      '0010',
      '0011',
      '0012',
      '0013',
      '0014',
      '0015',
      '0016',
      '0017',
      '0018',
      '0020',
      '0021',
      '0022',
      '0023',
      '0024',
      '0026',
      '0027',
      '0030',
      '0105',
      '0106',
      '0119',
      '0121',
    ].map((n) => [`trivy KSV-${n}`, badDeployment]),
  ),
  ...Object.fromEntries(['0044', '0045', '0048', '0050', '0053', '0054', '0056', '0112', '0113'].map((n) => [`trivy KSV-${n}`, trivyRole])),
  'trivy KSV-0028': badDeploymentWith({
    volumes: [
      { name: 'docker', hostPath: { path: '/var/run/docker.sock' } },
      { name: 'etc', nfs: { server: 'nfs.example', path: '/etc' } },
    ],
  }),
  // Trivy looks for automountServiceAccountToken in a Deployment's own spec, where it never is, so only the mount counts.
  'trivy KSV-0036': workload('Deployment', {
    containers: [
      badContainer('app', 'nginx:latest', {
        volumeMounts: [{ name: 'token', mountPath: '/var/run/secrets/kubernetes.io/serviceaccount', readOnly: true }],
      }),
    ],
  }),
  'trivy KSV-0002': workload('Deployment', {
    containers: [badContainer('app', 'nginx:latest')],
    templateAnnotations: { 'container.apparmor.security.beta.kubernetes.io/app': 'unconfined' },
  }),
  'trivy KSV-0025': workload('Deployment', {
    containers: [badContainer('app', 'nginx:latest', { securityContext: { seLinuxOptions: { type: 'spc_t' } } })],
  }),
  'trivy KSV-0103': workload('Deployment', {
    containers: [badContainer('app', 'nginx:latest', { securityContext: { windowsOptions: { hostProcess: true } } })],
  }),
  'trivy KSV-0104': workload('Deployment', {
    containers: [badContainer('app', 'nginx:latest', { securityContext: { seccompProfile: { type: 'Unconfined' } } })],
  }),
  'trivy KSV-0120': workload('Deployment', {
    containers: [badContainer('app', 'nginx:latest', { securityContext: { capabilities: { add: ['SYS_MODULE'] } } })],
  }),
  'trivy KSV-0111': binding('ClusterRoleBinding', 'ClusterRole', { roleName: 'cluster-admin' }),
  'trivy KSV-0122': binding('RoleBinding', 'Role', { group: 'system:anonymous' }),
  'trivy KSV-0123': binding('RoleBinding', 'Role', { group: 'system:masters' }),
  'trivy KSV-0041': role('ClusterRole'),
  'trivy KSV-0046': role('ClusterRole'),
  'trivy KSV-0114': role('ClusterRole'),
  'trivy KSV-0110': inDefaultNamespace,
  'trivy KSV-0117': netBindService,
  'trivy KSV-0039': limitRange,
};

/** Object skips whose objects differ from the mapped check's fixture: a namespace-wide policy in a namespace with no pod. */
export const SKIP_FIXTURES: Readonly<Record<string, Fixture>> = {
  'kube-score networkpolicy-targets-pod': networkPolicy({}),
  'kube-linter dangling-networkpolicy': networkPolicy({}),
  'kube-linter access-to-create-pods': binding('RoleBinding', 'Role'),
  'kube-linter access-to-secrets': binding('RoleBinding', 'Role'),
  'trivy KSV-0022': netBindService,
};
