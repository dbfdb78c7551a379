import { POLICY_PREFIX } from '../policy/admission-policy-names';
import { LabelMatcher, parseMatchers } from './promql-matchers';

/** How urgent an alert is: its `severity` label, which Alertmanager routes on. */
export type AlertSeverity = 'critical' | 'warning' | 'info';

/** The settings an alert's expression is written from: the thresholds and selectors of `SecurityAlerts`, resolved. */
export interface AlertSettings {
  /** Label matchers of the API servers' series, without braces (`job="apiserver"`), or ''. */
  readonly apiServer: string;
  /** Label matchers of the kubelets' series, or ''. */
  readonly kubelet: string;
  /** Label matchers of the network plugin's agents' series, or ''. */
  readonly networkPlugin: string;
  readonly authenticationFailures: number;
  readonly authorizationDenials: number;
  readonly podSecurityRefusals: number;
  readonly admissionPolicyRefusals: number;
  readonly certificateWarningDays: number;
  readonly certificateCriticalDays: number;
  readonly podExecSessions: number;
  readonly networkPolicyDrops: number;
}

/** Where an alert's signal comes from: alerts of a network plugin are written only for that plugin. */
export type AlertSource = 'api-server' | 'kubelet' | 'cilium';

/**
 * One security alert, as data: its name, how urgent, the PromQL that fires it (written from the
 * settings), how long it must hold, what it says, and the runbook paragraph the on-call reads.
 */
export interface SecurityAlertRule {
  readonly alert: string;
  readonly severity: AlertSeverity;
  readonly source: AlertSource;
  /** The setting its threshold comes from, for the documentation. */
  readonly threshold?: keyof AlertSettings;
  /** When it fires, in words, for an alert without a threshold. @default 'any occurrence' */
  readonly firesOn?: string;
  readonly expr: (s: AlertSettings) => string;
  /** How long the expression must hold before the alert fires (Prometheus `for`). */
  readonly for: string;
  /** One line; from the settings where it names a threshold. */
  readonly summary: string | ((s: AlertSettings) => string);
  /** What happened, as a Prometheus template (`$value`, `$labels`). */
  readonly description: string;
  /** What it may mean and what to do, for REVIEW.md and the docs. */
  readonly runbook: string;
}

/** `metric{matchers}`: the settings' matchers and the alert's own, comma-separated. */
export function series(metric: string, ...matchers: string[]): string {
  const all = matchers.filter((m) => m !== '');
  return all.length ? `${metric}{${all.join(',')}}` : metric;
}

/** The summary's words for the rule and settings. */
export function summaryOf(rule: SecurityAlertRule, settings: AlertSettings): string {
  return typeof rule.summary === 'string' ? rule.summary : rule.summary(settings);
}

/** `a day`, `3 days`. */
const days = (count: number) => (count === 1 ? 'a day' : `${count} days`);

const DAY = 86_400;
const WINDOW = '5m';

/**
 * The alerts, in the order REVIEW.md lists them. The metrics are those Kubernetes v1.37 exposes
 * (their names and label values read in its source: k8s.io/apiserver pkg/endpoints/filters,
 * pkg/audit, pkg/storage/value, admission/plugin/policy/validating; k8s.io/pod-security-admission
 * metrics; cmd/kubelet) and Cilium's `cilium_drop_count_total`.
 */
