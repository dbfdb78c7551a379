import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { code, table } from '../core/markdown';
import { HardeningError } from '../core/hardening-error';
import { compareText } from '../core/compare-text';
import { requireDns1123Label, requireDns1123Subdomain, requireLabelKey, requireLabelValue } from '../core/names';
import { effectiveNamespace } from '../core/namespace-scope';
import { addReviewSection } from '../core/review-sections';
import { formatMatchers, parseMatchers, selectsMissingLabel } from './promql-matchers';
import { alertSeries, AlertSettings, SECURITY_ALERT_RULES, SecurityAlertRule, summaryOf } from './security-alert-rules';

/** The prometheus-operator API of `PrometheusRule` (its CRD is vendored in vendor/addons/prometheus-operator). */
export const PROMETHEUS_RULE_API_VERSION = 'monitoring.coreos.com/v1';

/** The network plugin whose policy drops are watched. */
export enum NetworkPolicyDropSource {
  /** No alert on dropped traffic: the plugin exposes no such metric (Calico's open-source edition, Flannel). */
  NONE = 'none',
  /** Cilium's agents' `cilium_drop_count_total` (reason "Policy denied"). */
  CILIUM = 'cilium',
}

/** Props of `SecurityAlerts`. */
export interface SecurityAlertsProps {
  /**
   * Name of the PrometheusRule.
   *
   * @default 'security-alerts'
   */
  readonly name?: string;

  /**
   * Namespace of the PrometheusRule: one whose rules your Prometheus loads (its `ruleNamespaceSelector`).
   *
   * @default - the enclosing HardenedNamespace, else the chart's namespace (one of them is required: never 'default')
   */
  readonly namespace?: string;

  /**
   * Labels your Prometheus selects rules by (its `ruleSelector`), added to the PrometheusRule's own.
   *
   * @default - none: only app.kubernetes.io/name and app.kubernetes.io/part-of
   */
  readonly ruleLabels?: { [key: string]: string };

  /**
   * PromQL label matchers that select the API servers' series, as in `job="apiserver"` (several
   * comma-separated; '' for all series of the metric).
   *
   * @default 'job="apiserver"' (the job name of kube-prometheus and its Helm chart, kube-prometheus-stack)
   */
  readonly apiServerSelector?: string;

  /**
   * PromQL label matchers that select the kubelets' series.
   *
   * @default 'job="kubelet"'
   */
  readonly kubeletSelector?: string;

  /**
   * Requests that failed authentication (a wrong, expired or revoked credential) in 5 minutes,
   * across the API servers, above which `KubeApiServerAuthenticationFailures` fires.
   *
   * @default 20
   */
  readonly authenticationFailures?: number;

  /**
   * Authenticated requests refused by authorization in 5 minutes above which
   * `KubeApiServerAuthorizationDenials` fires. Controllers probing optional APIs cause a few.
   *
   * @default 50
   */
  readonly authorizationDenials?: number;

  /**
   * Requests refused by Pod Security admission (enforce mode) in 5 minutes above which
   * `PodSecurityAdmissionRefusals` fires.
   *
   * @default 0 (any refusal)
   */
  readonly podSecurityRefusals?: number;

  /**
   * Requests refused by one of the platform's admission policies (`cdk8s-hardened-*`) in 5
   * minutes above which `AdmissionPolicyRefusals` fires.
   *
   * @default 0 (any refusal)
   */
  readonly admissionPolicyRefusals?: number;

  /**
   * Days of lifetime left on a client certificate below which its warning alert fires.
   *
   * @default 7
   */
  readonly certificateWarningDays?: number;

  /**
   * Days of lifetime left on a client certificate below which its critical alert fires; less
   * than `certificateWarningDays`.
   *
   * @default 1
   */
  readonly certificateCriticalDays?: number;

  /**
   * Exec, attach and port-forward sessions into pods in 5 minutes above which `PodExecSessions` fires.
   *
   * @default 0 (any session)
   */
  readonly podExecSessions?: number;

