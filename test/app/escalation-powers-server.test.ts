/**
 * The escalation powers against kube-apiserver's RBAC authorizer (test/peers/api-server, with
 * kube-controller-manager's ClusterRole aggregation controller beside it): on a platform that
 * grants every power of the table (one subject per power, bound where the power counts, plus
 * a role of `*` on `*`, a `*` verb on roles, and a ClusterRole labelled into `view` that reads
 * Secrets), the permissions analysis names each power for its subject, and a
 * SubjectAccessReview for each of the power's verbs and resources agrees. Every subject is also
 * asked every power it was not granted, and the authorizer must deny exactly those our
 * wildcard and aggregation expansion says it lacks.
 */
import { analyzePermissions, PermissionsReport } from '../../lib/review/analyses/permissions';
import { BUILT_IN_CLUSTER_ROLES } from '../../lib/review/rbac-data/built-in-roles';
import { ESCALATION_POWERS, powersOfRule } from '../../lib/policy/escalation-powers';
import { KubeObject } from '../../lib/review/model';
import { AccessReview, API_SERVER_PEER, ApiServerReport, manifestFolder, onApiServer, SERVER_TIMEOUT } from '../api-server-peer';
import { removeTempDirs, withInstalledTool } from '../support';

afterAll(removeTempDirs);

const RBAC_API = 'rbac.authorization.k8s.io/v1';
const NAMESPACE = 'shop';
type Rule = { apiGroups: string[]; resources: string[]; verbs: string[] };

const clusterRole = (name: string, rules: Rule[], labels?: Record<string, string>): KubeObject => ({
  apiVersion: RBAC_API,
  kind: 'ClusterRole',
  metadata: { name, ...(labels ? { labels } : {}) },
  rules,
});
const bind = (group: string, role: string, cluster: boolean): KubeObject => ({
  apiVersion: RBAC_API,
  kind: cluster ? 'ClusterRoleBinding' : 'RoleBinding',
  metadata: cluster ? { name: group } : { name: group, namespace: NAMESPACE },
  roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: role },
  subjects: [{ kind: 'Group', name: group, apiGroup: 'rbac.authorization.k8s.io' }],
});
const slug = (name: string) => name.replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'all';

/** One subject per power: its first grant, its first verb (`get` for a power of every verb). */
const PER_POWER: KubeObject[] = ESCALATION_POWERS.flatMap((power) => {
  const grant = power.grants[0];
  const group = `power-${slug(power.name)}`;
  return [
    clusterRole(group, [{ apiGroups: [...grant.apiGroups], resources: [...grant.resources], verbs: [grant.verbs?.[0] ?? 'get'] }]),
    bind(group, group, power.scope === 'cluster'),
  ];
});
const WILDCARDS: KubeObject[] = [
  clusterRole('everything', [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }]),
  bind('wild-in-shop', 'everything', false),
  clusterRole('role-star', [{ apiGroups: ['rbac.authorization.k8s.io'], resources: ['*'], verbs: ['*'] }]),
  bind('star-verbs-on-roles', 'role-star', true),
];
const AGGREGATION: KubeObject[] = [
  clusterRole('secret-peeker', [{ apiGroups: [''], resources: ['secrets'], verbs: ['get', 'list'] }], {
    'rbac.authorization.k8s.io/aggregate-to-view': 'true',
  }),
  bind('viewers', 'view', false),
];
const OBJECTS = [
  { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NAMESPACE } } as KubeObject,
  ...PER_POWER,
  ...WILDCARDS,
  ...AGGREGATION,
];