export const SECURITY_ALERT_RULES: readonly SecurityAlertRule[] = [
  {
    alert: 'KubeApiServerAuthenticationFailures',
    severity: 'warning',
    source: 'api-server',
    threshold: 'authenticationFailures',
    // A wrong or expired token is an authenticator error ("error"), no credential at all with
    // anonymous access off a "failure": both are refused logins.
    expr: (s) =>
      `sum(increase(${series('authentication_attempts', s.apiServer, 'result=~"failure|error"')}[${WINDOW}])) > ${s.authenticationFailures}`,
    for: '0m',
    summary: 'Requests with credentials the API server refused',
    description: '{{ printf "%.0f" $value }} requests failed authentication in the last 5 minutes.',
    runbook:
      'Someone is presenting tokens or certificates the API server does not accept: a leaked, revoked or expired credential being tried, ' +
      'a brute force of tokens, or a client left running with an old credential. Find the sources in the audit log ' +
      '(`responseStatus.code: 401`, `sourceIPs`, `userAgent`); a rotated credential still in use is harmless, repeated attempts ' +
      'from unknown addresses are not: block them at the API server endpoint and revoke what they may hold.',
  },
  {
    alert: 'KubeApiServerAuthorizationDenials',
    severity: 'warning',
    source: 'api-server',
    threshold: 'authorizationDenials',
    // RBAC never denies, it has no opinion: a request no authorizer allows is counted "no-opinion".
    expr: (s) =>
      `sum(increase(${series('authorization_attempts_total', s.apiServer, 'result=~"denied|no-opinion"')}[${WINDOW}])) > ${s.authorizationDenials}`,
    for: '0m',
    summary: 'Authenticated requests the API server refused to authorize',
    description: '{{ printf "%.0f" $value }} requests were refused by authorization in the last 5 minutes.',
    runbook:
      'Authenticated identities are asking for what RBAC does not give them. After a deployment it is usually a workload missing a grant; ' +
      'otherwise it is the first thing an attacker with a stolen ServiceAccount token does: list what the token may read (secrets, pods/exec). ' +
      'Find the identities in the audit log (`responseStatus.code: 403`, `user.username`, `objectRef`); an unknown or unexpected identity ' +
      'probing many resources means its credential is compromised: delete its token (or the pod), then look at what it was allowed.',
  },
  {
    alert: 'PodSecurityAdmissionRefusals',
    severity: 'warning',
    source: 'api-server',
    threshold: 'podSecurityRefusals',
    expr: (s) =>
      `sum by (policy_level, resource) (increase(${series('pod_security_evaluations_total', s.apiServer, 'decision="deny"', 'mode="enforce"')}[${WINDOW}])) > ${s.podSecurityRefusals}`,
    for: '0m',
    summary: 'Pod Security admission refused pods',
    description:
      '{{ printf "%.0f" $value }} {{ $labels.resource }} requests broke the {{ $labels.policy_level }} Pod Security level in the last 5 minutes.',
    runbook:
      "Someone tried to create a pod (or a workload) that its namespace's Pod Security level forbids: privileged, host namespaces, " +
      "hostPath, root. A workload deployed outside this platform's review does that by mistake; an attacker with create rights does it on " +
      'purpose, to escape to the node. Find the request in the audit log (`annotations."pod-security.kubernetes.io/enforce-policy"`, ' +
      '`user.username`, `objectRef.namespace`): if nobody on the team made it, treat the identity as compromised.',
  },
  {
    alert: 'AdmissionPolicyRefusals',
    severity: 'warning',
    source: 'api-server',
    threshold: 'admissionPolicyRefusals',
    expr: (s) =>
      `sum by (policy) (increase(${series(
        'apiserver_validating_admission_policy_check_total',
        s.apiServer,
        'enforcement_action="deny"',
        `policy=~"${POLICY_PREFIX}-.*"`,
      )}[${WINDOW}])) > ${s.admissionPolicyRefusals}`,
    for: '0m',
    summary: "The platform's admission policies refused objects",
    description: '{{ $labels.policy }} refused {{ printf "%.0f" $value }} requests in the last 5 minutes.',
    runbook:
      "The cluster refused an object the review would have refused: someone applied YAML that did not go through `cdk8s synth`'s review " +
      '(kubectl by hand, another pipeline), or an object was edited in the cluster. The refusal message names the rule. Find the request in ' +
      'the audit log (`annotations."validation.policy.admission.k8s.io/validation_failure"`, `user.username`); an identity outside the ' +
      'delivery pipeline writing workloads is worth a question.',
  },
  {
    alert: 'KubeApiServerAuditErrors',
    severity: 'critical',
    source: 'api-server',
    expr: (s) => `sum by (plugin) (increase(${series('apiserver_audit_error_total', s.apiServer)}[${WINDOW}])) > 0`,
    for: '0m',
    summary: 'The API server failed to write audit events',
    description: 'The {{ $labels.plugin }} audit backend lost {{ printf "%.0f" $value }} events in the last 5 minutes.',
    runbook:
      'Audit events were lost: the audit log\'s disk is full or read-only (plugin "log"), the audit webhook is unreachable ("webhook"), or ' +
      'the buffer overflowed ("buffered"). What happened meanwhile cannot be reconstructed. Free the disk or restore the webhook first; ' +
      'an attacker fills the disk or cuts the webhook on purpose, so look at what changed on the control-plane node.',
  },
  {
    alert: 'KubeApiServerAuditRequestsRejected',
    severity: 'critical',
    source: 'api-server',
    expr: (s) => `sum(increase(${series('apiserver_audit_requests_rejected_total', s.apiServer)}[${WINDOW}])) > 0`,
    for: '0m',
    summary: 'The API server refused requests it could not audit',
    description: '{{ printf "%.0f" $value }} requests were refused in the last 5 minutes because their audit event could not be written.',
    runbook:
      'The audit backend is failing in blocking mode, so the API server refuses requests rather than run them unaudited: the cluster is ' +
      "partly down. Restore the audit log's disk or the webhook (see KubeApiServerAuditErrors).",
  },
  {
    alert: 'KubeApiServerAuditStopped',
    severity: 'critical',
    source: 'api-server',
    firesOn: 'an API server with no event for 15 minutes',
    // Per API server: one of three with audit turned off must not hide behind the other two.
    expr: (s) =>
      `sum by (instance) (rate(${series('apiserver_audit_event_total', s.apiServer)}[10m])) == 0 or absent(${series('apiserver_audit_event_total', s.apiServer)})`,
    // No rise for 10 minutes, held 5 more: an API server that records nothing for 15 minutes.
    for: '5m',
    summary: 'An API server records no audit events',
    description:
      '{{ with $labels.instance }}The API server {{ . }} recorded{{ else }}The API servers recorded{{ end }} no audit event in the last 15 minutes.',
    runbook:
      'A busy API server records audit events every second; none for 15 minutes means the audit policy or its flags were removed from the ' +
      'API server (or it is not scraped). Turning audit off is what an attacker with access to the control-plane node does before acting. ' +
      'Compare the kube-apiserver manifest with the one your control-plane configuration gives it (ControlPlaneHardening writes it into dist/control-plane/), and restore it.',
  },
  {
    alert: 'KubeApiServerClientCertificateExpiring',
    severity: 'warning',
    source: 'api-server',
    threshold: 'certificateWarningDays',
    expr: (s) => clientCertificateLifetime(s, s.certificateWarningDays),
    for: '0m',
    summary: 'A client certificate used against the API server expires soon',
    description: 'A client authenticated with a certificate that expires in {{ $value | humanizeDuration }}.',
    runbook:
      "A client (a kubelet, a controller, an administrator's kubeconfig) still uses a certificate that expires soon; when it does, that " +
      'client is locked out. Renew it (`kubeadm certs renew`, kubelet certificate rotation). Certificates cannot be revoked in Kubernetes: ' +
      'prefer short-lived ones and OIDC for people.',
  },
  {
    alert: 'KubeApiServerClientCertificateExpiring',
    severity: 'critical',
    source: 'api-server',
    threshold: 'certificateCriticalDays',
    expr: (s) => clientCertificateLifetime(s, s.certificateCriticalDays),
    for: '0m',
    summary: (s) => `A client certificate used against the API server expires within ${days(s.certificateCriticalDays)}`,
    description: 'A client authenticated with a certificate that expires in {{ $value | humanizeDuration }}.',
    runbook: 'As the warning, with less time: renew the certificate now.',
  },
  {
    alert: 'KubeletClientCertificateExpiring',
    severity: 'warning',
    source: 'kubelet',
    threshold: 'certificateWarningDays',
    expr: (s) => kubeletCertificateLifetime(s, s.certificateWarningDays),
    for: '0m',
    summary: "A kubelet's client certificate expires soon",
    description: "The kubelet's client certificate on {{ $labels.instance }} expires in {{ $value | humanizeDuration }}.",
    runbook:
      'The kubelet rotates its client certificate by itself (`rotateCertificates: true`, which ControlPlaneHardening sets); one close to ' +
      'expiry means rotation is failing: its CertificateSigningRequests are not approved or signed. Look at `kubectl get csr` and the ' +
      "kubelet's log on that node.",
  },
  {
    alert: 'KubeletClientCertificateExpiring',
    severity: 'critical',
    source: 'kubelet',
    threshold: 'certificateCriticalDays',
    expr: (s) => kubeletCertificateLifetime(s, s.certificateCriticalDays),
    for: '0m',
    summary: (s) => `A kubelet's client certificate expires within ${days(s.certificateCriticalDays)}`,
    description: "The kubelet's client certificate on {{ $labels.instance }} expires in {{ $value | humanizeDuration }}.",
    runbook: 'As the warning, with less time: when it expires the node goes NotReady.',
  },
  {
    alert: 'KubeApiServerEncryptionErrors',
    severity: 'critical',
    source: 'api-server',
    expr: (s) =>
      `sum by (resource, transformation_type) (increase(${series('apiserver_storage_transformation_operations_total', s.apiServer, 'status!="OK"')}[${WINDOW}])) > 0`,
    for: '0m',
    summary: 'Encryption at rest failed',
    description:
      '{{ printf "%.0f" $value }} {{ $labels.transformation_type }} operations on {{ $labels.resource }} failed in the last 5 minutes.',
    runbook:
      'The API server could not encrypt or decrypt objects in etcd: its EncryptionConfiguration lost a key still in use, or the KMS ' +
      'plugin is unreachable. Reads of those objects fail; with "from_storage" errors after a key change, data written with the old key is ' +
      'unreadable until that key is back in the configuration. Never remove a key before every object was rewritten with the new one.',
  },
  {
    alert: 'PodExecSessions',
    severity: 'warning',
    source: 'api-server',
    threshold: 'podExecSessions',
    expr: (s) =>
      `sum by (subresource) (increase(${series(
        'apiserver_request_total',
        s.apiServer,
        'verb="CONNECT"',
        'resource="pods"',
        'subresource=~"exec|attach|portforward"',
      )}[${WINDOW}])) > ${s.podExecSessions}`,
    for: '0m',
    summary: 'Interactive sessions into pods',
    description: '{{ printf "%.0f" $value }} pods/{{ $labels.subresource }} sessions ended in the last 5 minutes.',
    runbook:
      'Someone ran a command in, attached to or forwarded a port of a pod. On a platform deployed through Git nobody should need to; an ' +
      "attacker does it to read a workload's secrets or reach its network. Counted when the session ends. Find who and where in the audit " +
      'log (`objectRef.subresource: exec`, `user.username`, `objectRef.namespace`, `objectRef.name`): the audit policy ' +
      'ControlPlaneHardening writes records these sessions at RequestResponse level, the command in `requestURI`.',
  },
  {
    alert: 'NetworkPolicyDrops',
    severity: 'warning',
    source: 'cilium',
    threshold: 'networkPolicyDrops',
    expr: (s) =>
      `sum by (direction) (increase(${series('cilium_drop_count_total', s.networkPlugin, 'reason=~"Policy denied.*"')}[${WINDOW}])) > ${s.networkPolicyDrops}`,
    for: '0m',
    summary: 'NetworkPolicies dropped traffic',
    description: 'Cilium dropped {{ printf "%.0f" $value }} {{ $labels.direction }} packets by policy in the last 5 minutes.',
    runbook:
      "Pods sent traffic their NetworkPolicies do not allow. After a change it is a missing traffic rule (the review's reachability report " +
      'shows what is allowed); otherwise a compromised pod is scanning the network or calling home. `hubble observe --verdict DROPPED` ' +
      'names the pods and destinations.',
  },
];

