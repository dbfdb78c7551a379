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
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'hidden', namespace: 'default' },
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
  a.addFile(
    'extra/notes.yaml',
    [
      'apiVersion: v1',
      'kind: ConfigMap',
      'metadata:',
      '  name: notes',
      '  namespace: default',
      'data:',
      '  readme: |',
      '    text',
      '---#',
      ...JSON.stringify(PRIVILEGED_POD, null, 2).split('\n'),
      '',
    ].join('\n'),
  );
  expect(blockingRules(a)).toContain('no-privileged');
  expect(fs.existsSync(path.join(workdir, 'dist'))).toBe(false);
});

test('items added to an object through the escape hatch are judged: kubectl creates the items, not the object', () => {
  const a = new HardenedApp({ outdir: path.join(workdir, 'dist') });
  const holder = new ApiObject(new Chart(a, 'c'), 'holder', {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'holder', namespace: 'default' },
  });
  holder.addJsonPatch(JsonPatch.add('/items', [PRIVILEGED_POD]));
  expect(blockingRules(a)).toContain('no-privileged');
});

test("names from the manifests cannot forge lines of the gate's message", () => {
  const a = new HardenedApp({ outdir: path.join(workdir, 'dist') });
  const forged = 'x\n  [extra/ok.yaml:1] all clear\u202e';
  a.addFile(
    'extra/pod.yaml',
    JSON.stringify({ ...PRIVILEGED_POD, spec: { containers: [{ ...PRIVILEGED_POD.spec.containers[0], name: forged }] } }),
  );
  let message = '';
  try {
    a.synth();
  } catch (error) {
    message = (error as Error).message;
  }
  expect(message).toContain('x\\n  [extra/ok.yaml:1] all clear\\u202e');
  expect(message.split('\n').every((line) => !line.startsWith('  [extra/ok.yaml'))).toBe(true);
});

describe('files a construct writes into the output folder itself are not published unreviewed', () => {
  /** A chart that, while it renders, writes a privileged Pod (or a link to one) into the app's output folder. */
  class WritesIntoOutdir extends Chart {
    constructor(
      scope: HardenedApp,
      id: string,
      private readonly write: (outdir: string) => void,
    ) {
      super(scope, id);
    }

    public toJson(): any[] {
      this.write((this.node.root as HardenedApp).outdir);
      return super.toJson();
    }
  }

  test.each([
    ['a YAML file', (outdir: string) => fs.writeFileSync(path.join(outdir, 'extra.yaml'), JSON.stringify(PRIVILEGED_POD)), 'extra.yaml'],
    [
      'a JSON file in a sub-folder',
      (outdir: string) => {
        fs.mkdirSync(path.join(outdir, 'more'));
        fs.writeFileSync(path.join(outdir, 'more', 'pod.json'), JSON.stringify(PRIVILEGED_POD));
      },
      'more/pod.json',
    ],
    [
      'a link to a manifest elsewhere',
      (outdir: string) => {
        fs.writeFileSync(path.join(workdir, 'elsewhere.yaml'), JSON.stringify(PRIVILEGED_POD));
        fs.symlinkSync(path.join(workdir, 'elsewhere.yaml'), path.join(outdir, 'linked.k8s.yaml'));
      },
      'linked.k8s.yaml',
    ],
  ])('%s fails synth, naming it, and nothing is published', (_, write, name) => {
    const a = new HardenedApp({ outdir: path.join(workdir, 'dist') });
    new WritesIntoOutdir(a, 'sneaky', write);
    expect(() => a.synth()).toThrow(
      new RegExp(
        `^synth wrote a file into the output folder that the review does not read, so nothing was published: ${name.replace(/\./g, '\\.')}\\. Add manifests with HardenedApp\\.addFile`,
      ),
    );
    expect(fs.existsSync(path.join(workdir, 'dist'))).toBe(false);
  });
});
