/**
 * SecurityAlerts as a construct: the PrometheusRule it writes, its props and their errors, its
 * REVIEW.md section, and its shape against prometheus-operator's vendored CRD. What the alerts
 * do on real series is proven by promtool (test/monitoring/promtool.test.ts).
 */
import { Chart, JsonPatch, Testing } from 'cdk8s';
import { HardenedNamespace, NetworkPolicyDropSource, review, SecurityAlerts, SecurityAlertsProps } from '../../lib';
import { vendoredCustomResourceDefinitions } from '../../lib/addons/vendored-crds';
import { reviewSectionsOf } from '../../lib/core/review-sections';
import { SECURITY_ALERT_RULES } from '../../lib/monitoring/security-alert-rules';

/** SecurityAlerts in a chart of `chartNamespace` (null: a chart without one). */
function build(props: SecurityAlertsProps = {}, chartNamespace: string | null = 'monitoring') {
  const chart = new Chart(Testing.app(), 'platform', { namespace: chartNamespace ?? undefined });
  const alerts = new SecurityAlerts(chart, 'alerts', props);
  return { chart, alerts, rule: alerts.prometheusRule.toJson() };
}

const rulesOf = (rule: any): any[] => rule.spec.groups[0].rules;
const errorOf = (props: SecurityAlertsProps, chartNamespace: string | null = 'monitoring') => {
  try {
    build(props, chartNamespace);
  } catch (e) {
    return (e as Error).message;
  }
  return 'no error';
};

describe('the PrometheusRule', () => {
  const { rule } = build();

  test('is a monitoring.coreos.com/v1 PrometheusRule in the chart namespace, with one group of alerts', () => {
    expect(rule.apiVersion).toBe('monitoring.coreos.com/v1');
    expect(rule.kind).toBe('PrometheusRule');
    expect(rule.metadata).toEqual({
      name: 'security-alerts',
      namespace: 'monitoring',
      labels: { 'app.kubernetes.io/name': 'security-alerts', 'app.kubernetes.io/part-of': 'cdk8s-hardened' },
    });
    expect(rule.spec.groups.map((g: any) => g.name)).toEqual(['cdk8s-hardened.security']);
  });

  test('holds every alert but the network plugin one by default, each with a severity, a summary and a description', () => {
    const names = rulesOf(rule).map((r) => `${r.alert}/${r.labels.severity}`);
    expect(names).toEqual(SECURITY_ALERT_RULES.filter((r) => r.source !== 'cilium').map((r) => `${r.alert}/${r.severity}`));
    for (const r of rulesOf(rule)) {
      expect(Object.keys(r.labels)).toEqual(['severity']);
      expect(Object.keys(r.annotations).sort()).toEqual(['description', 'summary']);
    }
  });

  test('selects the API servers and kubelets by their usual job names, thresholds at their defaults', () => {
    const expr = (alert: string) => rulesOf(rule).find((r) => r.alert === alert).expr;
    expect(expr('KubeApiServerAuthenticationFailures')).toBe(
      'sum(increase(authentication_attempts{job="apiserver",result=~"failure|error"}[5m])) > 20',
    );
    expect(expr('KubeletClientCertificateExpiring')).toBe(
      'min by (instance) (kubelet_certificate_manager_client_ttl_seconds{job="kubelet"}) < 604800',
    );
    expect(expr('AdmissionPolicyRefusals')).toContain('policy=~"cdk8s-hardened-.*"');
  });

  test('the audit-stopped alert waits 5 minutes; the others fire at once', () => {
    expect(
      rulesOf(rule)
        .filter((r) => r.for !== undefined)
        .map((r) => [r.alert, r.for]),
    ).toEqual([['KubeApiServerAuditStopped', '5m']]);
  });
});

