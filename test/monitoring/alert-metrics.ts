/**
 * The series the security alerts select, read from their expressions, and a check of them against
 * the lines of a real API server's /metrics (test/peers/api-server --metrics): the metric exists,
 * has every label the alert matches on, and, where the run provoked the event, a series the
 * alert's selector matches. An alert on a misspelt metric or label value would never fire, and
 * promtool cannot tell: only the server can.
 */
import { LabelMatcher } from '../../lib/monitoring/promql-matchers';
import { alertSeries, AlertSource, SECURITY_ALERT_RULES } from '../../lib/monitoring/security-alert-rules';

export interface AlertSelector {
  readonly alert: string;
  readonly metric: string;
  readonly matchers: readonly LabelMatcher[];
}

/** Every metric selector of the alerts of `source`, with the alert's own matchers. */
export function alertSelectors(source: AlertSource): AlertSelector[] {
  return SECURITY_ALERT_RULES.filter((r) => r.source === source).flatMap((rule) =>
    alertSeries(rule).series.map((s) => ({ alert: rule.alert, ...s })),
  );
}

/** The family a selector's metric belongs to (a histogram's _bucket is its family). */
export const familyOf = (metric: string) => metric.replace(/_bucket$/, '');

export interface Series {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
}

/** The series of /metrics lines (`name{a="b",...} value`). */
export function seriesOf(lines: readonly string[]): Series[] {
  return lines.map((line) => {
    const name = /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(line)![0];
    const body = line.startsWith(`${name}{`) ? line.slice(name.length + 1, line.lastIndexOf('}')) : '';
    const labels: Record<string, string> = {};
    for (const m of body.matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[m[1]] = JSON.parse(`"${m[2]}"`);
    return { name, labels };
  });
}

/** Whether `series` is selected by `matchers` (regular expressions anchored, as Prometheus anchors them). */
export function selects(matchers: readonly LabelMatcher[], series: Series): boolean {
  return matchers.every((m) => {
    const value = series.labels[m.name] ?? '';
    switch (m.op) {
      case '=':
        return value === m.value;
      case '!=':
        return value !== m.value;
      case '=~':
        return new RegExp(`^(?:${m.value})$`).test(value);
      case '!~':
        return !new RegExp(`^(?:${m.value})$`).test(value);
    }
  });
}
