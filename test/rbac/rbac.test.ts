import { Chart, Testing } from 'cdk8s';
import {
  AccessProfile,
  ClusterGrant,
  ClusterGrantProps,
  HardenedDeployment,
  HardenedNamespace,
  NamespaceAccess,
  NamespaceAccessProps,
  RbacSubject,
  review,
} from '../../lib';
import { CONTAINER, only } from '../support';

const REASON = 'the collector lists pods in every namespace for metrics';
const TODAY = '2026-11-23';

function setup() {
  const app = Testing.app();
  const chart = new Chart(app, 'test', { namespace: 'charted' });
  const shop = new HardenedNamespace(chart, 'shop');
  return { chart, shop, synth: () => Testing.synth(chart) as any[] };
}

const reviewed = (objects: any[]) =>
  review(
    objects.map((object) => ({ object })),
    { today: TODAY, trustAnnotations: true },
  );

describe('workload.grant', () => {
  test("creates a namespaced Role and RoleBinding for the workload's own ServiceAccount and mounts its token", () => {
    const s = setup();
    const api = new HardenedDeployment(s.shop, 'api', { containers: [CONTAINER] });
    api.grant({ apiGroups: [''], resources: ['configmaps'], verbs: ['get'], resourceNames: ['app-config'] });
    api.grant({ apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['get', 'update'] });
    const objects = s.synth();
    expect(only(objects, 'Role')).toEqual({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: expect.objectContaining({ name: 'api', namespace: 'shop' }),
      rules: [
        { apiGroups: [''], resources: ['configmaps'], verbs: ['get'], resourceNames: ['app-config'] },
        { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['get', 'update'] },
      ],
    });
    expect(only(objects, 'RoleBinding')).toMatchObject({
      metadata: { name: 'api', namespace: 'shop' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'api' },
      subjects: [{ kind: 'ServiceAccount', name: 'api', namespace: 'shop' }],
    });
    const deployment = only(objects, 'Deployment');
    expect(deployment.spec.template.spec.automountServiceAccountToken).toBe(true);
    expect(only(objects, 'ServiceAccount').automountServiceAccountToken).toBe(false);
    expect(deployment.metadata.annotations['exception.hardened.cdk8s.io/no-service-account-token']).toBe(
      'calls the Kubernetes API with the permissions of Role api (workload.grant)',
    );
    expect(reviewed(objects).passed).toBe(true);
  });

  test('other workloads keep their token unmounted', () => {
    const s = setup();
    new HardenedDeployment(s.shop, 'api', { containers: [CONTAINER] }).grant({
      apiGroups: [''],
      resources: ['configmaps'],
      verbs: ['get'],
    });
    new HardenedDeployment(s.shop, 'web', { containers: [CONTAINER] });
    const web = s.synth().find((o) => o.kind === 'Deployment' && o.metadata.name === 'web');
    expect(web.spec.template.spec.automountServiceAccountToken).toBe(false);
  });

  test.each([
    [
      'a wildcard verb',
      { apiGroups: [''], resources: ['configmaps'], verbs: ['*'] },
      "[test/shop/api] 'grant(#0)[0].verbs': contains '*', which also grants everything added to the API later. List the verbs the workload needs. If it is really needed, add exceptions: [{ rule: 'rbac-no-wildcards'",
    ],
    ['a wildcard resource', { apiGroups: ['apps'], resources: ['*'], verbs: ['get'] }, "'grant(#0)[0].resources': contains '*'"],
    [
      'an escalation verb',
      { apiGroups: ['rbac.authorization.k8s.io'], resources: ['roles'], verbs: ['bind', 'escalate'] },
      "[test/shop/api] 'grant(#0)[0].verbs' grants bind on roles: the escalation power 'bind', which lets the subject bind roles with permissions they do not hold. Remove it (see https://kubernetes.io/docs/concepts/security/rbac-good-practices/#bind-verb). If it is really needed, add exceptions: [{ rule: 'rbac-no-escalation-verbs', reason: '<why this is needed and safe>', accepts: ['bind'] }].",
    ],
    ['impersonation', { apiGroups: [''], resources: ['users'], verbs: ['impersonate'] }, "rule: 'rbac-no-escalation-verbs'"],
    [
      'exec into pods',
      { apiGroups: [''], resources: ['pods/exec'], verbs: ['create'] },
      "'grant(#0)[0]' grants create on pods/exec: the escalation power 'create pods/exec', which lets the subject run commands in containers.",
    ],
    // The escalation powers issue #17 found allowed without an exception, each refused with its name.
    [
      'ephemeral containers',
      { apiGroups: [''], resources: ['pods/ephemeralcontainers'], verbs: ['patch'] },
      "the escalation power 'patch pods/ephemeralcontainers', which lets the subject add a container of their choosing to running pods, as good as exec. Remove it",
    ],
    [
      'creating Secrets',
      { apiGroups: [''], resources: ['secrets'], verbs: ['create'] },
      "add exceptions: [{ rule: 'rbac-namespace-escalation-powers', reason: '<why this is needed and safe>', accepts: ['create secrets'] }]",
    ],
    ['reading Secrets', { apiGroups: [''], resources: ['secrets'], verbs: ['list'] }, "the escalation power 'read secrets'"],
    ['creating pods', { apiGroups: [''], resources: ['pods'], verbs: ['create'] }, "the escalation power 'create pods'"],
    [
      'deleting NetworkPolicies',
      { apiGroups: ['networking.k8s.io'], resources: ['networkpolicies'], verbs: ['delete'] },
      "grants delete on networkpolicies: the escalation power 'write networkpolicies'",
    ],
    [
      'relabelling its namespace',
      { apiGroups: [''], resources: ['namespaces'], verbs: ['patch'] },
      "the escalation power 'patch namespaces'",
    ],
    [
      'service account tokens',
      { apiGroups: [''], resources: ['serviceaccounts/token'], verbs: ['create'] },
      "rule: 'rbac-no-exec-attach-portforward'",
    ],
    [
      'a verb that does not exist',
      { apiGroups: [''], resources: ['pods'], verbs: ['read'] },
      "'grant(#0)[0].verbs' lists 'read', which is not a Kubernetes verb.",
    ],
    ['no verbs', { apiGroups: [''], resources: ['pods'], verbs: [] }, "'grant(#0)[0].verbs' is empty."],
  ])('refuses %s', (_case, rule, message) => {
    const s = setup();
    const api = new HardenedDeployment(s.shop, 'api', { containers: [CONTAINER] });
    expect(() => api.grant(rule)).toThrow(message);
  });

  test('an exception allows a refused rule and is recorded on the Role', () => {
    const s = setup();
    const reason = 'the operator manages its own CRDs and their versions';
    const api = new HardenedDeployment(s.shop, 'api', { containers: [CONTAINER], exceptions: [{ rule: 'rbac-no-wildcards', reason }] });
    api.grant({ apiGroups: ['example.com'], resources: ['widgets'], verbs: ['*'] });
    const objects = s.synth();
    expect(only(objects, 'Role').metadata.annotations).toEqual({
      'exception.hardened.cdk8s.io/rbac-no-wildcards': reason,
      // The scanners' skips for the same rule, with the same reason (lib/review/scanner-map.ts).
      'checkov.io/skip1': `CKV_K8S_49=${reason}`,
      'ignore-check.kube-linter.io/wildcard-in-rules': reason,
      'trivy.hardened.cdk8s.io/ignore': 'KSV-0044,KSV-0045,KSV-0046,KSV-0112',
    });
    expect(only(objects, 'Deployment').metadata.annotations['exception.hardened.cdk8s.io/rbac-no-wildcards']).toBeUndefined();
    expect(reviewed(objects).passed).toBe(true);
  });
});

