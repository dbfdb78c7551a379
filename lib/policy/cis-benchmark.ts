/**
 * The CIS Kubernetes Benchmark settings of a self-managed control plane and its kubelets, as
 * data: for each setting, the value we write, how a configuration is judged against it, the
 * CIS recommendation id and why it matters.
 *
 * One table serves both sides: `lib/cluster` writes its kubeadm `ClusterConfiguration` and
 * `KubeletConfiguration` from it, the `cluster` review pack judges any such file against it,
 * and REVIEW.md prints it with the values found. (It lives with the rules because the review
 * engine imports no construct code; the generators import it from here.)
 *
 * @see https://www.cisecurity.org/benchmark/kubernetes
 */

/** The benchmark version whose recommendation ids the table uses. */
export const CIS_BENCHMARK = 'CIS Kubernetes Benchmark v1.12';

/** The components a setting belongs to, in the order the benchmark lists them. */
export type ClusterComponent = 'kube-apiserver' | 'kube-controller-manager' | 'kube-scheduler' | 'etcd' | 'kubelet';

/**
 * How a configured value is judged:
 * - `equals`: exactly `value`;
 * - `set`: present and not empty (`value` is what we write);
 * - `includes`: a comma-separated list (or a YAML list) that contains `value`;
 * - `excludes`: absent, or a list without `value` (nothing is written);
 * - `absent`: not set at all (nothing is written);
 * - `atLeast`: a number at least `value`;
 * - `subsetOf`: a list whose every item is one of `allowed` (`value` is what we write);
 * - `oneOf`: one of `allowed` (`value` is what we write);
 * - `notZero`: present, and not 0 or a zero duration.
 */
export type SettingCheck = 'equals' | 'set' | 'includes' | 'excludes' | 'absent' | 'atLeast' | 'subsetOf' | 'oneOf' | 'notZero';

/** A value as configured: a flag's text, or a kubelet field's YAML value. */
export type SettingValue = string | number | boolean | readonly string[];

/** One row of the table. */
export interface ClusterSetting {
  readonly component: ClusterComponent;
  /**
   * A command-line flag without dashes for the control plane (`profiling`, as kubeadm's
   * `extraArgs` name it), a dotted field path for the kubelet (`authentication.anonymous.enabled`).
   */
  readonly setting: string;
  readonly check: SettingCheck;
  /** The value we write (the value judged against for `equals`, `includes`, `excludes`, `atLeast`). */
  readonly value?: SettingValue;
  /** For `subsetOf` and `oneOf`: every value allowed. */
  readonly allowed?: readonly string[];
  /** CIS recommendation id in `CIS_BENCHMARK`, or `-` when the setting is ours (then `why` says where it comes from). */
  readonly cis: string;
  /** Why, in one or two sentences. */
  readonly why: string;
}

/**
 * Strong TLS 1.2 cipher suites: ECDHE key exchange (forward secrecy) with AEAD ciphers only.
 * (TLS 1.3 suites are not configurable in Go, and all strong.) The ChaCha20 suites use the
 * legacy names Kubernetes accepts, which kube-bench's kubelet check also expects.
 */
export const STRONG_CIPHER_SUITES: readonly string[] = [
  'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256',
  'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256',
  'TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384',
  'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384',
  'TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305',
  'TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305',
];

/** Every suite a configuration may list: the strong ones under both their names, and the TLS 1.3 ones. */
const ALLOWED_CIPHER_SUITES: readonly string[] = [
  ...STRONG_CIPHER_SUITES,
  'TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256',
  'TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256',
  'TLS_AES_128_GCM_SHA256',
  'TLS_AES_256_GCM_SHA384',
  'TLS_CHACHA20_POLY1305_SHA256',
];

/** kubeadm's certificate folder; every path below is kubeadm's default. */
export const PKI = '/etc/kubernetes/pki';
/** Where the generated control-plane files are installed on each control-plane node (mounted read-only into the API server). */
export const HARDENING_DIR = '/etc/kubernetes/hardening';
/** Where the API server writes its audit log (mounted writable). */
export const AUDIT_LOG_DIR = '/var/log/kubernetes/audit';

