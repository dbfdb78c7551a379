/**
 * Series for the security alerts' unit tests (`promtool test rules`, test/monitoring/promtool.test.ts):
 * for every alert at least one case where it fires and one where it stays quiet, written from
 * what the API server, kubelet and Cilium expose (metric names and labels as Kubernetes v1.37
 * writes them). Samples are a minute apart (promtool's `values` notation: `0+10x15` is 0, 10, 20,
 * ... 150), and alerts are evaluated at minute 10, so `increase(...[5m])` sees the samples of
 * minutes 6 to 10 and extrapolates their rise to the whole window: a steady 10 a minute reads as
 * 50. A counter that starts the window at 0 is not extrapolated below its start (Prometheus
 * stops where it would reach zero), so a step from 0 to 4 reads as 4.
 */
import { NetworkPolicyDropSource, SecurityAlertsProps } from '../../lib';

export interface InputSeries {
  readonly series: string;
  readonly values: string;
}

export interface ExpectedAlert {
  /** Labels besides `alertname` and `severity`. */
  readonly labels?: { readonly [key: string]: string };
  readonly severity: 'critical' | 'warning' | 'info';
  /** The description as Prometheus renders it. */
  readonly description: string;
}

export interface AlertCase {
  readonly alert: string;
  readonly title: string;
  readonly series: readonly InputSeries[];
  /** Minutes after the first sample. @default 10 */
  readonly evalMinutes?: number;
  /** What fires, empty for a quiet case. */
  readonly expected: readonly ExpectedAlert[];
  /** Props of SecurityAlerts for this case. @default - the defaults */
  readonly props?: SecurityAlertsProps;
}

const API = 'job="apiserver",instance="10.0.0.2:6443"';
/** A counter that rises by `rise` at minute 7 and stays there. */
const stepAt7 = (rise: number) => `0 0 0 0 0 0 0 ${rise} ${rise} ${rise} ${rise} ${rise}`;

/** The buckets of `apiserver_client_certificate_expiration_seconds` (k8s.io/apiserver x509.go). */
const CERT_BUCKETS = [0, 1800, 3600, 7200, 21600, 43200, 86400, 172800, 345600, 604800, 2592000, 7776000, 15552000, 31104000];

/** The histogram's bucket series when every request's certificate had a lifetime in the bucket ending at `le`, 10 a minute. */
function certificateLifetimes(le: number, labels = API): InputSeries[] {
  return [...CERT_BUCKETS.map(String), '+Inf'].map((bound) => ({
    series: `apiserver_client_certificate_expiration_seconds_bucket{${labels},le="${bound}"}`,
    values: bound === '+Inf' || Number(bound) >= le ? '0+10x15' : '0x15',
  }));
}

