import * as path from 'node:path';
import { IConstruct } from 'constructs';
import { HardeningError } from '../core/hardening-error';
import { AuditLevel } from '../policy/control-plane';
import { API_SERVER_SETTINGS, AUDIT_LOG_DIR, CONTROL_PLANE_FILES, HARDENING_DIR } from '../policy/cis-benchmark';
import { functionScope } from './scope';

/**
 * The API server's audit logging: the `audit.k8s.io/v1` Policy (what is logged, at which
 * level), the log file's retention, and an optional webhook that ships events off the node.
 *
 * The levels are deliberate, first match wins:
 * 1. `None` for health checks, version and metrics probes, events, and the read-only or
 *    heartbeat traffic of kube-proxy, kubelets, leader election and the API server itself:
 *    high volume, no security value.
 * 2. `Metadata` for Secrets, ConfigMaps, TokenReviews and TokenRequests, before anything
 *    else can match them: who touched which Secret is logged, its value never is.
 * 3. `RequestResponse` for RBAC changes, CSR approvals, and pods/exec, attach, portforward,
 *    proxy and ephemeral containers (`kubectl debug`): who gained access, and what they did.
 * 4. `Request` for writes to workloads, Services, accounts, namespaces, policies, webhooks and CRDs.
 * 5. `Metadata` for everything else.
 *
 * @see https://kubernetes.io/docs/tasks/debug/debug-cluster/audit/
 */

/** The audit log file on the control plane node (CIS 1.2.16 to 1.2.19). */
export interface AuditLogOptions {
  /**
   * The log file.
   *
   * @default '/var/log/kubernetes/audit/audit.log'
   */
  readonly path?: string;
  /**
   * Days to keep rotated files; at least 30.
   *
   * @default 30
   */
  readonly maxAgeDays?: number;
  /**
   * Rotated files to keep; at least 10.
   *
   * @default 10
   */
  readonly maxBackups?: number;
  /**
   * Megabytes before the file is rotated; at least 100.
   *
   * @default 100
   */
  readonly maxSizeMegabytes?: number;
}

/**
 * An audit webhook backend: the API server sends every event, in batches, to a collector over
 * mutual TLS, so the log survives the loss or compromise of the node. File paths only: no key
 * or token is ever written into the configuration.
 */
export interface AuditWebhookOptions {
  /** The collector's URL; must be `https://`. */
  readonly server: string;
  /** The CA certificate that signs the collector's certificate, a path on the control plane node. */
  readonly certificateAuthority: string;
  /**
   * The API server's client certificate and key for the collector, paths on the node.
   *
   * @default - no client certificate (the collector must then authenticate the API server another way)
   */
  readonly clientCertificate?: { readonly certificate: string; readonly key: string };
}

/** Options of the audit logging. */
export interface AuditOptions {
  /**
   * The log file and its retention.
   *
   * @default - /var/log/kubernetes/audit/audit.log, 30 days, 10 backups, 100 MB
   */
  readonly log?: AuditLogOptions;
  /**
   * Also send every event to a webhook (in batches).
   *
   * @default - the log file only
   */
  readonly webhook?: AuditWebhookOptions;
}

/** `--audit-log-maxage` and friends: the minimum of each is the CIS value in the settings table. */
const RETENTION = [
  ['maxAgeDays', 'audit-log-maxage'],
  ['maxBackups', 'audit-log-maxbackup'],
  ['maxSizeMegabytes', 'audit-log-maxsize'],
] as const;

const minimumOf = (flag: string): number => Number(API_SERVER_SETTINGS.find((row) => row.setting === flag)?.value);

type GroupResources = { group: string; resources?: string[] };
type PolicyRule = {
  level: AuditLevel;
  users?: string[];
  userGroups?: string[];
  verbs?: string[];
  namespaces?: string[];
  resources?: GroupResources[];
  nonResourceURLs?: string[];
};

const WRITE_VERBS = ['create', 'update', 'patch', 'delete', 'deletecollection'];