describe('NamespaceAccess profiles', () => {
  const rulesOf = (profile: AccessProfile, extra: Partial<NamespaceAccessProps> = {}) => {
    const s = setup();
    new NamespaceAccess(s.shop, 'team', { profile, subjects: [RbacSubject.group('oidc:shop')], ...extra });
    return { objects: s.synth(), role: () => only(s.synth(), 'Role') };
  };
  const grants = (rules: any[], resource: string, verb: string) =>
    rules.some((r) => (r.resources.includes(resource) || r.resources.includes('*')) && (r.verbs.includes(verb) || r.verbs.includes('*')));

  test.each(Object.values(AccessProfile))(
    '%s: bound to the group in its namespace, no wildcard, no escalate, bind or impersonate',
    (profile) => {
      const { objects } = rulesOf(profile);
      const role = only(objects, 'Role');
      // Trivy judges on the Role what kube-linter judges on the binding: workload authors deploy, admins manage RBAC and rotate Secrets.
      const trivySkips = { viewer: undefined, developer: 'KSV-0048,KSV-0056', admin: 'KSV-0048,KSV-0050,KSV-0056,KSV-0113' }[profile];
      expect(role.metadata).toEqual({
        name: `${profile}-team`,
        namespace: 'shop',
        ...(trivySkips ? { annotations: { 'trivy.hardened.cdk8s.io/ignore': trivySkips } } : {}),
      });
      expect(only(objects, 'RoleBinding')).toMatchObject({
        roleRef: { kind: 'Role', name: `${profile}-team` },
        subjects: [{ kind: 'Group', name: 'oidc:shop', apiGroup: 'rbac.authorization.k8s.io' }],
      });
      for (const rule of role.rules) {
        expect([...rule.apiGroups, ...rule.resources, ...rule.verbs]).not.toContain('*');
        expect(rule.verbs).not.toEqual(expect.arrayContaining(['escalate']));
        for (const verb of ['escalate', 'bind', 'impersonate']) expect(rule.verbs).not.toContain(verb);
      }
      expect(reviewed(objects).passed).toBe(true);
    },
  );

  test('viewer reads workloads and logs but never Secrets', () => {
    const rules = only(rulesOf(AccessProfile.VIEWER).objects, 'Role').rules;
    expect(grants(rules, 'pods/log', 'get')).toBe(true);
    expect(grants(rules, 'deployments', 'list')).toBe(true);
    expect(grants(rules, 'secrets', 'get')).toBe(false);
    expect(grants(rules, 'deployments', 'update')).toBe(false);
  });

  test('developer changes workloads but has no exec, attach or port-forward, and no Secrets', () => {
    const rules = only(rulesOf(AccessProfile.DEVELOPER).objects, 'Role').rules;
    expect(grants(rules, 'deployments', 'update')).toBe(true);
    for (const sub of ['pods/exec', 'pods/attach', 'pods/portforward']) expect(grants(rules, sub, 'create')).toBe(false);
    expect(grants(rules, 'secrets', 'get')).toBe(false);
    expect(grants(rules, 'roles', 'create')).toBe(false);
  });

  // Changed with issue #17: reading or creating Secrets and writing NetworkPolicies are escalation powers; the admin profile holds none.
  test("admin manages the namespace's Roles and rotates Secrets, without reading or creating them or touching NetworkPolicies", () => {
    const rules = only(rulesOf(AccessProfile.ADMIN).objects, 'Role').rules;
    expect(grants(rules, 'secrets', 'update')).toBe(true);
    expect(grants(rules, 'secrets', 'get')).toBe(false);
    expect(grants(rules, 'secrets', 'create')).toBe(false);
    expect(grants(rules, 'networkpolicies', 'create')).toBe(false);
    expect(grants(rules, 'networkpolicies', 'delete')).toBe(false);
    expect(grants(rules, 'rolebindings', 'create')).toBe(true);
  });

  test('exec for developers only with an exception, recorded on the Role', () => {
    const reason = 'on-call debugging of the legacy checkout service';
    expect(() => rulesOf(AccessProfile.DEVELOPER, { allowExec: true })).toThrow("rule: 'rbac-no-exec-attach-portforward'");
    // The exception names each power it accepts: one for exec does not let attach in.
    const exception = (accepts: string[]) => ({ rule: 'rbac-no-exec-attach-portforward', reason, accepts });
    expect(() => rulesOf(AccessProfile.DEVELOPER, { allowExec: true, exceptions: [exception(['create pods/exec'])] })).toThrow(
      "'rules[14]' grants get, create on pods/attach: the escalation power 'create pods/attach', which lets the subject attach to the processes of containers. The exception to 'rbac-no-exec-attach-portforward' does not name it: add 'create pods/attach' to its accepts, or remove the power.",
    );
    const role = only(
      rulesOf(AccessProfile.DEVELOPER, {
        allowExec: true,
        exceptions: [exception(['create pods/exec', 'create pods/attach', 'create pods/portforward'])],
      }).objects,
      'Role',
    );
    expect(grants(role.rules, 'pods/exec', 'create')).toBe(true);
    expect(Object.keys(role.metadata.annotations)).toEqual([
      'exception.hardened.cdk8s.io/rbac-no-exec-attach-portforward',
      'polaris.fairwinds.com/rolePodExecAttach-exempt',
      'trivy.hardened.cdk8s.io/ignore',
    ]);
    // The exception's checks (exec, attach) beside the developer profile's own skips.
    expect(role.metadata.annotations['trivy.hardened.cdk8s.io/ignore']).toBe('KSV-0048,KSV-0053,KSV-0054,KSV-0056');
    expect(role.metadata.annotations['exception.hardened.cdk8s.io/rbac-no-exec-attach-portforward']).toMatch(new RegExp(`^${reason}`));
  });

  test.each<[string, Partial<NamespaceAccessProps>, string]>([
    ['no subject', { subjects: [] }, "[test/shop/team] 'subjects' is empty."],
    [
      'everyone',
      { subjects: [RbacSubject.group('system:authenticated')] },
      "'subjects[0]' is 'system:authenticated', which is everyone (or every caller) of the cluster.",
    ],
    ['anonymous', { subjects: [RbacSubject.user('system:anonymous')] }, "'subjects[0]' is 'system:anonymous'"],
    [
      'a default ServiceAccount',
      { subjects: [RbacSubject.serviceAccount('shop', 'default')] },
      "'subjects[0]' is a namespace's default ServiceAccount",
    ],
    [
      'a user without an exception',
      { subjects: [RbacSubject.user('alice@example.com')] },
      "'subjects[0]': binds the user 'alice@example.com' directly; access then outlives a change of team. Bind a group from the identity provider. If it is really needed, add exceptions: [{ rule: 'rbac-no-user-subjects'",
    ],
    ['exec for a viewer', { profile: AccessProfile.VIEWER, allowExec: true }, "'allowExec' is set for a viewer."],
  ])('fails on %s', (_case, props, message) => {
    const s = setup();
    expect(
      () => new NamespaceAccess(s.shop, 'team', { profile: AccessProfile.DEVELOPER, subjects: [RbacSubject.group('oidc:shop')], ...props }),
    ).toThrow(message);
  });
});

