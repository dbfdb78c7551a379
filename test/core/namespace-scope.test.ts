import { App, Chart, Testing } from 'cdk8s';
import { HardenedDeployment, HardenedNamespace } from '../../lib';
import { allNamespaceScopes, hasNamespaceScope, isAttached } from '../../lib/core/namespace-scope';
import { CONTAINER } from '../support';

describe('hasNamespaceScope', () => {
  test('answers as allNamespaceScopes(...).some(...) does, for every construct of the app', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'platform');
    const shop = new HardenedNamespace(chart, 'shop');
    new HardenedNamespace(new Chart(app, 'other'), 'pay', { name: 'payments' });
    const web = new HardenedDeployment(shop, 'web', { containers: [CONTAINER] });
    for (const from of [app, chart, shop, web]) {
      for (const name of ['shop', 'payments', 'pay', 'default']) {
        expect(hasNamespaceScope(from, name)).toBe(allNamespaceScopes(from).some((s) => s.namespaceName === name));
      }
    }
    expect(hasNamespaceScope(web, 'payments')).toBe(true);
    expect(hasNamespaceScope(web, 'pay')).toBe(false);
  });

  test('sees only the namespaces of its own app', () => {
    const one = new App();
    const two = new App();
    new HardenedNamespace(new Chart(one, 'c'), 'shop');
    expect(hasNamespaceScope(one, 'shop')).toBe(true);
    expect(hasNamespaceScope(two, 'shop')).toBe(false);
  });

  test('forgets a namespace removed from the tree, as findAll does', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'platform');
    const shop = new HardenedNamespace(chart, 'shop');
    expect(isAttached(shop)).toBe(true);
    chart.node.tryRemoveChild('shop');
    expect(isAttached(shop)).toBe(false);
    expect(hasNamespaceScope(app, 'shop')).toBe(false);
    expect(allNamespaceScopes(app)).toEqual([]);
  });
});

describe('traffic rules in a large app', () => {
  test('rules between workloads of 40 namespaces validate and synthesize', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'platform');
    const workloads = Array.from({ length: 40 }, (_, i) => {
      const namespace = new HardenedNamespace(chart, `team-${i}`);
      return new HardenedDeployment(namespace, 'web', { containers: [CONTAINER] });
    });
    workloads.forEach((w, i) => w.allowFrom(workloads[(i + 1) % workloads.length], { port: 8080 }));
    workloads.forEach((w) => w.allowFromPods({ namespace: w.namespace, podLabels: w.selectorLabels, port: 8080 }));
    const objects = Testing.synth(chart);
    expect(
      objects.filter((o) => o.kind === 'NetworkPolicy' && o.metadata.name === 'web-traffic' && o.spec.ingress.length === 2),
    ).toHaveLength(40);
  });

  test('a selector into an app namespace that matches no workload is still refused', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'platform');
    const shop = new HardenedNamespace(chart, 'shop');
    new HardenedNamespace(chart, 'pay');
    const web = new HardenedDeployment(shop, 'web', { containers: [CONTAINER] });
    web.allowFromPods({ namespace: 'pay', podLabels: { app: 'nobody' }, port: 8080 });
    expect(() => Testing.synth(chart)).toThrow(/matches no workload in namespace 'pay'/);
  });
});
