import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Chart, Testing } from 'cdk8s';
import { buildReferencePlatform } from '../../apps/platform';
import { HardenedApp, HardenedDeployment, HardenedNamespace } from '../../lib';
import { ReviewFailedError } from '../../lib/app/review-gate';
import { readManifests } from '../../lib/review/manifest-files';
import { HardenedReviewPlugin } from '../../lib/review/plugin';
import { PLATFORM_CONTRACT_FILE, readPlatformContract } from '../../lib/review/platform-contract';
import { CONTAINER, removeTempDirs, tempDir } from '../support';

afterAll(removeTempDirs);

const TODAY = '2026-11-23';

/** The platform repository: the namespace `shop` with a workload, published with its contract. */
function synthPlatform(work: string, props: { publishPlatformContract?: boolean } = { publishPlatformContract: true }): string {
  const dist = path.join(work, 'platform', 'dist');
  const app = new HardenedApp({ outdir: dist, reviewDate: TODAY, ...props });
  const shop = new HardenedNamespace(new Chart(app, 'platform'), 'shop');
  new HardenedDeployment(shop, 'gateway', { containers: [CONTAINER] });
  app.synth();
  return dist;
}

/** An application repository: only a Deployment in `shop`, which it does not declare. */
function appWithDeployment(work: string, platformFile?: string): HardenedApp {
  const app = new HardenedApp({ outdir: path.join(work, 'app', 'dist'), reviewDate: TODAY, ...(platformFile ? { platformFile } : {}) });
  new HardenedDeployment(new Chart(app, 'shop-app', { namespace: 'shop' }), 'web', { containers: [CONTAINER] });
  return app;
}

describe('HardenedApp publishPlatformContract', () => {
  test("publishes platform.json beside the manifests: the namespace's Pod Security, default deny and Service quotas", () => {
    const dist = synthPlatform(tempDir('contract-app-'));
    const { contract } = readPlatformContract(path.join(dist, PLATFORM_CONTRACT_FILE));
    expect(contract.namespaces).toEqual([
      {
        name: 'shop',
        podSecurity: expect.objectContaining({ enforce: 'restricted', audit: 'restricted', warn: 'restricted' }),
        defaultDeny: { ingress: true, egress: true },
        serviceQuota: [
          { quota: 'default-quota', zero: 'services.loadbalancers' },
          { quota: 'default-quota', zero: 'services.nodeports' },
        ],
      },
    ]);
  });

  test("the reference platform's contract declares its tenants and add-ons, each restricted (the audit log shipper's excepted) and closed both ways", () => {
    const dist = path.join(tempDir('contract-app-'), 'dist');
    const app = new HardenedApp({ outdir: dist, reviewDate: TODAY, publishPlatformContract: true });
    buildReferencePlatform(app);
    app.synth();
    const { contract } = readPlatformContract(path.join(dist, PLATFORM_CONTRACT_FILE));
    expect(contract.namespaces.map((n) => [n.name, n.podSecurity.enforce, n.defaultDeny])).toEqual([
      ['argocd', 'restricted', { ingress: true, egress: true }],
      // Its hostPath needs privileged: a reasoned exception (lib/monitoring/audit-log-shipper.ts).
      ['audit-log-shipping', 'privileged', { ingress: true, egress: true }],
      ['cert-manager', 'restricted', { ingress: true, egress: true }],
      ['external-secrets', 'restricted', { ingress: true, egress: true }],
      ['fulfilment', 'restricted', { ingress: true, egress: true }],
      ['ingress-nginx', 'restricted', { ingress: true, egress: true }],
      ['sealed-secrets', 'restricted', { ingress: true, egress: true }],
      ['security-monitoring', 'restricted', { ingress: true, egress: true }],
      ['shop', 'restricted', { ingress: true, egress: true }],
    ]);
  });

  test('is deterministic: two synths write the same bytes', () => {
    const read = (dist: string) => fs.readFileSync(path.join(dist, PLATFORM_CONTRACT_FILE), 'utf8');
    expect(read(synthPlatform(tempDir('contract-app-')))).toBe(read(synthPlatform(tempDir('contract-app-'))));
  });

  test('is not written unless asked for', () => {
    const dist = synthPlatform(tempDir('contract-app-'), {});
    expect(fs.existsSync(path.join(dist, PLATFORM_CONTRACT_FILE))).toBe(false);
  });

  test('is published only when the review passes, like the YAML', () => {
    const work = tempDir('contract-app-');
    const dist = path.join(work, 'dist');
    const app = new HardenedApp({ outdir: dist, reviewDate: TODAY, publishPlatformContract: true });
    new HardenedDeployment(new Chart(app, 'loose', { namespace: 'undeclared' }), 'web', { containers: [CONTAINER] });
    expect(() => app.synth()).toThrow(ReviewFailedError);
    expect(fs.existsSync(dist)).toBe(false);
    expect(fs.readdirSync(work)).toEqual([]);
  });

  test('cdk8s-hardened review dist/ reads it as our report, not as a manifest', () => {
    const dist = synthPlatform(tempDir('contract-app-'));
    const origins = readManifests([dist]).manifests.map((m) => m.origin);
    expect(origins.length).toBeGreaterThan(0);
    expect(origins.some((o) => o.includes(PLATFORM_CONTRACT_FILE))).toBe(false);
  });

  test("addFile cannot take the contract's name", () => {
    const app = new HardenedApp({ outdir: path.join(tempDir('contract-app-'), 'dist'), publishPlatformContract: true });
    expect(() => app.addFile('platform.json', '{}')).toThrow("addFile: 'platform.json' is already written by this app.");
  });
});