  /**
   * The network plugin whose policy drops `NetworkPolicyDrops` watches.
   *
   * @default NetworkPolicyDropSource.NONE
   */
  readonly networkPolicyDropSource?: NetworkPolicyDropSource;

  /**
   * PromQL label matchers that select the network plugin's agents' series.
   *
   * @default '' (every series of the metric)
   */
  readonly networkPluginSelector?: string;

  /**
   * Packets dropped by NetworkPolicies in 5 minutes above which `NetworkPolicyDrops` fires.
   *
   * @default 100
   */
  readonly networkPolicyDrops?: number;

  /**
   * Alerts to leave out, by name (all severities of that name).
   *
   * @default - none
   */
  readonly disabledAlerts?: string[];

  /**
   * Where the runbook is published (the REVIEW.md of the output, or your copy of it): each alert
   * gets `runbook_url: <runbookUrl>#<alert name in lower case>`.
   *
   * @default - no runbook_url; the runbook is in REVIEW.md, section "Security alerts"
   */
  readonly runbookUrl?: string;
}

const ALERT_GROUP = 'cdk8s-hardened.security';
const DEFAULTS = {
  authenticationFailures: 20,
  authorizationDenials: 50,
  podSecurityRefusals: 0,
  admissionPolicyRefusals: 0,
  certificateWarningDays: 7,
  certificateCriticalDays: 1,
  podExecSessions: 0,
  networkPolicyDrops: 100,
};
/** The labels the alerts match or group on themselves (job and instance excepted), read from their expressions, and __name__. */
const ALERT_LABELS: ReadonlySet<string> = alertLabels();

/**
 * Alerts for what an attacker does, and what a breach leaves behind, written as a
 * prometheus-operator `PrometheusRule` from signals the API server and kubelet already expose:
 * refused logins and authorizations, pods refused by Pod Security and by the platform's
 * admission policies, lost or stopped audit events, client certificates about to expire,
 * encryption-at-rest errors, exec sessions into pods, and (with Cilium) traffic dropped by
 * NetworkPolicies. Each alert has a severity, thresholds from these props, and a runbook
 * paragraph in REVIEW.md.
 *
 * @see https://prometheus-operator.dev/docs/api-reference/api/#monitoring.coreos.com/v1.PrometheusRule
 */
export class SecurityAlerts extends Construct {
  /** The PrometheusRule. */
  public readonly prometheusRule: ApiObject;
  /** The alerts written, in order (a name appears once per severity). */
  public readonly alertNames: string[];