/** The names of the files `lib/cluster` writes, as installed in `HARDENING_DIR`. */
export const CONTROL_PLANE_FILES = {
  auditPolicy: 'audit-policy.yaml',
  auditWebhook: 'audit-webhook.kubeconfig.yaml',
  admission: 'admission-configuration.yaml',
  authentication: 'authentication-configuration.yaml',
  encryption: 'encryption-configuration.yaml',
  kubeadm: 'kubeadm-config.yaml',
} as const;

/** TLS 1.2 or later. */
const TLS_12_OR_LATER: readonly string[] = ['VersionTLS12', 'VersionTLS13'];

const inHardeningDir = (file: string) => `${HARDENING_DIR}/${file}`;

/** kube-apiserver (benchmark section 1.2 and 3.2). */
export const API_SERVER_SETTINGS: readonly ClusterSetting[] = [
  {
    component: 'kube-apiserver',
    setting: 'anonymous-auth',
    check: 'excludes',
    value: 'true',
    cis: '1.2.1',
    why: "Anonymous requests must not reach the API. Not written as false: kubeadm's health checks are anonymous, so the authentication configuration allows anonymous access to the health endpoints only (the flag and that file exclude each other).",
  },
  {
    component: 'kube-apiserver',
    setting: 'authentication-config',
    check: 'set',
    value: inHardeningDir(CONTROL_PLANE_FILES.authentication),
    cis: '1.2.1',
    why: "Structured authentication (Kubernetes 1.34+): anonymous requests only for /livez, /readyz, /healthz (and kubeadm's join discovery), 401 everywhere else.",
  },
  {
    component: 'kube-apiserver',
    setting: 'token-auth-file',
    check: 'absent',
    cis: '1.2.2',
    why: 'Static tokens never expire and cannot be revoked without a restart.',
  },
  {
    component: 'kube-apiserver',
    setting: 'enable-admission-plugins',
    check: 'includes',
    value: 'DenyServiceExternalIPs',
    cis: '1.2.3',
    why: 'Service externalIPs let any tenant intercept traffic to an address (CVE-2020-8554).',
  },
  {
    component: 'kube-apiserver',
    setting: 'kubelet-client-certificate',
    check: 'set',
    value: `${PKI}/apiserver-kubelet-client.crt`,
    cis: '1.2.4',
    why: 'The API server authenticates to kubelets with a client certificate.',
  },
  {
    component: 'kube-apiserver',
    setting: 'kubelet-client-key',
    check: 'set',
    value: `${PKI}/apiserver-kubelet-client.key`,
    cis: '1.2.4',
    why: 'The key of that client certificate.',
  },
  {
    component: 'kube-apiserver',
    setting: 'kubelet-certificate-authority',
    check: 'set',
    value: `${PKI}/ca.crt`,
    cis: '1.2.5',
    why: "The API server verifies the kubelet's serving certificate, so exec and logs cannot be intercepted. Kubelets then need CA-signed serving certificates (serverTLSBootstrap).",
  },
  {
    component: 'kube-apiserver',
    setting: 'authorization-mode',
    check: 'excludes',
    value: 'AlwaysAllow',
    cis: '1.2.6',
    why: 'AlwaysAllow authorizes every request.',
  },
  {
    component: 'kube-apiserver',
    setting: 'authorization-mode',
    check: 'includes',
    value: 'Node',
    cis: '1.2.7',
    why: 'The Node authorizer limits each kubelet to the objects of its own pods.',
  },
  {
    component: 'kube-apiserver',
    setting: 'authorization-mode',
    check: 'includes',
    value: 'RBAC',
    cis: '1.2.8',
    why: 'RBAC: permissions granted explicitly, reviewed by the rbac pack.',
  },
  {
    component: 'kube-apiserver',
    setting: 'enable-admission-plugins',
    check: 'includes',
    value: 'EventRateLimit',
    cis: '1.2.9',
    why: 'Bounds the events one namespace or user can create, so an event flood cannot starve the API server.',
  },
  {
    component: 'kube-apiserver',
    setting: 'admission-control-config-file',
    check: 'set',
    value: inHardeningDir(CONTROL_PLANE_FILES.admission),
    cis: '1.2.9',
    why: 'Configures EventRateLimit and the cluster-wide Pod Security defaults.',
  },
  {
    component: 'kube-apiserver',
    setting: 'enable-admission-plugins',
    check: 'excludes',
    value: 'AlwaysAdmit',
    cis: '1.2.10',
    why: 'AlwaysAdmit admits every request.',
  },
  {
    component: 'kube-apiserver',
    setting: 'enable-admission-plugins',
    check: 'includes',
    value: 'AlwaysPullImages',
    cis: '1.2.11',
    why: 'A pod can only use an image its own pull credentials can fetch, not one cached on the node by another tenant.',
  },
  {
    component: 'kube-apiserver',
    setting: 'disable-admission-plugins',
    check: 'excludes',
    value: 'ServiceAccount',
    cis: '1.2.12',
    why: 'The ServiceAccount plugin gives every pod an account that exists.',
  },
  {
    component: 'kube-apiserver',
    setting: 'disable-admission-plugins',
    check: 'excludes',
    value: 'NamespaceLifecycle',
    cis: '1.2.13',
    why: 'Refuses objects in namespaces that are being deleted or do not exist.',
  },
  {
    component: 'kube-apiserver',
    setting: 'enable-admission-plugins',
    check: 'includes',
    value: 'NodeRestriction',
    cis: '1.2.14',
    why: 'A kubelet may only change its own Node and the pods bound to it.',
  },
  {
    component: 'kube-apiserver',
    setting: 'disable-admission-plugins',
    check: 'excludes',
    value: 'PodSecurity',
    cis: '-',
    why: 'Pod Security admission enforces the restricted profile configured in the admission configuration (benchmark section 5.2).',
  },
  {
    component: 'kube-apiserver',
    setting: 'profiling',
    check: 'equals',
    value: 'false',
    cis: '1.2.15',
    why: 'Profiling endpoints reveal internals and cost CPU; nothing in production needs them.',
  },
  {
    component: 'kube-apiserver',
    setting: 'audit-policy-file',
    check: 'set',
    value: inHardeningDir(CONTROL_PLANE_FILES.auditPolicy),
    cis: '3.2.1',
    why: 'Without a policy the API server audits nothing.',
  },
  {
    component: 'kube-apiserver',
    setting: 'audit-log-path',
    check: 'set',
    value: `${AUDIT_LOG_DIR}/audit.log`,
    cis: '1.2.16',
    why: 'Where the audit log is written on the node (ship it off the node with the webhook backend or a log agent).',
  },
  {
    component: 'kube-apiserver',
    setting: 'audit-log-maxage',
    check: 'atLeast',
    value: '30',
    cis: '1.2.17',
    why: 'Days an audit file is kept: an incident is often found weeks later.',
  },
  {
    component: 'kube-apiserver',
    setting: 'audit-log-maxbackup',
    check: 'atLeast',
    value: '10',
    cis: '1.2.18',
    why: 'Rotated audit files kept.',
  },
  {
    component: 'kube-apiserver',
    setting: 'audit-log-maxsize',
    check: 'atLeast',
    value: '100',
    cis: '1.2.19',
    why: 'Megabytes before an audit file is rotated.',
  },
  {
    component: 'kube-apiserver',
    setting: 'request-timeout',
    check: 'set',
    value: '60s',
    cis: '1.2.20',
    why: 'Bounds how long one request may hold the API server (60s, the default, written so it is reviewed).',
  },
  {
    component: 'kube-apiserver',
    setting: 'service-account-lookup',
    check: 'equals',
    value: 'true',
    cis: '1.2.21',
    why: 'A token of a deleted service account stops working at once.',
  },
  {
    component: 'kube-apiserver',
    setting: 'service-account-key-file',
    check: 'set',
    value: `${PKI}/sa.pub`,
    cis: '1.2.22',
    why: 'The public key that verifies service account tokens (rotate it by listing old and new keys).',
  },
  {
    component: 'kube-apiserver',
    setting: 'etcd-certfile',
    check: 'set',
    value: `${PKI}/apiserver-etcd-client.crt`,
    cis: '1.2.23',
    why: 'The API server authenticates to etcd with a client certificate.',
  },
  {
    component: 'kube-apiserver',
    setting: 'etcd-keyfile',
    check: 'set',
    value: `${PKI}/apiserver-etcd-client.key`,
    cis: '1.2.23',
    why: 'The key of that client certificate.',
  },
  {
    component: 'kube-apiserver',
    setting: 'tls-cert-file',
    check: 'set',
    value: `${PKI}/apiserver.crt`,
    cis: '1.2.24',
    why: 'The API server serves TLS only.',
  },
  {
    component: 'kube-apiserver',
    setting: 'tls-private-key-file',
    check: 'set',
    value: `${PKI}/apiserver.key`,
    cis: '1.2.24',
    why: 'The key of the serving certificate.',
  },
  {
    component: 'kube-apiserver',
    setting: 'client-ca-file',
    check: 'set',
    value: `${PKI}/ca.crt`,
    cis: '1.2.25',
    why: 'Client certificates are verified against the cluster CA.',
  },
  {
    component: 'kube-apiserver',
    setting: 'etcd-cafile',
    check: 'set',
    value: `${PKI}/etcd/ca.crt`,
    cis: '1.2.26',
    why: "etcd's serving certificate is verified against the etcd CA.",
  },
  {
    component: 'kube-apiserver',
    setting: 'encryption-provider-config',
    check: 'set',
    value: inHardeningDir(CONTROL_PLANE_FILES.encryption),
    cis: '1.2.27',
    why: 'Secrets are encrypted at rest in etcd (KMS v2 by default; the file holds no key).',
  },
  {
    component: 'kube-apiserver',
    setting: 'tls-min-version',
    check: 'oneOf',
    value: 'VersionTLS12',
    allowed: TLS_12_OR_LATER,
    cis: '1.2.29',
    why: 'No TLS 1.0 or 1.1 (part of strong cryptography).',
  },
  {
    component: 'kube-apiserver',
    setting: 'tls-cipher-suites',
    check: 'subsetOf',
    value: STRONG_CIPHER_SUITES,
    allowed: ALLOWED_CIPHER_SUITES,
    cis: '1.2.29',
    why: 'Only ECDHE with AEAD ciphers: forward secrecy, no CBC or RC4.',
  },
  {
    component: 'kube-apiserver',
    setting: 'service-account-extend-token-expiration',
    check: 'equals',
    value: 'false',
    cis: '1.2.30',
    why: 'Bound service account tokens expire when they say (no one-year extension for old clients).',
  },
];