/** The rules, in order, with what each is for (written as a comment above it). */
const POLICY_RULES: readonly { readonly rule: PolicyRule; readonly why: string }[] = [
  {
    why: 'Health checks, version and metrics probes: constant, and no security value.',
    rule: { level: 'None', nonResourceURLs: ['/healthz*', '/livez*', '/readyz*', '/version', '/metrics'] },
  },
  {
    why: 'kube-proxy watching Services and endpoints.',
    rule: {
      level: 'None',
      users: ['system:kube-proxy'],
      verbs: ['watch'],
      resources: [
        { group: '', resources: ['endpoints', 'services', 'services/status'] },
        { group: 'discovery.k8s.io', resources: ['endpointslices'] },
      ],
    },
  },
  {
    why: 'Kubelet heartbeats: each node reading and updating its own Node and Lease.',
    rule: {
      level: 'None',
      userGroups: ['system:nodes'],
      verbs: ['get', 'update', 'patch'],
      resources: [
        { group: '', resources: ['nodes', 'nodes/status'] },
        { group: 'coordination.k8s.io', resources: ['leases'] },
      ],
    },
  },
  {
    why: 'Leader election of the control plane components.',
    rule: {
      level: 'None',
      users: ['system:kube-controller-manager', 'system:kube-scheduler'],
      verbs: ['get', 'update'],
      namespaces: ['kube-system'],
      resources: [{ group: 'coordination.k8s.io', resources: ['leases'] }],
    },
  },
  {
    why: 'The API server checking namespaces.',
    rule: {
      level: 'None',
      users: ['system:apiserver'],
      verbs: ['get'],
      resources: [{ group: '', resources: ['namespaces', 'namespaces/status', 'namespaces/finalize'] }],
    },
  },
  {
    why: 'Events: the most frequent writes, and not actions of anyone.',
    rule: {
      level: 'None',
      resources: [
        { group: '', resources: ['events'] },
        { group: 'events.k8s.io', resources: ['events'] },
      ],
    },
  },
  {
    why: 'Secrets, ConfigMaps and tokens: who and when, never the values (CIS 3.2.2). Before any rule that logs bodies.',
    rule: {
      level: 'Metadata',
      resources: [
        { group: '', resources: ['secrets', 'configmaps', 'serviceaccounts/token'] },
        { group: 'authentication.k8s.io', resources: ['tokenreviews'] },
      ],
    },
  },
  {
    why: 'Changes to RBAC and approvals of certificates: who gained which access, in full.',
    rule: {
      level: 'RequestResponse',
      verbs: WRITE_VERBS,
      resources: [
        { group: 'rbac.authorization.k8s.io', resources: ['roles', 'rolebindings', 'clusterroles', 'clusterrolebindings'] },
        { group: 'certificates.k8s.io', resources: ['certificatesigningrequests/approval'] },
      ],
    },
  },
  {
    why: 'Getting into a pod or node: exec, attach, port-forward, proxies, ephemeral containers (kubectl debug).',
    rule: {
      level: 'RequestResponse',
      resources: [
        {
          group: '',
          resources: [
            'pods/exec',
            'pods/attach',
            'pods/portforward',
            'pods/proxy',
            'pods/ephemeralcontainers',
            'services/proxy',
            'nodes/proxy',
          ],
        },
      ],
    },
  },
  {
    why: 'Writes to workloads, Services, accounts, namespaces, network and admission policies, webhooks and CRDs: what was asked.',
    rule: {
      level: 'Request',
      verbs: WRITE_VERBS,
      resources: [
        {
          group: '',
          resources: ['pods', 'services', 'serviceaccounts', 'namespaces', 'persistentvolumes', 'persistentvolumeclaims', 'nodes'],
        },
        { group: 'apps' },
        { group: 'batch' },
        { group: 'networking.k8s.io' },
        { group: 'policy' },
        { group: 'admissionregistration.k8s.io' },
        { group: 'apiextensions.k8s.io' },
      ],
    },
  },
  { why: 'Everything else: who did what, when.', rule: { level: 'Metadata' } },
];

/** The audit policy object (`audit.k8s.io/v1` `Policy`). */
export function auditPolicy(): Record<string, unknown> {
  return {
    apiVersion: 'audit.k8s.io/v1',
    kind: 'Policy',
    omitStages: ['RequestReceived'],
    omitManagedFields: true,
    rules: POLICY_RULES.map(({ rule }) => rule),
  };
}

