/**
 * Rule cases of the `cluster` pack, written by hand (not by lib/cluster), so the rules are
 * checked against the files as a person would write them: kubeadm v1beta3 maps as well as
 * v1beta4 lists, kubeadm's own default flags, and typical hand edits.
 */
import { KubeObject } from '../../lib/review/model';
import { STRONG_CIPHER_SUITES } from '../../lib/policy/cis-benchmark';
import type { RuleCase } from './rule-cases';

const H = '/etc/kubernetes/hardening';

/** The API server flags kubeadm does not set itself, as a v1beta3 map. */
const API_SERVER_ARGS: Record<string, string> = {
  'authentication-config': `${H}/authentication-configuration.yaml`,
  'enable-admission-plugins': 'NodeRestriction,EventRateLimit,AlwaysPullImages,DenyServiceExternalIPs',
  'kubelet-certificate-authority': '/etc/kubernetes/pki/ca.crt',
  'admission-control-config-file': `${H}/admission-configuration.yaml`,
  profiling: 'false',
  'audit-policy-file': `${H}/audit-policy.yaml`,
  'audit-log-path': '/var/log/kubernetes/audit/audit.log',
  'audit-log-maxage': '90',
  'audit-log-maxbackup': '10',
  'audit-log-maxsize': '200',
  'request-timeout': '60s',
  'service-account-lookup': 'true',
  'encryption-provider-config': `${H}/encryption-configuration.yaml`,
  'tls-min-version': 'VersionTLS12',
  'tls-cipher-suites': STRONG_CIPHER_SUITES.join(','),
  'service-account-extend-token-expiration': 'false',
};

/** A kubeadm v1beta3 ClusterConfiguration that relies on kubeadm's defaults where they comply. */
export function kubeadmConfig(apiServer: Record<string, string | undefined> = {}, extra: Record<string, unknown> = {}): KubeObject {
  const args = Object.fromEntries(Object.entries({ ...API_SERVER_ARGS, ...apiServer }).filter(([, v]) => v !== undefined));
  return {
    apiVersion: 'kubeadm.k8s.io/v1beta3',
    kind: 'ClusterConfiguration',
    apiServer: { extraArgs: args },
    controllerManager: { extraArgs: { profiling: 'false', 'terminated-pod-gc-threshold': '500' } },
    scheduler: { extraArgs: { profiling: 'false' } },
    etcd: { local: { extraArgs: { 'auto-tls': 'false', 'peer-auto-tls': 'false' } } },
    ...extra,
  } as KubeObject;
}

/** A compliant KubeletConfiguration with some fields changed. */
export function kubeletConfig(changes: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: 'kubelet.config.k8s.io/v1beta1',
    kind: 'KubeletConfiguration',
    authentication: { anonymous: { enabled: false }, webhook: { enabled: true }, x509: { clientCAFile: '/etc/kubernetes/pki/ca.crt' } },
    authorization: { mode: 'Webhook' },
    readOnlyPort: 0,
    streamingConnectionIdleTimeout: '4h0m0s',
    makeIPTablesUtilChains: true,
    eventRecordQPS: 0,
    serverTLSBootstrap: true,
    rotateCertificates: true,
    featureGates: { RotateKubeletServerCertificate: true },
    tlsMinVersion: 'VersionTLS13',
    tlsCipherSuites: ['TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384', 'TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256'],
    podPidsLimit: 1024,
    seccompDefault: true,
    protectKernelDefaults: true,
    ...changes,
  } as KubeObject;
}

type AuditRule = Record<string, unknown>;
const SENSITIVE_AT_METADATA: AuditRule = {
  level: 'Metadata',
  resources: [
    { group: '', resources: ['secrets', 'configmaps', 'serviceaccounts/token'] },
    { group: 'authentication.k8s.io', resources: ['tokenreviews'] },
  ],
};
const RBAC_WRITES: AuditRule = {
  level: 'RequestResponse',
  verbs: ['create', 'update', 'patch', 'delete'],
  resources: [{ group: 'rbac.authorization.k8s.io' }],
};
const POD_ACCESS: AuditRule = {
  level: 'RequestResponse',
  resources: [{ group: '', resources: ['pods/exec', 'pods/attach', 'pods/portforward'] }],
};
const CATCH_ALL: AuditRule = { level: 'Metadata' };

