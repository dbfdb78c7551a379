import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { review as reviewAll } from '../../lib/review/engine';
import { KubeObject } from '../../lib/review/model';
import { REPORT_FILES, reviewJson, reviewMarkdown, reviewSarif, writeReports } from '../../lib/review/reports';
import { container, deployment, inHardenedNamespace, pod } from './builders';

/** Reviews with the namespace `shop`, where every test object lives, declared and closed. */
const review: typeof reviewAll = (targets, options) => reviewAll([...inHardenedNamespace(), ...targets], options);

const KEY = 'exception.hardened.cdk8s.io';
const TODAY = '2026-03-15';

/** A privileged agent with an exception, a pod with a host network, and a stale exception. */
const objects = (): KubeObject[] => [
  deployment(
    (s) => {
      container(s).securityContext.privileged = true;
    },
    {
      name: 'agent',
      annotations: { [`${KEY}/no-privileged`]: 'loads kernel modules | reviewed by security (expires 2026-06-30)' },
    },
  ),
  pod(
    (s) => {
      s.hostNetwork = true;
      container(s).imagePullPolicy = 'IfNotPresent';
      delete container(s).ports; // on the host network each port would be a host port too (no-host-ports)
    },
    { name: 'probe' },
  ),
  deployment(undefined, { name: 'web', annotations: { [`${KEY}/no-host-ports`]: 'kept from the old chart, to be removed' } }),
];
const ORIGINS = ['shop/agent/Resource', 'manifests/probe.yaml:12', ''];
const result = () =>
  review(
    objects().map((object, i) => ({ object, origin: ORIGINS[i] })),
    { today: TODAY, trustAnnotations: true },
  );

describe('review.json', () => {
  test('holds every finding, suppressed ones with their exception, and every exception with its fate', () => {
    const json = JSON.parse(reviewJson(result()));
    expect(json.findings.map((f: any) => [f.ruleId, f.object.name, f.exception?.reason ?? null])).toEqual([
      ['no-privileged', 'agent', 'loads kernel modules | reviewed by security'],
      ['exception-unused', 'web', null],
      ['image-pull-always', 'probe', null],
      ['no-host-namespaces', 'probe', null],
    ]);
    expect(json.exceptions).toEqual([
      {
        ruleId: 'no-privileged',
        object: { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'shop', name: 'agent' },
        origin: 'shop/agent/Resource',
        reason: 'loads kernel modules | reviewed by security',
        expires: '2026-06-30',
        source: 'annotation',
        status: 'applied',
        findings: 1,
      },
      {
        ruleId: 'no-host-ports',
        object: { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'shop', name: 'web' },
        origin: '',
        reason: 'kept from the old chart, to be removed',
        source: 'annotation',
        status: 'unused',
        findings: 0,
      },
    ]);
    expect(json).toMatchObject({ tool: 'cdk8s-hardened', passed: false });
    expect(json.today).toBeUndefined();
  });
});

describe('review.sarif', () => {
  const sarif = JSON.parse(reviewSarif(result()));
  const run = sarif.runs[0];

  test('has the top-level fields SARIF 2.1.0 requires', () => {
    expect(sarif.version).toBe('2.1.0');
    expect(sarif.$schema).toBe('https://json.schemastore.org/sarif-2.1.0.json');
    expect(sarif.runs).toHaveLength(1);
    expect(run.tool.driver.name).toBe('cdk8s-hardened');
  });

  test("describes every rule that ran, and the engine's own, with id, short description, help and default level", () => {
    const rules = run.tool.driver.rules;
    expect(rules.length).toBe(new Set(rules.map((r: any) => r.id)).size);
    for (const rule of rules) {
      expect(rule.id).toMatch(/^[a-z0-9-]+$/);
      expect(rule.shortDescription.text).not.toBe('');
      expect(rule.help.text).toMatch(/\.$/);
      expect(['error', 'warning', 'note']).toContain(rule.defaultConfiguration.level);
    }
    expect(rules.find((r: any) => r.id === 'image-pull-always')).toMatchObject({
      defaultConfiguration: { level: 'warning' },
      properties: { tags: ['workload-hardening'] },
    });
    expect(rules.map((r: any) => r.id)).toEqual(expect.arrayContaining(['exception-unused', 'exception-expired', 'rule-error']));
  });

  test('gives each result its rule, level, message and locations', () => {
    for (const res of run.results) {
      expect(run.tool.driver.rules[res.ruleIndex].id).toBe(res.ruleId);
      expect(['error', 'warning', 'note']).toContain(res.level);
      expect(res.message.text).toMatch(/\.$/);
      expect(res.locations[0].logicalLocations[0]).toMatchObject({ kind: 'resource' });
      expect(res.partialFingerprints['cdk8sHardenedFinding/v1']).toMatch(/^[0-9a-f]{64}$/);
    }
    const hostNetwork = run.results.find((r: any) => r.ruleId === 'no-host-namespaces');
    expect(hostNetwork.message.text).toBe(
      'Pod shop/probe: pod shares the host network namespace with all its containers (hostNetwork: true).',
    );
    expect(hostNetwork.locations).toEqual([
      {
        physicalLocation: { artifactLocation: { uri: 'manifests/probe.yaml' }, region: { startLine: 12 } },
        logicalLocations: [
          { name: 'probe', fullyQualifiedName: 'Pod/shop/probe', kind: 'resource' },
          { name: 'spec.hostNetwork', fullyQualifiedName: 'Pod/shop/probe:spec.hostNetwork', kind: 'property' },
          { name: 'manifests/probe.yaml:12', fullyQualifiedName: 'manifests/probe.yaml:12', kind: 'declaration' },
        ],
      },
    ]);
  });

  test('marks excepted findings with an accepted suppression carrying the reason, and nothing else', () => {
    const suppressed = run.results.filter((r: any) => r.suppressions);
    expect(suppressed.map((r: any) => [r.ruleId, r.suppressions])).toEqual([
      [
        'no-privileged',
        [{ kind: 'inSource', status: 'accepted', justification: 'loads kernel modules | reviewed by security (expires 2026-06-30)' }],
      ],
    ]);
    expect(suppressed[0].locations[0].physicalLocation).toBeUndefined();
  });
});