export const ALERT_CASES: readonly AlertCase[] = [
  {
    alert: 'KubeApiServerAuthenticationFailures',
    title: 'token errors and failures together above 20 in 5 minutes',
    series: [
      { series: `authentication_attempts{${API},result="error"}`, values: '0+10x15' },
      { series: `authentication_attempts{${API},result="failure"}`, values: '0+2x15' },
      { series: `authentication_attempts{${API},result="success"}`, values: '0+1000x15' },
    ],
    expected: [{ severity: 'warning', description: '60 requests failed authentication in the last 5 minutes.' }],
  },
  {
    alert: 'KubeApiServerAuthenticationFailures',
    title: 'a few failures, many successes, and failures of a series that is no API server',
    series: [
      { series: `authentication_attempts{${API},result="error"}`, values: '0+2x15' },
      { series: `authentication_attempts{${API},result="success"}`, values: '0+1000x15' },
      { series: 'authentication_attempts{job="other",result="failure"}', values: '0+1000x15' },
    ],
    expected: [],
  },
  {
    alert: 'KubeApiServerAuthenticationFailures',
    title: 'quiet under a higher threshold (authenticationFailures: 100)',
    props: { authenticationFailures: 100 },
    series: [{ series: `authentication_attempts{${API},result="error"}`, values: '0+12x15' }],
    expected: [],
  },
  {
    alert: 'KubeApiServerAuthorizationDenials',
    title: "RBAC's no-opinion and explicit denials together above 50",
    series: [
      { series: `authorization_attempts_total{${API},result="no-opinion"}`, values: '0+12x15' },
      { series: `authorization_attempts_total{${API},result="denied"}`, values: '0+4x15' },
      { series: `authorization_attempts_total{${API},result="allowed"}`, values: '0+1000x15' },
    ],
    expected: [{ severity: 'warning', description: '80 requests were refused by authorization in the last 5 minutes.' }],
  },
  {
    alert: 'KubeApiServerAuthorizationDenials',
    title: 'denials at the threshold, authorizer errors and allowed requests',
    series: [
      { series: `authorization_attempts_total{${API},result="no-opinion"}`, values: '0+10x15' },
      { series: `authorization_attempts_total{${API},result="error"}`, values: '0+100x15' },
      { series: `authorization_attempts_total{${API},result="allowed"}`, values: '0+1000x15' },
    ],
    expected: [],
  },
  {
    alert: 'PodSecurityAdmissionRefusals',
    title: 'one pod refused by the enforced level',
    series: [
      {
        series: `pod_security_evaluations_total{${API},decision="deny",mode="enforce",policy_level="restricted",policy_version="latest",request_operation="create",resource="pod",subresource=""}`,
        values: stepAt7(1),
      },
    ],
    expected: [
      {
        severity: 'warning',
        labels: { policy_level: 'restricted', resource: 'pod' },
        description: '1 pod requests broke the restricted Pod Security level in the last 5 minutes.',
      },
    ],
  },
  {
    alert: 'PodSecurityAdmissionRefusals',
    title: 'violations only warned about or audited, and allowed pods',
    series: [
      {
        series: `pod_security_evaluations_total{${API},decision="deny",mode="warn",policy_level="restricted",policy_version="latest",request_operation="create",resource="pod",subresource=""}`,
        values: '0+5x15',
      },
      {
        series: `pod_security_evaluations_total{${API},decision="deny",mode="audit",policy_level="restricted",policy_version="latest",request_operation="create",resource="pod",subresource=""}`,
        values: '0+5x15',
      },
      {
        series: `pod_security_evaluations_total{${API},decision="allow",mode="enforce",policy_level="restricted",policy_version="latest",request_operation="create",resource="pod",subresource=""}`,
        values: '0+50x15',
      },
    ],
    expected: [],
  },
  {
    alert: 'AdmissionPolicyRefusals',
    title: "a refusal by one of the platform's policies",
    series: [
      {
        series: `apiserver_validating_admission_policy_check_total{${API},enforcement_action="deny",error_type="no_error",policy="cdk8s-hardened-long-running-workloads-deny",policy_binding="cdk8s-hardened-long-running-workloads-deny.binding"}`,
        values: stepAt7(4),
      },
    ],
    expected: [
      {
        severity: 'warning',
        labels: { policy: 'cdk8s-hardened-long-running-workloads-deny' },
        description: 'cdk8s-hardened-long-running-workloads-deny refused 4 requests in the last 5 minutes.',
      },
    ],
  },
  {
    alert: 'AdmissionPolicyRefusals',
    title: "warnings of the platform's policies and refusals by other policies",
    series: [
      {
        series: `apiserver_validating_admission_policy_check_total{${API},enforcement_action="warn",error_type="no_error",policy="cdk8s-hardened-long-running-workloads-warn",policy_binding="cdk8s-hardened-long-running-workloads-warn.binding"}`,
        values: '0+5x15',
      },
      {
        series: `apiserver_validating_admission_policy_check_total{${API},enforcement_action="deny",error_type="no_error",policy="team-quota",policy_binding="team-quota"}`,
        values: '0+5x15',
      },
    ],
    expected: [],
  },
  {
    alert: 'KubeApiServerAuditErrors',
    title: 'the webhook backend lost events',
    series: [
      { series: `apiserver_audit_error_total{${API},plugin="webhook"}`, values: stepAt7(4) },
      { series: `apiserver_audit_error_total{${API},plugin="log"}`, values: '0x15' },
    ],
    expected: [
      {
        severity: 'critical',
        labels: { plugin: 'webhook' },
        description: 'The webhook audit backend lost 4 events in the last 5 minutes.',
      },
    ],
  },
  {
    alert: 'KubeApiServerAuditErrors',
    title: 'no event lost',
    series: [{ series: `apiserver_audit_error_total{${API},plugin="log"}`, values: '3x15' }],
    expected: [],
  },
  {
    alert: 'KubeApiServerAuditRequestsRejected',
    title: 'requests refused for want of audit',
    series: [{ series: `apiserver_audit_requests_rejected_total{${API}}`, values: stepAt7(4) }],
    expected: [
      {
        severity: 'critical',
        description: '4 requests were refused in the last 5 minutes because their audit event could not be written.',
      },
    ],
  },
  {
    alert: 'KubeApiServerAuditRequestsRejected',
    title: 'none refused',
    series: [{ series: `apiserver_audit_requests_rejected_total{${API}}`, values: '7x15' }],
    expected: [],
  },
  {
    alert: 'KubeApiServerAuditStopped',
    title: 'the event counter stands still for more than 15 minutes',
    series: [{ series: `apiserver_audit_event_total{${API}}`, values: '5000x30' }],
    evalMinutes: 25,
    expected: [
      {
        severity: 'critical',
        labels: { instance: '10.0.0.2:6443' },
        description: 'The API server 10.0.0.2:6443 recorded no audit event in the last 15 minutes.',
      },
    ],
  },
  {
    alert: 'KubeApiServerAuditStopped',
    title: 'one API server of three stopped auditing',
    series: [
      { series: `apiserver_audit_event_total{${API}}`, values: '0+100x30' },
      { series: 'apiserver_audit_event_total{job="apiserver",instance="10.0.0.3:6443"}', values: '5000x30' },
      { series: 'apiserver_audit_event_total{job="apiserver",instance="10.0.0.4:6443"}', values: '0+100x30' },
    ],
    evalMinutes: 25,
    expected: [
      {
        severity: 'critical',
        labels: { instance: '10.0.0.3:6443' },
        description: 'The API server 10.0.0.3:6443 recorded no audit event in the last 15 minutes.',
      },
    ],
  },
  {
    alert: 'KubeApiServerAuditStopped',
    title: 'the API server exposes no audit counter at all',
    series: [{ series: `apiserver_request_total{${API},verb="GET",resource="pods",code="200"}`, values: '0+100x30' }],
    evalMinutes: 25,
    expected: [
      {
        severity: 'critical',
        labels: { job: 'apiserver' },
        description: 'The API servers recorded no audit event in the last 15 minutes.',
      },
    ],
  },
  {
    alert: 'KubeApiServerAuditStopped',
    title: 'events recorded every minute',
    series: [{ series: `apiserver_audit_event_total{${API}}`, values: '0+100x30' }],
    evalMinutes: 25,
    expected: [],
  },
  {
    alert: 'KubeApiServerAuditStopped',
    title: 'stopped for 10 minutes: pending, not yet firing',
    series: [{ series: `apiserver_audit_event_total{${API}}`, values: '0+100x15 1500x10' }],
    evalMinutes: 25,
    expected: [],
  },
  {
    alert: 'KubeApiServerClientCertificateExpiring',
    title: 'certificates with 6 to 12 hours left: the warning and the critical alert',
    series: certificateLifetimes(43200),
    // The 1st percentile, interpolated in the bucket 21600-43200 s: 21600 + 0.01 * 21600 = 21816 s.
    expected: [
      {
        severity: 'warning',
        labels: { job: 'apiserver' },
        description: 'A client authenticated with a certificate that expires in 6h 3m 36s.',
      },
      {
        severity: 'critical',
        labels: { job: 'apiserver' },
        description: 'A client authenticated with a certificate that expires in 6h 3m 36s.',
      },
    ],
  },
  {
    alert: 'KubeApiServerClientCertificateExpiring',
    title: 'certificates with 2 to 4 days left: the warning only',
    series: certificateLifetimes(345600),
    // 172800 + 0.01 * 172800 = 174528 s.
    expected: [
      {
        severity: 'warning',
        labels: { job: 'apiserver' },
        description: 'A client authenticated with a certificate that expires in 2d 0h 28m 48s.',
      },
    ],
  },
  {
    alert: 'KubeApiServerClientCertificateExpiring',
    title: 'certificates with 1 week to 1 month left',
    series: certificateLifetimes(2592000),
    expected: [],
  },
  {
    alert: 'KubeApiServerClientCertificateExpiring',
    title: 'quiet when the warning is set below the lifetime left (certificateWarningDays: 2)',
    props: { certificateWarningDays: 2 },
    series: certificateLifetimes(345600),
    expected: [],
  },
  {
    alert: 'KubeletClientCertificateExpiring',
    title: "a kubelet's certificate with 12 hours left",
    series: [
      { series: 'kubelet_certificate_manager_client_ttl_seconds{job="kubelet",instance="node-1"}', values: '43200x15' },
      { series: 'kubelet_certificate_manager_client_ttl_seconds{job="kubelet",instance="node-2"}', values: '2592000x15' },
    ],
    expected: [
      {
        severity: 'warning',
        labels: { instance: 'node-1' },
        description: "The kubelet's client certificate on node-1 expires in 12h 0m 0s.",
      },
      {
        severity: 'critical',
        labels: { instance: 'node-1' },
        description: "The kubelet's client certificate on node-1 expires in 12h 0m 0s.",
      },
    ],
  },
  {
    alert: 'KubeletClientCertificateExpiring',
    title: "a kubelet's certificate with 3 days left: the warning only",
    series: [{ series: 'kubelet_certificate_manager_client_ttl_seconds{job="kubelet",instance="node-1"}', values: '259200x15' }],
    expected: [
      {
        severity: 'warning',
        labels: { instance: 'node-1' },
        description: "The kubelet's client certificate on node-1 expires in 3d 0h 0m 0s.",
      },
    ],
  },
  {
    alert: 'KubeletClientCertificateExpiring',
    title: 'a month left, and a kubelet with no client certificate (+Inf)',
    series: [
      { series: 'kubelet_certificate_manager_client_ttl_seconds{job="kubelet",instance="node-1"}', values: '2592000x15' },
      {
        series: 'kubelet_certificate_manager_client_ttl_seconds{job="kubelet",instance="node-2"}',
        values: Array(16).fill('Inf').join(' '),
      },
    ],
    expected: [],
  },
  {
    alert: 'KubeApiServerEncryptionErrors',
    title: 'secrets the KMS plugin could not decrypt',
    series: [
      {
        series: `apiserver_storage_transformation_operations_total{${API},resource="secrets",status="Unavailable",transformation_type="from_storage",transformer_prefix="k8s:enc:kms:v2:"}`,
        values: stepAt7(4),
      },
      {
        series: `apiserver_storage_transformation_operations_total{${API},resource="secrets",status="OK",transformation_type="from_storage",transformer_prefix="k8s:enc:kms:v2:"}`,
        values: '0+100x15',
      },
    ],
    expected: [
      {
        severity: 'critical',
        labels: { resource: 'secrets', transformation_type: 'from_storage' },
        description: '4 from_storage operations on secrets failed in the last 5 minutes.',
      },
    ],
  },
  {
    alert: 'KubeApiServerEncryptionErrors',
    title: 'every transformation succeeded',
    series: [
      {
        series: `apiserver_storage_transformation_operations_total{${API},resource="secrets",status="OK",transformation_type="to_storage",transformer_prefix="k8s:enc:kms:v2:"}`,
        values: '0+100x15',
      },
    ],
    expected: [],
  },
  {
    alert: 'PodExecSessions',
    title: 'an exec session into a pod ended',
    series: [
      {
        series: `apiserver_request_total{${API},code="101",component="apiserver",group="",resource="pods",scope="resource",subresource="exec",verb="CONNECT",version="v1"}`,
        values: stepAt7(4),
      },
    ],
    expected: [{ severity: 'warning', labels: { subresource: 'exec' }, description: '4 pods/exec sessions ended in the last 5 minutes.' }],
  },
  {
    alert: 'PodExecSessions',
    title: "logs read and nodes proxied: no session into a pod's processes",
    series: [
      {
        series: `apiserver_request_total{${API},code="200",component="apiserver",group="",resource="pods",scope="resource",subresource="log",verb="GET",version="v1"}`,
        values: '0+5x15',
      },
      {
        series: `apiserver_request_total{${API},code="200",component="apiserver",group="",resource="nodes",scope="resource",subresource="proxy",verb="CONNECT",version="v1"}`,
        values: '0+5x15',
      },
    ],
    expected: [],
  },
  {
    alert: 'NetworkPolicyDrops',
    title: 'Cilium dropped 200 packets by policy',
    props: { networkPolicyDropSource: NetworkPolicyDropSource.CILIUM },
    series: [
      { series: 'cilium_drop_count_total{direction="EGRESS",reason="Policy denied"}', values: '0+40x15' },
      { series: 'cilium_drop_count_total{direction="INGRESS",reason="Stale or unroutable IP"}', values: '0+1000x15' },
    ],
    expected: [
      {
        severity: 'warning',
        labels: { direction: 'EGRESS' },
        description: 'Cilium dropped 200 EGRESS packets by policy in the last 5 minutes.',
      },
    ],
  },
  {
    alert: 'NetworkPolicyDrops',
    title: 'drops by policy at the threshold, and drops for other reasons',
    props: { networkPolicyDropSource: NetworkPolicyDropSource.CILIUM },
    series: [
      { series: 'cilium_drop_count_total{direction="EGRESS",reason="Policy denied"}', values: '0+20x15' },
      { series: 'cilium_drop_count_total{direction="INGRESS",reason="Stale or unroutable IP"}', values: '0+1000x15' },
    ],
    expected: [],
  },
];