describe('ClusterGrant', () => {
  const grant = (props: Partial<ClusterGrantProps> = {}) => {
    const s = setup();
    new ClusterGrant(s.chart, 'metrics', {
      subjects: [RbacSubject.serviceAccount('monitoring', 'collector')],
      rules: [{ apiGroups: [''], resources: ['pods', 'nodes'], verbs: ['get', 'list', 'watch'] }],
      reason: REASON,
      ...props,
    });
    return s.synth();
  };

  test('writes a cluster-scoped role and binding, the reason recorded as the exception to rbac-cluster-scope', () => {
    const objects = grant();
    const role = only(objects, 'ClusterRole');
    const binding = only(objects, 'ClusterRoleBinding');
    expect(role.metadata).toEqual({ name: 'metrics' });
    expect(binding.metadata).toEqual({ name: 'metrics', annotations: { 'exception.hardened.cdk8s.io/rbac-cluster-scope': REASON } });
    expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: 'collector', namespace: 'monitoring' }]);
    const result = reviewed(objects);
    expect(result.passed).toBe(true);
    expect(result.findings.filter((f) => !f.exception && f.object.kind.startsWith('Cluster'))).toEqual([]);
  });

  test.each<[string, Partial<ClusterGrantProps>, string]>([
    [
      'a reason that says nothing',
      { reason: 'needed' },
      "[test/metrics] 'reason' must say in at least 10 visible characters why the grant must be cluster-wide (got 'needed').",
    ],
    [
      'reading Secrets everywhere',
      { rules: [{ apiGroups: [''], resources: ['secrets'], verbs: ['list'] }] },
      "'rules[0]': reads Secrets in every namespace. Grant it per namespace with workload.grant(), limited by resourceNames. If it is really needed, add exceptions: [{ rule: 'rbac-no-cluster-secret-read'",
    ],
    ['no subject', { subjects: [] }, "'subjects' is empty."],
  ])('fails on %s', (_case, props, message) => {
    expect(() => grant(props)).toThrow(message);
  });

  // The powers issue #17 found allowed with only the general reason: each needs an exception naming it.
  const rule = (apiGroup: string, resource: string, verb: string) => ({
    rules: [{ apiGroups: [apiGroup], resources: [resource], verbs: [verb] }],
  });
  test.each<[string, Partial<ClusterGrantProps>, string, string]>([
    ['creating pods', rule('', 'pods', 'create'), 'rbac-namespace-escalation-powers', 'create pods'],
    ['relabelling namespaces', rule('', 'namespaces', 'patch'), 'rbac-no-cluster-takeover-powers', 'patch namespaces'],
    [
      'creating mutating webhooks',
      rule('admissionregistration.k8s.io', 'mutatingwebhookconfigurations', 'create'),
      'rbac-no-cluster-takeover-powers',
      'create mutatingwebhookconfigurations',
    ],
    [
      'approving certificate requests',
      rule('certificates.k8s.io', 'certificatesigningrequests/approval', 'update'),
      'rbac-no-cluster-takeover-powers',
      'update certificatesigningrequests/approval',
    ],
    ['approving for a signer', rule('certificates.k8s.io', 'signers', 'approve'), 'rbac-no-cluster-takeover-powers', 'approve signers'],
    ['creating PersistentVolumes', rule('', 'persistentvolumes', 'create'), 'rbac-no-cluster-takeover-powers', 'create persistentvolumes'],
  ])('refuses %s unless an exception names the power', (_case, props, ruleId, power) => {
    expect(() => grant(props)).toThrow(
      `[test/metrics] 'rules[0]' grants ${props.rules![0].verbs[0]} on ${props.rules![0].resources[0]}: the escalation power '${power}'`,
    );
    expect(() => grant(props)).toThrow(
      `add exceptions: [{ rule: '${ruleId}', reason: '<why this is needed and safe>', accepts: ['${power}'] }]`,
    );
    const exception = (accepts: string[]) => ({ rule: ruleId, reason: 'the platform controller needs it, reviewed', accepts });
    expect(() => grant({ ...props, exceptions: [exception(['read secrets'])] })).toThrow(
      `The exception to '${ruleId}' does not name it: add '${power}' to its accepts`,
    );
    const objects = grant({ ...props, exceptions: [exception([power])] });
    expect(only(objects, 'ClusterRole').metadata.annotations[`exception.hardened.cdk8s.io/${ruleId}`]).toContain(
      `accepts ${power.replace(/ /g, '%20')}`,
    );
  });
});

