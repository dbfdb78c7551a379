import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PUBLISHED_COPY_NOTE } from '../../lib/core/published-copy';
import { ApiObject, Chart, JsonPatch } from 'cdk8s';
import { HardenedApp, HardenedDeployment, HardenedNamespace, PublishLayout, review } from '../../lib';
import { exceptionAnnotationValue } from '../../lib/core/exceptions';
import { ALL_RULES } from '../../lib/review/packs';
import { ReviewFailedError } from '../../lib/app/review-gate';
import { RULE_CASES } from '../review/rule-cases';
import { CONTAINER } from '../support';

const TODAY = '2026-11-23';
const REASON = 'accepted for this test of the review gate';
let workdir: string;

beforeEach(() => {
  workdir = fs.mkdtempSync(path.join(os.tmpdir(), 'hardened-app-'));
});
afterEach(() => {
  fs.rmSync(workdir, { recursive: true, force: true });
  delete process.env.CDK8S_OUTDIR;
});

function app(publishLayout?: PublishLayout): HardenedApp {
  return new HardenedApp({
    outdir: path.join(workdir, 'dist'),
    reviewDate: TODAY,
    ...(publishLayout === undefined ? {} : { publishLayout }),
  });
}

/** The namespace `shop`, hardened, in the chart `platform` of `a`. */
function shop(a: HardenedApp): HardenedNamespace {
  return new HardenedNamespace(new Chart(a, 'platform'), 'shop');
}

/**
 * `dir` holds `dist` and nothing else (no staging folder, no previous output aside): with the
 * default layout a plain folder holding the marker; with `PublishLayout.LINK`, a link to the
 * one version folder beside it.
 */
function expectOnlyPublished(dir: string, layout: PublishLayout = PublishLayout.FOLDER): void {
  const dist = path.join(dir, 'dist');
  expect(fs.existsSync(path.join(dist, '.cdk8s-hardened'))).toBe(true);
  if (layout === PublishLayout.LINK) {
    const version = fs.readlinkSync(dist);
    expect(version).toMatch(/^\.dist\.v-\d+-[0-9a-f]+$/);
    expect(fs.readdirSync(dir).sort()).toEqual([version, 'dist']);
  } else {
    expect(fs.lstatSync(dist).isDirectory()).toBe(true);
    expect(fs.readdirSync(dir)).toEqual(['dist']);
  }
}

function filesOf(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  for (const name of fs.readdirSync(dir).sort()) files[name] = fs.readFileSync(path.join(dir, name), 'utf8');
  return files;
}

/**
 * The first non-compliant case of every error-level rule, as plain objects, with the other
 * objects a rule that looks across objects needs beside it (a Service and its namespace's quota).
 */
const VIOLATIONS = ALL_RULES.filter((rule) => rule.severity === 'error').map((rule) => {
  const violation = RULE_CASES.find((c) => c.rule === rule.id && c.expected.length > 0);
  if (!violation) throw new Error(`no violating case for ${rule.id}`);
  return {
    rule: rule.id,
    object: JSON.parse(JSON.stringify(violation.object)),
    others: JSON.parse(JSON.stringify(violation.others ?? [])) as any[],
  };
});

/** The error-level findings of an object reviewed on its own (a case may break a related rule too). */
function errorsOf(object: any, others: readonly any[] = []) {
  const findings = review(
    [object, ...others].map((o) => ({ object: o })),
    { today: TODAY },
  ).findings;
  return findings.filter((f) => f.severity === 'error' && f.object.kind === object.kind && f.object.name === object.metadata?.name);
}

/** The error-level rules an object breaks. */
function rulesBrokenBy(object: any, others: readonly any[] = []): string[] {
  return [...new Set(errorsOf(object, others).map((f) => f.ruleId))];
}

/**
 * The annotations that except an object from every rule it breaks, each naming the values its
 * findings name (`REASON (accepts NET_RAW)`), as a construct records them; `*` where a rule
 * reports findings both with and without a value, which one annotation cannot list.
 */
