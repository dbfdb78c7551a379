import { Chart, Testing } from 'cdk8s';
import { AccessProfile, HardenedDeployment, HardenedNamespace, NamespaceAccess, RbacSubject } from '../../lib';
import { CONTAINER } from '../support';

const reason = 'the operator lists every kind it reconciles; reviewed in SEC-77';

/** Synthesizes an app whose namespace `shop` holds what `build` adds (cdk8s validates every construct first). */
function synthWith(build: (shop: HardenedNamespace) => void): void {
  const app = Testing.app();
  build(new HardenedNamespace(new Chart(app, 'test'), 'shop'));
  app.synth();
}

describe('an exception must land on an object its rule judges', () => {
  test('rbac-no-wildcards on a workload without grant() fails synth, naming the construct, the rule and why', () => {
    expect(() =>
      synthWith(
        (shop) => new HardenedDeployment(shop, 'api', { containers: [CONTAINER], exceptions: [{ rule: 'rbac-no-wildcards', reason }] }),
      ),
    ).toThrow(
      "[test/shop/api] 'exceptions' has an exception to 'rbac-no-wildcards' that applies to nothing: the rule judges only Role, ClusterRole objects, " +
        'and this construct records exceptions on Deployment, PodDisruptionBudget, ServiceAccount objects. Remove the exception, or create the object it is for (a Role: call grant()).',
    );
  });

  test('the same exception with grant() lands on the Role and synth passes', () => {
    expect(() =>
      synthWith((shop) =>
        new HardenedDeployment(shop, 'api', { containers: [CONTAINER], exceptions: [{ rule: 'rbac-no-wildcards', reason }] }).grant({
          apiGroups: [''],
          resources: ['configmaps'],
          verbs: ['*'],
        }),
      ),
    ).not.toThrow();
  });

  test('a pod rule excepted on a NamespaceAccess (which writes only a Role and a RoleBinding) fails synth', () => {
    expect(() =>
      synthWith(
        (shop) =>
          new NamespaceAccess(shop, 'devs', {
            profile: AccessProfile.VIEWER,
            subjects: [RbacSubject.group('oidc:shop-developers')],
            exceptions: [{ rule: 'read-only-root-filesystem', reason }],
          }),
      ),
    ).toThrow(
      /\[test\/shop\/devs\] 'exceptions' has an exception to 'read-only-root-filesystem' that applies to nothing: .*Role, RoleBinding objects/,
    );
  });
});

describe('an exception to a rule of every kind lands on every object the construct records exceptions on', () => {
  test('no-default-namespace on a workload in a namespace-less chart: on its ServiceAccount, Deployment and PodDisruptionBudget', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'plain');
    new HardenedDeployment(chart, 'legacy', {
      containers: [CONTAINER],
      exceptions: [{ rule: 'no-default-namespace', reason: 'the legacy tool only runs in default; moving it is tracked in SEC-90' }],
    });
    const annotated = Testing.synth(chart)
      .filter((o) => o.metadata?.annotations?.['exception.hardened.cdk8s.io/no-default-namespace'] !== undefined)
      .map((o) => o.kind)
      .sort();
    expect(annotated).toEqual(expect.arrayContaining(['Deployment', 'PodDisruptionBudget', 'ServiceAccount']));
  });
});