/** An audit Policy with these rules. */
export function auditPolicy(rules: AuditRule[], omitStages: string[] = ['RequestReceived']): KubeObject {
  return { apiVersion: 'audit.k8s.io/v1', kind: 'Policy', omitStages, rules } as KubeObject;
}

/** An AdmissionConfiguration with this PodSecurity configuration. */
function admission(defaults: Record<string, string>, exemptions: Record<string, string[]> = { namespaces: ['kube-system'] }): KubeObject {
  return {
    apiVersion: 'apiserver.config.k8s.io/v1',
    kind: 'AdmissionConfiguration',
    plugins: [
      { name: 'EventRateLimit', path: 'eventratelimit.yaml' },
      {
        name: 'PodSecurity',
        configuration: { apiVersion: 'pod-security.admission.config.k8s.io/v1', kind: 'PodSecurityConfiguration', defaults, exemptions },
      },
    ],
  } as KubeObject;
}
const RESTRICTED = { enforce: 'restricted', 'enforce-version': 'latest', audit: 'restricted', warn: 'restricted' };

function encryption(resources: unknown[]): KubeObject {
  return { apiVersion: 'apiserver.config.k8s.io/v1', kind: 'EncryptionConfiguration', resources } as KubeObject;
}
const KMS_V2 = { kms: { apiVersion: 'v2', name: 'cloud-kms', endpoint: 'unix:///var/run/kmsplugin/socket.sock' } };

function authentication(anonymous?: unknown): KubeObject {
  return {
    apiVersion: 'apiserver.config.k8s.io/v1beta1',
    kind: 'AuthenticationConfiguration',
    ...(anonymous === undefined ? {} : { anonymous }),
  } as KubeObject;
}

