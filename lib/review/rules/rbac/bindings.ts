/**
 * Rules over RoleBindings and ClusterRoleBindings: which role they grant, to whom, and where.
 */
import { namespaceOf, RBAC_BINDING_KINDS, RbacIndex, rbacIndexOf, roleRefOf, subjectsOf } from '../../analyses/permissions-rbac';
import { celList, celString } from '../../admission/cel';
import { KubeObject, Rule, RuleFinding } from '../../model';
import { BUILT_IN_CLUSTER_ROLES } from '../../rbac-data/built-in-roles';
import { powersOfRule } from '../../../policy/escalation-powers';
import { finding, quote } from '../../walkers';
import { ruleOrigin } from './power-findings';

/** Identities that stand for whole populations, not a team, with who they are. */
const BROAD_SUBJECTS: Readonly<Record<string, string>> = {
  'system:anonymous': 'every request without credentials',
  'system:unauthenticated': 'every request without credentials',
  'system:authenticated': 'every user and service account that logs in',
  'system:serviceaccounts': 'every service account of every namespace',
};

/** Where a binding grants its role, in words. */
function whereGranted(obj: KubeObject): string {
  return obj.kind === 'ClusterRoleBinding' ? 'in every namespace' : `in namespace ${quote(namespaceOf(obj))}`;
}

/**
 * No binding grants `cluster-admin`, or a role that is cluster-admin in all but name (a rule
 * with `*` verbs on `*` resources of `*` groups, written or aggregated): it allows every verb
 * on every resource. A RoleBinding to it gives full control of the namespace, RBAC included.
 *
 * @see https://kubernetes.io/docs/reference/access-authn-authz/rbac/#user-facing-roles
 */
export const rbacNoClusterAdminBinding: Rule = {
  id: 'rbac-no-cluster-admin-binding',
  title: 'No binding grants the cluster-admin ClusterRole',
  severity: 'error',
  kinds: RBAC_BINDING_KINDS,
  references: {
    trivy: 'KSV-0111',
    cis: '5.1.1',
    kubeLinter: 'cluster-admin-role-binding',
    polaris: ['clusterrolebindingClusterAdmin', 'rolebindingClusterAdminClusterRole'],
  },
  remediation: 'Bind a role that lists only the resources and verbs the subjects need, in the namespaces they need them.',
  check: (obj, context) => clusterAdminFindings(obj, rbacIndexOf(context)),
  // The bindings to the built-in ClusterRoles that allow everything (as the check reads them alone); a role of one's own that does is refused at its admission (rbac-no-cluster-takeover-powers).
  admission: (s) => [
    {
      expression: `!(${s.object}.roleRef.kind == "ClusterRole" && ${s.object}.roleRef.name in ${celList(builtInRolesFound(clusterAdminFindings))}) || ${s.accepts(celString('* on *'))}`,
      message: 'The binding grants cluster-admin, or a built-in ClusterRole that allows every verb on every resource.',
    },
  ],
};

function clusterAdminFindings(obj: KubeObject, index: RbacIndex): RuleFinding[] {
  const ref = roleRefOf(obj);
  if (!ref) return [];
  if (ref.kind === 'ClusterRole' && ref.name === 'cluster-admin' && (index.isBuiltIn(ref.name) || !index.rulesOf(ref, undefined))) {
    return [
      finding('roleRef.name', `binding grants ClusterRole "cluster-admin", every verb on every resource, ${whereGranted(obj)}`, '* on *'),
    ];
  }
  const all = index
    .rulesOf(ref, obj.kind === 'RoleBinding' ? namespaceOf(obj) : undefined)
    ?.find(({ rule }) => powersOfRule(rule, 'namespace').some((held) => held.power.name === '* on *'));
  return all
    ? [
        finding(
          'roleRef.name',
          `binding grants ${ref.kind} ${quote(ref.name)}, whose ${ruleOrigin(all)} allows every verb on every resource of every group: cluster-admin in all but name, ${whereGranted(obj)}`,
          '* on *',
        ),
      ]
    : [];
}

