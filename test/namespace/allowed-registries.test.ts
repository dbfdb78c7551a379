import { Chart, Testing } from 'cdk8s';
import { HardenedNamespace } from '../../lib';

test("a namespace's registry allowlist is written as the annotation the review and the admission policies read", () => {
  const chart = Testing.chart();
  new HardenedNamespace(chart, 'shop', { allowedRegistries: ['ghcr.io/example/shop', 'docker.io/library'] });
  const namespace = Testing.synth(chart).find((o) => o.kind === 'Namespace');
  expect(namespace.metadata.annotations['hardened.cdk8s.io/allowed-registries']).toBe('ghcr.io/example/shop, docker.io/library');
});

test('without a list, no annotation', () => {
  const chart = Testing.chart();
  new HardenedNamespace(chart, 'shop');
  expect(
    Testing.synth(chart).find((o) => o.kind === 'Namespace').metadata.annotations?.['hardened.cdk8s.io/allowed-registries'],
  ).toBeUndefined();
});

test('a wrong entry fails at construction, naming the construct, the entry and the fix', () => {
  const chart: Chart = Testing.chart();
  expect(() => new HardenedNamespace(chart, 'shop', { allowedRegistries: ['ghcr.io/example/shop:1.0'] })).toThrow(
    /\[test\/shop\] 'allowedRegistries\[0\]' "ghcr.io\/example\/shop:1.0" is not a registry entry: an entry names a registry or a repository prefix, without tag or digest\. For example/,
  );
});
