import { analyzePermissions, PermissionsReport, RISKY_POWERS } from '../../../lib/review/analyses/permissions';
import { permissionsJson, permissionsMarkdown } from '../../../lib/review/analyses/permissions-report';
import { KubeObject } from '../../../lib/review/model';

const RBAC_API = 'rbac.authorization.k8s.io/v1';
type PolicyRule = { apiGroups?: string[]; resources?: string[]; verbs: string[]; resourceNames?: string[]; nonResourceURLs?: string[] };
type Subject = { kind: string; name: string; namespace?: string };

function role(ns: string, name: string, rules: PolicyRule[]): KubeObject {
  return { apiVersion: RBAC_API, kind: 'Role', metadata: { name, namespace: ns }, rules };
}

function clusterRole(
  name: string,
  rules: PolicyRule[],
  labels?: Record<string, string>,
  aggregate?: Array<Record<string, unknown>>,
): KubeObject {
  return {
    apiVersion: RBAC_API,
    kind: 'ClusterRole',
    metadata: { name, ...(labels ? { labels } : {}) },
    rules,
    ...(aggregate ? { aggregationRule: { clusterRoleSelectors: aggregate } } : {}),
  };
}

function roleBinding(ns: string, name: string, roleRef: string, subjects: Subject[]): KubeObject {
  const [kind, roleName] = roleRef.split(' ');
  return {
    apiVersion: RBAC_API,
    kind: 'RoleBinding',
    metadata: { name, namespace: ns },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind, name: roleName },
    subjects,
  };
}

function clusterRoleBinding(name: string, clusterRoleName: string, subjects: Subject[]): KubeObject {
  return {
    apiVersion: RBAC_API,
    kind: 'ClusterRoleBinding',
    metadata: { name },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: clusterRoleName },
    subjects,
  };
}

const sa = (ns: string, name: string): Subject => ({ kind: 'ServiceAccount', name, namespace: ns });
const group = (name: string): Subject => ({ kind: 'Group', name });
const user = (name: string): Subject => ({ kind: 'User', name });
const READ_PODS: PolicyRule = { apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'watch'] };

function where(item: { readonly scope: string; readonly namespace?: string }): string {
  return item.scope === 'cluster' ? 'cluster' : item.namespace!;
}

/** One line per grant: `<subject> @ <scope>: <group>|<resource>[names] or url <url> = <verbs> (via ...)`. */
function grantLines(report: PermissionsReport): string[] {
  return report.subjects.flatMap((s) =>
    s.grants.map((g) => {
      const what =
        g.nonResourceURL !== undefined
          ? `url ${g.nonResourceURL}`
          : `${g.apiGroup}|${g.resource}${g.resourceNames!.length ? `[${g.resourceNames!.join(',')}]` : ''}`;
      return `${s.subject} @ ${where(g)}: ${what} = ${g.verbs.join(',')} (${g.via.join('; ')})`;
    }),
  );
}

/** One line per risky power: `<subject> @ <scope>: <power> <- <grants>`. */
function riskLines(report: PermissionsReport): string[] {
  return report.subjects.flatMap((s) => s.risks.map((r) => `${s.subject} @ ${where(r)}: ${r.power} <- ${r.grants.join('; ')}`));
}

function unresolvedLines(report: PermissionsReport): string[] {
  return report.subjects.flatMap((s) => s.unresolved.map((u) => `${s.subject} @ ${where(u)}: ${u.role} (${u.via})`));
}

interface Case {
  readonly objects: readonly KubeObject[];
  readonly grants: readonly string[];
  readonly risks?: readonly string[];
  readonly unresolved?: readonly string[];
}