describe('grant rules agree with the review', () => {
  test.each([
    [
      'every resource of the core group reaches exec (and Secrets)',
      { apiGroups: [''], resources: ['*'], verbs: ['get'] },
      ['rbac-no-wildcards', 'rbac-no-exec-attach-portforward', 'rbac-namespace-escalation-powers'],
    ],
    [
      '*/exec is a wildcard that reaches exec',
      { apiGroups: [''], resources: ['*/exec'], verbs: ['create'] },
      ['rbac-no-wildcards', 'rbac-no-exec-attach-portforward'],
    ],
    ['any verb on nodes/proxy', { apiGroups: [''], resources: ['nodes/proxy'], verbs: ['list'] }, ['rbac-no-exec-attach-portforward']],
    ['exec outside the core group is another resource', { apiGroups: ['example.com'], resources: ['pods/exec'], verbs: ['create'] }, []],
  ])('%s', (_case, rule, needed) => {
    const build = (rules: string[]) => {
      const s = setup();
      const api = new HardenedDeployment(s.shop, 'api', {
        containers: [CONTAINER],
        exceptions: rules.map((r) => ({ rule: r, reason: 'operator needs it, reviewed by security', accepts: ['*'] })),
      });
      api.grant(rule);
      return s.synth();
    };
    for (const missing of needed) {
      expect(() => build(needed.filter((r) => r !== missing))).toThrow(`rule: '${missing}'`);
    }
    const result = reviewed(build(needed));
    expect(result.findings.filter((f) => f.severity === 'error' && !f.exception)).toEqual([]);
  });

  test('every ServiceAccount of the cluster is a broad subject', () => {
    const s = setup();
    expect(
      () => new NamespaceAccess(s.shop, 'team', { profile: AccessProfile.VIEWER, subjects: [RbacSubject.group('system:serviceaccounts')] }),
    ).toThrow("'subjects[0]' is 'system:serviceaccounts'");
  });
});