/** kube-controller-manager (benchmark section 1.3). */
export const CONTROLLER_MANAGER_SETTINGS: readonly ClusterSetting[] = [
  {
    component: 'kube-controller-manager',
    setting: 'terminated-pod-gc-threshold',
    check: 'set',
    value: '1000',
    cis: '1.3.1',
    why: 'Terminated pods are garbage-collected beyond 1000 (the default 12500 lets them pile up in etcd).',
  },
  {
    component: 'kube-controller-manager',
    setting: 'profiling',
    check: 'equals',
    value: 'false',
    cis: '1.3.2',
    why: 'No profiling endpoints.',
  },
  {
    component: 'kube-controller-manager',
    setting: 'use-service-account-credentials',
    check: 'equals',
    value: 'true',
    cis: '1.3.3',
    why: 'Each controller uses its own service account with its own narrow role.',
  },
  {
    component: 'kube-controller-manager',
    setting: 'service-account-private-key-file',
    check: 'set',
    value: `${PKI}/sa.key`,
    cis: '1.3.4',
    why: 'The key that signs service account tokens.',
  },
  {
    component: 'kube-controller-manager',
    setting: 'root-ca-file',
    check: 'set',
    value: `${PKI}/ca.crt`,
    cis: '1.3.5',
    why: 'Pods get the CA to verify the API server.',
  },
  {
    component: 'kube-controller-manager',
    setting: 'feature-gates',
    check: 'excludes',
    value: 'RotateKubeletServerCertificate=false',
    cis: '1.3.6',
    why: 'Kubelet serving certificates are rotated (on by default; never turned off).',
  },
  {
    component: 'kube-controller-manager',
    setting: 'bind-address',
    check: 'equals',
    value: '127.0.0.1',
    cis: '1.3.7',
    why: 'Its metrics and health endpoints listen on the node only.',
  },
];