const CASES: Record<string, Case> = {
  'one Role and its RoleBinding': {
    objects: [role('shop', 'pod-reader', [READ_PODS]), roleBinding('shop', 'web-reads-pods', 'Role pod-reader', [sa('shop', 'web')])],
    grants: ['ServiceAccount shop/web @ shop: |pods = get,list,watch (RoleBinding shop/web-reads-pods)'],
  },
  'a ClusterRole bound by a RoleBinding grants in that namespace, by a ClusterRoleBinding everywhere': {
    objects: [
      clusterRole('pod-reader', [READ_PODS]),
      roleBinding('shop', 'ops-reads-shop', 'ClusterRole pod-reader', [group('shop-ops')]),
      clusterRoleBinding('sre-reads-all', 'pod-reader', [group('sre')]),
    ],
    grants: [
      'Group shop-ops @ shop: |pods = get,list,watch (RoleBinding shop/ops-reads-shop)',
      'Group sre @ cluster: |pods = get,list,watch (ClusterRoleBinding sre-reads-all)',
    ],
  },
  'several bindings to one subject merge their verbs, and list every binding': {
    objects: [
      role('shop', 'pod-reader', [READ_PODS]),
      role('shop', 'pod-deleter', [
        { apiGroups: [''], resources: ['pods'], verbs: ['delete', 'get'] },
        { apiGroups: ['apps'], resources: ['deployments'], verbs: ['get'] },
      ]),
      roleBinding('shop', 'reads', 'Role pod-reader', [sa('shop', 'janitor')]),
      roleBinding('shop', 'deletes', 'Role pod-deleter', [sa('shop', 'janitor')]),
      roleBinding('shop', 'reads-again', 'Role pod-reader', [sa('shop', 'janitor')]),
    ],
    grants: [
      'ServiceAccount shop/janitor @ shop: |pods = get,list,watch,delete (RoleBinding shop/deletes; RoleBinding shop/reads; RoleBinding shop/reads-again)',
      'ServiceAccount shop/janitor @ shop: apps|deployments = get (RoleBinding shop/deletes)',
    ],
  },
  "groups, users and service accounts (a service account written as a user is that account; its namespace defaults to the binding's)": {
    objects: [
      role('shop', 'pod-reader', [READ_PODS]),
      roleBinding('shop', 'readers', 'Role pod-reader', [
        group('shop-developers'),
        user('alice@example.com'),
        user('system:serviceaccount:shop:web'),
        { kind: 'ServiceAccount', name: 'web' },
        sa('batch', 'importer'),
      ]),
    ],
    grants: [
      'Group shop-developers @ shop: |pods = get,list,watch (RoleBinding shop/readers)',
      'ServiceAccount batch/importer @ shop: |pods = get,list,watch (RoleBinding shop/readers)',
      'ServiceAccount shop/web @ shop: |pods = get,list,watch (RoleBinding shop/readers)',
      'User alice@example.com @ shop: |pods = get,list,watch (RoleBinding shop/readers)',
    ],
  },
  'resource names keep grants apart, and subresources are resources of their own': {
    objects: [
      role('shop', 'web', [
        { apiGroups: [''], resources: ['secrets'], verbs: ['get'], resourceNames: ['web-tls', 'db'] },
        { apiGroups: [''], resources: ['secrets'], verbs: ['watch'], resourceNames: ['db', 'web-tls'] },
        { apiGroups: [''], resources: ['secrets'], verbs: ['list'] },
        { apiGroups: [''], resources: ['pods/log', 'pods'], verbs: ['get'] },
      ]),
      roleBinding('shop', 'web', 'Role web', [sa('shop', 'web')]),
    ],
    grants: [
      'ServiceAccount shop/web @ shop: |pods = get (RoleBinding shop/web)',
      'ServiceAccount shop/web @ shop: |pods/log = get (RoleBinding shop/web)',
      'ServiceAccount shop/web @ shop: |secrets = list (RoleBinding shop/web)',
      'ServiceAccount shop/web @ shop: |secrets[db,web-tls] = get,watch (RoleBinding shop/web)',
    ],
    risks: ['ServiceAccount shop/web @ shop: read-secrets <- get, watch on secrets [db, web-tls]; list on secrets'],
  },
  'non-resource URLs count through a ClusterRoleBinding only': {
    objects: [
      clusterRole('health', [{ nonResourceURLs: ['/healthz', '/readyz'], verbs: ['get'] }]),
      clusterRoleBinding('probes', 'health', [group('probers')]),
      roleBinding('shop', 'probes', 'ClusterRole health', [group('shop-probers')]),
    ],
    grants: [
      'Group probers @ cluster: url /healthz = get (ClusterRoleBinding probes)',
      'Group probers @ cluster: url /readyz = get (ClusterRoleBinding probes)',
    ],
  },
  'wildcards expand for risky powers: "*" verbs on secrets read them': {
    objects: [
      role('shop', 'secret-admin', [{ apiGroups: [''], resources: ['secrets'], verbs: ['*'] }]),
      roleBinding('shop', 'secret-admin', 'Role secret-admin', [group('vault')]),
    ],
    grants: ['Group vault @ shop: |secrets = * (RoleBinding shop/secret-admin)'],
    risks: ['Group vault @ shop: read-secrets <- get, list, watch on secrets', 'Group vault @ shop: wildcard <- * on secrets'],
  },
  'an aggregated ClusterRole gets the rules of the ClusterRoles its selectors match, transitively': {
    objects: [
      clusterRole('monitoring', [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get'] }], undefined, [
        { matchLabels: { 'example.com/aggregate-to-monitoring': 'true' } },
      ]),
      clusterRole('metrics-reader', [{ apiGroups: ['metrics.k8s.io'], resources: ['pods'], verbs: ['get', 'list'] }], {
        'example.com/aggregate-to-monitoring': 'true',
      }),
      clusterRole('more-monitoring', [], { 'example.com/aggregate-to-monitoring': 'true' }, [
        { matchExpressions: [{ key: 'example.com/extra', operator: 'Exists' }] },
      ]),
      clusterRole('extra', [{ apiGroups: [''], resources: ['events'], verbs: ['list'] }], { 'example.com/extra': 'yes' }),
      clusterRole('unlabelled', [{ apiGroups: [''], resources: ['secrets'], verbs: ['get'] }]),
      clusterRoleBinding('monitoring', 'monitoring', [sa('monitoring', 'prometheus')]),
    ],
    grants: [
      'ServiceAccount monitoring/prometheus @ cluster: |events = list (ClusterRoleBinding monitoring)',
      'ServiceAccount monitoring/prometheus @ cluster: metrics.k8s.io|pods = get,list (ClusterRoleBinding monitoring)',
    ],
  },
  // Built-in ClusterRoles (view, admin...) are no longer unresolved: see 'a binding to a built-in ClusterRole ...' below.
  'a binding to a role neither the app nor Kubernetes defines is unresolved, not dropped': {
    objects: [
      roleBinding('shop', 'viewers', 'ClusterRole created-elsewhere', [group('shop-developers')]),
      roleBinding('shop', 'gone', 'Role deleted-role', [group('shop-developers')]),
      clusterRoleBinding('admins', 'platform-admin', [group('platform')]),
    ],
    grants: [],
    unresolved: [
      'Group platform @ cluster: ClusterRole platform-admin (ClusterRoleBinding admins)',
      'Group shop-developers @ shop: ClusterRole created-elsewhere (RoleBinding shop/viewers)',
      'Group shop-developers @ shop: Role shop/deleted-role (RoleBinding shop/gone)',
    ],
  },
};

