import { compareText } from '../../lib/core/compare-text';

describe('compareText', () => {
  test('orders by code units, where the locale order would differ', () => {
    const names = ['kubeadm-config.yaml', 'README.md', 'audit-policy.yaml', 'Zeta', 'a-b', 'a_b', 'ab'];
    expect([...names].sort(compareText)).toEqual(['README.md', 'Zeta', 'a-b', 'a_b', 'ab', 'audit-policy.yaml', 'kubeadm-config.yaml']);
    // What it guards against: the ICU order puts capitals among lower case.
    expect([...names].sort((a, b) => a.localeCompare(b, 'en'))).not.toEqual([...names].sort(compareText));
  });

  test('is a total order: equal strings compare 0, and the sign flips with the arguments', () => {
    expect(compareText('x', 'x')).toBe(0);
    expect(compareText('a', 'b')).toBe(-1);
    expect(compareText('b', 'a')).toBe(1);
  });
});
