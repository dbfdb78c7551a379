import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ApiObject, Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { AuditLogShipper, HardenedApp, HardenedDeployment, HardenedNamespace } from '../../lib';
import { CONTAINER } from '../support';

/**
 * Issue #18: cdk8s takes an object's namespace from its Chart, so a plain cdk8s-plus object
 * created under a HardenedNamespace in a chart without a namespace comes out with none, while
 * the workloads beside it are in the namespace. The gate refuses it, naming the construct.
 */
let workdir: string;
beforeEach(() => {
  workdir = fs.mkdtempSync(path.join(os.tmpdir(), 'namespace-less-'));
});
afterEach(() => fs.rmSync(workdir, { recursive: true, force: true }));

function app(): HardenedApp {
  return new HardenedApp({ outdir: path.join(workdir, 'dist'), reviewDate: '2026-11-23' });
}

test('a ConfigMap under a HardenedNamespace in a chart without namespace fails the gate, naming the construct and the fix', () => {
  const a = app();
  const shop = new HardenedNamespace(new Chart(a, 'platform'), 'shop');
  new kplus.ConfigMap(shop, 'settings', { metadata: { name: 'settings' }, data: { mode: 'live' } });
  new HardenedDeployment(shop, 'web', { containers: [CONTAINER] });
  let message = '';
  try {
    a.synth();
  } catch (error) {
    message = (error as Error).message;
  }
  const lines = message.split('\n').filter((line) => line.includes('no-default-namespace'));
  expect(lines).toHaveLength(1);
  expect(lines[0]).toContain('[platform/shop/settings');
  expect(lines[0]).toContain(`ConfigMap "settings" has no namespace, so it goes to the namespace of kubectl's context`);
  expect(lines[0]).toContain("create the object in a Chart with that namespace, e.g. new Chart(app, 'shop-config', { namespace: 'shop' })");
  expect(fs.existsSync(path.join(workdir, 'dist'))).toBe(false);
});

test('the same ConfigMap in a Chart with the namespace passes, as do cluster-scoped objects without one', () => {
  const a = app();
  const shop = new HardenedNamespace(new Chart(a, 'platform'), 'shop');
  new HardenedDeployment(shop, 'web', { containers: [CONTAINER] });
  new kplus.ConfigMap(new Chart(a, 'shop-config', { namespace: 'shop' }), 'settings', { data: { mode: 'live' } });
  new ApiObject(new Chart(a, 'cluster'), 'reader', {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRole',
    metadata: { name: 'reader' },
    rules: [],
  });
  a.synth();
  const written = fs.readFileSync(path.join(workdir, 'dist', 'shop-config.k8s.yaml'), 'utf8');
  expect(written).toMatch(/kind: ConfigMap\nmetadata:\n(?: {2}.*\n)* {2}namespace: shop\n/);
});

test("a namespace's reasoned exception is trusted in a Chart with a namespace too (the Namespace object itself has none)", () => {
  // The chart gives every object its namespace and the Namespace construct removes it; the review
  // matches each object to its construct by what is written, so the exception on it still counts.
  const a = app();
  new AuditLogShipper(new Chart(a, 'logging', { namespace: 'logging' }), 'shipper', {
    image: `ghcr.io/example/otelcol-k8s:0.165.0@sha256:${'b2'.repeat(32)}`,
    sink: { logsEndpoint: 'https://logs.example.com/otlp/v1/logs', cidrs: ['10.0.48.0/28'] },
  });
  a.synth();
  const review = JSON.parse(fs.readFileSync(path.join(workdir, 'dist', 'review.json'), 'utf8'));
  const excepted = review.findings.map((f: { object: { kind: string }; ruleId: string; exception?: { source: string } }) => [
    f.object.kind,
    f.ruleId,
    f.exception?.source,
  ]);
  expect(excepted).toContainEqual(['Namespace', 'namespace-pod-security', 'annotation']);
  expect(review.counts.bySeverity).toEqual({ error: 0, warning: 0, info: 0 });
});