  constructor(scope: Construct, id: string, props: SecurityAlertsProps = {}) {
    super(scope, id);
    const earlier = this.node.root.node.findAll().find((c) => c instanceof SecurityAlerts && c !== this);
    if (earlier) {
      // One Prometheus would raise each alert twice, and REVIEW.md's runbook anchors would collide.
      throw new HardeningError(
        this,
        `An app has one SecurityAlerts, and ${earlier.node.path} is one already. Change its props instead (disabledAlerts, thresholds, selectors).`,
      );
    }
    const name = requireDns1123Subdomain(this, 'name', props.name ?? 'security-alerts');
    const settings = resolveSettings(this, props);
    const source = props.networkPolicyDropSource ?? NetworkPolicyDropSource.NONE;
    if (!Object.values(NetworkPolicyDropSource).includes(source)) {
      throw new HardeningError(
        this,
        `'networkPolicyDropSource' is '${source}', not one of ${Object.values(NetworkPolicyDropSource).join(', ')}. Use NetworkPolicyDropSource.CILIUM.`,
      );
    }
    if (source === NetworkPolicyDropSource.NONE) {
      for (const field of ['networkPolicyDrops', 'networkPluginSelector'] as const) {
        if (props[field] !== undefined) {
          // Set for an alert that is not written: it would silently watch nothing.
          throw new HardeningError(
            this,
            `'${field}' is set, but no network plugin is watched. Set networkPolicyDropSource (NetworkPolicyDropSource.CILIUM), or leave '${field}' out.`,
          );
        }
      }
    }
    const disabled = new Set(props.disabledAlerts ?? []);
    const known = new Set(SECURITY_ALERT_RULES.map((r) => r.alert));
    for (const alert of disabled) {
      if (!known.has(alert)) {
        throw new HardeningError(
          this,
          `'disabledAlerts' names '${alert}', which is not one of the alerts. Use one of: ${[...known].join(', ')}.`,
        );
      }
    }
    if (props.runbookUrl !== undefined && !/^https?:\/\/[^\s#{}]+$/.test(props.runbookUrl)) {
      // '{' and '}' would start a template in the annotation, which Prometheus expands.
      throw new HardeningError(
        this,
        `'runbookUrl' must be an http(s) URL without '#', '{' or '}' (got '${props.runbookUrl}'): each alert adds its own anchor.`,
      );
    }
    const rules = SECURITY_ALERT_RULES.filter(
      (r) => !disabled.has(r.alert) && (r.source !== 'cilium' || source === NetworkPolicyDropSource.CILIUM),
    );
    this.alertNames = rules.map((r) => r.alert);
    if (rules.length === 0) {
      throw new HardeningError(this, "'disabledAlerts' leaves no alert. Remove the SecurityAlerts instead, or keep at least one alert.");
    }
    const namespace = requireDns1123Label(this, 'namespace', effectiveNamespace(this, props.namespace));
    if (namespace === 'default') {
      // The review refuses objects in 'default' (no-default-namespace): say so here, where the fix is.
      throw new HardeningError(
        this,
        "The PrometheusRule would go to the namespace 'default'. Set 'namespace' to one your Prometheus loads rules from (its ruleNamespaceSelector), e.g. 'monitoring', or create SecurityAlerts under a HardenedNamespace or in a Chart with a namespace.",
      );
    }
    const ruleLabels = Object.entries(props.ruleLabels ?? {});
    for (const [key, value] of ruleLabels) {
      requireLabelKey(this, 'ruleLabels', key);
      requireLabelValue(this, `ruleLabels['${key}']`, value);
      if (key === 'app.kubernetes.io/name' || key === 'app.kubernetes.io/part-of') {
        throw new HardeningError(
          this,
          `'ruleLabels' sets '${key}', which the PrometheusRule sets itself. Select it by a label of your own.`,
        );
      }
    }

    this.prometheusRule = new ApiObject(this, 'Resource', {
      apiVersion: PROMETHEUS_RULE_API_VERSION,
      kind: 'PrometheusRule',
      metadata: {
        name,
        namespace,
        labels: { ...Object.fromEntries(ruleLabels), 'app.kubernetes.io/name': name, 'app.kubernetes.io/part-of': 'cdk8s-hardened' },
      },
      spec: { groups: [{ name: ALERT_GROUP, rules: rules.map((r) => alertingRule(r, settings, props.runbookUrl)) }] },
    });
    // Written at synth from the PrometheusRule as published: a patch that removes or changes an alert shows.
    const prometheusRule = this.prometheusRule;
    addReviewSection(this, () => reviewSection(rules, settings, name, [...disabled].sort(compareText), publishedRules(prometheusRule)));
  }
}

/** The largest count threshold: above it an alert never fires (no cluster refuses a million logins in 5 minutes and goes unnoticed). */
const MAX_COUNT = 1_000_000;
/** The longest certificate warning, in days. */
const MAX_CERTIFICATE_DAYS = 365;
/** The shortest critical certificate threshold, in days (an hour): below it the alert fires after the certificate expired. */
const MIN_CRITICAL_DAYS = 1 / 24;

function resolveSettings(scope: Construct, props: SecurityAlertsProps): AlertSettings {
  // Bounds a threshold cannot pass without silencing its alert: a count no cluster reaches in 5 minutes, a certificate warning beyond a year.
  const count = (field: keyof typeof DEFAULTS, max = MAX_COUNT): number => {
    const value = (props[field] as number | undefined) ?? DEFAULTS[field];
    if (!Number.isFinite(value) || value < 0 || value > max) {
      throw new HardeningError(
        scope,
        `'${field}' must be a number from 0 to ${max} (got ${typeof value === 'string' ? `the string ${JSON.stringify(value)}` : String(value)}).`,
      );
    }
    return value;
  };
  const matchers = (field: 'apiServerSelector' | 'kubeletSelector' | 'networkPluginSelector', fallback: string): string => {
    const value = props[field] ?? fallback;
    const parsed = parseMatchers(String(value));
    if (typeof parsed === 'string') {
      throw new HardeningError(
        scope,
        `'${field}' must be PromQL label matchers such as 'job="apiserver"' (name, =, !=, =~ or !~, a value in double quotes, single quotes or backticks; comma-separated), or '' (got '${value}': ${parsed}).`,
      );
    }
    const taken = parsed.find((m) => ALERT_LABELS.has(m.name));
    if (taken) {
      // The alerts match or group on these themselves: a selector on them would contradict the alert and never match.
      throw new HardeningError(
        scope,
        `'${field}' selects on '${taken.name}', a label the alerts match or group on themselves (${[...ALERT_LABELS].join(', ')}). Select the targets by job, instance or your own labels.`,
      );
    }
    const missing = parsed.find(selectsMissingLabel);
    if (missing) {
      // It keeps only series without that label: every alert reading a metric that has it goes quiet.
      throw new HardeningError(
        scope,
        `'${field}' has '${formatMatchers([missing])}', which matches series that lack '${missing.name}' and silences the alerts on metrics that carry it. Select the targets by a value, e.g. 'job="apiserver"'.`,
      );
    }
    return formatMatchers(parsed);
  };
  const settings: AlertSettings = {
    apiServer: matchers('apiServerSelector', 'job="apiserver"'),
    kubelet: matchers('kubeletSelector', 'job="kubelet"'),
    networkPlugin: matchers('networkPluginSelector', ''),
    authenticationFailures: count('authenticationFailures'),
    authorizationDenials: count('authorizationDenials'),
    podSecurityRefusals: count('podSecurityRefusals'),
    admissionPolicyRefusals: count('admissionPolicyRefusals'),
    certificateWarningDays: count('certificateWarningDays', MAX_CERTIFICATE_DAYS),
    certificateCriticalDays: count('certificateCriticalDays', MAX_CERTIFICATE_DAYS),
    podExecSessions: count('podExecSessions'),
    networkPolicyDrops: count('networkPolicyDrops'),
  };
  if (!(settings.certificateCriticalDays >= MIN_CRITICAL_DAYS && settings.certificateCriticalDays < settings.certificateWarningDays)) {
    throw new HardeningError(
      scope,
      `'certificateCriticalDays' (${settings.certificateCriticalDays}) must be at least 1/24 (an hour) and below 'certificateWarningDays' (${settings.certificateWarningDays}).`,
    );
  }
  return settings;
}

/** The rule as Prometheus reads it (prometheus-operator copies `spec.groups` into a rule file unchanged). */
function alertingRule(rule: SecurityAlertRule, settings: AlertSettings, runbookUrl: string | undefined) {
  return {
    alert: rule.alert,
    expr: rule.expr(settings),
    ...(rule.for !== '0m' ? { for: rule.for } : {}),
    labels: { severity: rule.severity },
    annotations: {
      summary: summaryOf(rule, settings),
      description: rule.description,
      ...(runbookUrl !== undefined ? { runbook_url: `${runbookUrl}#${rule.alert.toLowerCase()}` } : {}),
    },
  };
}

/** When the alert fires, in words, for REVIEW.md. */
function firesWhen(rule: SecurityAlertRule, settings: AlertSettings): string {
  if (rule.threshold === undefined) return rule.firesOn ?? 'any occurrence';
  const value = settings[rule.threshold] as number;
  if (rule.threshold === 'certificateWarningDays' || rule.threshold === 'certificateCriticalDays') {
    return `under ${value} ${value === 1 ? 'day' : 'days'} left`;
  }
  return value === 0 ? 'any in 5 minutes' : `more than ${value} in 5 minutes`;
}

/** An alerting rule as the PrometheusRule holds it. */
interface PublishedRule {
  readonly alert?: unknown;
  readonly expr?: unknown;
  readonly labels?: { readonly severity?: unknown };
}

/** The rules of the PrometheusRule as it is written (after every patch). */
function publishedRules(prometheusRule: ApiObject): readonly PublishedRule[] {
  const spec = (prometheusRule.toJson() as { spec?: { groups?: { rules?: PublishedRule[] }[] } }).spec;
  return (spec?.groups ?? []).flatMap((group) => group.rules ?? []);
}

function reviewSection(
  expected: readonly SecurityAlertRule[],
  settings: AlertSettings,
  name: string,
  disabled: readonly string[],
  published: readonly PublishedRule[],
): string {
  const publishedAs = (rule: SecurityAlertRule) => published.find((p) => p.alert === rule.alert && p.labels?.severity === rule.severity);
  const rules = expected.filter((rule) => publishedAs(rule) !== undefined);
  const removed = expected.filter((rule) => publishedAs(rule) === undefined);
  const changed = rules.filter((rule) => publishedAs(rule)!.expr !== rule.expr(settings));
  const others = published.filter((p) => !expected.some((rule) => p.alert === rule.alert && p.labels?.severity === rule.severity));
  const departures = [
    ...(removed.length
      ? [
          `Removed from the PrometheusRule after SecurityAlerts wrote it: ${removed.map((r) => `${code(r.alert)} (${r.severity})`).join(', ')}.`,
        ]
      : []),
    ...(changed.length
      ? [
          `Changed after SecurityAlerts wrote them (read their expressions in the PrometheusRule): ${changed.map((r) => `${code(r.alert)} (${r.severity})`).join(', ')}.`,
        ]
      : []),
    ...(others.length
      ? [
          `Added to the PrometheusRule, not by SecurityAlerts: ${others.map((p) => code(String(p.alert ?? '(a recording rule)'))).join(', ')}.`,
        ]
      : []),
  ];
  const runbooks = new Map<string, string[]>();
  for (const rule of rules) {
    const paragraphs = runbooks.get(rule.alert) ?? [];
    paragraphs.push(rules.filter((r) => r.alert === rule.alert).length > 1 ? `*${rule.severity}:* ${rule.runbook}` : rule.runbook);
    runbooks.set(rule.alert, paragraphs);
  }
  return [
    '## Security alerts',
    '',
    `The PrometheusRule ${code(name)} (group ${code(ALERT_GROUP)}) raises these alerts. ` +
      `API servers are selected by ${code(settings.apiServer || '(all series)')}, kubelets by ${code(settings.kubelet || '(all series)')}.` +
      (disabled.length ? ` Left out (disabledAlerts): ${disabled.map(code).join(', ')}.` : ''),
    '',
    ...departures.flatMap((line) => [`**${line}**`, '']),
    ...table(
      ['Alert', 'Severity', 'Fires on', 'Summary'],
      rules.map((r) => [code(r.alert), r.severity, firesWhen(r, settings), summaryOf(r, settings)]),
    ),
    '',
    '### Runbook',
    '',
    ...[...runbooks].flatMap(([alert, paragraphs]) => [`#### ${alert}`, '', ...paragraphs.flatMap((p) => [p, ''])]),
  ]
    .join('\n')
    .trimEnd();
}

function alertLabels(): Set<string> {
  const labels = new Set<string>(['__name__']);
  for (const rule of SECURITY_ALERT_RULES) {
    const { series, groupedBy } = alertSeries(rule);
    for (const label of [...series.flatMap((s) => s.matchers.map((m) => m.name)), ...groupedBy]) labels.add(label);
  }
  labels.delete('job');
  labels.delete('instance');
  return labels;
}
