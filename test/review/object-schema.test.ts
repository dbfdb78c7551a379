import { analyzePermissions, analyzeReachability, ReachabilityError } from '../../lib/review/analyses';
import { review } from '../../lib/review/engine';
import { KubeObject } from '../../lib/review/model';
import { PACKS, ruleById } from '../../lib/review/packs';
import { check, deployment, hardenedNamespace, inHardenedNamespace, networkPolicy, pod } from './builders';
import { MALFORMED_CASES } from './malformed-objects';

const objectSchema = ruleById('object-schema')!;

describe('object-schema judges objects against the Kubernetes v1.37 API', () => {
  test.each(MALFORMED_CASES.map((c) => [c.name, c] as const))('%s', (_name, { object, expected }) => {
    const found = check(objectSchema, object);
    expect(found.map((f) => f.path)).toEqual(expected.map(([p]) => p));
    found.forEach((f, i) => expect(f.message).toContain(expected[i][1]));
  });

  // What the other rules did with these before: a mapping of containers, a string security
  // context or `kind: pod` left them nothing to judge, and the object passed.
  test.each(PACKS.map((p) => [p.id]))('a malformed object fails a review of the %s pack alone', (pack) => {
    for (const { name, object, expected } of MALFORMED_CASES.filter((c) => c.expected.length)) {
      const result = review(inHardenedNamespace(object), { packs: [pack], today: '2026-01-01' });
      const errors = result.findings.filter((f) => f.ruleId === 'object-schema' && f.severity === 'error');
      expect([name, result.passed, errors.map((f) => f.path).sort()]).toEqual([name, false, expected.map(([p]) => p).sort()]);
    }
  });

  test('a malformed object ends with an error finding from every rule that runs on it, never a crash', () => {
    const result = review(inHardenedNamespace(...MALFORMED_CASES.map((c) => c.object)), { today: '2026-01-01' });
    expect(result.findings.filter((f) => f.ruleId === 'rule-error')).toEqual([]);
    expect(result.passed).toBe(false);
  });

  test('objects of groups the API server does not serve are custom resources: not judged', () => {
    const custom = (apiVersion: string, kind: string): KubeObject => ({
      apiVersion,
      kind,
      metadata: { name: 'x' },
      spec: { anything: ['goes'] },
    });
    expect(check(objectSchema, custom('bitnami.com/v1alpha1', 'SealedSecret'))).toEqual([]);
    expect(check(objectSchema, custom('gateway.networking.k8s.io/v1', 'HTTPRoute'))).toEqual([]);
    expect(check(objectSchema, custom('audit.k8s.io/v1', 'Policy'))).toEqual([]);
    // A kubeconfig (the audit webhook's) is a file of the core group's v1, not an API object.
    expect(
      check(objectSchema, {
        apiVersion: 'v1',
        kind: 'Config',
        clusters: [{ name: 'audit', cluster: { server: 'https://audit.example.com' } }],
      } as KubeObject),
    ).toEqual([]);
    // A group without a dot is the API server's own (a CRD's group must have one): judged.
    expect(check(objectSchema, custom('widgets/v1', 'Widget')).map((f) => f.path)).toEqual(['apiVersion']);
  });

  test('a field path names map keys that are not identifiers in brackets, and list items by index', () => {
    const object = deployment((s) => {
      s.containers[1] = {
        ...s.containers[0],
        name: 'second',
        env: [
          { name: 'A', value: 'a' },
          { name: 'B', valueFrom: { fieldRef: 'x' } },
        ],
      };
    });
    (object.metadata as any).labels = { 'app.kubernetes.io/name': 2 };
    expect(check(objectSchema, object).map((f) => f.path)).toEqual([
      'metadata.labels["app.kubernetes.io/name"]',
      'spec.template.spec.containers[1].env[1].valueFrom.fieldRef',
    ]);
  });

  test('the rule does not crash on values no YAML gives but a caller may (functions, NaN)', () => {
    const object = deployment((s) => {
      s.containers[0].securityContext.runAsUser = Number.NaN;
      s.containers[0].args = [() => 1];
    });
    expect(check(objectSchema, object).map((f) => f.path)).toEqual([
      'spec.template.spec.containers[0].securityContext.runAsUser',
      'spec.template.spec.containers[0].args[0]',
    ]);
  });

  // Every field of compliant objects of the kinds the rules and analyses read most, given a
  // value of another shape in turn: the review must fail on it, no rule may crash, and the
  // analyses may only refuse it (ReachabilityError), never crash the synth with a TypeError.
  const RBAC = 'rbac.authorization.k8s.io/v1';
  const SAMPLES: KubeObject[] = [
    deployment(),
    pod(),
    networkPolicy(
      {
        podSelector: { matchLabels: { app: 'web' } },
        policyTypes: ['Ingress', 'Egress'],
        ingress: [
          {
            from: [{ podSelector: { matchLabels: { app: 'api' } } }, { ipBlock: { cidr: '10.0.0.0/8', except: ['10.1.0.0/16'] } }],
            ports: [{ port: 8080, protocol: 'TCP' }],
          },
        ],
        egress: [
          {
            to: [
              { namespaceSelector: { matchExpressions: [{ key: 'team', operator: 'In', values: ['shop'] }] } },
              { ipBlock: { cidr: '0.0.0.0/0', except: ['169.254.169.254/32'] } },
            ],
          },
        ],
      },
      'web',
    ),
    {
      apiVersion: RBAC,
      kind: 'Role',
      metadata: { name: 'web', namespace: 'shop' },
      rules: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get'] }],
    },
    {
      apiVersion: RBAC,
      kind: 'RoleBinding',
      metadata: { name: 'web', namespace: 'shop' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'web' },
      subjects: [{ kind: 'ServiceAccount', name: 'web', namespace: 'shop' }],
    },
  ];
  const OTHER_SHAPES: readonly unknown[] = [['x'], { x: 'y' }, 'x', 1.5, true];
  const sameShape = (a: unknown, b: unknown) => (Array.isArray(a) ? 'list' : typeof a) === (Array.isArray(b) ? 'list' : typeof b);
  /** Every path of `value` to a field or list item, with the value there. */
  const leaves = (value: unknown, path: (string | number)[] = []): Array<[(string | number)[], unknown]> =>
    typeof value === 'object' && value !== null
      ? Object.entries(value).flatMap(([key, child]) => [
          [[...path, Array.isArray(value) ? Number(key) : key], child] as [(string | number)[], unknown],
          ...leaves(child, [...path, Array.isArray(value) ? Number(key) : key]),
        ])
      : [];

  test.each(SAMPLES.map((o) => [o.kind, o] as const))(
    'every field of a %s in another shape: the review fails, nothing crashes',
    (_kind, sample) => {
      const passedWith: string[] = [];
      const crashed: string[] = [];
      let mutants = 0;
      for (const [path, original] of leaves(sample).filter(([p]) => p[0] !== 'apiVersion' && p[0] !== 'kind')) {
        for (const other of OTHER_SHAPES.filter((o) => !sameShape(o, original))) {
          const mutant = structuredClone(sample) as any;
          let parent = mutant;
          for (const key of path.slice(0, -1)) parent = parent[key];
          parent[path[path.length - 1]] = other;
          mutants++;
          const objects = [...hardenedNamespace(), mutant];
          const result = review(
            objects.map((object) => ({ object })),
            { today: '2026-01-01' },
          );
          crashed.push(
            ...result.findings
              .filter((f) => f.ruleId === 'rule-error')
              .map((f) => `${path.join('.')} = ${JSON.stringify(other)}: ${f.message}`),
          );
          // Numbers and strings stand for each other where the API takes an int-or-string or a quantity (the table and the server differential judge those).
          const numberOrString = [typeof other, typeof original].every((t) => t === 'number' || t === 'string');
          if (result.passed && !numberOrString) passedWith.push(`${path.join('.')} = ${JSON.stringify(other)}`);
          for (const analysis of [analyzeReachability, analyzePermissions]) {
            try {
              analysis(objects);
            } catch (error) {
              if (!(error instanceof ReachabilityError))
                throw new Error(`${analysis.name} crashed on ${path.join('.')} = ${JSON.stringify(other)}: ${error}`, { cause: error });
            }
          }
        }
      }
      expect(passedWith).toEqual([]);
      expect(crashed).toEqual([]);
      expect(mutants).toBeGreaterThan(20);
    },
  );
});
