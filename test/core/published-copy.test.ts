import * as fs from 'node:fs';
import * as path from 'node:path';
import { ValidationContext } from 'cdk8s-cli/plugins';
import { HardenedReviewPlugin, ReviewPluginContext } from '../../lib/review/plugin';
import {
  CONSTRUCT_METADATA_FILE,
  CliCopyOptions,
  PUBLISHED_COPY_NOTE,
  copyForCli,
  copyNameFor,
  publishedPathOf,
} from '../../lib/core/published-copy';
import { removeTempDirs, tempDir } from '../support';

afterAll(removeTempDirs);

const POD = (name: string) =>
  JSON.stringify({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'shop' },
    spec: { hostNetwork: true, containers: [{ name: 'c', image: 'nginx:1.27' }] },
  });

function published(files: Record<string, string>, options: CliCopyOptions = {}): { dist: string; cli: string } {
  const root = tempDir('published-copy');
  const dist = path.join(root, 'dist');
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dist, name)), { recursive: true });
    fs.writeFileSync(path.join(dist, name), text);
  }
  const cli = path.join(root, 'cli-out');
  fs.mkdirSync(cli);
  copyForCli(dist, cli, Object.keys(files), options);
  return { dist, cli };
}

test('copies keep .yaml names; .yml and .json get .yaml appended, since the CLI lists only .yaml files', () => {
  expect(copyNameFor('shop/Pod.web.k8s.yaml')).toBe('shop/Pod.web.k8s.yaml');
  expect(copyNameFor('extra/settings.yml')).toBe('extra/settings.yml.yaml');
  expect(copyNameFor('extra/settings.json')).toBe('extra/settings.json.yaml');
  const { dist, cli } = published({ 'shop/web.yaml': POD('web'), 'extra/debug.json': POD('debug') });
  expect(fs.readFileSync(path.join(cli, 'extra', 'debug.json.yaml'), 'utf8')).toBe(POD('debug'));
  expect(publishedPathOf(path.join(cli, 'extra', 'debug.json.yaml'))).toEqual({
    file: path.join(dist, 'extra', 'debug.json'),
    folder: dist + path.sep,
    review: {},
  });
  expect(publishedPathOf(path.join(cli, 'shop', 'web.yaml'))?.file).toBe(path.join(dist, 'shop', 'web.yaml'));
});

test('a file no note covers, or a note that is not one, gives no published path', () => {
  const { cli } = published({ 'web.yaml': POD('web') });
  fs.writeFileSync(path.join(cli, 'other.yaml'), POD('other'));
  expect(publishedPathOf(path.join(cli, 'other.yaml'))).toBeUndefined();
  fs.writeFileSync(path.join(cli, PUBLISHED_COPY_NOTE), '{"folder": 1, "files": {}}');
  expect(publishedPathOf(path.join(cli, 'web.yaml'))).toBeUndefined();
  fs.writeFileSync(path.join(cli, PUBLISHED_COPY_NOTE), 'not json');
  expect(publishedPathOf(path.join(cli, 'web.yaml'))).toBeUndefined();
});

test("the plugin's violations name the published file, and its summary the published folder", async () => {
  const { dist, cli } = published({ 'extra/debug.json': POD('debug') });
  const violations: { violatingResources: readonly { manifestPath: string }[] }[] = [];
  const submitted: Record<string, string>[] = [];
  const ctx: ReviewPluginContext = {
    manifests: [path.join(cli, 'extra', 'debug.json.yaml')],
    report: { addViolation: (v) => violations.push(v), submit: (_status, metadata) => submitted.push(metadata ?? {}) },
  };
  await new HardenedReviewPlugin({ packs: ['pss-baseline'], today: '2026-03-15' }).validate(ctx);
  expect(violations.flatMap((v) => v.violatingResources.map((r) => r.manifestPath))).toEqual([path.join(dist, 'extra', 'debug.json')]);
  expect(submitted[0]['Published to']).toBe(dist + path.sep);
});

/** A fake CLI context that records what the plugin reports. */
function pluginContext(manifests: string[]) {
  const violations: { ruleName: string; violatingResources: readonly { resourceName: string; manifestPath: string }[] }[] = [];
  const submitted: { status: string; metadata: Record<string, string> }[] = [];
  const ctx: ReviewPluginContext = {
    manifests,
    report: {
      addViolation: (v) => violations.push(v),
      submit: (status, metadata) => submitted.push({ status, metadata: metadata ?? {} }),
    },
  };
  return { ctx, violations, submitted };
}

const SHOP_NAMESPACE = 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n';

test("the note carries the app's review settings; the plugin applies those its properties leave unset", async () => {
  const root = tempDir('published-copy-settings');
  const { cli } = published(
    { 'web.yaml': POD('web') },
    { review: { packs: ['pss-baseline'], today: '2026-03-15', exceptionsFile: path.join(root, 'missing.yaml') } },
  );
  expect(publishedPathOf(path.join(cli, 'web.yaml'))?.review).toEqual({
    packs: ['pss-baseline'],
    today: '2026-03-15',
    exceptionsFile: path.join(root, 'missing.yaml'),
  });
  // The app's exceptions file is read: a missing one is an error naming it.
  await expect(new HardenedReviewPlugin().validate(pluginContext([path.join(cli, 'web.yaml')]).ctx)).rejects.toThrow(
    path.join(root, 'missing.yaml'),
  );
  // The plugin's own exceptionsFile wins; its summary says which app settings it used and which differ.
  const exceptions = path.join(root, 'exceptions.yaml');
  fs.writeFileSync(exceptions, 'exceptions: []\n');
  const { ctx, submitted } = pluginContext([path.join(cli, 'web.yaml')]);
  await new HardenedReviewPlugin({ exceptionsFile: exceptions, today: '2026-04-01' }).validate(ctx);
  expect(submitted[0].metadata.Packs).toBe('pss-baseline');
  expect(submitted[0].metadata["The app's settings used"]).toBe('reviewPacks');
  expect(submitted[0].metadata["Not the app's settings (cdk8s.yaml wins)"]).toBe(
    `exceptionsFile '${exceptions}', the app's exceptionsFile '${path.join(root, 'missing.yaml')}'; today '2026-04-01', the app's reviewDate '2026-03-15'`,
  );
});