describe('props', () => {
  test('thresholds and selectors are written into the expressions', () => {
    const { rule } = build({
      apiServerSelector: 'job="kube-apiserver",cluster="prod"',
      authorizationDenials: 7,
      certificateWarningDays: 30,
      certificateCriticalDays: 2,
    });
    const exprs = rulesOf(rule).map((r) => r.expr as string);
    expect(exprs.find((e) => e.includes('authorization_attempts_total'))).toBe(
      'sum(increase(authorization_attempts_total{job="kube-apiserver",cluster="prod",result=~"denied|no-opinion"}[5m])) > 7',
    );
    expect(exprs.filter((e) => e.includes('kubelet_certificate')).map((e) => e.split(' < ')[1])).toEqual([`${30 * 86400}`, `${2 * 86400}`]);
  });

  test("the critical certificate alerts' summaries name the critical threshold", () => {
    const summaries = (props: SecurityAlertsProps) =>
      rulesOf(build(props).rule)
        .filter((r) => r.labels.severity === 'critical' && /Certificate/.test(r.alert))
        .map((r) => r.annotations.summary);
    expect(summaries({})).toEqual([
      'A client certificate used against the API server expires within a day',
      "A kubelet's client certificate expires within a day",
    ]);
    expect(summaries({ certificateWarningDays: 30, certificateCriticalDays: 3 })).toEqual([
      'A client certificate used against the API server expires within 3 days',
      "A kubelet's client certificate expires within 3 days",
    ]);
  });

  test("outside a namespace it is refused where it is built, with the prop that fixes it (never 'default')", () => {
    expect(errorOf({}, null)).toMatch(/^\[platform\/alerts\] The PrometheusRule would go to the namespace 'default'\. Set 'namespace'/);
    expect(errorOf({ namespace: 'default' }, null)).toMatch(/would go to the namespace 'default'/);
    expect(build({ namespace: 'monitoring' }, null).rule.metadata.namespace).toBe('monitoring');
  });

  test('a second SecurityAlerts in one app is refused, naming the first', () => {
    const { chart } = build();
    expect(() => new SecurityAlerts(chart, 'more', { name: 'more-alerts' })).toThrow(
      /^\[platform\/more\] An app has one SecurityAlerts, and platform\/alerts is one already/,
    );
  });

  test('a selector is written back as Prometheus reads it: escapes kept, RE2 inline flags allowed', () => {
    const { rule } = build({ apiServerSelector: ' cluster =~ "(?i)prod-\\\\d+" , job="kube\\"apiserver"' });
    expect(rulesOf(rule).find((r) => r.alert === 'KubeApiServerAuditRequestsRejected').expr).toBe(
      'sum(increase(apiserver_audit_requests_rejected_total{cluster=~"(?i)prod-\\\\d+",job="kube\\"apiserver"}[5m])) > 0',
    );
  });

  test('REVIEW.md names the alerts left out', () => {
    const { chart } = build({ disabledAlerts: ['PodExecSessions'] });
    expect(reviewSectionsOf(chart)[0]).toContain('Left out (disabledAlerts): `PodExecSessions`.');
  });

  test('an empty selector selects every series of the metric', () => {
    const { rule } = build({ apiServerSelector: '' });
    expect(rulesOf(rule).find((r) => r.alert === 'KubeApiServerAuditRequestsRejected').expr).toBe(
      'sum(increase(apiserver_audit_requests_rejected_total[5m])) > 0',
    );
  });

  test('the network plugin alert is written for Cilium, with its selector', () => {
    const { rule, alerts } = build({ networkPolicyDropSource: NetworkPolicyDropSource.CILIUM, networkPluginSelector: 'k8s_app="cilium"' });
    expect(alerts.alertNames).toContain('NetworkPolicyDrops');
    expect(rulesOf(rule).find((r) => r.alert === 'NetworkPolicyDrops').expr).toBe(
      'sum by (direction) (increase(cilium_drop_count_total{k8s_app="cilium",reason=~"Policy denied.*"}[5m])) > 100',
    );
  });

  test('disabledAlerts leaves out every severity of the alerts named', () => {
    const { alerts } = build({ disabledAlerts: ['PodExecSessions', 'KubeletClientCertificateExpiring'] });
    expect(alerts.alertNames).not.toContain('PodExecSessions');
    expect(alerts.alertNames).not.toContain('KubeletClientCertificateExpiring');
    expect(alerts.alertNames).toContain('KubeApiServerClientCertificateExpiring');
  });

  test('runbookUrl gives each alert a runbook_url with its anchor in REVIEW.md', () => {
    const { rule } = build({ runbookUrl: 'https://git.example.com/platform/blob/main/dist/REVIEW.md' });
    expect(rulesOf(rule)[0].annotations.runbook_url).toBe(
      'https://git.example.com/platform/blob/main/dist/REVIEW.md#kubeapiserverauthenticationfailures',
    );
  });

  test('ruleLabels are added for the Prometheus ruleSelector; a namespace prop wins over the chart', () => {
    const { rule } = build({ ruleLabels: { release: 'kube-prometheus-stack' }, namespace: 'observability' });
    expect(rule.metadata.labels.release).toBe('kube-prometheus-stack');
    expect(rule.metadata.namespace).toBe('observability');
  });

  test('inside a HardenedNamespace the rule lives in it', () => {
    const chart = new Chart(Testing.app(), 'platform');
    const ns = new HardenedNamespace(chart, 'security-monitoring');
    expect(new SecurityAlerts(ns, 'alerts').prometheusRule.toJson().metadata.namespace).toBe('security-monitoring');
  });

  test.each([
    [{ apiServerSelector: 'job=apiserver' }, /'apiServerSelector' must be PromQL label matchers/],
    [{ kubeletSelector: 'job="kubelet"} or vector(1) #' }, /'kubeletSelector' must be PromQL label matchers/],
    [{ networkPluginSelector: '{k8s_app="cilium"}' }, /'networkPluginSelector' must be PromQL label matchers/],
    [{ authenticationFailures: -1 }, /'authenticationFailures' must be a number from 0 to 1000000 \(got -1\)/],
    // Found by an attacker pass: thresholds no cluster reaches silence their alert.
    [{ authenticationFailures: 1e308 }, /'authenticationFailures' must be a number from 0 to 1000000 \(got 1e\+308\)/],
    [{ certificateWarningDays: 1e304 }, /'certificateWarningDays' must be a number from 0 to 365/],
    [{ certificateCriticalDays: 1e-300 }, /'certificateCriticalDays' \(1e-300\) must be at least 1\/24/],
    [{ podExecSessions: Number.NaN }, /'podExecSessions' must be a number from 0 to 1000000/],
    [
      { authenticationFailures: '50' as unknown as number },
      /'authenticationFailures' must be a number from 0 to 1000000 \(got the string "50"\)/,
    ],
    [
      { apiServerSelector: 'job="apiserver",code="",request_operation=""' },
      /'apiServerSelector' has 'code=""', which matches series that lack 'code' and silences the alerts/,
    ],
    [{ kubeletSelector: 'job="kubelet",node=~"a|"' }, /'kubeletSelector' has 'node=~"a\|"', which matches series that lack 'node'/],
    [{ kubeletSelector: 'job="kubelet",node=~"x*"' }, /'kubeletSelector' has 'node=~"x\*"'/],
    [{ kubeletSelector: 'job=~"x\\\\Q\\\\E{0}"' }, /'kubeletSelector' has 'job=~"x\\\\Q\\\\E\{0\}"', which matches series that lack 'job'/],
    [{ apiServerSelector: 'job!~".+"' }, /'apiServerSelector' has 'job!~"\.\+"', which matches series that lack 'job'/],
    [{ apiServerSelector: 'job!~"(?s).+"' }, /which matches series that lack 'job'/],
    [{ apiServerSelector: 'job!~"[\\\\x00-\\\\x{10FFFF}]+"' }, /which matches series that lack 'job'/],
    [{ apiServerSelector: '{job="apiserver"}' }, /'apiServerSelector' must be PromQL label matchers.*without the braces/],
    [
      { certificateCriticalDays: 7 },
      /'certificateCriticalDays' \(7\) must be at least 1\/24 \(an hour\) and below 'certificateWarningDays' \(7\)/,
    ],
    [{ certificateCriticalDays: 0 }, /'certificateCriticalDays' \(0\) must be at least 1\/24/],
    [{ disabledAlerts: ['PodExec'] }, /'disabledAlerts' names 'PodExec', which is not one of the alerts\. Use one of: .*PodExecSessions/],
    [{ runbookUrl: 'docs/monitoring.md' }, /'runbookUrl' must be an http\(s\) URL without '#', '\{' or '\}'/],
    [{ runbookUrl: 'https://x.example/REVIEW.md#alerts' }, /'runbookUrl' must be an http\(s\) URL without '#', '\{' or '\}'/],
    [{ name: 'Security_Alerts' }, /name/],
    // Found by an attacker pass: each passed synth and broke the whole rule file in Prometheus, or silenced an alert.
    [{ apiServerSelector: 'job="api\\q"' }, /'apiServerSelector' must be PromQL label matchers .*the escape '\\q'/],
    [{ apiServerSelector: 'job=~"(("' }, /'apiServerSelector' must be PromQL label matchers .*regular expression of 'job'/],
    [{ apiServerSelector: 'job=~"(?=x)"' }, /lookarounds are not RE2/],
    [{ apiServerSelector: '__name__="up"' }, /'apiServerSelector' selects on '__name__'/],
    [
      { apiServerSelector: 'job="apiserver",result="success"' },
      /'apiServerSelector' selects on 'result', a label the alerts match or group on themselves/,
    ],
    [{ kubeletSelector: 'le="1"' }, /'kubeletSelector' selects on 'le'/],
    [{ apiServerSelector: 'job="apiserver",' }, /a trailing comma/],
    [{ runbookUrl: 'https://x.example/{{' }, /'runbookUrl' must be an http\(s\) URL without '#', '\{' or '\}'/],
    [{ networkPolicyDrops: 10 }, /'networkPolicyDrops' is set, but no network plugin is watched/],
    [{ networkPluginSelector: 'k8s_app="cilium"' }, /'networkPluginSelector' is set, but no network plugin is watched/],
    [{ networkPolicyDropSource: 'Cilium' as NetworkPolicyDropSource }, /'networkPolicyDropSource' is 'Cilium', not one of none, cilium/],
    [{ disabledAlerts: [...new Set(SECURITY_ALERT_RULES.map((r) => r.alert))] }, /'disabledAlerts' leaves no alert/],
    [{ namespace: 'Bad_NS!' }, /'namespace' must be a DNS-1123 label/],
    [{ ruleLabels: { 'bad key!': 'x' } }, /'ruleLabels' has the label key 'bad key!'/],
    [{ ruleLabels: { release: 'a\nb' } }, /'ruleLabels\['release'\]' has the label value/],
    [
      { ruleLabels: { 'app.kubernetes.io/name': 'other' } },
      /'ruleLabels' sets 'app.kubernetes.io\/name', which the PrometheusRule sets itself/,
    ],
  ] as Array<[SecurityAlertsProps, RegExp]>)('refuses %j with a message naming the construct and the field', (props, message) => {
    const error = errorOf(props);
    expect(error).toMatch(message);
    expect(error).toMatch(/^\[platform\/alerts\] /);
  });
});

