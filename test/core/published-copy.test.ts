import * as fs from 'node:fs';
import * as path from 'node:path';
import { HardenedReviewPlugin, ReviewPluginContext } from '../../lib/review/plugin';
import { PUBLISHED_COPY_NOTE, copyForCli, copyNameFor, publishedPathOf } from '../../lib/core/published-copy';
import { removeTempDirs, tempDir } from '../support';

afterAll(removeTempDirs);

const POD = (name: string) =>
  JSON.stringify({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'shop' },
    spec: { hostNetwork: true, containers: [{ name: 'c', image: 'nginx:1.27' }] },
  });

function published(files: Record<string, string>): { dist: string; cli: string } {
  const root = tempDir('published-copy');
  const dist = path.join(root, 'dist');
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dist, name)), { recursive: true });
    fs.writeFileSync(path.join(dist, name), text);
  }
  const cli = path.join(root, 'cli-out');
  fs.mkdirSync(cli);
  copyForCli(dist, cli, Object.keys(files));
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
