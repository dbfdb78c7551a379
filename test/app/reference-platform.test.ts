import * as fs from 'node:fs';
import * as path from 'node:path';
import { YamlOutputType } from 'cdk8s';
import { buildReferencePlatform, REFERENCE_APP_PROPS } from '../../apps/platform';
import { HardenedApp } from '../../lib';
import { vendoredCustomResourceDefinitions } from '../../lib/addons/vendored-crds';
import { review } from '../../lib/review/engine';
import { loadManifests } from '../../lib/review/manifest-files';
import { isBuiltInGroup } from '../../lib/review/schema/shapes';
import { removeTempDirs, tempDir } from '../support';

afterAll(removeTempDirs);

/** What the reference platform asks for, flow by flow (see apps/platform.ts). */
const ASKED_FLOWS = [
  { from: 'fulfilment/Deployment/order-worker', to: 'fulfilment/StatefulSet/orders-queue', ports: ['TCP 5672'] },
  { from: 'shop/CronJob/nightly-report', to: 'shop/StatefulSet/database', ports: ['TCP 5432'] },
  { from: 'shop/Deployment/api', to: 'fulfilment/StatefulSet/orders-queue', ports: ['TCP 5672'] },
  { from: 'shop/Deployment/api', to: 'shop/StatefulSet/database', ports: ['TCP 5432'] },
  { from: 'shop/Deployment/storefront', to: 'shop/Deployment/api', ports: ['TCP 9000'] },
];
const sorted = (flows: any[]) => [...flows].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
const ASKED_EGRESS = [
  { workload: 'shop/Deployment/api', egress: [{ cidr: '203.0.113.0/24', except: [], ports: ['TCP 443'] }], ingress: [] },
];

describe('the reference platform', () => {
  let dist: string;
  beforeAll(() => {
    const work = tempDir('platform-');
    dist = path.join(work, 'dist');
    const app = new HardenedApp({
      ...REFERENCE_APP_PROPS,
      outdir: dist,
      reviewDate: '2026-11-23',
      yamlOutputType: YamlOutputType.FOLDER_PER_CHART_FILE_PER_RESOURCE,
    });
    buildReferencePlatform(app);
    app.synth();
  });

  const read = (file: string) => fs.readFileSync(path.join(dist, file), 'utf8');
  /** Every manifest file below dist/, as text. */
  const manifests = () =>
    ['shop', 'fulfilment', 'argocd'].flatMap((folder) =>
      fs.readdirSync(path.join(dist, folder)).map((file) => read(path.join(folder, file))),
    );

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
    expect(sorted(reachability.flows)).toEqual(sorted(ASKED_FLOWS));
    expect(reachability.external.filter((e: any) => e.egress.length || e.ingress.length)).toEqual(ASKED_EGRESS);
    // Outside the output: every workload reaches the cluster DNS; only the storefront is reached, by the ingress controller.
    const dns = { namespaces: 'kube-system', pods: 'k8s-app=kube-dns', ports: ['TCP 53', 'UDP 53'] };
    expect(reachability.outside.map((o: any) => o.workload)).toEqual(reachability.workloads.map((w: any) => w.id));
    for (const o of reachability.outside) expect(o.egress).toEqual([dns]);
    expect(reachability.outside.filter((o: any) => o.ingress.length)).toEqual([
      {
        workload: 'shop/Deployment/storefront',
        egress: [dns],
        ingress: [{ namespaces: 'ingress-nginx', pods: 'app.kubernetes.io/name=ingress-nginx', ports: ['TCP 8080'] }],
      },
    ]);
  });

  test('is reviewed with no finding left open, and no RBAC refusal excepted', () => {
    const review = JSON.parse(read('review.json'));
    expect(review.findings.filter((f: any) => !f.exception)).toEqual([]);
    expect(review.findings.filter((f: any) => f.ruleId.startsWith('rbac-'))).toEqual([]);
  });

  test('grants one workload API access and binds the three people profiles to groups', () => {
    const permissions = JSON.parse(read('permissions.json'));
    expect(permissions.subjects.map((s: any) => s.subject)).toEqual([
      'Group oidc:fulfilment-developers',
      'Group oidc:fulfilment-support',
      'Group oidc:platform-admins',
      'Group oidc:shop-admins',
      'Group oidc:shop-developers',
      'Group oidc:shop-support',
      'ServiceAccount shop/api',
    ]);
    const api = permissions.subjects.find((s: any) => s.subject === 'ServiceAccount shop/api');
    expect(api.grants.map((g: any) => [g.resource, g.resourceNames, g.verbs])).toEqual([
      ['configmaps', ['feature-flags'], ['get', 'watch']],
    ]);
    expect(api.risks).toEqual([]);
  });

  describe("the platform's custom resources against their projects' CRDs", () => {
    test("its SealedSecrets, ExternalSecrets, Applications and AppProjects have the shape their projects' CRDs give them", () => {
      const crds = vendoredCustomResourceDefinitions();
      const custom = loadManifests([dist]).filter((m) => !isBuiltInGroup(String(m.object.apiVersion).split('/')[0]));
      expect([...new Set(custom.map((m) => m.object.kind))].sort()).toEqual([
        'AppProject',
        'Application',
        'ExternalSecret',
        'SealedSecret',
      ]);
      const judged = (objects: typeof custom) =>
        review(objects, { packs: ['namespaces'], today: '2026-11-23', customResourceDefinitions: crds })
          .findings.filter((f) => f.ruleId === 'object-schema')
          .map((f) => `${f.object.kind} ${f.path}`);
      expect(judged(custom)).toEqual([]);
      // Judged, not skipped: the same objects with a field their CRD lacks each fail.
      const misspelt = custom.map((m) => ({ ...m, object: { ...m.object, spec: { ...(m.object.spec as object), extraField: true } } }));
      expect(judged(misspelt).sort()).toEqual(custom.map((m) => `${m.object.kind} spec.extraField`).sort());
    });
  });

  test('ships a SealedSecret and an ExternalSecret consumed by workloads, and no secret value', () => {
    const yaml = manifests().join('---\n');
    expect(yaml).toMatch(/^kind: SealedSecret$/m);
    expect(yaml).toMatch(/^kind: ExternalSecret$/m);
    expect(yaml).not.toMatch(/^kind: Secret$/m);
    expect(yaml).toContain('secretName: database-credentials');
    expect(yaml).toContain('secretName: payment-provider');
    const password = fs.readFileSync(path.resolve(__dirname, '../../secrets/shop/database-password'), 'utf8');
    const files = fs.readdirSync(dist, { recursive: true, withFileTypes: true }).filter((e) => e.isFile());
    expect(files.length).toBeGreaterThan(40);
    for (const entry of files) {
      const text = fs.readFileSync(path.join(entry.parentPath ?? (entry as any).path, entry.name), 'utf8');
      for (const form of [password, Buffer.from(password).toString('base64')]) expect(text).not.toContain(form);
    }
  });

  test('REVIEW.md carries the reachability table', () => {
    expect(read('REVIEW.md')).toContain('| `shop/Deployment/storefront` | `shop/Deployment/api` | TCP 9000 |');
  });
});