/** kube-scheduler (benchmark section 1.4). */
export const SCHEDULER_SETTINGS: readonly ClusterSetting[] = [
  { component: 'kube-scheduler', setting: 'profiling', check: 'equals', value: 'false', cis: '1.4.1', why: 'No profiling endpoints.' },
  {
    component: 'kube-scheduler',
    setting: 'bind-address',
    check: 'equals',
    value: '127.0.0.1',
    cis: '1.4.2',
    why: 'Its metrics and health endpoints listen on the node only.',
  },
];

/** etcd as kubeadm runs it (benchmark section 2). */
export const ETCD_SETTINGS: readonly ClusterSetting[] = [
  {
    component: 'etcd',
    setting: 'cert-file',
    check: 'set',
    value: `${PKI}/etcd/server.crt`,
    cis: '2.1',
    why: 'etcd serves clients over TLS only.',
  },
  {
    component: 'etcd',
    setting: 'key-file',
    check: 'set',
    value: `${PKI}/etcd/server.key`,
    cis: '2.1',
    why: 'The key of the serving certificate.',
  },
  {
    component: 'etcd',
    setting: 'client-cert-auth',
    check: 'equals',
    value: 'true',
    cis: '2.2',
    why: 'Only clients with a certificate of the etcd CA (the API server) can connect.',
  },
  {
    component: 'etcd',
    setting: 'auto-tls',
    check: 'equals',
    value: 'false',
    cis: '2.3',
    why: 'No self-signed certificates that nobody verifies.',
  },
  {
    component: 'etcd',
    setting: 'peer-cert-file',
    check: 'set',
    value: `${PKI}/etcd/peer.crt`,
    cis: '2.4',
    why: 'etcd members talk to each other over TLS.',
  },
  {
    component: 'etcd',
    setting: 'peer-key-file',
    check: 'set',
    value: `${PKI}/etcd/peer.key`,
    cis: '2.4',
    why: 'The key of the peer certificate.',
  },
  {
    component: 'etcd',
    setting: 'peer-client-cert-auth',
    check: 'equals',
    value: 'true',
    cis: '2.5',
    why: 'Only members with a certificate of the etcd CA can join.',
  },
  { component: 'etcd', setting: 'peer-auto-tls', check: 'equals', value: 'false', cis: '2.6', why: 'No self-signed peer certificates.' },
  {
    component: 'etcd',
    setting: 'trusted-ca-file',
    check: 'set',
    value: `${PKI}/etcd/ca.crt`,
    cis: '2.7',
    why: 'etcd has its own CA, so a cluster client certificate cannot open etcd.',
  },
];