/**
 * The built-in ClusterRoles a ClusterRoleBinding to which `findings` reports, the binding
 * judged alone (the cluster's own roles only): what an admission policy, which sees the binding
 * alone, can refuse by name.
 */
export function builtInRolesFound(findings: (binding: KubeObject, index: RbacIndex) => readonly RuleFinding[]): string[] {
  const index = new RbacIndex([]);
  return BUILT_IN_CLUSTER_ROLES.map((role) => role.metadata!.name!).filter(
    (name) =>
      findings(
        {
          apiVersion: 'rbac.authorization.k8s.io/v1',
          kind: 'ClusterRoleBinding',
          metadata: { name: 'probe' },
          roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name },
        },
        index,
      ).length > 0,
  );
}

/**
 * No binding names a population instead of a team: `system:anonymous`,
 * `system:unauthenticated`, `system:authenticated`, and `system:serviceaccounts` (every
 * service account of the cluster), as a User or a Group.
 *
 * @see https://kubernetes.io/docs/reference/access-authn-authz/rbac/#referring-to-subjects
 */
export const rbacNoBroadSubjects: Rule = {
  id: 'rbac-no-broad-subjects',
  title: 'Bindings do not grant to anonymous, unauthenticated, all authenticated users or all service accounts',
  severity: 'error',
  kinds: RBAC_BINDING_KINDS,
  references: { nsa: 'Authentication and authorization', trivy: ['KSV-0122', 'KSV-0123'] },
  remediation:
    'Bind the groups or service accounts that need the role, never a system group that everyone (or every anonymous request) belongs to.',
  check: (obj) =>
    subjectsOf(obj)
      .filter((s) => (s.kind === 'User' || s.kind === 'Group') && Object.hasOwn(BROAD_SUBJECTS, s.name))
      .map((s) =>
        finding(
          `subjects[${s.index}].name`,
          `subject ${s.index} is the ${s.kind === 'User' ? 'user' : 'group'} ${quote(s.name)}: the role goes to ${BROAD_SUBJECTS[s.name]}`,
        ),
      ),
  admission: (s) => [
    {
      expression: `!${subjects(s.object)}.exists(subject, subject.kind in ["User", "Group"] && subject.name in ${celList(Object.keys(BROAD_SUBJECTS))}) || ${s.acceptsValueless}`,
      message: 'A subject is a system group everyone (or every anonymous request) belongs to.',
    },
  ],
};

/** CEL: the subjects of the binding `object`. */
function subjects(object: string): string {
  return `${object}.?subjects.orValue([])`;
}

/**
 * No binding grants to a namespace's `default` ServiceAccount: every pod that names no
 * account of its own runs as it, so the grant reaches pods nobody meant to give it.
 *
 * @see https://kubernetes.io/docs/concepts/security/service-accounts/#default-service-accounts
 */
export const rbacNoDefaultServiceAccountBinding: Rule = {
  id: 'rbac-no-default-service-account-binding',
  title: 'Bindings do not grant to the default ServiceAccount',
  severity: 'error',
  kinds: RBAC_BINDING_KINDS,
  references: { cis: '5.1.5', checkov: 'CKV_K8S_42' },
  remediation:
    "Create a ServiceAccount for the workload that needs the role, bind that one, and set it as the pod's serviceAccountName; never a namespace's whole system:serviceaccounts:<namespace> group.",
  check: (obj) =>
    subjectsOf(obj).flatMap((s) => {
      const why = defaultAccountSubject(s.kind, s.name);
      return why
        ? [
            finding(
              `subjects[${s.index}].name`,
              `subject ${s.index} ${why(s.namespace)}, which every pod without an account of its own runs as`,
            ),
          ]
        : [];
    }),
  admission: (s) => [
    {
      expression:
        `!${subjects(s.object)}.exists(subject, (subject.kind == "ServiceAccount" && subject.name == "default") || ` +
        `(subject.kind == "User" && subject.name.matches(${celString(DEFAULT_ACCOUNT_USER.source)})) || ` +
        `(subject.kind == "Group" && subject.name.matches(${celString(NAMESPACE_ACCOUNTS_GROUP.source)}))) || ${s.acceptsValueless}`,
      message: 'A subject is the "default" ServiceAccount, by name, as its user or as its namespace\'s group of accounts.',
    },
  ],
};