describe('analyzePermissions', () => {
  test.each(Object.entries(CASES))('%s', (_name, { objects, grants, risks = [], unresolved = [] }) => {
    const report = analyzePermissions(objects);
    expect(grantLines(report)).toEqual(grants);
    expect(riskLines(report)).toEqual(risks);
    expect(unresolvedLines(report)).toEqual(unresolved);
  });

  /** One subject per power, bound cluster-wide to a ClusterRole holding just that power. */
  const POWER_CASES: ReadonlyArray<readonly [string, PolicyRule, string]> = [
    ['read-secrets', { apiGroups: [''], resources: ['secrets'], verbs: ['list'] }, 'list on secrets'],
    ['create-workloads', { apiGroups: ['apps'], resources: ['deployments'], verbs: ['patch'] }, 'patch on deployments.apps'],
    ['create-workloads', { apiGroups: [''], resources: ['pods'], verbs: ['create'] }, 'create on pods'],
    ['exec', { apiGroups: [''], resources: ['pods/exec'], verbs: ['get'] }, 'get on pods/exec'],
    [
      'edit-rbac',
      { apiGroups: ['rbac.authorization.k8s.io'], resources: ['rolebindings'], verbs: ['create'] },
      'create on rolebindings.rbac.authorization.k8s.io',
    ],
    [
      'escalate',
      { apiGroups: ['rbac.authorization.k8s.io'], resources: ['clusterroles'], verbs: ['bind'] },
      'bind on clusterroles.rbac.authorization.k8s.io',
    ],
    ['escalate', { apiGroups: [''], resources: ['users'], verbs: ['impersonate'] }, 'impersonate on users'],
    ['wildcard', { apiGroups: ['example.com'], resources: ['*'], verbs: ['get'] }, 'get on *.example.com'],
    ['node-proxy', { apiGroups: [''], resources: ['nodes/proxy'], verbs: ['get'] }, 'get on nodes/proxy'],
    ['token-request', { apiGroups: [''], resources: ['serviceaccounts/token'], verbs: ['create'] }, 'create on serviceaccounts/token'],
  ];

  test.each(POWER_CASES)('flags %s (%s), and only that', (power, rule, grant) => {
    const report = analyzePermissions([clusterRole('power', [rule]), clusterRoleBinding('power', 'power', [group('holders')])]);
    expect(riskLines(report)).toEqual([`Group holders @ cluster: ${power} <- ${grant}`]);
    expect(report.subjects[0].risks[0].why).toBe(RISKY_POWERS.find((p) => p.id === power)!.why);
  });

  test('every risky power has a case, and a one-line reason ending with a period', () => {
    expect(RISKY_POWERS.map((p) => p.id).filter((id) => !POWER_CASES.some(([power]) => power === id))).toEqual([]);
    for (const power of RISKY_POWERS) expect(power.why).toMatch(/^[A-Z][^\n]*[^.]\.$/);
  });

  test('a clean viewer holds no risky power, and cluster-scoped powers do not count in a namespace', () => {
    const report = analyzePermissions([
      clusterRole('viewer', [
        READ_PODS,
        { apiGroups: ['apps'], resources: ['deployments', 'deployments/scale'], verbs: ['get', 'list', 'watch'] },
        { apiGroups: [''], resources: ['pods/log', 'configmaps'], verbs: ['get'] },
        { apiGroups: [''], resources: ['pods/exec'], verbs: ['list'] },
        { apiGroups: [''], resources: ['nodes/proxy'], verbs: ['get'] },
        { apiGroups: ['rbac.authorization.k8s.io'], resources: ['clusterroles', 'roles'], verbs: ['get', 'list'] },
      ]),
      roleBinding('shop', 'viewers', 'ClusterRole viewer', [group('shop-developers')]),
    ]);
    expect(report.subjects[0].grants.length).toBeGreaterThan(0);
    expect(riskLines(report)).toEqual([]);
  });

  test('a read-only "*" (get on everything) gives exec, node proxy and Secret reads', () => {
    const report = analyzePermissions([
      clusterRole('read-everything', [{ apiGroups: ['*'], resources: ['*'], verbs: ['get', 'list', 'watch'] }]),
      clusterRoleBinding('auditors', 'read-everything', [group('auditors')]),
    ]);
    expect(report.subjects[0].risks.map((r) => r.power)).toEqual(['read-secrets', 'exec', 'wildcard', 'node-proxy']);
  });

  test('invalid bindings, subjects and duplicate roles are warnings, and an empty aggregation selector is reported', () => {
    const report = analyzePermissions([
      role('shop', 'twice', [READ_PODS]),
      role('shop', 'twice', [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get'] }]),
      roleBinding('shop', 'twice', 'Role twice', [sa('shop', 'web')]),
      { ...clusterRoleBinding('to-a-role', 'x', [group('g')]), roleRef: { kind: 'Role', name: 'x' } },
      { ...roleBinding('shop', 'no-ref', 'Role x', [group('g')]), roleRef: undefined },
      clusterRoleBinding('odd-subjects', 'view', [
        { kind: 'ServiceAccount', name: 'no-namespace' },
        { kind: 'Robot', name: 'r2' },
      ]),
      clusterRole('everything', [], undefined, [{}]),
    ]);
    expect(grantLines(report)).toEqual([
      'ServiceAccount shop/web @ shop: |configmaps = get (RoleBinding shop/twice)',
      'ServiceAccount shop/web @ shop: |pods = get,list,watch (RoleBinding shop/twice)',
    ]);
    expect(report.warnings).toEqual([
      'ClusterRoleBinding odd-subjects names subject 0 (ServiceAccount no-namespace) without a namespace, so it is left out',
      'ClusterRoleBinding odd-subjects names subject 1 (Robot r2) of an unknown kind, so it is left out',
      'ClusterRoleBinding to-a-role has an invalid roleRef (Role x), so it grants nothing',
      'Role shop/twice is defined more than once; its definitions are counted together',
      'RoleBinding shop/no-ref has no roleRef, so it grants nothing',
    ]);
    expect(report.aggregated).toEqual([
      {
        clusterRole: 'everything',
        // The built-in ClusterRoles are known now: an empty selector gathers them all.
        from: expect.arrayContaining(['admin', 'cluster-admin', 'system:aggregate-to-edit', 'view']),
        problems: [
          'aggregationRule.clusterRoleSelectors[0] is empty, so it aggregates every ClusterRole of the cluster, cluster-admin included',
        ],
      },
    ]);
    expect(report.counts).toEqual({ roles: 3, bindings: 4 });
  });

  test('a binding to a built-in ClusterRole is resolved with its real v1.37 rules, aggregation and labelled app roles included', () => {
    const report = analyzePermissions([
      roleBinding('shop', 'viewers', 'ClusterRole view', [group('shop-viewers')]),
      roleBinding('shop', 'editors', 'ClusterRole edit', [group('shop-editors')]),
      // Labelled into view: every holder of view (and so of edit and admin) gains it.
      clusterRole('widget-viewer', [{ apiGroups: ['example.com'], resources: ['widgets'], verbs: ['get'] }], {
        'rbac.authorization.k8s.io/aggregate-to-view': 'true',
      }),
    ]);
    expect(report.subjects.flatMap((s) => s.unresolved)).toEqual([]);
    const lines = grantLines(report);
    expect(lines).toContain('Group shop-viewers @ shop: |pods = get,list,watch (RoleBinding shop/viewers)');
    expect(lines).toContain('Group shop-viewers @ shop: example.com|widgets = get (RoleBinding shop/viewers)');
    expect(lines).toContain('Group shop-editors @ shop: example.com|widgets = get (RoleBinding shop/editors)');
    expect(lines.filter((l) => l.startsWith('Group shop-viewers') && l.includes('|secrets ='))).toEqual([]);
    const escalations = (subject: string) => report.subjects.find((s) => s.subject === subject)!.escalations.map((e) => e.power);
    expect(escalations('Group shop-viewers')).toEqual([]);
    expect(escalations('Group shop-editors')).toEqual([
      'create pods/exec',
      'create pods/attach',
      'create pods/portforward',
      'update pods',
      'create serviceaccounts/token',
      'impersonate',
      'read secrets',
      'create secrets',
      'create pods',
      'write networkpolicies',
    ]);
  });

  test('escalation powers by name, per scope, wildcards expanded, cluster-scoped ones only through a ClusterRoleBinding', () => {
    const report = analyzePermissions([
      clusterRole('everything', [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }]),
      clusterRole('volumes', [{ apiGroups: [''], resources: ['persistentvolumes', 'namespaces'], verbs: ['create', 'patch'] }]),
      clusterRoleBinding('root', 'everything', [group('platform')]),
      roleBinding('shop', 'volumes', 'ClusterRole volumes', [group('shop-admins')]),
      clusterRoleBinding('volumes', 'volumes', [group('storage')]),
    ]);
    const powers = Object.fromEntries(
      report.subjects.map((s) => [s.subject, s.escalations.map((e) => `${e.namespace ?? 'cluster'} ${e.power}`)]),
    );
    expect(powers['Group platform']).toEqual([
      'cluster create pods/exec',
      'cluster create pods/attach',
      'cluster create pods/portforward',
      'cluster patch pods/ephemeralcontainers',
      'cluster update pods',
      'cluster get nodes/proxy',
      'cluster create serviceaccounts/token',
      'cluster escalate',
      'cluster bind',
      'cluster impersonate',
      'cluster * on *',
      'cluster patch namespaces',
      'cluster create mutatingwebhookconfigurations',
      'cluster create validatingwebhookconfigurations',
      'cluster update certificatesigningrequests/approval',
      'cluster approve signers',
      'cluster create persistentvolumes',
      'cluster create mutatingadmissionpolicies',
      'cluster write validatingadmissionpolicies',
      'cluster create apiservices',
      'cluster update customresourcedefinitions',
      'cluster patch nodes',
      'cluster read secrets',
      'cluster create secrets',
      'cluster create pods',
      'cluster write networkpolicies',
    ]);
    // A RoleBinding reaches its own namespace object, never PersistentVolumes.
    expect(powers['Group shop-admins']).toEqual(['shop patch namespaces']);
    expect(powers['Group storage']).toEqual(['cluster patch namespaces', 'cluster create persistentvolumes']);
    expect(report.subjects.find((s) => s.subject === 'Group storage')!.escalations[1]).toEqual({
      power: 'create persistentvolumes',
      scope: 'cluster',
      rule: 'rbac-no-cluster-takeover-powers',
      what: 'create hostPath volumes, which mount any path of the node into a pod',
      grants: ['create on persistentvolumes'],
    });
  });

  test('an aggregation cycle resolves to the rules of every role in it', () => {
    const label = (name: string) => ({ [`example.com/${name}`]: 'true' });
    const report = analyzePermissions([
      clusterRole('a', [], label('a'), [{ matchLabels: label('b') }]),
      clusterRole('b', [], label('b'), [{ matchLabels: label('a') }, { matchLabels: label('c') }]),
      clusterRole('c', [READ_PODS], label('c')),
      clusterRoleBinding('a', 'a', [group('g')]),
    ]);
    expect(grantLines(report)).toEqual(['Group g @ cluster: |pods = get,list,watch (ClusterRoleBinding a)']);
  });
});

describe('determinism', () => {
  const objects = [
    ...Object.values(CASES).flatMap((c) => c.objects),
    clusterRole('read-everything', [{ apiGroups: ['*'], resources: ['*'], verbs: ['get'] }]),
    clusterRoleBinding('auditors', 'read-everything', [group('auditors'), user('bob')]),
  ];

  test('reversed input gives byte-identical JSON and Markdown', () => {
    const forward = analyzePermissions(objects);
    const backward = analyzePermissions([...objects].reverse());
    expect(permissionsJson(backward)).toBe(permissionsJson(forward));
    expect(permissionsMarkdown(backward)).toBe(permissionsMarkdown(forward));
  });

  test('subjects, grants, risks and unresolved roles are sorted', () => {
    const report = analyzePermissions(objects);
    const ids = report.subjects.map((s) => `${s.kind} ${s.namespace ?? ''} ${s.name}`);
    expect(ids).toEqual([...ids].sort());
    for (const s of report.subjects) {
      const scopes = s.grants.map((g) => (g.scope === 'cluster' ? '' : `~${g.namespace}`));
      expect(scopes).toEqual([...scopes].sort());
    }
  });
});

describe('the report as text', () => {
  test('JSON: 2-space indentation, a final newline, the format version and this shape', () => {
    const report = analyzePermissions([
      role('shop', 'web', [{ apiGroups: [''], resources: ['secrets'], verbs: ['get'], resourceNames: ['web-tls'] }]),
      roleBinding('shop', 'web', 'Role web', [sa('shop', 'web')]),
      roleBinding('shop', 'viewers', 'ClusterRole created-elsewhere', [sa('shop', 'web')]),
    ]);
    const text = permissionsJson(report);
    expect(text.endsWith('}\n')).toBe(true);
    expect(JSON.parse(text)).toEqual({
      analysis: 'permissions',
      formatVersion: 2,
      counts: { roles: 1, bindings: 2 },
      subjects: [
        {
          subject: 'ServiceAccount shop/web',
          kind: 'ServiceAccount',
          namespace: 'shop',
          name: 'web',
          grants: [
            {
              scope: 'namespace',
              namespace: 'shop',
              apiGroup: '',
              resource: 'secrets',
              resourceNames: ['web-tls'],
              verbs: ['get'],
              via: ['RoleBinding shop/web'],
            },
          ],
          risks: [
            {
              power: 'read-secrets',
              scope: 'namespace',
              namespace: 'shop',
              why: "Reads Secrets, whose values are credentials (other service accounts' tokens among them).",
              grants: ['get on secrets [web-tls]'],
            },
          ],
          escalations: [
            {
              power: 'read secrets',
              scope: 'namespace',
              namespace: 'shop',
              rule: 'rbac-namespace-escalation-powers',
              what: 'read Secrets, whose values are credentials (service account tokens among them)',
              grants: ['get on secrets [web-tls]'],
            },
          ],
          unresolved: [{ scope: 'namespace', namespace: 'shop', role: 'ClusterRole created-elsewhere', via: 'RoleBinding shop/viewers' }],
        },
      ],
      aggregated: [],
      warnings: [],
    });
    expect(text).toContain('\n  "subjects": [\n    {\n      "subject": "ServiceAccount shop/web",');
  });

  test('Markdown: a Permissions section with the grants and risky powers tables, pipes escaped', () => {
    const report = analyzePermissions([
      clusterRole('pipes', [{ apiGroups: [''], resources: ['secrets'], verbs: ['get'], resourceNames: ['a|b'] }]),
      clusterRoleBinding('pipes', 'pipes', [user('eve|mallory')]),
      roleBinding('shop', 'viewers', 'ClusterRole created-elsewhere', [group('shop-developers')]),
    ]);
    expect(permissionsMarkdown(report)).toBe(
      [
        '## Permissions',
        '',
        '2 subjects from 2 bindings and 1 role; 1 subject with a risky power, 1 subject with an escalation power; 1 grant of a role not in the app or Kubernetes.',
        '',
        '### Grants',
        '',
        '| Subject | Scope | Resource | Verbs |',
        '|---|---|---|---|',
        '| `User eve\\|mallory` | cluster | `secrets [a\\|b]` | get |',
        '',
        '### Risky powers',
        '',
        '| Subject | Scope | Power | Why |',
        '|---|---|---|---|',
        "| `User eve\\|mallory` | cluster | `read-secrets` | Reads Secrets, whose values are credentials (other service accounts' tokens among them). Through: get on secrets [a\\|b]. |",
        '',
        '### Escalation powers',
        '',
        'Powers that reach further than their names (see docs/rbac.md): each is refused by the constructs without an exception naming it.',
        '',
        '| Subject | Scope | Power | What it allows |',
        '|---|---|---|---|',
        '| `User eve\\|mallory` | cluster | `read secrets` | Lets it read Secrets, whose values are credentials (service account tokens among them). Through: get on secrets [a\\|b]. |',
        '',
        '### Roles not in the app',
        '',
        'These bindings grant roles neither the app nor Kubernetes defines (roles created elsewhere); what they allow is not in the tables above.',
        '',
        '| Subject | Scope | Role | Binding |',
        '|---|---|---|---|',
        '| `Group shop-developers` | namespace `shop` | `ClusterRole created-elsewhere` | `RoleBinding shop/viewers` |',
        '',
      ].join('\n'),
    );
  });

  test('Markdown without grants or risks says so', () => {
    const text = permissionsMarkdown(analyzePermissions([]));
    expect(text).toContain('No subject is granted anything by the roles of the app.');
    expect(text).toContain('No subject holds a risky power.');
    expect(text).toContain('No subject holds an escalation power.');
    expect(text).not.toContain('### Roles not in the app');
  });
});

describe('scale', () => {
  test('thousands of subjects and bindings: one ClusterRole bound in 1,000 namespaces, 3,000 service accounts', () => {
    const objects: KubeObject[] = [
      clusterRole('app', [READ_PODS, { apiGroups: [''], resources: ['secrets'], verbs: ['get'], resourceNames: ['app-tls'] }]),
    ];
    for (let n = 0; n < 1000; n++) {
      const ns = `team-${n}`;
      objects.push(role(ns, 'extra', [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get'] }]));
      objects.push(roleBinding(ns, 'app', 'ClusterRole app', [sa(ns, 'a'), sa(ns, 'b'), sa(ns, 'c')]));
      objects.push(roleBinding(ns, 'extra', 'Role extra', [sa(ns, 'a')]));
    }
    const report = analyzePermissions(objects);
    expect(report.subjects).toHaveLength(3000);
    expect(report.counts).toEqual({ roles: 1001, bindings: 2000 });
    expect(report.subjects.filter((s) => s.grants.length === 3)).toHaveLength(1000);
    expect(report.subjects.every((s) => s.risks.map((r) => r.power).join() === 'read-secrets')).toBe(true);
  });
});
