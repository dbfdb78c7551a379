/**
 * Proof against the real tool: the PrometheusRule that SecurityAlerts writes is checked by
 * Prometheus' own `promtool check rules` (with every lint), and each alert is unit-tested by
 * `promtool test rules` on the series of test/monitoring/alert-cases.ts: it fires, with the
 * labels and description expected, where it should, and stays quiet where it should not.
 *
 * prometheus-operator gives Prometheus a PrometheusRule's `spec` as a rule file unchanged, so
 * the `spec` is what promtool reads. promtool is built by `scripts/install-promtool.sh` into
 * `.tools/bin/` (`npm test` does it first); without it a test fails and says how to install it.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Chart, Testing } from 'cdk8s';
import * as YAML from 'yaml';
import { NetworkPolicyDropSource, SecurityAlerts, SecurityAlertsProps } from '../../lib';
import { formatMatchers, LabelMatcher, parseMatchers } from '../../lib/monitoring/promql-matchers';
import { SECURITY_ALERT_RULES } from '../../lib/monitoring/security-alert-rules';
import { removeTempDirs, seededRandom, tempDir, withInstalledTool } from '../support';
import { ALERT_CASES, AlertCase } from './alert-cases';

const ROOT = path.resolve(__dirname, '../..');
const PROMTOOL = path.join(ROOT, '.tools/bin/promtool');
const PINNED = /^PROMETHEUS_VERSION=(\S+)/m.exec(fs.readFileSync(path.join(ROOT, 'scripts/install-promtool.sh'), 'utf8'))![1];

afterAll(removeTempDirs);

/** The PrometheusRule SecurityAlerts writes with `props`. */
function prometheusRule(props: SecurityAlertsProps = {}): any {
  const chart = new Chart(Testing.app(), 'monitoring', { namespace: 'monitoring' });
  return new SecurityAlerts(chart, 'alerts', props).prometheusRule.toJson();
}

