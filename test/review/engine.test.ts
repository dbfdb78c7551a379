import { review as reviewAll, reviewContextOf } from '../../lib/review/engine';
import { namespaceFacts } from '../../lib/review/rules/network/namespace-facts';
import { KubeObject, Rule } from '../../lib/review/model';
import { container, deployment, inHardenedNamespace, pod } from './builders';

/**
 * Reviews with the namespace `shop`, where every test object lives, declared and closed. The
 * annotations are trusted, as in our own synth output (test/review/exception-trust.test.ts
 * covers untrusted input).
 */
const review: typeof reviewAll = (targets, options) =>
  reviewAll([...inHardenedNamespace(), ...targets], { trustAnnotations: true, ...options });

const TODAY = '2026-03-15';
const KEY = 'exception.hardened.cdk8s.io';

/** A Deployment whose only problem is a privileged container. */
const privileged = (annotations?: Record<string, string>, name = 'web') =>
  deployment(
    (s) => {
      container(s).securityContext.privileged = true;
    },
    { name, annotations },
  );

const summary = (objects: KubeObject[], options = {}) =>
  review(
    objects.map((object) => ({ object })),
    { today: TODAY, ...options },
  ).findings.map((f) => [f.ruleId, f.severity, f.exception ? 'suppressed' : 'active']);