/** Each subject asked each verb of each resource of each power, where the power counts; with whether our analysis says it holds that. */
function questions(report: PermissionsReport): Array<{ subject: string; power: string; review: AccessReview; expected: boolean }> {
  return report.subjects.flatMap((subject) =>
    ESCALATION_POWERS.flatMap((power) =>
      power.grants.flatMap((grant) =>
        grant.resources.flatMap((resource) =>
          (grant.verbs ?? ['get', 'create']).flatMap((verb) =>
            [...grant.apiGroups].map((group) => {
              const scoped = subject.grants.filter(
                (g) => g.resource !== undefined && (g.scope === 'cluster' || (power.scope === 'namespace' && g.namespace === NAMESPACE)),
              );
              // Ours: does any grant of the subject, read by the same matcher as the rules, reach this verb on this resource?
              const expected = power.literalWildcard
                ? subject.escalations.some((e) => e.power === power.name)
                : scoped.some((g) =>
                    powersOfRule(
                      { apiGroups: [g.apiGroup!], resources: [g.resource!], verbs: g.verbs, resourceNames: g.resourceNames ?? [] },
                      power.scope,
                    ).some((held) => held.power === power && held.resources.includes(resource) && held.verbs.includes(verb)),
                  );
              const [base, subresource] = resource.split('/');
              const review: AccessReview = {
                user: 'someone@example.com',
                groups: [subject.name, 'system:authenticated'],
                verb,
                group,
                resource: base,
                ...(subresource ? { subresource } : {}),
                ...(power.scope === 'namespace' ? { namespace: NAMESPACE } : {}),
                // A namespace object is reached in its own namespace, by name.
                ...(base === 'namespaces' ? { name: NAMESPACE } : {}),
              };
              return { subject: subject.subject, power: power.name, review, expected };
            }),
          ),
        ),
      ),
    ),
  );
}

withInstalledTool(API_SERVER_PEER, 'escalation powers proof', 'scripts/install-peers.sh', () => {
  // The analysis sees the built-in ClusterRoles as the server does; the server creates them itself.
  const report = analyzePermissions(OBJECTS);
  const asked = questions(report);
  let answers: ApiServerReport;

  beforeAll(async () => {
    answers = await onApiServer([manifestFolder('escalation-powers-', OBJECTS)], {
      crds: false,
      accessReviews: asked.map((q) => q.review),
    });
  }, SERVER_TIMEOUT);

  test('every power of the table is named for the subject granted it, and the authorizer agrees it has it', () => {
    expect(BUILT_IN_CLUSTER_ROLES.length).toBeGreaterThan(50);
    for (const power of ESCALATION_POWERS) {
      const subject = `Group power-${slug(power.name)}`;
      expect([subject, report.subjects.find((s) => s.subject === subject)?.escalations.map((e) => e.power)]).toEqual([
        subject,
        expect.arrayContaining([power.name]),
      ]);
      const allowed = asked.flatMap((q, i) =>
        q.subject === subject && q.power === power.name && answers.accessReviews[i].allowed ? [q] : [],
      );
      expect([power.name, allowed.length > 0]).toEqual([power.name, true]);
    }
  });

  test(
    'our expansion of wildcards and aggregation answers every question as the authorizer does',
    () => {
      expect(answers.objects.filter((o) => o.outcome !== 'created')).toEqual([]);
      const mismatches = asked.flatMap((q, i) =>
        answers.accessReviews[i].allowed === q.expected
          ? []
          : [
              `${q.subject} ${q.review.verb} ${q.review.group || 'core'}/${q.review.resource}${q.review.subresource ? `/${q.review.subresource}` : ''} (${q.power}): ` +
                `server ${answers.accessReviews[i].allowed ? 'allows' : 'denies'}, ours ${q.expected ? 'allows' : 'denies'}`,
            ],
      );
      expect(mismatches).toEqual([]);
      const powers = (subject: string) => report.subjects.find((s) => s.subject === subject)!.escalations.map((e) => e.power);
      // `*` on `*` in one namespace: every power that counts there; cluster-scoped ones not.
      expect(powers('Group wild-in-shop')).toEqual(ESCALATION_POWERS.filter((p) => p.scope === 'namespace').map((p) => p.name));
      expect(powers('Group star-verbs-on-roles')).toEqual(['escalate', 'bind']);
      // Labelled into view, the Secret reader reaches every holder of view.
      expect(powers('Group viewers')).toEqual(['read secrets']);
      expect(asked.some((q, i) => q.subject === 'Group viewers' && q.power === 'read secrets' && answers.accessReviews[i].allowed)).toBe(
        true,
      );
      // Both answers occur: the comparison is not one-sided.
      expect(new Set(answers.accessReviews.map((a) => a.allowed))).toEqual(new Set([true, false]));
    },
    SERVER_TIMEOUT,
  );
});