/** One comment per rule of `auditPolicy()`: what it is for. */
export function auditPolicyComments(): { path: (string | number)[]; comment: string }[] {
  return POLICY_RULES.map(({ why }, i) => ({ path: ['rules', i, 'level'], comment: why }));
}

/** The kubeconfig that points the API server at the webhook collector (file paths only). */
export function auditWebhookKubeconfig(
  webhook: AuditWebhookOptions,
  scope: IConstruct = functionScope('auditWebhookKubeconfig'),
): Record<string, unknown> {
  let url: URL | undefined;
  try {
    url = new URL(webhook.server);
  } catch {
    url = undefined;
  }
  if (!url || url.protocol !== 'https:' || url.username || url.password) {
    throw new HardeningError(
      scope,
      `'audit.webhook.server' must be an https:// URL without credentials (got '${webhook.server}'). Audit events hold who did what: send them over TLS only.`,
    );
  }
  const paths: [string, string | undefined][] = [
    ['audit.webhook.certificateAuthority', webhook.certificateAuthority],
    ['audit.webhook.clientCertificate.certificate', webhook.clientCertificate?.certificate],
    ['audit.webhook.clientCertificate.key', webhook.clientCertificate?.key],
  ];
  for (const [field, value] of paths) {
    if (value === undefined && field !== 'audit.webhook.certificateAuthority') continue;
    if (typeof value !== 'string' || !path.posix.isAbsolute(value) || value.includes('\n')) {
      throw new HardeningError(
        scope,
        `'${field}' must be an absolute path on the control plane node, such as '/etc/kubernetes/pki/audit-webhook-ca.crt' (got '${value}'). Certificates and keys are referenced by path, never written into the configuration.`,
      );
    }
  }
  return {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'audit-collector', cluster: { server: webhook.server, 'certificate-authority': webhook.certificateAuthority } }],
    users: [
      {
        name: 'kube-apiserver',
        user: webhook.clientCertificate
          ? { 'client-certificate': webhook.clientCertificate.certificate, 'client-key': webhook.clientCertificate.key }
          : {},
      },
    ],
    contexts: [{ name: 'audit', context: { cluster: 'audit-collector', user: 'kube-apiserver' } }],
    'current-context': 'audit',
  };
}

/**
 * The kube-apiserver flags of audit logging: policy, log file and retention, and the webhook
 * when there is one. Refuses retention below the CIS values.
 */
export function auditFlags(options: AuditOptions = {}, scope: IConstruct = functionScope('auditFlags')): [string, string][] {
  const log = options.log ?? {};
  const logPath = log.path ?? `${AUDIT_LOG_DIR}/audit.log`;
  if (!path.posix.isAbsolute(logPath) || logPath.endsWith('/') || /\s/.test(logPath)) {
    throw new HardeningError(
      scope,
      `'audit.log.path' must be an absolute file path without spaces (got '${logPath}'). For example '/var/log/kubernetes/audit/audit.log'.`,
    );
  }
  const flags: [string, string][] = [
    ['audit-policy-file', `${HARDENING_DIR}/${CONTROL_PLANE_FILES.auditPolicy}`],
    ['audit-log-path', logPath],
  ];
  for (const [option, flag] of RETENTION) {
    const minimum = minimumOf(flag);
    const value = log[option] ?? minimum;
    if (!Number.isInteger(value) || value < minimum) {
      throw new HardeningError(
        scope,
        `'audit.log.${option}' must be a whole number of at least ${minimum} (CIS; got ${value}). Leave it out for ${minimum}.`,
      );
    }
    flags.push([flag, String(value)]);
  }
  if (options.webhook) {
    flags.push(['audit-webhook-config-file', `${HARDENING_DIR}/${CONTROL_PLANE_FILES.auditWebhook}`], ['audit-webhook-mode', 'batch']);
  }
  return flags;
}

/** The folder of the audit log, which the API server's pod mounts writable. */
export function auditLogDir(options: AuditOptions = {}): string {
  return path.posix.dirname(options.log?.path ?? `${AUDIT_LOG_DIR}/audit.log`);
}