describe('exceptions', () => {
  test("an exception suppresses the rule's findings on that object, which stay in the result with the reason", () => {
    const result = review(
      [
        {
          object: privileged({ [`${KEY}/no-privileged`]: 'the node agent must load kernel modules (expires 2026-06-30)' }),
          origin: 'shop/agent',
        },
      ],
      { today: TODAY },
    );
    expect(result.findings).toEqual([
      {
        ruleId: 'no-privileged',
        severity: 'error',
        title: 'Containers are not privileged',
        object: { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'shop', name: 'web' },
        origin: 'shop/agent',
        path: 'spec.template.spec.containers[0].securityContext.privileged',
        message: 'container "web" is privileged',
        remediation: expect.stringMatching(/\.$/),
        exception: { reason: 'the node agent must load kernel modules', expires: '2026-06-30', source: 'annotation' },
      },
    ]);
    expect(result.passed).toBe(true);
    expect(result.counts.suppressed).toBe(1);
    expect(result.counts.bySeverity).toEqual({ error: 0, warning: 0, info: 0 });
  });

  test('an exception covers only its own object', () => {
    const excepted = privileged({ [`${KEY}/no-privileged`]: 'the node agent must load kernel modules' }, 'agent');
    expect(summary([excepted, privileged(undefined, 'web')])).toEqual([
      ['no-privileged', 'error', 'suppressed'],
      ['no-privileged', 'error', 'active'],
    ]);
  });

  test('an exception is still valid on its expiry day', () => {
    expect(summary([privileged({ [`${KEY}/no-privileged`]: `the node agent must load kernel modules (expires ${TODAY})` })])).toEqual([
      ['no-privileged', 'error', 'suppressed'],
    ]);
  });

  test('an expired exception is an error and suppresses nothing', () => {
    const result = review(
      [{ object: privileged({ [`${KEY}/no-privileged`]: 'the node agent must load kernel modules (expires 2026-03-14)' }) }],
      { today: TODAY },
    );
    expect(result.findings.map((f) => [f.ruleId, f.severity, f.path, !!f.exception])).toEqual([
      ['exception-expired', 'error', `metadata.annotations["${KEY}/no-privileged"]`, false],
      ['no-privileged', 'error', 'spec.template.spec.containers[0].securityContext.privileged', false],
    ]);
    expect(result.findings[0].message).toBe(
      'exception to "no-privileged" expired on 2026-03-14 (today is 2026-03-15), so it no longer suppresses anything',
    );
    expect(result.passed).toBe(false);
  });

  test('an expiry that is not a real date is an error, and the exception accepts nothing', () => {
    expect(summary([privileged({ [`${KEY}/no-privileged`]: 'the node agent must load kernel modules (expires 2026-02-30)' })])).toEqual([
      ['exception-malformed', 'error', 'active'],
      ['no-privileged', 'error', 'active'],
    ]);
  });

  test.each(['', 'needed', '   too short   '])(
    'a reason shorter than 10 characters (%j) is refused as an error and suppresses nothing',
    (reason) => {
      const result = review([{ object: privileged({ [`${KEY}/no-privileged`]: reason }) }], { today: TODAY });
      expect(result.findings.map((f) => [f.ruleId, f.severity, !!f.exception])).toEqual([
        ['exception-without-reason', 'error', false],
        ['no-privileged', 'error', false],
      ]);
      expect(result.findings[0].message).toContain('fewer than 10 visible characters');
    },
  );

  test('an exception that covers no finding is a warning', () => {
    const result = review(
      [{ object: deployment(undefined, { annotations: { [`${KEY}/no-privileged`]: 'kept from an older version of the chart' } }) }],
      { today: TODAY },
    );
    expect(result.findings.map((f) => [f.ruleId, f.severity, f.message])).toEqual([
      ['exception-unused', 'warning', 'exception to "no-privileged" covers no finding: the object complies with the rule'],
    ]);
    expect(result.passed).toBe(true);
    expect(result.counts.bySeverity.warning).toBe(1);
  });

  test('an exception naming no known rule is a warning (a typo would otherwise hide nothing silently)', () => {
    expect(
      review([{ object: privileged({ [`${KEY}/no-priviledged`]: 'the node agent must load kernel modules' }) }], {
        today: TODAY,
      }).findings.map((f) => [f.ruleId, f.message]),
    ).toEqual([
      ['exception-unused', 'exception to "no-priviledged" names no known rule'],
      ['no-privileged', 'container "web" is privileged'],
    ]);
  });

  test("an exception to a rule that does not apply to the object's kind is a warning", () => {
    const service = {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'web', namespace: 'shop', annotations: { [`${KEY}/no-privileged`]: 'copied from the deployment by mistake' } },
    };
    expect(review([{ object: service }], { today: TODAY }).findings.map((f) => f.message)).toEqual([
      'exception to "no-privileged" covers no finding: the rule does not apply to kind Service',
    ]);
  });

  test('an exception to a rule outside the selected packs is not reported', () => {
    const obj = deployment(undefined, { annotations: { [`${KEY}/image-digest`]: 'the vendor publishes tags only, reviewed monthly' } });
    expect(review([{ object: obj }], { today: TODAY, packs: ['pss-restricted'] }).findings).toEqual([]);
  });

  test('every exception annotation is recorded with what became of it', () => {
    const obj = privileged({
      [`${KEY}/no-privileged`]: 'the node agent must load kernel modules',
      [`${KEY}/no-host-ports`]: 'kept from an older version of the chart',
      [`${KEY}/image-digest`]: 'vendor image (expires 2026-01-31)',
      [`${KEY}/no-latest-tag`]: 'short',
      [`${KEY}/no-host-path`]: 'baseline rule that restricted overrides',
    });
    const result = review([{ object: obj, origin: 'shop/web' }], { today: TODAY, packs: ['pss-restricted', 'workload-hardening'] });
    expect(result.exceptions.map((e) => [e.ruleId, e.status, e.findings, e.expires ?? null])).toEqual([
      ['image-digest', 'expired', 0, '2026-01-31'],
      ['no-host-path', 'not-evaluated', 0, null],
      ['no-host-ports', 'unused', 0, null],
      ['no-latest-tag', 'without-reason', 0, null],
      ['no-privileged', 'applied', 1, null],
    ]);
    expect(result.exceptions[0]).toMatchObject({ object: { kind: 'Deployment', name: 'web' }, origin: 'shop/web', reason: 'vendor image' });
  });

  test('a rule that throws becomes a rule-error finding and the review goes on', () => {
    const throwing: Rule = {
      id: 'always-throws',
      title: 'Throws',
      severity: 'warning',
      kinds: ['Deployment'],
      references: {},
      remediation: 'Nothing to do.',
      check: () => {
        throw new Error('boom');
      },
    };
    const result = review([{ object: privileged() }], { today: TODAY, extraRules: [throwing] });
    expect(result.findings.map((f) => [f.ruleId, f.severity, f.message])).toEqual([
      ['no-privileged', 'error', 'container "web" is privileged'],
      ['rule-error', 'error', 'rule "always-throws" failed on this object: boom'],
    ]);
    expect(result.passed).toBe(false);
  });

  test('an exception cannot hide a rule-error', () => {
    const throwing: Rule = {
      id: 'always-throws',
      title: 'Throws',
      severity: 'warning',
      kinds: ['Deployment'],
      references: {},
      remediation: 'Nothing to do.',
      check: () => {
        throw new Error('boom');
      },
    };
    const obj = deployment(undefined, { annotations: { [`${KEY}/always-throws`]: 'trying to silence a broken rule' } });
    expect(summary([obj], { extraRules: [throwing] })).toEqual([['rule-error', 'error', 'active']]);
  });
});