/** The kubelet's `KubeletConfiguration` (benchmark section 4.2). */
export const KUBELET_SETTINGS: readonly ClusterSetting[] = [
  {
    component: 'kubelet',
    setting: 'authentication.anonymous.enabled',
    check: 'equals',
    value: false,
    cis: '4.2.1',
    why: 'Anonymous requests to the kubelet API (exec, logs, pods) are refused.',
  },
  {
    component: 'kubelet',
    setting: 'authentication.webhook.enabled',
    check: 'equals',
    value: true,
    cis: '4.2.2',
    why: 'Bearer tokens are checked with the API server (TokenReview).',
  },
  {
    component: 'kubelet',
    setting: 'authorization.mode',
    check: 'equals',
    value: 'Webhook',
    cis: '4.2.2',
    why: 'Every kubelet API request is authorized by the API server (SubjectAccessReview), never AlwaysAllow.',
  },
  {
    component: 'kubelet',
    setting: 'authentication.x509.clientCAFile',
    check: 'set',
    value: `${PKI}/ca.crt`,
    cis: '4.2.3',
    why: "Client certificates (the API server's) are verified against the cluster CA.",
  },
  {
    component: 'kubelet',
    setting: 'readOnlyPort',
    check: 'equals',
    value: 0,
    cis: '4.2.4',
    why: 'The unauthenticated read-only port 10255 is closed.',
  },
  {
    component: 'kubelet',
    setting: 'streamingConnectionIdleTimeout',
    check: 'notZero',
    value: '5m',
    cis: '4.2.5',
    why: 'Idle exec and port-forward sessions are closed after 5 minutes.',
  },
  {
    component: 'kubelet',
    setting: 'makeIPTablesUtilChains',
    check: 'equals',
    value: true,
    cis: '4.2.6',
    why: 'The kubelet manages its iptables chains, so they stay consistent with pod networking.',
  },
  {
    component: 'kubelet',
    setting: 'eventRecordQPS',
    check: 'set',
    value: 50,
    cis: '4.2.8',
    why: 'Events are recorded at up to 50 per second (the default, written so it is reviewed).',
  },
  {
    component: 'kubelet',
    setting: 'serverTLSBootstrap',
    check: 'equals',
    value: true,
    cis: '4.2.9',
    why: 'The serving certificate is signed by the cluster CA through a CSR (approve kubelet-serving CSRs), so the API server can verify it; no tlsCertFile is needed.',
  },
  {
    component: 'kubelet',
    setting: 'rotateCertificates',
    check: 'equals',
    value: true,
    cis: '4.2.10',
    why: 'The client certificate is renewed before it expires.',
  },
  {
    component: 'kubelet',
    setting: 'featureGates.RotateKubeletServerCertificate',
    check: 'excludes',
    value: false,
    cis: '4.2.11',
    why: 'The serving certificate is renewed too (on by default; never turned off).',
  },
  {
    component: 'kubelet',
    setting: 'tlsMinVersion',
    check: 'oneOf',
    value: 'VersionTLS12',
    allowed: TLS_12_OR_LATER,
    cis: '4.2.12',
    why: 'No TLS 1.0 or 1.1.',
  },
  {
    component: 'kubelet',
    setting: 'tlsCipherSuites',
    check: 'subsetOf',
    value: STRONG_CIPHER_SUITES,
    allowed: ALLOWED_CIPHER_SUITES,
    cis: '4.2.12',
    why: 'Only ECDHE with AEAD ciphers.',
  },
  {
    component: 'kubelet',
    setting: 'podPidsLimit',
    check: 'set',
    value: 4096,
    cis: '4.2.13',
    why: "A fork bomb in one pod cannot exhaust the node's process ids.",
  },
  {
    component: 'kubelet',
    setting: 'seccompDefault',
    check: 'equals',
    value: true,
    cis: '4.2.14',
    why: 'Every container gets the RuntimeDefault seccomp profile unless it asks otherwise.',
  },
  {
    component: 'kubelet',
    setting: 'protectKernelDefaults',
    check: 'equals',
    value: true,
    cis: '-',
    why: 'The kubelet refuses to start rather than change kernel settings the node was hardened with (CIS 4.2.6 up to v1.9). Set vm.overcommit_memory=1, vm.panic_on_oom=0, kernel.panic=10, kernel.panic_on_oops=1 on the node first.',
  },
];