function exceptionsFor(object: any, others: readonly any[] = []): Record<string, string> {
  const byRule = new Map<string, (string | undefined)[]>();
  for (const f of errorsOf(object, others)) byRule.set(f.ruleId, [...(byRule.get(f.ruleId) ?? []), f.value]);
  return Object.fromEntries(
    [...byRule].map(([rule, values]) => {
      const named = [...new Set(values.filter((v): v is string => v !== undefined))];
      const accepts = named.length === 0 ? undefined : named.length === values.length ? named : ['*'];
      return [`exception.hardened.cdk8s.io/${rule}`, exceptionAnnotationValue({ rule, reason: REASON, accepts })];
    }),
  );
}

/** An app with one object violating each error-level rule, optionally excepted from all it breaks. */
function appWithOneViolationPerRule(excepted: boolean): HardenedApp {
  const a = app();
  const chart = new Chart(a, 'violations', { namespace: 'shop' });
  const clusterChart = new Chart(a, 'cluster-scoped');
  VIOLATIONS.forEach(({ rule, object, others }) => {
    // A namespace the rule judges (default, kube-system) stays; the others go where the object goes.
    const namespace = object.metadata?.namespace ?? 'shop';
    const named = { ...object, metadata: { ...object.metadata, name: rule, namespace } };
    // A copy of the object (the duplicate-object case) is renamed with it.
    const renamed = (o: any) => (o.kind === object.kind && o.metadata?.name === object.metadata?.name ? rule : o.metadata?.name);
    const placed = others.map((o) =>
      o.kind === 'Namespace' ? o : { ...o, metadata: { ...o.metadata, name: renamed(o), namespace: o.metadata?.namespace ?? namespace } },
    );
    const annotations = excepted ? exceptionsFor(named, placed) : {};
    expect(rulesBrokenBy(named, placed)).toContain(rule);
    new ApiObject(chart, rule, { ...named, metadata: { ...named.metadata, annotations } });
    placed.forEach((o, i) => {
      const own = excepted ? exceptionsFor(o, [named, ...placed.filter((p) => p !== o)]) : {};
      // A Namespace goes in a chart without a namespace, which cdk8s would otherwise write into it.
      new ApiObject(o.kind === 'Namespace' ? clusterChart : chart, `${rule}-other-${i}`, {
        ...o,
        metadata: { ...o.metadata, annotations: { ...o.metadata?.annotations, ...own } },
      });
    });
  });
  return a;
}

