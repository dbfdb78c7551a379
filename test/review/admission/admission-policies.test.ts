import { admissionPolicies, POLICY_SYNC_WAVE } from '../../../lib/review/admission/admission-policies';
import { ExceptionRecord, KubeObject } from '../../../lib/review/model';
import { ALL_RULES } from '../../../lib/review/packs';

const spec = (o: KubeObject) => o.spec as any;

describe('every rule is enforced at admission or says why not', () => {
  test.each(ALL_RULES.map((r) => [r.id, r] as const))('%s', (_id, rule) => {
    expect([rule.admission !== undefined, rule.synthTimeOnly !== undefined]).toContainEqual(true);
    expect(rule.admission !== undefined && rule.synthTimeOnly !== undefined).toBe(false);
    if (rule.synthTimeOnly !== undefined) expect(rule.synthTimeOnly.length).toBeGreaterThan(30);
  });
});

describe('the generated policies', () => {
  const policies = admissionPolicies({ rules: ALL_RULES, declaredNamespaces: ['shop', 'fulfilment'] });
  const all = policies.flatMap((p) => p.objects);

  test('are the same for the same input, sorted by name', () => {
    expect(JSON.stringify(admissionPolicies({ rules: ALL_RULES, declaredNamespaces: ['fulfilment', 'shop'] }))).toBe(
      JSON.stringify(policies),
    );
    expect(policies.map((p) => p.name)).toEqual([...policies.map((p) => p.name)].sort());
  });

  test('cover every rule with admission, each in a policy of its severity, and no other', () => {
    const enforced = new Set(policies.flatMap((p) => p.ruleIds));
    expect([...enforced].sort()).toEqual(
      ALL_RULES.filter((r) => r.admission)
        .map((r) => r.id)
        .sort(),
    );
    for (const p of policies) {
      for (const id of p.ruleIds) expect(ALL_RULES.find((r) => r.id === id)!.severity).toBe(p.severity);
      expect(p.name).toMatch(p.severity === 'error' ? /-deny$/ : /-warn$/);
    }
  });

  test('fail closed, match only CREATE and UPDATE of served versions (so they are type-checked), and leave the template controllers to Pod Security', () => {
    for (const policy of all.filter((o) => o.kind === 'ValidatingAdmissionPolicy')) {
      expect(spec(policy).failurePolicy).toBe('Fail');
      for (const rule of spec(policy).matchConstraints.resourceRules) {
        expect(rule.operations).toEqual(['CREATE', 'UPDATE']);
        expect(rule.apiVersions.every((v: string) => /^v\d+$/.test(v))).toBe(true);
      }
      expect(spec(policy).matchConditions[0].expression).toContain('system:serviceaccount:kube-system:replicaset-controller');
      expect(policy.metadata!.annotations!['argocd.argoproj.io/sync-wave']).toBe(POLICY_SYNC_WAVE);
      for (const v of spec(policy).validations) expect(v.message).toMatch(/^[a-z0-9-]+: .* Fix: /);
    }
  });

  test('are each bound in the declared namespaces and, by a second binding, in every other but the exempt ones', () => {
    for (const p of policies) {
      const [declared, elsewhere] = p.objects.slice(1).map(spec);
      expect(declared.validationActions).toEqual(p.severity === 'error' ? ['Deny'] : ['Warn', 'Audit']);
      expect(declared.matchResources.namespaceSelector.matchExpressions).toEqual([
        { key: 'kubernetes.io/metadata.name', operator: 'In', values: ['fulfilment', 'shop'] },
      ]);
      expect(elsewhere.matchResources.namespaceSelector.matchExpressions).toEqual([
        { key: 'kubernetes.io/metadata.name', operator: 'NotIn', values: ['fulfilment', 'kube-system', 'shop'] },
      ]);
    }
  });

  test('a rule is part of a policy only where its CEL judges something: no-default-namespace not in the workload policies', () => {
    const withRule = policies.filter((p) => p.ruleIds.includes('no-default-namespace')).map((p) => p.name);
    expect(withRule).toEqual(['cdk8s-hardened-objects-deny']);
    for (const name of ['cdk8s-hardened-pods-deny', 'cdk8s-hardened-workloads-deny', 'cdk8s-hardened-cronjobs-deny'])
      expect(withRule).not.toContain(name);
  });

  test('without declared namespaces, one cluster-wide binding', () => {
    for (const p of admissionPolicies({ rules: ALL_RULES, exemptNamespaces: ['kube-system', 'calico-system'] })) {
      expect(p.objects.map((o) => o.kind)).toEqual(['ValidatingAdmissionPolicy', 'ValidatingAdmissionPolicyBinding']);
      expect(spec(p.objects[1]).matchResources.namespaceSelector.matchExpressions[0].values).toEqual(['calico-system', 'kube-system']);
    }
  });
});

describe('exceptions in the policies', () => {
  const record = (accepts?: string[], status: ExceptionRecord['status'] = 'applied'): ExceptionRecord => ({
    ruleId: 'baseline-capabilities',
    object: { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'net', name: 'vpn' },
    origin: '',
    reason: 'the VPN gateway configures its tunnel interface',
    source: 'exceptions-file',
    status,
    findings: 1,
    ...(accepts ? { accepts } : {}),
  });
  const variablesOf = (records: ExceptionRecord[]) =>
    spec(admissionPolicies({ rules: ALL_RULES, exceptions: records }).find((p) => p.name === 'cdk8s-hardened-workloads-deny')!.objects[0])
      .variables as { name: string; expression: string }[];

  test('an applied exception is written for exactly its object and values, keyed by group, kind, namespace and name', () => {
    const accepted = variablesOf([record(['NET_ADMIN'])]).find((v) => v.name === 'accepted_baseline_capabilities')!;
    expect(accepted.expression).toBe('{"apps/Deployment/net/vpn": ["NET_ADMIN"]}[?variables.exceptionKey].orValue([])');
  });

  test('an exception the review did not apply (expired, untrusted, unused...) is not written', () => {
    for (const status of ['expired', 'untrusted', 'unused', 'malformed', 'without-reason', 'not-evaluated', 'unmatched'] as const) {
      expect(variablesOf([record(['NET_ADMIN'], status)]).map((v) => v.name)).not.toContain('accepted_baseline_capabilities');
    }
  });

  test('without exceptions, no rule reads an exception variable', () => {
    const text = JSON.stringify(admissionPolicies({ rules: ALL_RULES }));
    expect(text).not.toContain('variables.accepted_');
    expect(text).not.toContain('exceptionKey');
  });
});