describe('HardenedApp platformFile', () => {
  test('an app with only a Deployment in the platform namespace passes with the contract, and fails without it', () => {
    const work = tempDir('contract-app-');
    const contractFile = path.join(synthPlatform(work), PLATFORM_CONTRACT_FILE);

    expect(() => appWithDeployment(work).synth()).toThrow(
      /workload-namespace-hardened .*workload runs in namespace "shop", which this output does not declare/,
    );
    expect(fs.existsSync(path.join(work, 'app', 'dist'))).toBe(false);

    appWithDeployment(work, contractFile).synth();
    const reviewMd = fs.readFileSync(path.join(work, 'app', 'dist', 'REVIEW.md'), 'utf8');
    const sha256 = createHash('sha256').update(fs.readFileSync(contractFile)).digest('hex');
    expect(reviewMd).toContain('**Passed**');
    expect(reviewMd).toContain(`Platform contract: \`${contractFile}\` (sha256 \`${sha256}\`), declaring 1 namespace(s): shop.`);
    // The app does not republish the platform's contract.
    expect(fs.existsSync(path.join(work, 'app', 'dist', PLATFORM_CONTRACT_FILE))).toBe(false);
  });

  test('an app declaring a namespace the contract declares fails synth: two owners', () => {
    const work = tempDir('contract-app-');
    const contractFile = path.join(synthPlatform(work), PLATFORM_CONTRACT_FILE);
    const app = new HardenedApp({ outdir: path.join(work, 'app', 'dist'), reviewDate: TODAY, platformFile: contractFile });
    new HardenedDeployment(new HardenedNamespace(new Chart(app, 'mine'), 'shop'), 'web', { containers: [CONTAINER] });
    expect(() => app.synth()).toThrow(
      `namespace "shop" is declared both by the reviewed objects (mine/shop) and by the platform contract ${contractFile}: a namespace has one owner.`,
    );
    expect(fs.existsSync(path.join(work, 'app', 'dist'))).toBe(false);
  });

  test('a malformed or missing contract fails when the app is created, naming the prop, the file, the JSON path and the fix', () => {
    const work = tempDir('contract-app-');
    const bad = path.join(work, 'platform.json');
    fs.writeFileSync(bad, JSON.stringify({ schemaVersion: 1, writtenBy: 'cdk8s-hardened 1.0.0', namespaces: [{ name: 'shop' }] }));
    expect(() => new HardenedApp({ outdir: path.join(work, 'dist'), platformFile: bad })).toThrow(
      `'platformFile': platform contract ${bad}: $.namespaces[0].podSecurity is missing. Fix: use the platform.json`,
    );
    expect(() => new HardenedApp({ outdir: path.join(work, 'dist'), platformFile: path.join(work, 'none.json') })).toThrow(
      `'platformFile': platform contract ${path.join(work, 'none.json')} does not exist. Fix:`,
    );
  });
});

describe("the validation plugin's platformFile", () => {
  /** The plugin on an app's manifests that only deploy into `shop`: the report's status and failing rules. */
  async function pluginOn(work: string, platformFile?: string) {
    const chart = new Chart(Testing.app(), 'shop-app', { namespace: 'shop' });
    new HardenedDeployment(chart, 'web', { containers: [CONTAINER] });
    const manifest = path.join(work, 'shop-app.k8s.yaml');
    fs.writeFileSync(
      manifest,
      Testing.synth(chart)
        .map((o) => `---\n${JSON.stringify(o)}\n`)
        .join(''),
    );
    const rules: string[] = [];
    let status = '';
    const plugin = new HardenedReviewPlugin({ today: TODAY, ...(platformFile ? { platformFile } : {}) });
    await plugin.validate({
      manifests: [manifest],
      report: { addViolation: (v) => rules.push(v.ruleName), submit: (s) => void (status = s) },
    });
    return { status, rules };
  }

  test('the namespaces of the contract count as declared, as with review --platform', async () => {
    const work = tempDir('contract-plugin-');
    const dist = synthPlatform(work);
    expect(await pluginOn(work)).toEqual({ status: 'failure', rules: expect.arrayContaining(['workload-namespace-hardened']) });
    expect(await pluginOn(work, path.join(dist, PLATFORM_CONTRACT_FILE))).toEqual({ status: 'success', rules: [] });
  });

  test('a missing contract fails the plugin naming the file', () => {
    expect(() => new HardenedReviewPlugin({ platformFile: 'nowhere/platform.json' })).toThrow(
      /platform contract nowhere\/platform\.json does not exist/,
    );
  });
});