describe('packs and overrides', () => {
  const netRaw = () =>
    deployment((s) => {
      container(s).securityContext.capabilities.add = ['NET_RAW'];
    });
  const ruleIds = (packs: string[]) => review([{ object: netRaw() }], { today: TODAY, packs }).findings.map((f) => f.ruleId);

  test('baseline reports a NET_RAW capability with its own rule', () => {
    expect(ruleIds(['pss-baseline'])).toEqual(['baseline-capabilities']);
  });

  test('restricted, like upstream, runs its stricter rule instead of the baseline one it overrides', () => {
    expect(ruleIds(['pss-restricted'])).toEqual(['drop-all-capabilities']);
  });

  test("with both packs each pack's rule runs, and each pack counts what it alone would report", () => {
    const result = review([{ object: netRaw() }], { today: TODAY, packs: ['pss-baseline', 'pss-restricted'] });
    expect(result.findings.map((f) => f.ruleId)).toEqual(['baseline-capabilities', 'drop-all-capabilities']);
    expect(result.counts.byPack).toEqual({
      'pss-baseline': { error: 1, warning: 0, info: 0 },
      'pss-restricted': { error: 1, warning: 0, info: 0 },
    });
  });

  test('the default is every pack', () => {
    expect(review([], { today: TODAY }).packs).toEqual([
      'pss-baseline',
      'pss-restricted',
      'workload-hardening',
      'namespaces',
      'network',
      'rbac',
      'secrets',
      'cluster',
    ]);
  });

  test('an unknown pack is refused with the list of known packs', () => {
    expect(() => review([], { packs: ['pss-baseline', 'pss-strict'] })).toThrow(
      "review: unknown pack 'pss-strict'. Known packs: pss-baseline, pss-restricted, workload-hardening, namespaces, network, rbac, secrets, cluster.",
    );
  });

  test('an extra rule cannot reuse a built-in id', () => {
    const clash: Rule = {
      id: 'no-privileged',
      title: 't',
      severity: 'info',
      kinds: [],
      references: {},
      remediation: 'r.',
      check: () => [],
    };
    expect(() => review([], { extraRules: [clash] })).toThrow("extra rule 'no-privileged' reuses the id of a built-in rule");
  });
});

