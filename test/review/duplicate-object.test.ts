import { review } from '../../lib/review/engine';
import { deployment, inHardenedNamespace } from './builders';

describe('duplicate-object', () => {
  test('the same Deployment in two files is an error on each copy, naming where the other is', () => {
    const targets = [
      ...inHardenedNamespace(),
      { object: deployment(), origin: 'a.k8s.yaml:1' },
      { object: deployment(), origin: 'b.k8s.yaml:40' },
    ];
    // Sorted by message: each names the other copy.
    const found = review(targets, { today: '2026-12-01' }).findings.filter((f) => f.ruleId === 'duplicate-object');
    expect(found.map((f) => [f.origin, f.severity, f.message])).toEqual([
      [
        'b.k8s.yaml:40',
        'error',
        'Deployment shop/web is defined more than once (also at a.k8s.yaml:1): kubectl apply would apply one over the other',
      ],
      [
        'a.k8s.yaml:1',
        'error',
        'Deployment shop/web is defined more than once (also at b.k8s.yaml:40): kubectl apply would apply one over the other',
      ],
    ]);
  });

  test('runs in every pack', () => {
    const targets = [{ object: deployment() }, { object: deployment() }];
    for (const pack of ['pss-baseline', 'rbac', 'secrets', 'cluster']) {
      expect(review(targets, { packs: [pack], today: '2026-12-01' }).findings.filter((f) => f.ruleId === 'duplicate-object')).toHaveLength(
        2,
      );
    }
  });
});
