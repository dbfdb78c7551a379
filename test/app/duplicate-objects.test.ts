import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Chart } from 'cdk8s';
import { HardenedApp, HardenedDeployment, HardenedNamespace } from '../../lib';
import { ReviewFailedError } from '../../lib/app/review-gate';
import { CONTAINER } from '../support';

let workdir: string;
beforeEach(() => {
  workdir = fs.mkdtempSync(path.join(os.tmpdir(), 'duplicate-objects-'));
});
afterEach(() => fs.rmSync(workdir, { recursive: true, force: true }));

/** The error synth throws, or `undefined`. */
function synthError(app: HardenedApp): unknown {
  try {
    app.synth();
    return undefined;
  } catch (error) {
    return error;
  }
}

describe('an object defined twice in one output fails the gate, naming both constructs', () => {
  test('two charts with the same id and namespace: each ServiceAccount, Deployment and PDB copy names both construct paths', () => {
    const app = new HardenedApp({ outdir: path.join(workdir, 'dist'), reviewDate: '2026-12-01' });
    new HardenedNamespace(new Chart(app, 'platform'), 'shop');
    for (const id of ['shop-a', 'shop-b']) {
      new HardenedDeployment(new Chart(app, id, { namespace: 'shop' }), 'web', { containers: [CONTAINER], replicas: 2 });
    }
    const error = synthError(app);
    expect(error).toBeInstanceOf(ReviewFailedError);
    const duplicates = (error as ReviewFailedError).result.findings.filter((f) => f.ruleId === 'duplicate-object');
    expect(duplicates.map((f) => `${f.object.kind} ${f.origin}`).sort()).toEqual([
      'Deployment shop-a/web',
      'Deployment shop-b/web',
      'PodDisruptionBudget shop-a/web/DisruptionBudget',
      'PodDisruptionBudget shop-b/web/DisruptionBudget',
      'ServiceAccount shop-a/web/ServiceAccount',
      'ServiceAccount shop-b/web/ServiceAccount',
    ]);
    const message = (error as ReviewFailedError).message;
    expect(message).toContain(
      '[shop-a/web] duplicate-object at metadata.name: Deployment shop/web is defined more than once (also at shop-b/web)',
    );
    expect(message).toContain(
      '[shop-b/web] duplicate-object at metadata.name: Deployment shop/web is defined more than once (also at shop-a/web)',
    );
    expect(fs.existsSync(path.join(workdir, 'dist'))).toBe(false);
  });

  test('the same app with distinct chart ids in distinct namespaces passes', () => {
    const app = new HardenedApp({ outdir: path.join(workdir, 'dist'), reviewDate: '2026-12-01' });
    const platform = new Chart(app, 'platform');
    for (const id of ['shop', 'shop-2']) {
      new HardenedNamespace(platform, id);
      new HardenedDeployment(new Chart(app, id, { namespace: id }), 'web', { containers: [CONTAINER], replicas: 2 });
    }
    expect(synthError(app)).toBeUndefined();
  });
});