test('a note whose settings are not well-formed gives none of them', () => {
  const { cli } = published({ 'web.yaml': POD('web') });
  fs.writeFileSync(
    path.join(cli, PUBLISHED_COPY_NOTE),
    JSON.stringify({ folder: 'dist/', files: { 'web.yaml': 'web.yaml' }, review: { packs: [1], today: 5, platformFile: 'p.json' } }),
  );
  expect(publishedPathOf(path.join(cli, 'web.yaml'))?.review).toEqual({ platformFile: 'p.json' });
});

describe('objects of one name (a WebService: Deployment, Service, autoscaler and budget all named web)', () => {
  const object = (kind: string, spec: Record<string, unknown>) => ({ kind, metadata: { name: 'web', namespace: 'shop' }, spec });
  const badPod = { hostNetwork: true, containers: [{ name: 'c', image: 'nginx:1.27' }] };
  const manifests = [
    SHOP_NAMESPACE,
    JSON.stringify({ apiVersion: 'apps/v1', ...object('Deployment', { selector: {}, template: { spec: badPod } }) }),
    JSON.stringify({ apiVersion: 'v1', ...object('Service', { ports: [{ port: 80 }] }) }),
    JSON.stringify({ apiVersion: 'autoscaling/v2', ...object('HorizontalPodAutoscaler', { maxReplicas: 3 }) }),
  ].join('\n---\n');
  const objects = [
    { kind: 'Namespace', name: 'shop', constructPath: 'shop/Resource' },
    { kind: 'Deployment', namespace: 'shop', name: 'web', constructPath: 'shop/web/Resource/Resource' },
    { kind: 'Service', namespace: 'shop', name: 'web', constructPath: 'shop/web/Service/Resource' },
    { kind: 'HorizontalPodAutoscaler', namespace: 'shop', name: 'web', constructPath: 'shop/web/Autoscaler/Resource' },
  ];

  test("a HardenedApp's construct metadata resolves each object's key to its own construct; the plugin passes that key", async () => {
    // cdk8s keys by name: the last object named web wins.
    const cdk8sMetadata = JSON.stringify({
      version: '1.0.0',
      resources: { shop: { path: 'shop/Resource' }, web: { path: 'shop/web/Autoscaler/Resource' } },
    });
    const { cli } = published({ 'shop.k8s.yaml': manifests }, { constructMetadata: { text: cdk8sMetadata, objects } });
    const metadata = JSON.parse(fs.readFileSync(path.join(cli, CONSTRUCT_METADATA_FILE), 'utf8'));
    expect(metadata.version).toBe('1.0.0');
    expect(metadata.resources.web).toEqual({ path: 'shop/web/Autoscaler/Resource' });
    expect(metadata.resources['Deployment shop/web']).toEqual({ path: 'shop/web/Resource/Resource' });
    expect(metadata.resources['Service shop/web']).toEqual({ path: 'shop/web/Service/Resource' });
    // The CLI's own report: it looks each resourceName up in the metadata's resources (as read by
    // ValidationPlugin.loadConstructMetadata, which checks the version above and keeps each path).
    const manifest = path.join(cli, 'shop.k8s.yaml');
    const context = new ValidationContext([manifest], 'plugin', '0.1.0', metadata.resources, false);
    await new HardenedReviewPlugin({ packs: ['pss-baseline'] }).validate(context);
    const report = context.report.toString();
    expect(report).toContain('    - Construct Path: shop/web/Resource/Resource\n');
    expect(report).toContain('    - Resource Name: Deployment shop/web\n');
    expect(report).not.toContain('shop/web/Autoscaler/Resource');
  });

  test('for another app, a shared name is not passed (the CLI would name the last construct); a unique one is', async () => {
    const dir = tempDir('plain-app');
    fs.writeFileSync(path.join(dir, 'shop.k8s.yaml'), manifests);
    fs.writeFileSync(
      path.join(dir, 'debug.k8s.yaml'),
      JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'debug', namespace: 'shop' }, spec: badPod }),
    );
    // cdk8s's metadata for such an app: by name, the last object named web wins.
    const metadata = { web: { path: 'shop/web/Autoscaler/Resource' }, debug: { path: 'debug/Resource' } };
    const context = new ValidationContext(
      [path.join(dir, 'shop.k8s.yaml'), path.join(dir, 'debug.k8s.yaml')],
      'plugin',
      '0.1.0',
      metadata,
      false,
    );
    await new HardenedReviewPlugin({ packs: ['pss-baseline'] }).validate(context);
    const occurrences = context.report
      .toString()
      .split('\n')
      .filter((line) => /Construct Path|Resource Name/.test(line))
      .map((line) => line.trim());
    expect(occurrences).toEqual([
      '- Construct Path: N/A',
      '- Resource Name: Deployment shop/web',
      '- Construct Path: debug/Resource',
      '- Resource Name: debug',
    ]);
  });
});
