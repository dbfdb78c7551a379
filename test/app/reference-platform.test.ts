import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ShopChart } from '../../apps/platform';
import { HardenedApp } from '../../lib';

/** What the reference platform asks for, flow by flow (see apps/platform.ts). */
const ASKED_FLOWS = [
  { from: 'shop/Deployment/storefront', to: 'shop/Deployment/api', ports: ['TCP 9000'] },
];
const ASKED_EGRESS = [
  { workload: 'shop/Deployment/api', egress: [{ cidr: '203.0.113.0/24', except: [], ports: ['TCP 443'] }], ingress: [] },
];

describe('the reference platform', () => {
  let dist: string;
  beforeAll(() => {
    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'platform-'));
    dist = path.join(work, 'dist');
    const app = new HardenedApp({ outdir: dist, reviewDate: '2026-11-23' });
    new ShopChart(app, 'shop');
    app.synth();
  });

  const read = (file: string) => fs.readFileSync(path.join(dist, file), 'utf8');
  const manifests = () => read('shop.k8s.yaml').split('\n---\n');

  test('every namespace has the Pod Security labels and default deny in both directions', () => {
    const reachability = JSON.parse(read('reachability.json'));
    expect(reachability.workloads.length).toBeGreaterThan(0);
    for (const workload of reachability.workloads) expect(workload.isolated).toEqual({ ingress: true, egress: true });
    const namespaces = manifests().filter((m) => /^kind: Namespace$/m.test(m));
    expect(namespaces.length).toBeGreaterThan(0);
    for (const ns of namespaces) expect(ns).toMatch(/pod-security\.kubernetes\.io\/enforce: restricted/);
  });

  test('every allowed flow in reachability.json was asked for, and nothing else', () => {
    const reachability = JSON.parse(read('reachability.json'));
    expect(reachability.open).toEqual({ ingress: [], egress: [] });
    expect(reachability.flows).toEqual(ASKED_FLOWS);
    expect(reachability.external.filter((e: any) => e.egress.length || e.ingress.length)).toEqual(ASKED_EGRESS);
  });

  test('is reviewed with no finding left open, and no RBAC refusal excepted', () => {
    const review = JSON.parse(read('review.json'));
    expect(review.findings.filter((f: any) => !f.exception)).toEqual([]);
    expect(review.findings.filter((f: any) => f.ruleId.startsWith('rbac-'))).toEqual([]);
  });

  test('grants one workload API access and binds the three people profiles to groups', () => {
    const permissions = JSON.parse(read('permissions.json'));
    expect(permissions.subjects.map((s: any) => s.subject)).toEqual([
      'Group oidc:shop-admins', 'Group oidc:shop-developers', 'Group oidc:shop-support', 'ServiceAccount shop/api',
    ]);
    const api = permissions.subjects.find((s: any) => s.subject === 'ServiceAccount shop/api');
    expect(api.grants.map((g: any) => [g.resource, g.resourceNames, g.verbs])).toEqual([['configmaps', ['feature-flags'], ['get', 'watch']]]);
    expect(api.risks).toEqual([]);
  });

  test('ships a SealedSecret and an ExternalSecret consumed by workloads, and no secret value', () => {
    const yaml = read('shop.k8s.yaml');
    expect(yaml).toMatch(/^kind: SealedSecret$/m);
    expect(yaml).toMatch(/^kind: ExternalSecret$/m);
    expect(yaml).not.toMatch(/^kind: Secret$/m);
    expect(yaml).toContain('secretName: database-credentials');
    expect(yaml).toContain('secretName: payment-provider');
    const password = fs.readFileSync(path.resolve(__dirname, '../../secrets/shop/database-password'), 'utf8');
    for (const file of fs.readdirSync(dist)) {
      const text = read(file);
      for (const form of [password, Buffer.from(password).toString('base64')]) expect(text).not.toContain(form);
    }
  });

  test('REVIEW.md carries the reachability table', () => {
    expect(read('REVIEW.md')).toContain('| `shop/Deployment/storefront` | `shop/Deployment/api` | TCP 9000 |');
  });
});