describe('the review gate', () => {
  test.each([PublishLayout.FOLDER, PublishLayout.LINK])(
    'a clean app publishes its manifests, the three review reports and the reachability and permissions reports (layout %s)',
    (layout) => {
      const a = app(layout);
      new HardenedDeployment(shop(a), 'web', { containers: [CONTAINER] });
      a.synth();
      const dist = path.join(workdir, 'dist');
      expect(Object.keys(filesOf(dist))).toEqual([
        '.cdk8s-hardened',
        'REVIEW.md',
        'permissions.json',
        'platform.k8s.yaml',
        'reachability.json',
        'review.json',
        'review.sarif',
      ]);
      // The workload's Deployment, ServiceAccount and PodDisruptionBudget, and the namespace's
      // Namespace, two NetworkPolicies, ResourceQuota and LimitRange.
      expect(JSON.parse(fs.readFileSync(path.join(dist, 'review.json'), 'utf8'))).toMatchObject({ passed: true, counts: { objects: 8 } });
      expectOnlyPublished(workdir, layout);
    },
  );

  test('an app with one violation per rule fails with exactly those rule ids, naming each construct', () => {
    let error: unknown;
    try {
      appWithOneViolationPerRule(false).synth();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ReviewFailedError);
    const failed = error as ReviewFailedError;
    const blocking = failed.result.findings.filter((f) => f.severity === 'error' && !f.exception);
    expect([...new Set(blocking.map((f) => f.ruleId))].sort()).toEqual(VIOLATIONS.map((v) => v.rule).sort());
    for (const { rule } of VIOLATIONS) {
      // One line per finding: construct path, rule id, field, fix.
      expect(failed.message).toMatch(new RegExp(`\\[violations/${rule}\\] ${rule} at \\S+: .+\\. Fix: .+\\.`));
    }
    expect(failed.message.split('\n')[0]).toMatch(
      /^review failed: \d+ error findings without an exception; .*dist\/ was left unchanged\.$/,
    );
  });

  test('with an exception for each, the same app passes and REVIEW.md lists every exception with its reason', () => {
    appWithOneViolationPerRule(true).synth();
    const report = fs.readFileSync(path.join(workdir, 'dist', 'REVIEW.md'), 'utf8');
    expect(report).toContain('**Passed**');
    for (const { rule, object } of VIOLATIONS) {
      const namespace = object.metadata?.namespace ?? 'shop';
      expect(report).toMatch(
        new RegExp(`\\| \\w+ ${namespace}/${rule} \\| ${rule} \\| [^|]+ \\| ${REASON} \\| never \\| annotation \\| applied \\| [1-9]`),
      );
    }
  });

  test.each([PublishLayout.FOLDER, PublishLayout.LINK])(
    'a failed synth leaves the previous output exactly as it was and leaves no staging folder (layout %s)',
    (layout) => {
      const good = app(layout);
      new HardenedDeployment(shop(good), 'web', { containers: [CONTAINER] });
      good.synth();
      const dist = path.join(workdir, 'dist');
      const before = filesOf(dist);

      const bad = app(layout);
      const web = new HardenedDeployment(shop(bad), 'web', { containers: [CONTAINER] });
      ApiObject.of(web.deployment).addJsonPatch(JsonPatch.add('/spec/template/spec/hostNetwork', true));
      expect(() => bad.synth()).toThrow('[platform/shop/web] no-host-namespaces at spec.template.spec.hostNetwork');
      expect(filesOf(dist)).toEqual(before);
      expectOnlyPublished(workdir, layout);
    },
  );

  test('an expired exception fails synth', () => {
    const a = app();
    new HardenedDeployment(shop(a), 'web', {
      containers: [{ ...CONTAINER, liveness: undefined }],
      exceptions: [{ rule: 'liveness-probe', reason: 'the vendor image has no health endpoint', expires: '2026-11-22' }],
    });
    expect(() => a.synth()).toThrow(/\[platform\/shop\/web\] exception-expired/);
  });

  test('the same app synthesizes byte-identical files', () => {
    const build = (outdir: string) => {
      const a = new HardenedApp({ outdir, reviewDate: TODAY });
      new HardenedDeployment(shop(a), 'web', { containers: [CONTAINER] });
      a.synth();
      return filesOf(outdir);
    };
    expect(build(path.join(workdir, 'one'))).toEqual(build(path.join(workdir, 'two')));
  });

  test('a link planted in CDK8S_OUTDIR is replaced by the copy, never written through', () => {
    const victim = path.join(workdir, 'victim');
    fs.writeFileSync(victim, 'precious');
    fs.mkdirSync(path.join(workdir, 'cli-out'));
    fs.symlinkSync(victim, path.join(workdir, 'cli-out', 'platform.k8s.yaml'));
    process.env.CDK8S_OUTDIR = path.join(workdir, 'cli-out');
    const a = app();
    new HardenedDeployment(shop(a), 'web', { containers: [CONTAINER] });
    a.synth();
    expect(fs.readFileSync(victim, 'utf8')).toBe('precious');
    expect(fs.lstatSync(path.join(workdir, 'cli-out', 'platform.k8s.yaml')).isFile()).toBe(true);
  });

  test('under the cdk8s CLI, the reviewed manifests are also copied to CDK8S_OUTDIR, with a note of where they were published', () => {
    process.env.CDK8S_OUTDIR = path.join(workdir, 'cli-out');
    const a = app();
    new HardenedDeployment(shop(a), 'web', { containers: [CONTAINER] });
    a.synth();
    const { [PUBLISHED_COPY_NOTE]: note, ...copies } = filesOf(path.join(workdir, 'cli-out'));
    expect(copies).toEqual({ 'platform.k8s.yaml': filesOf(path.join(workdir, 'dist'))['platform.k8s.yaml'] });
    expect(JSON.parse(note)).toEqual({
      folder: path.join(workdir, 'dist') + path.sep,
      files: { 'platform.k8s.yaml': 'platform.k8s.yaml' },
      // The app's review settings, for the validation plugin: here only its reviewDate.
      review: { today: '2026-11-23' },
    });
  });
});
