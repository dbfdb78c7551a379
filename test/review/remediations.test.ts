import { review } from '../../lib/review/engine';
import { ENGINE_RULES } from '../../lib/review/exceptions';
import { ALL_RULES, ruleById } from '../../lib/review/packs';
import { CONSTRUCT_HINTS, constructRemediation, withConstructFixes } from '../../lib/review/remediations';
import { deployment, inHardenedNamespace } from './builders';

/** Words that only make sense to a user of this library's constructs, never to someone reading YAML. */
const CONSTRUCT_WORDS =
  /\bHardened[A-Z]\w*|\b[a-z]\w*\(\)|\bsecretMounts\b|\bClusterGrant\b|\bNamespaceAccess\b|\bExceptionPolicy\b|\bconstructs?\b/;

describe('fixes worded for the input', () => {
  test.each([...ALL_RULES, ...ENGINE_RULES].map((r) => [r.id, r.remediation] as const))(
    '%s has a fix worded for YAML: fields, not constructs',
    (_id, fix) => {
      expect(fix.trim()).not.toBe('');
      expect(fix).not.toMatch(CONSTRUCT_WORDS);
    },
  );

  test.each(Object.entries(CONSTRUCT_HINTS))('the construct hint of %s belongs to a rule and names a construct', (id, hint) => {
    expect(ruleById(id)).toBeDefined();
    expect(hint).toMatch(CONSTRUCT_WORDS);
    expect(hint).toMatch(/[^.]\.$/);
  });

  test('the construct wording is the YAML fix followed by the hint', () => {
    const yaml = ruleById('namespace-pod-security')!.remediation;
    expect(constructRemediation('namespace-pod-security', yaml)).toBe(`${yaml} HardenedNamespace sets these labels.`);
    expect(constructRemediation('no-privileged', 'Remove it.')).toBe('Remove it.');
  });

  test('the namespace fix for constructs says each thing once: the YAML fix, then which construct does it', () => {
    const fix = constructRemediation('workload-namespace-hardened', ruleById('workload-namespace-hardened')!.remediation);
    expect(fix.match(/Pod Security/g)).toHaveLength(1);
    expect(fix.match(/default-deny/g)).toHaveLength(1);
    expect(fix.match(/put the workload in it/gi)).toHaveLength(1);
    expect(fix).toMatch(/ HardenedNamespace declares such a namespace: create the workload inside it\.$/);
  });

  test('the synth gate words fixes for constructs only on objects a construct wrote; a file keeps the YAML fix', () => {
    // Neither object's namespace is declared: workload-namespace-hardened fires on both.
    const outside = (name: string) => deployment(() => undefined, { name, namespace: 'elsewhere' });
    const result = withConstructFixes(
      review(
        [
          ...inHardenedNamespace().map(({ object }) => ({ object, origin: 'platform/shop' })),
          { object: outside('ours'), origin: 'platform/elsewhere/ours/Resource' },
          { object: outside('theirs'), origin: 'vendor/chart.yaml:12' },
        ],
        { today: '2026-01-01' },
      ),
    );
    const fixOf = (name: string) =>
      result.findings.find((f) => f.object.name === name && f.ruleId === 'workload-namespace-hardened')?.remediation;
    const yaml = ruleById('workload-namespace-hardened')!.remediation;
    expect(fixOf('theirs')).toBe(yaml);
    expect(fixOf('ours')).toBe(`${yaml} ${CONSTRUCT_HINTS['workload-namespace-hardened']}`);
    expect(fixOf('ours')).toContain('HardenedNamespace');
    expect(fixOf('theirs')).not.toContain('HardenedNamespace');
  });
});
