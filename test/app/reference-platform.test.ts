import { createHash } from 'node:crypto';
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
import { PLATFORM_NAMESPACES } from './platform-namespaces';

afterAll(removeTempDirs);

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** What the reference platform asks for, flow by flow (see apps/platform.ts and each add-on). */
const ASKED_FLOWS = [
  { from: 'fulfilment/Deployment/order-worker', to: 'fulfilment/StatefulSet/orders-queue', ports: ['TCP 5672'] },
  { from: 'shop/CronJob/nightly-report', to: 'shop/StatefulSet/database', ports: ['TCP 5432'] },
  { from: 'shop/Deployment/api', to: 'fulfilment/StatefulSet/orders-queue', ports: ['TCP 5672'] },
  { from: 'shop/Deployment/api', to: 'shop/StatefulSet/database', ports: ['TCP 5432'] },
  { from: 'shop/Deployment/storefront', to: 'shop/Deployment/api', ports: ['TCP 9000'] },
  // The ingress controller forwards to the storefront and to Argo CD's UI.
  { from: 'ingress-nginx/Deployment/ingress-nginx-controller', to: 'shop/Deployment/storefront', ports: ['TCP 8080'] },
  { from: 'ingress-nginx/Deployment/ingress-nginx-controller', to: 'argocd/Deployment/argocd-server', ports: ['TCP 8080'] },
  // Argo CD's components: manifests from the repo server, the cache in redis.
  { from: 'argocd/Deployment/argocd-server', to: 'argocd/Deployment/argocd-repo-server', ports: ['TCP 8081'] },
  { from: 'argocd/Deployment/argocd-server', to: 'argocd/Deployment/argocd-redis', ports: ['TCP 6379'] },
  { from: 'argocd/StatefulSet/argocd-application-controller', to: 'argocd/Deployment/argocd-repo-server', ports: ['TCP 8081'] },
  { from: 'argocd/StatefulSet/argocd-application-controller', to: 'argocd/Deployment/argocd-redis', ports: ['TCP 6379'] },
  { from: 'argocd/Deployment/argocd-applicationset-controller', to: 'argocd/Deployment/argocd-repo-server', ports: ['TCP 8081'] },
  { from: 'argocd/Deployment/argocd-repo-server', to: 'argocd/Deployment/argocd-redis', ports: ['TCP 6379'] },
];
const sorted = (flows: any[]) => [...flows].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
/** The API server, as apps/platform.ts places it: the add-ons' controllers call it, it calls their webhooks. */
const API_SERVER = { cidr: '10.0.0.0/28', except: [], ports: ['TCP 6443'] };
const fromApiServer = (port: number) => ({ cidr: '10.0.0.0/28', except: [], ports: [`TCP ${port}`] });
const ASKED_EXTERNAL = [
  { workload: 'argocd/Deployment/argocd-applicationset-controller', egress: [API_SERVER], ingress: [] },
  // redis' init container writes its password Secret.
  { workload: 'argocd/Deployment/argocd-redis', egress: [API_SERVER], ingress: [] },
  // The repo server reaches Git, and nothing else.
  { workload: 'argocd/Deployment/argocd-repo-server', egress: [{ cidr: '140.82.112.0/20', except: [], ports: ['TCP 443'] }], ingress: [] },
  { workload: 'argocd/Deployment/argocd-server', egress: [API_SERVER], ingress: [] },
  { workload: 'argocd/StatefulSet/argocd-application-controller', egress: [API_SERVER], ingress: [] },
  // The audit log shipper reaches the log store, and nothing else.
  {
    workload: 'audit-log-shipping/DaemonSet/audit-log-shipper',
    egress: [{ cidr: '10.0.48.0/28', except: [], ports: ['TCP 443'] }],
    ingress: [],
  },
  { workload: 'cert-manager/Deployment/cert-manager', egress: [API_SERVER], ingress: [] },
  { workload: 'cert-manager/Deployment/cert-manager-cainjector', egress: [API_SERVER], ingress: [] },
  { workload: 'cert-manager/Deployment/cert-manager-webhook', egress: [API_SERVER], ingress: [fromApiServer(10250)] },
  {
    workload: 'external-secrets/Deployment/external-secrets',
    egress: [API_SERVER, { cidr: '10.0.16.0/28', except: [], ports: ['TCP 443'] }],
    ingress: [],
  },
  { workload: 'external-secrets/Deployment/external-secrets-cert-controller', egress: [API_SERVER], ingress: [] },
  { workload: 'external-secrets/Deployment/external-secrets-webhook', egress: [], ingress: [fromApiServer(10250)] },
  {
    workload: 'ingress-nginx/Deployment/ingress-nginx-controller',
    egress: [API_SERVER],
    ingress: [{ cidr: '0.0.0.0/0', except: [], ports: ['TCP 80', 'TCP 443'] }, fromApiServer(8443)],
  },
  { workload: 'ingress-nginx/Job/ingress-nginx-admission-create', egress: [API_SERVER], ingress: [] },
  { workload: 'ingress-nginx/Job/ingress-nginx-admission-patch', egress: [API_SERVER], ingress: [] },
  // kubeseal --fetch-cert reaches the controller through the API server's service proxy.
  { workload: 'sealed-secrets/Deployment/sealed-secrets', egress: [API_SERVER], ingress: [fromApiServer(8080)] },
  { workload: 'shop/Deployment/api', egress: [{ cidr: '203.0.113.0/24', except: [], ports: ['TCP 443'] }], ingress: [] },
];
/** The construct paths of the add-ons: the only objects whose RBAC departs from the rules, each with its reason. */
const ADD_ONS = [
  'argocd/argo-cd/',
  'cert-manager/cert-manager/',
  'external-secrets/external-secrets/',
  'ingress-nginx/ingress-nginx/',
  'sealed-secrets/sealed-secrets/',
];
const FOLDERS = PLATFORM_NAMESPACES;

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
  const manifests = () => FOLDERS.flatMap((folder) => fs.readdirSync(path.join(dist, folder)).map((file) => read(path.join(folder, file))));

  test('every namespace has the Pod Security labels (restricted but where excepted) and default deny in both directions', () => {
    const reachability = JSON.parse(read('reachability.json'));
    expect(reachability.workloads.length).toBeGreaterThan(0);
    for (const workload of reachability.workloads) expect(workload.isolated).toEqual({ ingress: true, egress: true });
    const namespaces = manifests().filter((m) => /^kind: Namespace$/m.test(m));
    expect(namespaces.length).toBeGreaterThan(0);
    // Restricted everywhere but the audit log shipper's namespace, which says why (its hostPath).
    for (const ns of namespaces.filter((n) => !/^ {2}name: audit-log-shipping$/m.test(n))) {
      expect(ns).toMatch(/pod-security\.kubernetes\.io\/enforce: restricted/);
    }
    const shipping = namespaces.find((n) => /^ {2}name: audit-log-shipping$/m.test(n));
    expect(shipping).toMatch(/pod-security\.kubernetes\.io\/enforce: privileged/);
    expect(shipping).toMatch(/pod-security\.kubernetes\.io\/audit: restricted/);
    expect(shipping).toMatch(/exception\.hardened\.cdk8s\.io\/namespace-pod-security: The audit log shipper mounts/);
  });

  test('every allowed flow in reachability.json was asked for, and nothing else', () => {
    const reachability = JSON.parse(read('reachability.json'));
    expect(reachability.open).toEqual({ ingress: [], egress: [] });
    expect(sorted(reachability.flows)).toEqual(sorted(ASKED_FLOWS));
    expect(sorted(reachability.external.filter((e: any) => e.egress.length || e.ingress.length))).toEqual(sorted(ASKED_EXTERNAL));
    // Outside the output: every workload reaches the cluster DNS, and nothing outside reaches any
    // (the ingress controller, which reaches the storefront and Argo CD's UI, is part of the output).
    const dns = { namespaces: 'kube-system', pods: 'k8s-app=kube-dns', ports: ['TCP 53', 'UDP 53'] };
    expect(reachability.outside.map((o: any) => o.workload)).toEqual(reachability.workloads.map((w: any) => w.id));
    for (const o of reachability.outside) expect(o.egress).toEqual([dns]);
    expect(reachability.outside.filter((o: any) => o.ingress.length)).toEqual([]);
  });

  test("is reviewed with no finding left open, and no RBAC refusal excepted outside the add-ons' own objects", () => {
    const review = JSON.parse(read('review.json'));
    expect(review.findings.filter((f: any) => !f.exception)).toEqual([]);
    const rbac = review.findings.filter((f: any) => f.ruleId.startsWith('rbac-'));
    // The controllers' powers (Argo CD deploys anything, ingress-nginx reads TLS Secrets...) are their job, each excepted with its reason.
    expect(rbac.length).toBeGreaterThan(0);
    expect(rbac.filter((f: any) => !ADD_ONS.some((addOn) => f.origin.startsWith(addOn)))).toEqual([]);
    for (const f of rbac) expect(f.exception.reason.length).toBeGreaterThan(40);
  });

  test("grants one tenant workload API access, the add-ons' controllers theirs, and binds the three people profiles to groups", () => {
    const permissions = JSON.parse(read('permissions.json'));
    expect(permissions.subjects.map((s: any) => s.subject)).toEqual([
      'Group oidc:fulfilment-developers',
      'Group oidc:fulfilment-support',
      'Group oidc:platform-admins',
      'Group oidc:shop-admins',
      'Group oidc:shop-developers',
      'Group oidc:shop-support',
      'ServiceAccount argocd/argocd-application-controller',
      'ServiceAccount argocd/argocd-applicationset-controller',
      'ServiceAccount argocd/argocd-redis',
      'ServiceAccount argocd/argocd-server',
      'ServiceAccount cert-manager/cert-manager',
      'ServiceAccount cert-manager/cert-manager-cainjector',
      'ServiceAccount cert-manager/cert-manager-webhook',
      'ServiceAccount external-secrets/external-secrets',
      'ServiceAccount external-secrets/external-secrets-cert-controller',
      'ServiceAccount ingress-nginx/ingress-nginx',
      'ServiceAccount ingress-nginx/ingress-nginx-admission',
      'ServiceAccount sealed-secrets/sealed-secrets',
      'ServiceAccount shop/api',
    ]);
    const api = permissions.subjects.find((s: any) => s.subject === 'ServiceAccount shop/api');
    expect(api.grants.map((g: any) => [g.resource, g.resourceNames, g.verbs])).toEqual([
      ['configmaps', ['feature-flags'], ['get', 'watch']],
    ]);
    expect(api.risks).toEqual([]);
  });

  describe("the platform's custom resources against their projects' CRDs", () => {
    test("its SealedSecrets, ExternalSecrets, Applications, AppProjects and PrometheusRule have the shape their projects' CRDs give them", () => {
      const crds = vendoredCustomResourceDefinitions();
      const custom = loadManifests([dist]).filter((m) => !isBuiltInGroup(String(m.object.apiVersion).split('/')[0]));
      expect([...new Set(custom.map((m) => m.object.kind))].sort()).toEqual([
        'AppProject',
        'Application',
        'ClusterSecretStore',
        'ExternalSecret',
        'PrometheusRule',
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
    // The only Secrets are two the add-ons' controllers fill in the cluster, shipped without data.
    const secrets = manifests().filter((m) => /^kind: Secret$/m.test(m));
    expect(secrets.map((m) => m.match(/^ {2}name: (.+)$/m)?.[1]).sort()).toEqual(['argocd-secret', 'external-secrets-webhook']);
    for (const secret of secrets) expect(secret).not.toMatch(/^(data|stringData):/m);
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
    expect(folders).toEqual(FOLDERS);
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
        // The add-ons' CRDs are upstream's, unchanged (vendor/addons, checked against SOURCE.json):
        // their hash stands for their megabytes.
        if (path.basename(file).startsWith('CustomResourceDefinition.')) return [file, `<upstream CRD, sha256 ${sha256(text)}>`];
        // Sealing is randomized and the database password is generated per machine.
        return [file, text.replace(/^( {4}password: ).+$/gm, '$1<sealed>')];
      }),
    );
    expect(snapshot[path.join('shop', 'SealedSecret.database-credentials.k8s.yaml')]).toContain('password: <sealed>');
    expect(snapshot).toMatchSnapshot();
  });
});