describe('the result', () => {
  const objects = (): KubeObject[] => [
    deployment(
      (s) => {
        s.hostNetwork = true;
      },
      { name: 'b', namespace: 'shop' },
    ),
    pod(
      (s) => {
        container(s).imagePullPolicy = 'IfNotPresent';
      },
      { name: 'a', namespace: 'shop' },
    ),
    deployment(
      (s) => {
        s.containers.push(
          ...Array.from({ length: 11 }, (_, i) => ({
            ...s.containers[0],
            name: `c${i}`,
            securityContext: { ...s.containers[0].securityContext, privileged: true },
          })),
        );
      },
      { name: 'a', namespace: 'shop' },
    ),
    deployment(
      (s) => {
        s.hostPID = true;
      },
      { name: 'a', namespace: 'default' },
    ),
  ];

  test('findings are sorted by kind, namespace, name, rule and path (numbers in paths in numeric order)', () => {
    const result = review(
      objects().map((object) => ({ object })),
      { today: TODAY },
    );
    const keys = result.findings.map((f) => `${f.object.kind}/${f.object.namespace}/${f.object.name} ${f.ruleId} ${f.path}`);
    expect(keys.slice(0, 3)).toEqual([
      'Deployment/default/a no-host-namespaces spec.template.spec.hostPID',
      'Deployment/default/a workload-namespace-hardened metadata.namespace',
      'Deployment/shop/a no-privileged spec.template.spec.containers[1].securityContext.privileged',
    ]);
    expect(keys.slice(12, 15)).toEqual([
      'Deployment/shop/a no-privileged spec.template.spec.containers[11].securityContext.privileged',
      'Deployment/shop/b no-host-namespaces spec.template.spec.hostNetwork',
      'Pod/shop/a image-pull-always spec.containers[0].imagePullPolicy',
    ]);
  });

  test('the order does not depend on the input order, and the result is the same every time', () => {
    const forward = review(
      objects().map((object) => ({ object })),
      { today: TODAY },
    );
    const backward = review(
      objects()
        .reverse()
        .map((object) => ({ object })),
      { today: TODAY },
    );
    expect(JSON.stringify(backward)).toBe(JSON.stringify(forward));
  });

  test('counts unsuppressed findings by severity and pack, and passes only without unsuppressed errors', () => {
    const result = review(
      objects().map((object) => ({ object })),
      { today: TODAY },
    );
    expect(result.counts).toEqual({
      objects: 6,
      bySeverity: { error: 14, warning: 1, info: 0 },
      byPack: {
        'pss-baseline': { error: 13, warning: 0, info: 0 },
        'pss-restricted': { error: 13, warning: 0, info: 0 },
        'workload-hardening': { error: 0, warning: 1, info: 0 },
        namespaces: { error: 1, warning: 0, info: 0 },
        network: { error: 0, warning: 0, info: 0 },
        rbac: { error: 0, warning: 0, info: 0 },
        secrets: { error: 0, warning: 0, info: 0 },
        cluster: { error: 0, warning: 0, info: 0 },
      },
      suppressed: 0,
    });
    expect(result.passed).toBe(false);
    const warningsOnly = review([{ object: objects()[1] }], { today: TODAY });
    expect(warningsOnly.passed).toBe(true);
  });

  test('today defaults to the current UTC date and is validated', () => {
    expect(review([]).today).toBe(new Date().toISOString().slice(0, 10));
    expect(() => review([], { today: '15/03/2026' })).toThrow("review: 'today' must be a date written YYYY-MM-DD (got '15/03/2026').");
  });

  test('a target that is not a Kubernetes object is refused with its origin', () => {
    expect(() => reviewAll([{ object: { kind: 'Pod' }, origin: 'pods.yaml:3' }])).toThrow(
      'review: target 0 (pods.yaml:3) is not a Kubernetes object',
    );
  });

  test('objects without name or namespace are reviewed and named by what they have', () => {
    const result = review([{ object: { apiVersion: 'v1', kind: 'Pod', spec: { hostIPC: true, containers: [] } } }], {
      today: TODAY,
      packs: ['pss-baseline'],
    });
    expect(result.findings.map((f) => f.object)).toEqual([{ apiVersion: 'v1', kind: 'Pod', name: '' }]);
  });

  // Speed is measured by `npm run bench`, never asserted in a test.
  test('reviews thousands of objects, finding each violation once', () => {
    const many = Array.from({ length: 3000 }, (_, i) => ({
      object: deployment(
        (s) => {
          if (i % 2) s.hostNetwork = true;
        },
        { name: `web-${i}` },
      ),
    }));
    const result = review(many, { today: TODAY });
    expect(result.counts.bySeverity.error).toBe(1500);
  });
});

describe('the review context', () => {
  const named = (apiVersion: string, kind: string, labels: Record<string, string> = {}): KubeObject => ({
    apiVersion,
    kind,
    metadata: { name: 'shop', namespace: kind === 'Namespace' ? undefined : 'shop', labels },
  });

  test('find() keys by API group: a custom Deployment of example.com is not apps/v1 Deployment, whichever comes last', () => {
    const apps = named('apps/v1', 'Deployment', { from: 'apps' });
    const custom = named('example.com/v1', 'Deployment', { from: 'example.com' });
    for (const objects of [
      [apps, custom],
      [custom, apps],
    ]) {
      const context = reviewContextOf(objects);
      expect(context.find('apps/v1', 'Deployment', 'shop', 'shop')).toBe(apps);
      expect(context.find('apps/v1beta2', 'Deployment', 'shop', 'shop')).toBe(apps);
      expect(context.find('example.com/v1', 'Deployment', 'shop', 'shop')).toBe(custom);
      expect(context.find('v1', 'Deployment', 'shop', 'shop')).toBeUndefined();
    }
  });

  test('a custom Namespace kind does not stand in for the v1 Namespace the rules read', () => {
    const namespace = named('v1', 'Namespace', { 'pod-security.kubernetes.io/enforce': 'restricted' });
    const context = reviewContextOf([namespace, named('example.com/v1', 'Namespace')]);
    expect(namespaceFacts(context, 'shop')?.podSecurity).toEqual({ enforce: 'restricted' });
  });
});
