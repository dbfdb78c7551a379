import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { ValidationViolation } from 'cdk8s-cli/plugins';
import { HardenedReviewPlugin, ReviewPluginContext } from '../../lib/review/plugin';
import { WIDGET_CRD, widget } from './custom-resource-cases';
import { fifoWithWriter } from './fifo';

const ROOT = path.resolve(__dirname, '../..');
const FIXTURES = path.join(__dirname, 'fixtures', 'bad-manifests');
const manifest = (name: string) => path.join(FIXTURES, name);
const POD_PACKS = ['pss-baseline', 'pss-restricted', 'workload-hardening'];

type Submit = ReviewPluginContext['report']['submit'];

/** A fake of the CLI's context that records what the plugin reports. */
function context(manifests: string[]) {
  const violations: ValidationViolation[] = [];
  const submitted: { status: Parameters<Submit>[0]; metadata?: Parameters<Submit>[1] }[] = [];
  const ctx: ReviewPluginContext = {
    manifests,
    report: {
      addViolation: (violation) => {
        if (submitted.length) throw new Error('violation added after submit');
        violations.push(violation);
      },
      submit: (status, metadata) => {
        submitted.push({ status, metadata });
      },
    },
  };
  return { ctx, violations, submitted };
}

describe('HardenedReviewPlugin', () => {
  test('fails the report on error findings: one violation per rule, one resource per object, one location per finding', async () => {
    const { ctx, violations, submitted } = context([
      manifest('01-multi-doc.yaml'),
      manifest('05-cronjob-latest.yaml'),
      manifest('06-excepted.json'),
    ]);
    await new HardenedReviewPlugin({ packs: POD_PACKS, today: '2026-03-15' }).validate(ctx);

    expect(violations.map((v) => v.ruleName)).toEqual([
      'image-digest',
      'no-latest-tag',
      'no-host-namespaces',
      'no-host-ports',
      'image-pull-always',
    ]);
    expect(violations.find((v) => v.ruleName === 'no-host-ports')).toEqual({
      ruleName: 'no-host-ports',
      recommendation: 'Containers bind no host port (severity: error).',
      fix: 'Remove hostPort from the container port and expose the pod through a Service instead.',
      violatingResources: [
        {
          resourceName: 'debug',
          manifestPath: manifest('01-multi-doc.yaml'),
          locations: ['Pod shop/debug at spec.containers[0].ports[0].hostPort: container "shell" binds host port 8080'],
        },
      ],
    });
    expect(violations.find((v) => v.ruleName === 'image-pull-always')?.recommendation).toMatch(/\(severity: warning\)\.$/);
    // The finding accepted by an exception is not a violation, only counted.
    expect(violations.map((v) => v.ruleName)).not.toContain('read-only-root-filesystem');
    expect(submitted).toEqual([
      {
        status: 'failure',
        metadata: {
          'Objects reviewed': '4',
          Packs: POD_PACKS.join(', '),
          Errors: '4',
          Warnings: '1',
          Info: '0',
          'Accepted by exceptions': '1',
        },
      },
    ]);
  });

  test('groups the findings of one rule on several objects', async () => {
    const { ctx, violations } = context([FIXTURES]);
    await new HardenedReviewPlugin({ packs: ['pss-baseline'], today: '2026-03-15' }).validate(ctx);
    expect(violations.map((v) => [v.ruleName, v.violatingResources.map((r) => r.resourceName)])).toEqual([
      ['no-privileged', ['node-agent']],
      ['no-host-path', ['log-shipper']],
      ['no-host-namespaces', ['debug']],
      ['no-host-ports', ['debug']],
    ]);
  });

  test('passes the report when only warnings and accepted findings remain', async () => {
    const { ctx, violations, submitted } = context([manifest('06-excepted.json')]);
    await new HardenedReviewPlugin({ packs: POD_PACKS, today: '2026-03-15' }).validate(ctx);
    expect(violations.map((v) => v.ruleName)).toEqual(['image-pull-always']);
    expect(submitted.map((s) => s.status)).toEqual(['success']);
  });

  test('with failOn: warning, the warnings that remain fail the report', async () => {
    const { ctx, violations, submitted } = context([manifest('06-excepted.json')]);
    await new HardenedReviewPlugin({ packs: POD_PACKS, today: '2026-03-15', failOn: 'warning' }).validate(ctx);
    expect(violations.map((v) => v.ruleName)).toEqual(['image-pull-always']);
    expect(submitted.map((s) => s.status)).toEqual(['failure']);
  });

  test("with no properties, applies every pack and today's date", async () => {
    const { ctx, submitted } = context([manifest('06-excepted.json')]);
    await new HardenedReviewPlugin().validate(ctx);
    expect(submitted[0].metadata?.Packs.split(', ')).toEqual(expect.arrayContaining(POD_PACKS));
  });

  test('fails the report, naming file and line, on a manifest it cannot read', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'plugin-test-'));
    try {
      const broken = path.join(dir, 'broken.k8s.yaml');
      fs.writeFileSync(broken, 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  name: b\n');
      const { ctx, violations, submitted } = context([broken]);
      await new HardenedReviewPlugin().validate(ctx);
      expect(violations).toEqual([
        expect.objectContaining({
          ruleName: 'manifest-unreadable',
          violatingResources: [
            {
              resourceName: broken,
              manifestPath: broken,
              locations: [`${broken}:5: a key is given twice in one mapping (kubectl would keep the last value silently) (column 3)`],
            },
          ],
        }),
      ]);
      expect(submitted.map((s) => s.status)).toEqual(['failure']);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('fails the report, without blocking, on a manifest that is not a regular file (a FIFO), as on one it cannot read', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'plugin-test-'));
    const fifo = fifoWithWriter(path.join(dir, 'app.k8s.yaml'));
    try {
      const { ctx, violations, submitted } = context([path.join(dir, 'app.k8s.yaml')]);
      await new HardenedReviewPlugin().validate(ctx);
      expect(violations).toEqual([expect.objectContaining({ ruleName: 'manifest-unreadable' })]);
      expect(violations[0].violatingResources[0].locations).toEqual([
        expect.stringMatching(/app\.k8s\.yaml: not a regular file \(a FIFO\), so it is not read/),
      ]);
      expect(submitted.map((s) => s.status)).toEqual(['failure']);
    } finally {
      fifo.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('control characters in file and object names are escaped in what the CLI prints', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'plugin-test-'));
    try {
      const broken = path.join(dir, 'a\n[x] ok.yaml');
      fs.writeFileSync(broken, 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  name: b\n');
      const unreadable = context([broken]);
      await new HardenedReviewPlugin().validate(unreadable.ctx);
      const [resource] = unreadable.violations[0].violatingResources;
      expect([resource.manifestPath, resource.locations[0]]).toEqual([
        `${dir}/a\\n[x] ok.yaml`,
        expect.stringMatching(/^[^\n]*a\\n\[x\] ok\.yaml:5: a key is given twice/),
      ]);
      expect(unreadable.submitted[0].metadata?.error).not.toContain('\n');

      const pod = path.join(dir, 'pod\u202e.yaml');
      fs.writeFileSync(
        pod,
        'apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  namespace: shop\nspec:\n  containers:\n  - name: "c\\u2028x"\n    image: nginx\n    securityContext:\n      privileged: true\n',
      );
      const reviewed = context([pod]);
      await new HardenedReviewPlugin({ packs: ['pss-baseline'] }).validate(reviewed.ctx);
      const privileged = reviewed.violations.find((v) => v.ruleName === 'no-privileged')!.violatingResources[0];
      expect(privileged.manifestPath).toBe(`${dir}/pod\\u202e.yaml`);
      expect(privileged.locations).toEqual([expect.stringContaining('container "c\\u2028x"')]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test.each([
    [
      { pack: ['pss-baseline'] },
      /unknown property 'pack'\. Known: packs, today, failOn, trustAnnotations, exceptionsFile, crds, platformFile, allowedRegistries\.$/,
    ],
    [{ crds: 'crds/' }, /'crds' must be a list of CRD files or folders \(got 'crds\/'\)\.$/],
    [{ failOn: 'critical' }, /'failOn' must be one of error, warning, info \(got 'critical'\)\.$/],
    [{ packs: 'pss-baseline' }, /'packs' must be a list of pack ids\.$/],
    [{ packs: ['pss-strict', 'cis'] }, /unknown packs 'pss-strict', 'cis' in 'packs'\. Known packs: pss-baseline, /],
    [{ today: '15/03/2026' }, /'today' must be a date written YYYY-MM-DD \(got '15\/03\/2026'\)\. Quote it in YAML\.$/],
  ])('fails when its properties in cdk8s.yaml are %j', (props, message) => {
    expect(() => new HardenedReviewPlugin(props as any)).toThrow(message);
  });

  test('judges custom resources against the CRDs of its crds property, and refuses anything else there', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'plugin-crds-'));
    try {
      fs.writeFileSync(path.join(dir, 'crd.yaml'), JSON.stringify(WIDGET_CRD));
      fs.writeFileSync(path.join(dir, 'widget.yaml'), JSON.stringify(widget({ sise: 3 })));
      const reviewed = context([path.join(dir, 'widget.yaml')]);
      await new HardenedReviewPlugin({ packs: ['namespaces'], crds: [path.join(dir, 'crd.yaml')] }).validate(reviewed.ctx);
      expect(reviewed.violations.map((v) => [v.ruleName, v.violatingResources[0].locations])).toEqual([
        [
          'object-schema',
          [
            expect.stringMatching(
              /^Widget shop\/w at spec\.sise: unknown field "sise": Widget spec has no such field .*\(CRD widgets\.example\.com, version v1\)$/,
            ),
          ],
        ],
      ]);
      expect(reviewed.submitted[0].status).toBe('failure');
      expect(() => new HardenedReviewPlugin({ crds: [path.join(dir, 'widget.yaml')] })).toThrow(
        `${path.join(dir, 'widget.yaml')}:1: example.com/v1 Widget is not a CustomResourceDefinition (apiextensions.k8s.io/v1)`,
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('plugin/index.js loads it as the cdk8s CLI does: require() of the folder, then new of the class', () => {
    // In a process of its own: jest's module system does not run tsx's require hook.
    const script =
      `const m = require(require.resolve(${JSON.stringify(path.join(ROOT, 'plugin'))}));` +
      'const p = new m.HardenedReviewPlugin({}); console.log(Object.keys(m).join(), typeof p.validate);';
    const child = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
    expect([child.status, child.stderr, child.stdout]).toEqual([0, '', 'HardenedReviewPlugin function\n']);
  });
});
