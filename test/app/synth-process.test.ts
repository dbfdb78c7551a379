import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** Runs a fixture app the way `cdk8s synth` does (node + tsx), against an output folder. */
function runApp(fixture: string, outdir: string) {
  const result = spawnSync(process.execPath, ['--import', 'tsx', path.join(__dirname, 'fixtures', fixture), outdir], {
    cwd: path.resolve(__dirname, '../..'),
    encoding: 'utf8',
    env: { ...process.env, JEST_WORKER_ID: '', CDK8S_HARDENED_DEBUG: '' },
  });
  return { status: result.status, stderr: result.stderr, stdout: result.stdout };
}

describe('a failing synth, as a process', () => {
  let outdir: string;
  beforeEach(() => {
    outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'synth-process-'));
    fs.writeFileSync(path.join(outdir, 'previous.k8s.yaml'), 'kept: true\n');
  });
  afterEach(() => fs.rmSync(outdir, { recursive: true, force: true }));

  test('a prop error prints one line naming the construct, field and fix, exits 1 and writes nothing', () => {
    const { status, stderr } = runApp('bad-props-app.ts', outdir);
    expect(status).toBe(1);
    expect(stderr.trim().split('\n')).toEqual([
      expect.stringMatching(/^Error: \[platform\/shop\/web\] 'containers\[0\]\.image': 'nginx:1\.27' is not pinned by digest.* rule: 'image-digest'/),
    ]);
    expect(fs.readdirSync(outdir)).toEqual(['previous.k8s.yaml']);
  });

  test('a review failure prints one line per finding without a stack trace, exits 1 and leaves the output as it was', () => {
    const { status, stderr } = runApp('review-failing-app.ts', outdir);
    expect(status).toBe(1);
    expect(stderr).not.toMatch(/^\s+at /m);
    expect(stderr.trim().split('\n')).toEqual([
      expect.stringMatching(/^Error: review failed: 1 error finding without an exception; .* was left unchanged\.$/),
      expect.stringMatching(/^ {2}\[platform\/shop\/web\] no-host-namespaces at spec\.template\.spec\.hostNetwork: .+ Fix: .+/),
    ]);
    expect(fs.readdirSync(outdir)).toEqual(['previous.k8s.yaml']);
    expect(fs.readdirSync(path.dirname(outdir)).filter((f) => f.startsWith(`.${path.basename(outdir)}.staging-`))).toEqual([]);
  });
});