export const CLUSTER_RULE_CASES: readonly RuleCase[] = [
  {
    rule: 'cluster-apiserver-settings',
    name: "kubeadm's defaults plus the flags it does not set comply",
    object: kubeadmConfig(),
    expected: [],
  },
  {
    rule: 'cluster-apiserver-settings',
    name: 'a ClusterConfiguration of another API group is ignored',
    object: { apiVersion: 'example.com/v1', kind: 'ClusterConfiguration' },
    expected: [],
  },
  {
    rule: 'cluster-apiserver-settings',
    name: "no apiServer.extraArgs: kubeadm's defaults alone miss most rows",
    object: kubeadmConfig({}, { apiServer: {} }),
    expected: [
      ['apiServer.extraArgs', 'kube-apiserver runs without --authentication-config; it should be set'],
      [
        'apiServer.extraArgs',
        "runs with --enable-admission-plugins=NodeRestriction (kubeadm's default); it should include DenyServiceExternalIPs (CIS 1.2.3)",
      ],
      ['apiServer.extraArgs', 'kubelet-certificate-authority'],
      ['apiServer.extraArgs', 'it should include EventRateLimit'],
      ['apiServer.extraArgs', 'admission-control-config-file'],
      ['apiServer.extraArgs', 'AlwaysPullImages'],
      ['apiServer.extraArgs', 'without --profiling; it should be false (CIS 1.2.15)'],
      ['apiServer.extraArgs', 'audit-policy-file'],
      ['apiServer.extraArgs', 'audit-log-path'],
      ['apiServer.extraArgs', 'audit-log-maxage'],
      ['apiServer.extraArgs', 'audit-log-maxbackup'],
      ['apiServer.extraArgs', 'audit-log-maxsize'],
      ['apiServer.extraArgs', 'request-timeout'],
      ['apiServer.extraArgs', 'service-account-lookup'],
      ['apiServer.extraArgs', 'encryption-provider-config'],
      ['apiServer.extraArgs', 'tls-min-version'],
      ['apiServer.extraArgs', 'tls-cipher-suites'],
      ['apiServer.extraArgs', 'service-account-extend-token-expiration'],
    ],
  },
  {
    rule: 'cluster-apiserver-settings',
    name: 'v1beta3 map: each edit is reported at its flag',
    object: kubeadmConfig({
      'anonymous-auth': 'true',
      'token-auth-file': '/etc/kubernetes/tokens.csv',
      'enable-admission-plugins': 'NodeRestriction,EventRateLimit,AlwaysPullImages,DenyServiceExternalIPs,AlwaysAdmit',
      profiling: 'true',
      'audit-log-maxage': '7',
      'tls-cipher-suites': 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,TLS_RSA_WITH_AES_128_CBC_SHA',
      'authorization-mode': 'AlwaysAllow',
    }),
    expected: [
      [
        'apiServer.extraArgs["anonymous-auth"]',
        'kube-apiserver runs with --anonymous-auth=true; it should not include true (CIS 1.2.1): Anonymous requests must not reach the API',
      ],
      ['apiServer.extraArgs["token-auth-file"]', '--token-auth-file=/etc/kubernetes/tokens.csv; it should not be set (CIS 1.2.2)'],
      ['apiServer.extraArgs["authorization-mode"]', 'it should not include AlwaysAllow (CIS 1.2.6)'],
      ['apiServer.extraArgs["authorization-mode"]', 'it should include Node (CIS 1.2.7)'],
      ['apiServer.extraArgs["authorization-mode"]', 'it should include RBAC (CIS 1.2.8)'],
      ['apiServer.extraArgs["enable-admission-plugins"]', 'it should not include AlwaysAdmit (CIS 1.2.10)'],
      ['apiServer.extraArgs.profiling', 'runs with --profiling=true'],
      ['apiServer.extraArgs["audit-log-maxage"]', '--audit-log-maxage=7; it should be at least 30 (CIS 1.2.17)'],
      ['apiServer.extraArgs["tls-cipher-suites"]', 'only strong suites'],
    ],
  },

  {
    rule: 'cluster-controller-manager-settings',
    name: "profiling off and a GC threshold, over kubeadm's defaults",
    object: kubeadmConfig(),
    expected: [],
  },
  {
    rule: 'cluster-controller-manager-settings',
    name: 'v1beta4 list: profiling on, bind-address 0.0.0.0, rotation turned off',
    object: kubeadmConfig(
      {},
      {
        controllerManager: {
          extraArgs: [
            { name: 'profiling', value: 'true' },
            { name: 'bind-address', value: '0.0.0.0' },
            { name: 'feature-gates', value: 'RotateKubeletServerCertificate=false' },
          ],
        },
      },
    ),
    expected: [
      ['controllerManager.extraArgs', 'without --terminated-pod-gc-threshold; it should be set (1000) (CIS 1.3.1)'],
      ['controllerManager.extraArgs[0].value', '--profiling=true'],
      [
        'controllerManager.extraArgs[2].value',
        '--feature-gates=RotateKubeletServerCertificate=false; it should not include RotateKubeletServerCertificate=false (CIS 1.3.6)',
      ],
      ['controllerManager.extraArgs[1].value', '--bind-address=0.0.0.0; it should be 127.0.0.1 (CIS 1.3.7)'],
    ],
  },

  { rule: 'cluster-scheduler-settings', name: "profiling off, kubeadm's bind address", object: kubeadmConfig(), expected: [] },
  {
    rule: 'cluster-scheduler-settings',
    name: 'no extraArgs: profiling on by default',
    object: kubeadmConfig({}, { scheduler: {} }),
    expected: [['scheduler.extraArgs', 'kube-scheduler runs without --profiling; it should be false (CIS 1.4.1)']],
  },

  { rule: 'cluster-etcd-settings', name: "kubeadm's TLS defaults and no auto TLS comply", object: kubeadmConfig(), expected: [] },
  {
    rule: 'cluster-etcd-settings',
    name: 'an external etcd with client TLS over https complies',
    object: kubeadmConfig(
      {},
      {
        etcd: {
          external: {
            endpoints: ['https://10.0.0.10:2379'],
            caFile: '/etc/kubernetes/pki/etcd/ca.crt',
            certFile: '/etc/kubernetes/pki/apiserver-etcd-client.crt',
            keyFile: '/etc/kubernetes/pki/apiserver-etcd-client.key',
          },
        },
      },
    ),
    expected: [],
  },
  {
    rule: 'cluster-etcd-settings',
    name: 'auto TLS and no client certificates',
    object: kubeadmConfig({}, { etcd: { local: { extraArgs: { 'client-cert-auth': 'false', 'auto-tls': 'true' } } } }),
    expected: [
      ['etcd.local.extraArgs["client-cert-auth"]', '--client-cert-auth=false; it should be true (CIS 2.2)'],
      ['etcd.local.extraArgs["auto-tls"]', '--auto-tls=true; it should be false (CIS 2.3)'],
      ['etcd.local.extraArgs', 'without --peer-auto-tls; it should be false (CIS 2.6)'],
    ],
  },
  {
    rule: 'cluster-etcd-settings',
    name: 'an external etcd over http without a client key',
    object: kubeadmConfig(
      {},
      {
        etcd: {
          external: {
            endpoints: ['http://10.0.0.10:2379'],
            caFile: '/etc/kubernetes/pki/etcd/ca.crt',
            certFile: '/etc/kubernetes/pki/apiserver-etcd-client.crt',
          },
        },
      },
    ),
    expected: [
      ['etcd.external.keyFile', 'the external etcd has no keyFile'],
      ['etcd.external.endpoints[0]', 'the external etcd endpoint "http://10.0.0.10:2379" is not https'],
    ],
  },

  {
    rule: 'cluster-kubelet-settings',
    name: 'every CIS setting, TLS 1.3 and a subset of the strong suites',
    object: kubeletConfig(),
    expected: [],
  },
  {
    rule: 'cluster-kubelet-settings',
    name: 'anonymous access, AlwaysAllow, the read-only port, no idle timeout, weak ciphers, rotation off',
    object: kubeletConfig({
      authentication: { anonymous: { enabled: true }, webhook: { enabled: true }, x509: { clientCAFile: '/etc/kubernetes/pki/ca.crt' } },
      authorization: { mode: 'AlwaysAllow' },
      readOnlyPort: 10255,
      streamingConnectionIdleTimeout: '0s',
      featureGates: { RotateKubeletServerCertificate: false },
      tlsCipherSuites: ['TLS_RSA_WITH_3DES_EDE_CBC_SHA'],
      seccompDefault: undefined,
      protectKernelDefaults: false,
    }),
    expected: [
      ['authentication.anonymous.enabled', 'the kubelet sets authentication.anonymous.enabled: true; it should be false (CIS 4.2.1)'],
      ['authorization.mode', 'sets authorization.mode: "AlwaysAllow"; it should be Webhook (CIS 4.2.2)'],
      ['readOnlyPort', 'readOnlyPort: 10255; it should be 0 (CIS 4.2.4)'],
      ['streamingConnectionIdleTimeout', 'streamingConnectionIdleTimeout: "0s"; it should not be 0 (5m) (CIS 4.2.5)'],
      ['featureGates.RotateKubeletServerCertificate', 'it should not include false (CIS 4.2.11)'],
      ['tlsCipherSuites', 'it should list only strong suites'],
      ['seccompDefault', 'the kubelet does not set seccompDefault; it should be true (CIS 4.2.14)'],
      ['protectKernelDefaults', 'protectKernelDefaults: false; it should be true: The kubelet refuses'],
    ],
  },

  {
    rule: 'audit-sensitive-metadata-only',
    name: 'Metadata for secrets, configmaps and tokens before RequestResponse for everything',
    object: auditPolicy([{ level: 'None', nonResourceURLs: ['/healthz*'] }, SENSITIVE_AT_METADATA, { level: 'RequestResponse' }]),
    expected: [],
  },
  {
    rule: 'audit-sensitive-metadata-only',
    name: "a None rule for one user's secret reads is fine",
    object: auditPolicy([
      { level: 'None', users: ['system:kube-controller-manager'], resources: [{ group: '', resources: ['secrets'] }] },
      SENSITIVE_AT_METADATA,
      CATCH_ALL,
    ]),
    expected: [],
  },
  {
    rule: 'audit-sensitive-metadata-only',
    name: "Request for everything first; RequestResponse for one user's secrets; a wildcard; a named ConfigMap",
    object: auditPolicy([
      { level: 'RequestResponse', users: ['admin'], resources: [{ group: '', resources: ['secrets'] }] },
      { level: 'Request', resources: [{ group: '', resources: ['configmaps'], resourceNames: ['settings'] }] },
      { level: 'RequestResponse', resources: [{ group: 'authentication.k8s.io', resources: ['*'] }] },
      { level: 'Request', verbs: ['create'], resources: [{ group: '', resources: ['*/token'] }] },
      SENSITIVE_AT_METADATA,
    ]),
    expected: [
      ['rules[0].level', 'rule 0 logs Secrets at "RequestResponse", which writes their values into the audit log'],
      ['rules[1].level', 'rule 1 logs ConfigMaps at "Request"'],
      ['rules[2].level', 'rule 2 logs TokenReviews at "RequestResponse"'],
      ['rules[3].level', 'rule 3 logs service account tokens (TokenRequest) at "Request"'],
    ],
  },
  {
    rule: 'audit-sensitive-metadata-only',
    name: "a catch-all at Request logs every Secret's value",
    object: auditPolicy([{ level: 'Request' }]),
    expected: [
      ['rules[0].level', 'Secrets'],
      ['rules[0].level', 'ConfigMaps'],
      ['rules[0].level', 'TokenReviews'],
      ['rules[0].level', 'service account tokens'],
    ],
  },

  {
    rule: 'audit-high-risk-recorded',
    name: 'RBAC writes and pod access in full, secrets as metadata, a catch-all',
    object: auditPolicy([SENSITIVE_AT_METADATA, RBAC_WRITES, POD_ACCESS, CATCH_ALL]),
    expected: [],
  },
  {
    rule: 'audit-high-risk-recorded',
    name: 'Metadata only, no catch-all, secrets dropped',
    object: auditPolicy([
      { level: 'None', resources: [{ group: '', resources: ['secrets'] }] },
      { level: 'Metadata', resources: [{ group: 'rbac.authorization.k8s.io' }, { group: '', resources: ['pods/*'] }] },
    ]),
    expected: [
      ['rules', 'does not log these at RequestResponse: create roles (Metadata)'],
      ['rules[0].level', 'a get of a Secret is not logged at all'],
      ['rules', 'the last rule is not a catch-all'],
    ],
  },

  { rule: 'audit-omit-request-received', name: 'RequestReceived omitted', object: auditPolicy([CATCH_ALL]), expected: [] },
  {
    rule: 'audit-omit-request-received',
    name: 'every stage logged',
    object: auditPolicy([CATCH_ALL], []),
    expected: [['omitStages', 'logs every request twice']],
  },

  {
    rule: 'admission-pod-security-restricted',
    name: 'restricted for enforce, audit and warn',
    object: admission(RESTRICTED),
    expected: [],
  },
  {
    rule: 'admission-pod-security-restricted',
    name: 'enforce baseline, no warn',
    object: admission({ enforce: 'baseline', audit: 'restricted' }),
    expected: [
      ['plugins[1].configuration.defaults.enforce', 'the cluster-wide enforce level is "baseline"'],
      ['plugins[1].configuration.defaults.warn', 'the cluster-wide warn level is "privileged"'],
    ],
  },
  {
    rule: 'admission-pod-security-restricted',
    name: 'no PodSecurity plugin',
    object: { apiVersion: 'apiserver.config.k8s.io/v1', kind: 'AdmissionConfiguration', plugins: [] },
    expected: [['plugins', 'no PodSecurity plugin configuration']],
  },

  {
    rule: 'admission-exemptions-system-only',
    name: "kube-system and an add-on's *-system namespace",
    object: admission(RESTRICTED, { namespaces: ['kube-system', 'calico-system'] }),
    expected: [],
  },
  {
    rule: 'admission-exemptions-system-only',
    name: 'a user, a runtime class and an application namespace',
    object: admission(RESTRICTED, {
      usernames: ['ci-deployer'],
      runtimeClasses: ['kata'],
      namespaces: ['kube-system', 'shop'],
    }),
    expected: [
      ['plugins[1].configuration.exemptions.usernames[0]', 'the user "ci-deployer" is exempt from Pod Security in every namespace'],
      ['plugins[1].configuration.exemptions.runtimeClasses[0]', 'runtime class "kata"'],
      [
        'plugins[1].configuration.exemptions.namespaces[1]',
        'the namespace "shop" is exempt from Pod Security but is not a system namespace',
      ],
    ],
  },

  {
    rule: 'encryption-secrets-encrypted',
    name: 'KMS v2 first, identity last',
    object: encryption([{ resources: ['secrets', 'configmaps'], providers: [KMS_V2, { identity: {} }] }]),
    expected: [],
  },
  {
    rule: 'encryption-secrets-encrypted',
    name: 'identity first',
    object: encryption([{ resources: ['secrets'], providers: [{ identity: {} }, KMS_V2] }]),
    expected: [['resources[0].providers[0]', 'the first provider for secrets is identity']],
  },
  {
    rule: 'encryption-secrets-encrypted',
    name: 'KMS v1',
    object: encryption([{ resources: ['*.*'], providers: [{ kms: { name: 'old', endpoint: 'unix:///tmp/k.sock', cachesize: 1000 } }] }]),
    expected: [['resources[0].providers[0].kms.apiVersion', 'KMS v1']],
  },
  {
    rule: 'encryption-secrets-encrypted',
    name: 'secrets not covered',
    object: encryption([{ resources: ['configmaps'], providers: [KMS_V2] }]),
    expected: [['resources', 'no entry covers secrets']],
  },

  {
    rule: 'encryption-key-not-in-manifests',
    name: 'KMS v2 holds no key',
    object: encryption([{ resources: ['secrets'], providers: [KMS_V2, { identity: {} }] }]),
    expected: [],
  },
  {
    rule: 'encryption-key-not-in-manifests',
    name: 'a secretbox key in the file',
    object: encryption([{ resources: ['secrets'], providers: [KMS_V2, { secretbox: { keys: [{ name: 'key-1', secret: 'c2VjcmV0' }] } }] }]),
    expected: [['resources[0].providers[1].secretbox.keys[0].secret', 'the secretbox key "key-1" is in the file']],
  },

  {
    rule: 'authentication-anonymous-health-only',
    name: 'health endpoints only',
    object: authentication({ enabled: true, conditions: [{ path: '/livez' }, { path: '/readyz' }] }),
    expected: [],
  },
  { rule: 'authentication-anonymous-health-only', name: 'anonymous disabled', object: authentication({ enabled: false }), expected: [] },
  {
    rule: 'authentication-anonymous-health-only',
    name: 'a condition on the whole API, and none at all',
    object: authentication({ enabled: true, conditions: [{ path: '/livez' }, { path: '/api/*' }] }),
    expected: [['anonymous.conditions[1].path', 'anonymous requests are allowed on "/api/*", which is not a health endpoint']],
  },
  {
    rule: 'authentication-anonymous-health-only',
    name: 'enabled without conditions',
    object: authentication({ enabled: true }),
    expected: [['anonymous.conditions', 'allowed on every path']],
  },
  {
    rule: 'authentication-anonymous-health-only',
    name: "not configured: the flag's default, true, applies",
    object: authentication(),
    expected: [['anonymous', 'defaults to true']],
  },
];