describe('the reference platform, for GitOps', () => {
  const synthTo = (outdir: string) => {
    const app = new HardenedApp({ outdir, reviewDate: '2026-11-23', yamlOutputType: YamlOutputType.FOLDER_PER_CHART_FILE_PER_RESOURCE });
    buildReferencePlatform(app, { repoUrl: 'https://git.example.com/platform.git', outputPath: 'clusters/prod' });
    app.synth();
    return outdir;
  };
  /** Every file below `dir`, relative path → content. */
  const tree = (dir: string): Record<string, string> =>
    Object.fromEntries(
      fs
        .readdirSync(dir, { recursive: true, withFileTypes: true })
        .filter((e) => e.isFile())
        .map((e) => path.join(e.parentPath ?? (e as any).path, e.name))
        .sort()
        .map((file) => [path.relative(dir, file), fs.readFileSync(file, 'utf8')]),
    );

  test('has one folder per tenant, and Argo CD Applications confined to them', () => {
    const dist = tree(synthTo(tempDir('gitops-')));
    const folders = [
      ...new Set(
        Object.keys(dist)
          .filter((f) => f.includes(path.sep))
          .map((f) => f.split(path.sep)[0]),
      ),
    ];
    expect(folders).toEqual(['argocd', 'fulfilment', 'shop']);
    for (const tenant of ['shop', 'fulfilment']) {
      const application = dist[path.join('argocd', `Application.${tenant}.k8s.yaml`)];
      expect(application).toContain(`path: clusters/prod/${tenant}`);
      expect(application).toContain('repoURL: https://git.example.com/platform.git');
      const project = dist[path.join('argocd', `AppProject.${tenant}.k8s.yaml`)];
      expect(project).toMatch(new RegExp(`destinations:\\n\\s+- namespace: ${tenant}\\n`));
      // Every namespaced object of the tenant's folder is in the tenant's namespace.
      for (const [file, text] of Object.entries(dist).filter(([f]) => f.startsWith(tenant + path.sep))) {
        if (file.includes('Namespace.')) continue;
        expect([file, text.match(/^ {2}namespace: (.+)$/m)?.[1]]).toEqual([file, tenant]);
      }
    }
  });

  test('two synths give byte-identical files', () => {
    const one = tree(synthTo(tempDir('determinism-')));
    const two = tree(synthTo(tempDir('determinism-')));
    expect(Object.keys(one).length).toBeGreaterThan(50);
    expect(two).toEqual(one);
  });
});

describe('the reference platform snapshot', () => {
  // The manifests and the analyses; review.json, review.sarif and REVIEW.md list every rule
  // and pack, and are covered by their own tests.
  test('matches: every manifest and analysis of dist/ (sealed values, random by design, redacted)', () => {
    const outdir = tempDir('snapshot-');
    const app = new HardenedApp({
      ...REFERENCE_APP_PROPS,
      outdir,
      reviewDate: '2026-11-23',
      yamlOutputType: YamlOutputType.FOLDER_PER_CHART_FILE_PER_RESOURCE,
    });
    buildReferencePlatform(app);
    app.synth();
    const files = fs
      .readdirSync(outdir, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => path.relative(outdir, path.join(e.parentPath ?? (e as any).path, e.name)))
      .filter((file) => !/^(review\.json|review\.sarif|REVIEW\.md)$/.test(file))
      .sort();
    const snapshot = Object.fromEntries(
      files.map((file) => {
        const text = fs.readFileSync(path.join(outdir, file), 'utf8');
        // Sealing is randomized and the database password is generated per machine.
        return [file, text.replace(/^( {4}password: ).+$/gm, '$1<sealed>')];
      }),
    );
    expect(snapshot[path.join('shop', 'SealedSecret.database-credentials.k8s.yaml')]).toContain('password: <sealed>');
    expect(snapshot).toMatchSnapshot();
  });
});