describe('REVIEW.md', () => {
  const md = reviewMarkdown(result());

  test('states the verdict and the counts by pack and severity', () => {
    // 5 objects: the 3 under test and the 2 that declare and close their namespace.
    expect(md).toContain('**Failed**: 1 error(s), 2 warning(s), 0 info in 5 object(s); 1 finding(s) accepted by exceptions.');
    expect(md).toContain('| pss-baseline | 1 | 0 | 0 |');
    expect(md).toContain('| workload-hardening | 0 | 1 | 0 |');
    expect(md).toContain('| all findings | 1 | 2 | 0 |');
  });

  test('lists open findings, errors first, and not the excepted ones', () => {
    const rows = md.split('\n').filter((l) => /^\| (error|warning|info) \|/.test(l));
    expect(rows.map((r) => r.split(' | ').slice(0, 3).join(' | '))).toEqual([
      '| error | no-host-namespaces | Pod shop/probe',
      '| warning | exception-unused | Deployment shop/web',
      '| warning | image-pull-always | Pod shop/probe',
    ]);
  });

  test('lists every exception with reason, expiry and status, escaping table characters', () => {
    expect(md).toContain(
      '| Deployment shop/agent | no-privileged | - | loads kernel modules \\| reviewed by security | 2026-06-30 | annotation | applied | 1 |',
    );
    expect(md).toContain(
      '| Deployment shop/web | no-host-ports | - | kept from the old chart, to be removed | never | annotation | unused (warning) | 0 |',
    );
  });

  test('says so when there is nothing to list', () => {
    const clean = reviewMarkdown(review([{ object: deployment() }], { today: TODAY }));
    expect(clean).toContain('**Passed**');
    expect(clean).toContain('No finding without an exception.');
    expect(clean).toContain('No exceptions.');
  });
});

describe('every report', () => {
  test('is byte-identical for the same objects in any order', () => {
    const reversed = () =>
      review(
        objects()
          .map((object, i) => ({ object, origin: ORIGINS[i] }))
          .reverse(),
        { today: TODAY, trustAnnotations: true },
      );
    for (const report of [reviewJson, reviewSarif, reviewMarkdown]) expect(report(reversed())).toBe(report(result()));
  });

  test('does not change from one day to the next while no exception expires', () => {
    const on = (today: string) =>
      review(
        objects().map((object, i) => ({ object, origin: ORIGINS[i] })),
        { today, trustAnnotations: true },
      );
    // Both days lie before the earliest expiry used in these objects.
    for (const report of [reviewJson, reviewSarif, reviewMarkdown]) expect(report(on('2026-01-01'))).toBe(report(on('2026-01-02')));
  });

  test('is written into the folder by writeReports', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'review-'));
    try {
      const written = writeReports(dir, result());
      expect(written.map((f) => path.basename(f))).toEqual([REPORT_FILES.json, REPORT_FILES.sarif, REPORT_FILES.markdown]);
      expect(fs.readFileSync(path.join(dir, 'REVIEW.md'), 'utf8')).toBe(reviewMarkdown(result()));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
