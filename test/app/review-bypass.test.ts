/**
 * The synth gate reads what it publishes as kubectl will read it: a file added with `addFile`
 * and an object changed through cdk8s's escape hatch cannot carry objects past the review.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ApiObject, Chart, JsonPatch } from 'cdk8s';
import { HardenedApp } from '../../lib';
import { ReviewFailedError } from '../../lib/app/review-gate';

let workdir: string;
beforeEach(() => {
  workdir = fs.mkdtempSync(path.join(os.tmpdir(), 'review-bypass-'));
});
afterEach(() => fs.rmSync(workdir, { recursive: true, force: true }));

const PRIVILEGED_POD = {
  apiVersion: 'v1', kind: 'Pod', metadata: { name: 'hidden', namespace: 'default' },
  spec: { containers: [{ name: 'main', image: 'nginx', securityContext: { privileged: true } }] },
};

/** The rule ids of the error findings that stopped `a`'s synth (or [] when it published). */
function blockingRules(a: HardenedApp): string[] {
  try {
    a.synth();
    return [];
  } catch (error) {
    if (!(error instanceof ReviewFailedError)) throw error;
    return [...new Set(error.result.findings.filter((f) => f.severity === 'error' && !f.exception).map((f) => f.ruleId))];
  }
}

test('a Pod after a ---# line in an added file is judged, as kubectl will create it', () => {
  const a = new HardenedApp({ outdir: path.join(workdir, 'dist') });
  a.addFile('extra/notes.yaml', [
    'apiVersion: v1', 'kind: ConfigMap', 'metadata:', '  name: notes', '  namespace: default', 'data:', '  readme: |', '    text',
    '---#', ...JSON.stringify(PRIVILEGED_POD, null, 2).split('\n'), '',
  ].join('\n'));
  expect(blockingRules(a)).toContain('no-privileged');
  expect(fs.existsSync(path.join(workdir, 'dist'))).toBe(false);
});

test('items added to an object through the escape hatch are judged: kubectl creates the items, not the object', () => {
  const a = new HardenedApp({ outdir: path.join(workdir, 'dist') });
  const holder = new ApiObject(new Chart(a, 'c'), 'holder', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'holder', namespace: 'default' } });
  holder.addJsonPatch(JsonPatch.add('/items', [PRIVILEGED_POD]));
  expect(blockingRules(a)).toContain('no-privileged');
});

test('names from the manifests cannot forge lines of the gate\'s message', () => {
  const a = new HardenedApp({ outdir: path.join(workdir, 'dist') });
  const forged = 'x\n  [extra/ok.yaml:1] all clear\u202e';
  a.addFile('extra/pod.yaml', JSON.stringify({ ...PRIVILEGED_POD, spec: { containers: [{ ...PRIVILEGED_POD.spec.containers[0], name: forged }] } }));
  let message = '';
  try {
    a.synth();
  } catch (error) {
    message = (error as Error).message;
  }
  expect(message).toContain('x\\n  [extra/ok.yaml:1] all clear\\u202e');
  expect(message.split('\n').every((line) => !line.startsWith('  [extra/ok.yaml'))).toBe(true);
});