describe('REVIEW.md', () => {
  test('lists each alert with its severity and threshold, and a runbook paragraph per alert', () => {
    const { chart } = build({ authenticationFailures: 30 });
    const [section] = reviewSectionsOf(chart);
    expect(section).toMatch(/^## Security alerts\n/);
    expect(section).toContain(
      '| `KubeApiServerAuthenticationFailures` | warning | more than 30 in 5 minutes | Requests with credentials the API server refused |',
    );
    expect(section).toContain('| `KubeApiServerClientCertificateExpiring` | critical | under 1 day left |');
    expect(section).toContain('| `KubeApiServerEncryptionErrors` | critical | any occurrence |');
    expect(section).toContain('| `PodExecSessions` | warning | any in 5 minutes |');
    expect(section).toContain('| `KubeApiServerAuditStopped` | critical | an API server with no event for 15 minutes |');
    for (const alert of new Set(SECURITY_ALERT_RULES.filter((r) => r.source !== 'cilium').map((r) => r.alert))) {
      expect(section).toContain(`#### ${alert}\n`);
    }
    expect(section).not.toContain('NetworkPolicyDrops');
    expect(section).not.toContain('after SecurityAlerts wrote');
  });

  test('is written from the PrometheusRule as published: an alert a patch removed or changed is said so, not listed as raised', () => {
    const { chart, alerts } = build();
    const stopped = rulesOf(alerts.prometheusRule.toJson()).findIndex((r) => r.alert === 'KubeApiServerAuditStopped');
    const exec = rulesOf(alerts.prometheusRule.toJson()).findIndex((r) => r.alert === 'PodExecSessions');
    alerts.prometheusRule.addJsonPatch(
      JsonPatch.replace(`/spec/groups/0/rules/${exec}/expr`, 'vector(0) > 1'),
      JsonPatch.remove(`/spec/groups/0/rules/${stopped}`),
    );
    const [section] = reviewSectionsOf(chart);
    expect(section).toContain('**Removed from the PrometheusRule after SecurityAlerts wrote it: `KubeApiServerAuditStopped` (critical).**');
    expect(section).toContain(
      '**Changed after SecurityAlerts wrote them (read their expressions in the PrometheusRule): `PodExecSessions` (warning).**',
    );
    expect(section).not.toContain('| `KubeApiServerAuditStopped` |');
    expect(section).not.toContain('#### KubeApiServerAuditStopped');
  });
});

describe("against prometheus-operator's CRD (vendor/addons/prometheus-operator)", () => {
  const crds = vendoredCustomResourceDefinitions() as any[];
  const judged = (object: any) =>
    review([{ object, origin: 'alerts' }], { packs: ['namespaces'], today: '2026-12-04', customResourceDefinitions: crds })
      .findings.filter((f) => f.ruleId === 'object-schema')
      .map((f) => `${f.path}: ${f.message}`);

  test('the CRD is vendored', () => {
    expect(crds.map((c) => c.metadata.name)).toContain('prometheusrules.monitoring.coreos.com');
  });

  test('the PrometheusRule has the shape the CRD gives it', () => {
    expect(judged(build({ networkPolicyDropSource: NetworkPolicyDropSource.CILIUM, runbookUrl: 'https://x.example/r' }).rule)).toEqual([]);
  });

  test('judged, not skipped: a field the CRD lacks is a finding', () => {
    const { rule } = build();
    rule.spec.groups[0].rules[0].severity = 'warning';
    expect(judged(rule).join('\n')).toMatch(/spec\.groups\[0\]\.rules\[0\]\.severity/);
  });
});
