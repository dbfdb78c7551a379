/**
 * Proof against Helm's own engine: each chart vendored in vendor/addons/<name>/chart, rendered by
 * the peer (test/peers/helm-render: `helm template RELEASE CHART --namespace NS -f VALUES
 * --include-crds`, helm.sh/helm/v4) with the settings its SOURCE.json records, gives its
 * rendered.yaml byte for byte. The peer is built by `scripts/install-peers.sh helm-render` into
 * `.tools/bin/` (`npm test` does it first); without it a test fails and says how to install it.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { removeTempDirs, tempDir, withInstalledTool } from '../support';

const ROOT = path.resolve(__dirname, '../..');
const PEER = path.join(ROOT, '.tools/bin/helm-render');
const VENDOR = path.join(ROOT, 'vendor/addons');

afterAll(removeTempDirs);

/** What the peer prints for the chart in `folder` with these settings, or its error. */
function helmRender(folder: string, settings: { release: string; namespace: string; values: string }) {
  const run = spawnSync(
    PEER,
    ['--chart', path.join(folder, 'chart'), '--release', settings.release, '--namespace', settings.namespace, '--values', settings.values],
    { maxBuffer: 256 * 1024 * 1024 },
  );
  return { status: run.status, stdout: run.stdout, stderr: run.stderr?.toString('utf8') ?? '' };
}

const charts = fs
  .readdirSync(VENDOR)
  .filter((name) => fs.existsSync(path.join(VENDOR, name, 'chart/Chart.yaml')))
  .sort();

withInstalledTool(PEER, 'the Helm renderer', 'scripts/install-peers.sh helm-render', () => {
  test.each(charts)("vendor/addons/%s/rendered.yaml is Helm's rendering of the vendored chart", (name) => {
    const folder = path.join(VENDOR, name);
    const rendered = JSON.parse(fs.readFileSync(path.join(folder, 'SOURCE.json'), 'utf8')).rendered;
    const run = helmRender(folder, { ...rendered, values: path.join(folder, rendered.values) });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout.equals(fs.readFileSync(path.join(folder, rendered.file)))).toBe(true);
  });

  test('the values matter: without them cert-manager renders no CRDs', () => {
    const empty = path.join(tempDir('helm-render-'), 'values.yaml');
    fs.writeFileSync(empty, '');
    const run = helmRender(path.join(VENDOR, 'cert-manager'), { release: 'cert-manager', namespace: 'cert-manager', values: empty });
    expect(run.status).toBe(0);
    const kinds = run.stdout.toString('utf8').match(/^kind: \S+$/gm) ?? [];
    expect(kinds).toContain('kind: Deployment');
    expect(kinds).not.toContain('kind: CustomResourceDefinition');
  });

  test('a dependency left out of the vendored chart may stay out only while its condition disables it', () => {
    const values = path.join(tempDir('helm-render-'), 'values.yaml');
    fs.writeFileSync(values, 'bitwarden-sdk-server:\n  enabled: true\n');
    const run = helmRender(path.join(VENDOR, 'external-secrets'), {
      release: 'external-secrets',
      namespace: 'external-secrets',
      values,
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/found in Chart\.yaml, but missing in charts\/ directory: bitwarden-sdk-server/);
  });
});