/** The 1st percentile of the remaining lifetime of client certificates seen in the last 5 minutes, below `days`. */
function clientCertificateLifetime(s: AlertSettings, days: number): string {
  const buckets = series('apiserver_client_certificate_expiration_seconds_bucket', s.apiServer);
  return `histogram_quantile(0.01, sum by (job, le) (rate(${buckets}[${WINDOW}]))) < ${days * DAY}`;
}

/** The kubelets' client certificate lifetime (seconds, a gauge), below `days`. */
function kubeletCertificateLifetime(s: AlertSettings, days: number): string {
  return `min by (instance) (${series('kubelet_certificate_manager_client_ttl_seconds', s.kubelet)}) < ${days * DAY}`;
}

/** One series selector of an alert: the metric and the alert's own matchers (the props' selectors left out). */
export interface AlertSeries {
  readonly metric: string;
  readonly matchers: readonly LabelMatcher[];
}

/** Settings with no selector: what an alert selects by itself. Thresholds do not shape selectors. */
const SELECTORLESS: AlertSettings = {
  apiServer: '',
  kubelet: '',
  networkPlugin: '',
  authenticationFailures: 1,
  authorizationDenials: 1,
  podSecurityRefusals: 0,
  admissionPolicyRefusals: 0,
  certificateWarningDays: 7,
  certificateCriticalDays: 1,
  podExecSessions: 0,
  networkPolicyDrops: 1,
};

/**
 * The series `rule` selects, read back from its expression: every name with '_' not followed by
 * '(' (a function's), with its matchers; and the labels it groups by (`by (...)`).
 */
export function alertSeries(rule: SecurityAlertRule): { readonly series: AlertSeries[]; readonly groupedBy: string[] } {
  const expr = rule.expr(SELECTORLESS);
  const groupedBy = [...expr.matchAll(/\bby\s*\(([^)]*)\)/g)].flatMap((m) => m[1].split(',').map((label) => label.trim()));
  // Grouping labels (`by (policy_level, resource)`) are no metrics.
  const selectors = expr.replace(/\bby\s*\([^)]*\)/g, '');
  const series: AlertSeries[] = [];
  for (const m of selectors.matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)(?![a-zA-Z0-9_])(?:\{([^}]*)\})?/g)) {
    const next = selectors.slice(m.index + m[0].length).trimStart();
    if (!m[1].includes('_') || next.startsWith('(')) continue;
    const matchers = parseMatchers(m[2] ?? '');
    if (typeof matchers === 'string') throw new Error(`${rule.alert}: ${matchers}`);
    series.push({ metric: m[1], matchers });
  }
  return { series, groupedBy };
}
