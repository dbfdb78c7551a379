import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Chart } from 'cdk8s';
import { HardenedApp, HardenedDeployment, HardenedNamespace } from '../../lib';
import { CONTAINER } from '../support';

/**
 * `cdk8s synth` with validations in cdk8s.yaml sets CDK8S_RECORD_CONSTRUCT_METADATA=true, and
 * cdk8s then writes construct-metadata.json (object name to construct path) for the CLI's
 * validation report. It must reach the CLI's output folder, and never the published one.
 */
let workdir: string;
beforeEach(() => {
  workdir = fs.mkdtempSync(path.join(os.tmpdir(), 'construct-metadata-'));
});
afterEach(() => {
  fs.rmSync(workdir, { recursive: true, force: true });
  delete process.env.CDK8S_OUTDIR;
});

function synth(outdir: string, recordConstructMetadata: boolean): string[] {
  const app = new HardenedApp({ outdir, reviewDate: '2026-11-23', recordConstructMetadata });
  new HardenedDeployment(new HardenedNamespace(new Chart(app, 'platform'), 'shop'), 'web', { containers: [CONTAINER] });
  app.synth();
  return fs.readdirSync(outdir).sort();
}

const read = (...parts: string[]) => fs.readFileSync(path.join(workdir, ...parts), 'utf8');

test('under the CLI, construct-metadata.json goes to CDK8S_OUTDIR and not into the published folder', () => {
  process.env.CDK8S_OUTDIR = path.join(workdir, 'cli-out');
  expect(synth(path.join(workdir, 'dist'), true)).toEqual([
    '.cdk8s-hardened',
    'REVIEW.md',
    'permissions.json',
    'platform.k8s.yaml',
    'reachability.json',
    'review.json',
    'review.sarif',
  ]);
  expect(fs.readdirSync(path.join(workdir, 'cli-out')).sort()).toEqual([
    '.cdk8s-hardened-published.json',
    'construct-metadata.json',
    'platform.k8s.yaml',
  ]);
  const metadata = JSON.parse(read('cli-out', 'construct-metadata.json'));
  expect(metadata.version).toBe('1.0.0');
  expect(metadata.resources.web.path).toMatch(/^platform\/shop\/web\//);
});

test('the published folder is byte-identical whether metadata was recorded or not', () => {
  const files = (dir: string) =>
    fs
      .readdirSync(path.join(workdir, dir))
      .sort()
      .map((name) => [name, read(dir, name)]);
  synth(path.join(workdir, 'with'), true);
  synth(path.join(workdir, 'without'), false);
  expect(files('with')).toEqual(files('without'));
});