/** The user name of a namespace's default ServiceAccount (`system:serviceaccount:<namespace>:default`); the same in RE2 and JavaScript. */
const DEFAULT_ACCOUNT_USER = /^system:serviceaccount:[^:]+:default$/;
/** The group of every ServiceAccount of one namespace, the default one included (`system:serviceaccounts:<namespace>`). */
const NAMESPACE_ACCOUNTS_GROUP = /^system:serviceaccounts:[^:]+$/;

/** How a subject names the default ServiceAccount, as the end of a sentence, or `undefined` when it does not. */
function defaultAccountSubject(kind: string, name: string): ((namespace?: string) => string) | undefined {
  if (kind === 'ServiceAccount' && name === 'default')
    return (namespace) => `is the "default" ServiceAccount${namespace ? ` of namespace ${quote(namespace)}` : ''}`;
  if (kind === 'User' && DEFAULT_ACCOUNT_USER.test(name)) return () => `is the user ${quote(name)}, the "default" ServiceAccount`;
  if (kind === 'Group' && NAMESPACE_ACCOUNTS_GROUP.test(name))
    return () => `is the group ${quote(name)}, every ServiceAccount of the namespace, the "default" one included`;
  return undefined;
}

/**
 * People are bound as groups from the identity provider, not one by one: a User subject
 * outlives the person's role in the team and is seldom reviewed. `system:` users (the
 * control plane's own identities) are not counted.
 *
 * @see https://kubernetes.io/docs/concepts/security/rbac-good-practices/
 */
export const rbacNoUserSubjects: Rule = {
  id: 'rbac-no-user-subjects',
  title: 'Bindings grant to groups, not to individual users',
  severity: 'warning',
  kinds: RBAC_BINDING_KINDS,
  references: {},
  remediation:
    'Bind a Group managed in your identity provider and add the person to it; keep a personal binding only for break-glass access, with an exception.',
  check: (obj) =>
    subjectsOf(obj)
      .filter((s) => s.kind === 'User' && !s.name.startsWith('system:'))
      .map((s) => finding(`subjects[${s.index}].kind`, `subject ${s.index} is the individual user ${quote(s.name)}`)),
  admission: (s) => [
    {
      expression: `!${subjects(s.object)}.exists(subject, subject.kind == "User" && !subject.name.startsWith("system:")) || ${s.acceptsValueless}`,
      message: 'A subject is an individual user.',
    },
  ],
};

/**
 * A ClusterRoleBinding grants its role in every namespace and on cluster-scoped resources.
 * Each one is a decision worth recording: accepted by an exception with its reason (our
 * ClusterGrant construct writes one), otherwise reported.
 *
 * @see https://kubernetes.io/docs/reference/access-authn-authz/rbac/#rolebinding-and-clusterrolebinding
 */
export const rbacClusterScope: Rule = {
  id: 'rbac-cluster-scope',
  title: 'Roles are granted per namespace; cluster-wide grants carry an exception with the reason',
  severity: 'warning',
  kinds: ['ClusterRoleBinding'],
  references: {},
  remediation:
    'Grant the ClusterRole with a RoleBinding in each namespace that needs it; if the grant must be cluster-wide, record an exception with the reason.',
  check: (obj) => {
    if (obj.kind !== 'ClusterRoleBinding') return [];
    const ref = roleRefOf(obj);
    return [
      finding(
        'roleRef',
        `binding grants ${ref ? `${ref.kind} ${quote(ref.name)}` : 'its role'} in every namespace and on cluster-scoped resources`,
      ),
    ];
  },
  admission: (s) => [
    {
      expression: `${s.object}.kind != "ClusterRoleBinding" || ${s.acceptsValueless}`,
      message: 'The binding grants its role in every namespace and on cluster-scoped resources.',
    },
  ],
};