/** Every control-plane row (the kubeadm `ClusterConfiguration`), in benchmark order. */
export const CONTROL_PLANE_SETTINGS: readonly ClusterSetting[] = [
  ...API_SERVER_SETTINGS,
  ...CONTROLLER_MANAGER_SETTINGS,
  ...SCHEDULER_SETTINGS,
  ...ETCD_SETTINGS,
];

/** The whole table. */
export const CLUSTER_SETTINGS: readonly ClusterSetting[] = [...CONTROL_PLANE_SETTINGS, ...KUBELET_SETTINGS];

/** The value as written in a table or message: lists joined with commas. */
export function formatSettingValue(value: SettingValue | undefined): string {
  if (value === undefined) return '(not set)';
  return Array.isArray(value) ? value.join(',') : String(value);
}

/** What a row expects, in words: `false`, `includes NodeRestriction`, `at least 30`, `not set`. */
export function describeExpectation(row: ClusterSetting): string {
  const value = formatSettingValue(row.value);
  switch (row.check) {
    case 'equals':
      return value;
    case 'set':
      return `set (${value})`;
    case 'includes':
      return `includes ${value}`;
    case 'excludes':
      return `does not include ${value}`;
    case 'absent':
      return 'not set';
    case 'atLeast':
      return `at least ${value}`;
    case 'subsetOf':
      return `only strong suites (${value})`;
    case 'oneOf':
      return `one of ${(row.allowed ?? []).join(', ')}`;
    case 'notZero':
      return `not 0 (${value})`;
  }
}