function promtool(args: string[], cwd: string): { status: number | null; output: string } {
  const run = spawnSync(PROMTOOL, args, { cwd, encoding: 'utf8', env: { PATH: process.env.PATH, HOME: cwd } });
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

/** Writes the rule file (the PrometheusRule's spec) and a unit-test file for `cases`, and runs `promtool test rules`. */
function testRules(
  cases: readonly AlertCase[],
  props: SecurityAlertsProps,
  expect: (c: AlertCase) => AlertCase['expected'] = (c) => c.expected,
) {
  const dir = tempDir('promtool-');
  const rule = prometheusRule(props);
  fs.writeFileSync(path.join(dir, 'rules.yaml'), YAML.stringify(rule.spec));
  const annotationsOf = (alert: string, severity: string) =>
    rule.spec.groups[0].rules.find((r: any) => r.alert === alert && r.labels.severity === severity).annotations;
  const tests = {
    rule_files: ['rules.yaml'],
    evaluation_interval: '1m',
    tests: cases.map((c) => ({
      name: `${c.alert}: ${c.title}`,
      interval: '1m',
      input_series: c.series.map((s) => ({ series: s.series, values: s.values })),
      alert_rule_test: [
        {
          eval_time: `${c.evalMinutes ?? 10}m`,
          alertname: c.alert,
          exp_alerts: expect(c).map((e) => ({
            exp_labels: { severity: e.severity, ...e.labels },
            // The summary (and a runbook_url) are constant text; the description is the template rendered.
            exp_annotations: { ...annotationsOf(c.alert, e.severity), description: e.description },
          })),
        },
      ],
    })),
  };
  fs.writeFileSync(path.join(dir, 'tests.yaml'), YAML.stringify(tests));
  return promtool(['test', 'rules', 'tests.yaml'], dir);
}

const propsKey = (props: SecurityAlertsProps | undefined) => JSON.stringify(props ?? {});
/** The cases grouped by the props they need, so each group runs through one promtool. */
const casesByProps = [...new Set(ALERT_CASES.map((c) => propsKey(c.props)))].map((key) => ({
  props: JSON.parse(key) as SecurityAlertsProps,
  cases: ALERT_CASES.filter((c) => propsKey(c.props) === key),
}));

describe('the cases', () => {
  test('every alert fires in a case and stays quiet in another; every severity of it fires', () => {
    for (const rule of SECURITY_ALERT_RULES) {
      const cases = ALERT_CASES.filter((c) => c.alert === rule.alert);
      expect({ alert: rule.alert, quiet: cases.some((c) => c.expected.length === 0) }).toEqual({ alert: rule.alert, quiet: true });
      expect({
        alert: rule.alert,
        severity: rule.severity,
        fires: cases.some((c) => c.expected.some((e) => e.severity === rule.severity)),
      }).toEqual({
        alert: rule.alert,
        severity: rule.severity,
        fires: true,
      });
    }
    expect(ALERT_CASES.filter((c) => !SECURITY_ALERT_RULES.some((r) => r.alert === c.alert))).toEqual([]);
  });
});

withInstalledTool(PROMTOOL, `promtool ${PINNED} proof`, 'scripts/install-promtool.sh', () => {
  describe(`promtool ${PINNED} (${path.relative(ROOT, PROMTOOL)})`, () => {
    test('is the version scripts/install-promtool.sh pins', () => {
      expect(promtool(['--version'], ROOT).output.split('\n')[0]).toMatch(
        new RegExp(`^promtool, version ${PINNED.replace(/\./g, '\\.')} `),
      );
    });

    test.each([
      ['the defaults', {}],
      [
        'every alert, selectors and thresholds changed',
        {
          networkPolicyDropSource: NetworkPolicyDropSource.CILIUM,
          apiServerSelector: 'job="kube-apiserver", cluster=~"prod-.*"',
          kubeletSelector: 'job!="kubelet-canary"',
          networkPluginSelector: 'k8s_app="cilium"',
          authenticationFailures: 5,
          certificateWarningDays: 30,
          certificateCriticalDays: 0.5,
          runbookUrl: 'https://git.example.com/platform/blob/main/dist/REVIEW.md',
        },
      ],
    ] as Array<[string, SecurityAlertsProps]>)('check rules passes every lint: %s', (_name, props) => {
      const dir = tempDir('promtool-check-');
      fs.writeFileSync(path.join(dir, 'rules.yaml'), YAML.stringify(prometheusRule(props).spec));
      const run = promtool(['check', 'rules', '--lint=all', '--lint-fatal', 'rules.yaml'], dir);
      expect(run.output).toMatch(/SUCCESS: \d+ rules found/);
      expect(run.status).toBe(0);
    });

    test('check rules refuses a broken expression (the check can fail)', () => {
      const dir = tempDir('promtool-check-');
      const spec = prometheusRule().spec;
      spec.groups[0].rules[0].expr = 'sum(increase(authentication_attempts[5m]) >';
      fs.writeFileSync(path.join(dir, 'rules.yaml'), YAML.stringify(spec));
      const run = promtool(['check', 'rules', 'rules.yaml'], dir);
      expect(run.status).not.toBe(0);
      expect(run.output).toMatch(/parse error/);
    });

    test.each(casesByProps.map((group) => [propsKey(group.props), group]))('test rules: every case with props %s', (_key, group) => {
      const run = testRules(group.cases, group.props);
      expect(run.output).toMatch(/SUCCESS/);
      expect(run.status).toBe(0);
    });

    test('test rules fails when a case expects the opposite (the harness can fail)', () => {
      const severityOf = (alert: string) => SECURITY_ALERT_RULES.find((r) => r.alert === alert)!.severity;
      const flipped = (c: AlertCase): AlertCase['expected'] =>
        c.expected.length ? [] : [{ severity: severityOf(c.alert), description: 'anything' }];
      const run = testRules(casesByProps[0].cases, casesByProps[0].props, flipped);
      expect(run.status).not.toBe(0);
      // Every case fails: none passes whatever was expected.
      for (const c of casesByProps[0].cases) expect(run.output).toContain(`${c.alert}: ${c.title}`);
    });

    /** Prometheus' own reading of `up{<selector>}`, written back in its canonical form; null when it refuses it. */
    const prometheusReads = (selector: string) => {
      const run = promtool(['--experimental', 'promql', 'format', `up{${selector}}`], ROOT);
      return run.status === 0 ? run.output.trim() : null;
    };

    test.each([
      'job="apiserver"',
      "job='apiserver'",
      'job=`apiserver`',
      'job = "kube-apiserver" , cluster =~ "prod-.*"',
      `job='say "hi"', x="it's"`,
      'path=`C:\\dir\\n`',
      'x="tab\\there\\u00e9\\x41\\101\\U0001F600"',
      "x='\\''",
      'x!~"(?i)canary|test"',
    ])('a selector Prometheus reads is read alike: %s', (selector) => {
      const ours = parseMatchers(selector);
      expect(typeof ours).not.toBe('string');
      // What we write back reads, for Prometheus, as what the user wrote.
      expect(prometheusReads(formatMatchers(ours as LabelMatcher[]))).toBe(prometheusReads(selector));
      expect(prometheusReads(selector)).not.toBeNull();
    });

    /** A regular expression as a selector's value: `x=~"<re>"`, quoted as we write it (proven above). */
    const regexSelector = (re: string) => formatMatchers([{ name: 'x', op: '=~', value: re }]);

    test.each([
      ['\\Z'],
      ['\\cA'],
      ['\\e'],
      ['\\k'],
      ['\\y'],
      ['[\\b]'],
      ['\\u0041'],
      ['\\1'],
      ['(a)\\1'],
      ['a{1001}'],
      ['(a{1000}){1000}'],
      ['(a{10}){101}'],
      ['(a{500}|b{600}){2}'],
      ['\\p{Foo}'],
      ['\\p{Letter}'],
      ['[[:foo:]]'],
      ['\\x4'],
      ['\\x{110000}'],
      ['[a\\Qb\\E]'],
      ['\\E'],
      ['(?=a)'],
      ['(?#c)'],
      ['(?x)a'],
      ['[a-\\d]'],
      // A second attacker pass: range ends compared by code point, classes and '[' as range ends, empty \Q\E, size.
      ['[\\x7a-b]'],
      ['[\\x{10FFFF}-a]'],
      ['[\\n-\\a]'],
      ['[\\177-\\0]'],
      ['[\\\\-\\d]'],
      ['[a^-\\d]'],
      ['[[-\\d]'],
      ['[a-[:alpha:]]'],
      ['\\Q\\E*'],
      ['(\\Q\\E*)'],
      ['a{1000}\\Q\\E{2}'],
      ['\\p{LC}x{1001}'],
      ['('.repeat(1001) + ')'.repeat(1001)],
      [`(?:${'a'.repeat(3400)}){1000}`],
    ])('a regular expression RE2 refuses is refused, though JavaScript compiles most: %s', (re) => {
      expect(prometheusReads(regexSelector(re))).toBeNull();
      expect(parseMatchers(regexSelector(re))).toEqual(expect.stringContaining('regular expression'));
    });

    test('on random regular expressions, what we accept Prometheus accepts (and mostly the reverse)', () => {
      const { random, pick } = seededRandom(20261204);
      const atoms = [
        'a',
        '.',
        '\\d',
        '\\pL',
        '\\p{Lu}',
        '[a-z]',
        '[^]a]',
        '[[:alpha:]]',
        '\\x41',
        '\\x{41}',
        '\\0',
        '\\12',
        '\\.',
        '\\Qa.b\\E',
        '\\b',
        '\\z',
        '^',
        '$',
        '(?i)',
        '\\1',
        '\\Z',
        '\\cA',
        '[\\b]',
        '\\u0041',
        '\\p{Greek}',
        '[[:foo:]]',
        '\\x4',
        '\\E',
        '\\C',
        '[\\x7a-b]',
        '[\\x41-\\x5a]',
        '\\Q\\E',
        '[a-[:alpha:]]',
        '[\\d-z]',
      ];
      const repeats = ['', '', '*', '+', '?', '*?', '{2}', '{3,}', '{2,5}', '{10}', '{100}', '{1000}', '{1001}', '{,3}', '{5,2}'];
      const expression = (depth: number): string => {
        const parts = Array.from({ length: 1 + Math.floor(random() * 3) }, () =>
          depth > 0 && random() < 0.3
            ? `(${pick(['', '?:', '?P<g>'])}${expression(depth - 1)})${pick(repeats)}`
            : `${pick(atoms)}${pick(repeats)}`,
        );
        return random() < 0.2 ? parts.join('|') : parts.join('');
      };
      const verdicts = { both: 0, neither: 0, onlyPrometheus: [] as string[], onlyUs: [] as string[] };
      for (let n = 0; n < 250; n++) {
        const re = expression(2);
        const ours = typeof parseMatchers(regexSelector(re)) !== 'string';
        const theirs = prometheusReads(regexSelector(re)) !== null;
        if (ours && theirs) verdicts.both++;
        else if (!ours && !theirs) verdicts.neither++;
        else if (theirs) verdicts.onlyPrometheus.push(re);
        else verdicts.onlyUs.push(re);
      }
      // Never looser than Prometheus: a selector we accept would otherwise break the whole rule file.
      expect(verdicts.onlyUs).toEqual([]);
      // Both kinds are generated.
      expect(verdicts.both).toBeGreaterThan(50);
      expect(verdicts.neither).toBeGreaterThan(50);
      // Stricter than Prometheus only where documented: Unicode scripts, and a repetition right after inline flags.
      expect(verdicts.onlyPrometheus.filter((re) => !/\\p\{Greek\}|\(\?i\)[*+?]/.test(re))).toEqual([]);
    }, 60_000);

    test.each([
      'job=apiserver',
      'job="a\\q"',
      'job="a\\\'b"',
      "job='a\\\"b'",
      'job="unclosed',
      'job=`unclosed',
      'job="\\u12"',
      'job=~"(("',
      'job="a\nb"',
    ])('a selector Prometheus refuses is refused: %s', (selector) => {
      expect(prometheusReads(selector)).toBeNull();
      expect(typeof parseMatchers(selector)).toBe('string');
    });
  });
});