/** What a row asks, as the end of "it should ...": `be false`, `include NodeRestriction`, `be at least 30`. */
export function requirementOf(row: ClusterSetting): string {
  const value = formatSettingValue(row.value);
  switch (row.check) {
    case 'equals':
      return `be ${value}`;
    case 'set':
      return `be set (${value})`;
    case 'includes':
      return `include ${value}`;
    case 'excludes':
      return `not include ${value}`;
    case 'absent':
      return 'not be set';
    case 'atLeast':
      return `be at least ${value}`;
    case 'subsetOf':
      return `list only strong suites (${value})`;
    case 'oneOf':
      return `be one of ${(row.allowed ?? []).join(', ')}`;
    case 'notZero':
      return `not be 0 (${value})`;
  }
}

/** The items of a list value: a YAML list, or a comma-separated flag. */
function items(value: unknown): string[] {
  if (Array.isArray(value)) return value.map(String);
  if (typeof value === 'string')
    return value
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== '');
  if (value === undefined || value === null) return [];
  return [String(value)];
}

/** `5m`, `0`, `0s`, `0m0s`: whether a duration or number is zero. */
function isZero(value: unknown): boolean {
  if (typeof value === 'number') return value === 0;
  return typeof value === 'string' && /^(0+(\.0+)?(ns|us|µs|ms|s|m|h)?)+$/.test(value.trim());
}

/**
 * Whether a configured value (`undefined` when the setting is absent) meets the row. Flags
 * come as text (`"false"`), kubelet fields as YAML values (`false`); both are compared as text.
 */
export function meetsSetting(row: ClusterSetting, actual: unknown): boolean {
  const present = actual !== undefined && actual !== null && actual !== '';
  const text = present ? String(actual).trim() : '';
  switch (row.check) {
    case 'equals':
      return present && text === String(row.value);
    case 'set':
      return present && (!Array.isArray(actual) || actual.length > 0);
    case 'includes':
      return items(actual).includes(String(row.value));
    case 'excludes':
      return !items(actual).includes(String(row.value));
    case 'absent':
      return !present;
    case 'atLeast':
      return present && Number.isFinite(Number(text)) && Number(text) >= Number(row.value);
    case 'subsetOf': {
      const list = items(actual);
      return list.length > 0 && list.every((item) => (row.allowed ?? []).includes(item));
    }
    case 'oneOf':
      return present && (row.allowed ?? []).includes(text);
    case 'notZero':
      return present && !isZero(actual);
  }
}
