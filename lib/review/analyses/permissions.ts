/**
 * Effective permissions: for every subject the RBAC objects of an app name (users, groups,
 * service accounts), what it may do, where, through which bindings, and which of those powers
 * are risky. It reads plain objects (Roles, ClusterRoles, RoleBindings, ClusterRoleBindings),
 * like the rest of the review, and judges nothing: the RBAC rules do that.
 *
 * @see https://kubernetes.io/docs/reference/access-authn-authz/rbac/
 */
import { compareText } from '../../core/compare-text';
import { KubeObject, ReviewContext } from '../model';
import {
  coveredVerbs,
  groupCovered,
  namespaceOf,
  nameOf,
  PolicyRuleView,
  RbacIndex,
  rbacIndexOf,
  RBAC_BINDING_KINDS,
  resourceEntryCovers,
  roleRefOf,
  RoleRefView,
  SECRET_READ_VERBS,
  SourcedRule,
  subjectsOf,
  SubjectView,
} from './permissions-rbac';
import { ESCALATION_POWERS, powersOfRule } from '../../policy/escalation-powers';

/** The subject kinds RBAC knows. */
export type SubjectKind = 'Group' | 'ServiceAccount' | 'User';

/** Where a grant applies: one namespace, or the whole cluster (a ClusterRoleBinding). */
export type PermissionScope = 'cluster' | 'namespace';

/** The stable ids of the powers worth a second look. */
export type RiskyPowerId =
  'read-secrets' | 'create-workloads' | 'exec' | 'edit-rbac' | 'escalate' | 'wildcard' | 'node-proxy' | 'token-request';

/**
 * The verbs a subject holds on one resource (or non-resource URL) in one scope, merged over
 * every binding that grants them. Either `resource` (with `apiGroup` and `resourceNames`) or
 * `nonResourceURL` is present.
 */
export interface PermissionGrant {
  readonly scope: PermissionScope;
  /** The namespace, for scope `namespace`. */
  readonly namespace?: string;
  /** `''` for the core group, `*` for every group. */
  readonly apiGroup?: string;
  /** `pods`, `pods/exec`, `*`, `*\/scale` as written in the roles. */
  readonly resource?: string;
  /** The objects the verbs are limited to, sorted; `[]`: every object. Grants with different names stay apart. */
  readonly resourceNames?: readonly string[];
  /** A non-resource URL such as `/healthz` or `/apis/*` (only through a ClusterRoleBinding). */
  readonly nonResourceURL?: string;
  /** Sorted: `*` first, then the usual verbs in their usual order, then others by name. */
  readonly verbs: readonly string[];
  /** The bindings that grant it, as `RoleBinding <namespace>/<name>` or `ClusterRoleBinding <name>`, sorted. */
  readonly via: readonly string[];
}

/** A binding to a role the app does not contain (a built-in such as `view`, or one created elsewhere). */
export interface UnresolvedRole {
  readonly scope: PermissionScope;
  readonly namespace?: string;
  /** `ClusterRole <name>` or `Role <namespace>/<name>`. */
  readonly role: string;
  /** The binding, as in `PermissionGrant.via`. */
  readonly via: string;
}

/** A risky power a subject holds in one scope. */
export interface RiskyPower {
  readonly power: RiskyPowerId;
  readonly scope: PermissionScope;
  readonly namespace?: string;
  /** One line: what the power allows beyond its name. */
  readonly why: string;
  /** The grants that give it, as `<verbs> on <resource>`, sorted. */
  readonly grants: readonly string[];
}

/** An escalation power of the table (`ESCALATION_POWERS`) a subject holds in one scope. */
export interface HeldEscalationPower {
  /** The power's name in the table, as findings and exceptions name it: `create secrets`, `* on *`. */
  readonly power: string;
  readonly scope: PermissionScope;
  readonly namespace?: string;
  /** The review rule that reports the power on roles (its severity tells how grave it is). */
  readonly rule: string;
  /** What holding it lets one do, as a phrase after "lets its holders". */
  readonly what: string;
  /** The grants that give it, as `<verbs> on <resource>`, sorted. */
  readonly grants: readonly string[];
}

/** Everything one subject may do, as far as the app's own roles and the built-in ones tell. */
export interface SubjectPermissions {
  /** `User <name>`, `Group <name>` or `ServiceAccount <namespace>/<name>`. */
  readonly subject: string;
  readonly kind: SubjectKind;
  /** For a ServiceAccount. */
  readonly namespace?: string;
  readonly name: string;
  /** Sorted by scope (cluster first, then namespaces), API group, resource, resource names, then non-resource URL. */
  readonly grants: readonly PermissionGrant[];
  /** Sorted by scope, then by the order of `RISKY_POWERS`. */
  readonly risks: readonly RiskyPower[];
  /** The escalation powers it holds, by name: sorted by scope, then in the order of `ESCALATION_POWERS`. */
  readonly escalations: readonly HeldEscalationPower[];
  /** Permissions this report cannot see, sorted by scope, role and binding. */
  readonly unresolved: readonly UnresolvedRole[];
}

/** A ClusterRole of the app with an `aggregationRule`, and what it gathers among the app's ClusterRoles. */
export interface AggregatedClusterRole {
  readonly clusterRole: string;
  /** The ClusterRoles of the app its selectors match directly, sorted. */
  readonly from: readonly string[];
  /** Selectors that match nothing (invalid) or everything (empty). */
  readonly problems: readonly string[];
}

/** The effective permissions of every subject of an app's bindings. */
export interface PermissionsReport {
  /** Sorted by kind, namespace, then name. */
  readonly subjects: readonly SubjectPermissions[];
  /** How many Roles and ClusterRoles, and how many bindings, the app has. */
  readonly counts: { readonly roles: number; readonly bindings: number };
  /**
   * Aggregated ClusterRoles, sorted. Only the app's ClusterRoles are known: ClusterRoles
   * elsewhere in the cluster with matching labels add permissions this report cannot see.
   */
  readonly aggregated: readonly AggregatedClusterRole[];
  /** Objects this report could not use fully (invalid bindings, duplicate roles), sorted. */
  readonly warnings: readonly string[];
}

/** One way to hold a power: verbs (`undefined`: any verb) on resources of some groups. */
export interface RiskyPowerTest {
  readonly groups: readonly string[];
  readonly resources: readonly string[];
  readonly verbs?: readonly string[];
  /** Counts only cluster-wide (the resources are cluster-scoped: a namespaced grant gives nothing). */
  readonly clusterOnly?: boolean;
}

/** A risky power: its id, why it matters, and the grants that give it. */
export interface RiskyPowerDefinition {
  readonly id: RiskyPowerId;
  /** One line, ending with a period. */
  readonly why: string;
  readonly tests: readonly RiskyPowerTest[];
}

const RBAC_GROUP = 'rbac.authorization.k8s.io';
const WORKLOAD_VERBS = ['create', 'update', 'patch'];
const EDIT_VERBS = ['create', 'update', 'patch', 'delete', 'deletecollection'];
const ESCALATION_VERBS = ['escalate', 'bind', 'impersonate'];

/**
 * The risky powers, in report order, each with the grants that give it. Wildcards count:
 * `*` as a verb, resource or API group covers what it names. `create-workloads` counts
 * update and patch on workload controllers too, since a changed pod template runs as any
 * ServiceAccount of the namespace just as a new one does.
 *
 * @see https://kubernetes.io/docs/concepts/security/rbac-good-practices/#privilege-escalation-risks
 */
export const RISKY_POWERS: readonly RiskyPowerDefinition[] = [
  {
    id: 'read-secrets',
    why: "Reads Secrets, whose values are credentials (other service accounts' tokens among them).",
    tests: [{ groups: [''], resources: ['secrets'], verbs: SECRET_READ_VERBS }],
  },
  {
    id: 'create-workloads',
    why: 'Runs pods of its choosing, which may use any ServiceAccount and mount any Secret of their namespace.',
    tests: [
      { groups: [''], resources: ['pods'], verbs: ['create'] },
      { groups: [''], resources: ['replicationcontrollers'], verbs: WORKLOAD_VERBS },
      { groups: ['apps'], resources: ['deployments', 'replicasets', 'statefulsets', 'daemonsets'], verbs: WORKLOAD_VERBS },
      { groups: ['extensions'], resources: ['deployments', 'replicasets', 'daemonsets'], verbs: WORKLOAD_VERBS },
      { groups: ['batch'], resources: ['jobs', 'cronjobs'], verbs: WORKLOAD_VERBS },
    ],
  },
  {
    id: 'exec',
    why: 'Runs commands in, attaches to or forwards ports of running pods, acting with their service accounts and data.',
    tests: [{ groups: [''], resources: ['pods/exec', 'pods/attach', 'pods/portforward'], verbs: ['get', 'create'] }],
  },
  {
    id: 'edit-rbac',
    why: 'Changes roles or bindings, so it decides who may do what (up to its own permissions, or beyond with escalate or bind).',
    tests: [
      { groups: [RBAC_GROUP], resources: ['roles', 'rolebindings'], verbs: EDIT_VERBS },
      { groups: [RBAC_GROUP], resources: ['clusterroles', 'clusterrolebindings'], verbs: EDIT_VERBS, clusterOnly: true },
    ],
  },
  {
    id: 'escalate',
    why: 'Escalates, binds or impersonates, so it can gain permissions it was not granted.',
    // Besides these, an escalate, bind or impersonate verb written on any resource counts.
    tests: [
      { groups: [RBAC_GROUP], resources: ['roles', 'clusterroles'], verbs: ['escalate', 'bind'] },
      { groups: [''], resources: ['users', 'groups', 'serviceaccounts'], verbs: ['impersonate'] },
      { groups: ['authentication.k8s.io'], resources: ['uids', 'userextras'], verbs: ['impersonate'] },
    ],
  },
  {
    id: 'wildcard',
    why: 'Holds a "*", which covers every group, resource or verb, including those added later.',
    tests: [],
  },
  {
    id: 'node-proxy',
    why: 'Reaches the kubelet API of nodes, which runs commands in every pod on them, past audit and admission.',
    tests: [{ groups: [''], resources: ['nodes/proxy'], clusterOnly: true }],
  },
  {
    id: 'token-request',
    why: 'Mints tokens for service accounts, so it can act as any of them.',
    tests: [{ groups: [''], resources: ['serviceaccounts/token'], verbs: ['create'] }],
  },
];

/** Verbs in the order people read them; others follow by name. */
const VERB_ORDER = ['*', 'get', 'list', 'watch', 'create', 'update', 'patch', 'delete', 'deletecollection'];

/** A merged grant while it is being built: verbs and bindings as sets. */
interface GrantDraft {
  readonly scope: PermissionScope;
  readonly namespace?: string;
  readonly apiGroup?: string;
  readonly resource?: string;
  readonly resourceNames?: readonly string[];
  readonly nonResourceURL?: string;
  readonly verbs: Set<string>;
  readonly via: Set<string>;
}

/** One (apiGroup, resource, names) or non-resource URL of a role's rules, with its verbs. */
interface Row {
  readonly key: string;
  readonly apiGroup?: string;
  readonly resource?: string;
  readonly resourceNames?: readonly string[];
  readonly nonResourceURL?: string;
  readonly verbs: readonly string[];
}

interface SubjectDraft {
  readonly kind: SubjectKind;
  readonly namespace?: string;
  readonly name: string;
  readonly grants: Map<string, GrantDraft>;
  readonly unresolved: Map<string, UnresolvedRole>;
}

/**
 * Computes the effective permissions of every subject named by the app's bindings.
 *
 * A RoleBinding grants its Role, or a ClusterRole's resource rules, within its own namespace;
 * a ClusterRoleBinding grants a ClusterRole everywhere, non-resource URLs included. Grants
 * from several bindings to one subject merge. Aggregated ClusterRoles are resolved by label
 * among the app's ClusterRoles and the built-in ones. A binding to a built-in ClusterRole
 * (`view`, `edit`, `admin`, `system:...`: Kubernetes v1.37's bootstrap roles) is resolved with
 * its real rules; one to a role neither the app nor Kubernetes defines is listed as
 * `unresolved` for its subjects. A `User` named `system:serviceaccount:<namespace>:<name>`
 * is that ServiceAccount.
 *
 * Roles are indexed by (namespace, name) and by name, and each role's rules are expanded
 * once per scope kind, so the work grows with bindings times subjects, not with their square.
 *
 * @param context the review context of `objects`, whose RBAC index the rules built is reused
 */
export function analyzePermissions(objects: readonly KubeObject[], context?: ReviewContext): PermissionsReport {
  const index = context ? rbacIndexOf(context) : new RbacIndex(objects);
  const subjects = new Map<string, SubjectDraft>();
  const rowsCache = new Map<readonly SourcedRule[], Map<boolean, readonly Row[]>>();
  const warnings = new Set<string>(
    index.duplicates().map((role) => `${role} is defined more than once; its definitions are counted together`),
  );
  let roles = 0;
  let bindings = 0;

  for (const obj of objects) {
    if (obj.kind === 'Role' || obj.kind === 'ClusterRole') roles++;
    if (!RBAC_BINDING_KINDS.includes(obj.kind)) continue;
    bindings++;
    const cluster = obj.kind === 'ClusterRoleBinding';
    const namespace = cluster ? undefined : namespaceOf(obj);
    const via = cluster ? `ClusterRoleBinding ${nameOf(obj)}` : `RoleBinding ${namespace}/${nameOf(obj)}`;
    const ref = roleRefOf(obj);
    if (!ref || (ref.kind !== 'Role' && ref.kind !== 'ClusterRole') || (cluster && ref.kind === 'Role')) {
      warnings.add(`${via} has ${ref ? `an invalid roleRef (${ref.kind} ${ref.name})` : 'no roleRef'}, so it grants nothing`);
      continue;
    }
    const targets = subjectsOf(obj).flatMap((subject) => {
      const draft = subjectDraft(subjects, subject);
      if (!draft)
        warnings.add(
          `${via} names subject ${subject.index} (${subject.kind} ${subject.name}) ${subject.kind === 'ServiceAccount' ? 'without a namespace' : 'of an unknown kind'}, so it is left out`,
        );
      return draft ? [draft] : [];
    });
    if (targets.length === 0) continue;
    const scope: PermissionScope = cluster ? 'cluster' : 'namespace';
    const rules = index.rulesOf(ref, namespace);
    if (rules === undefined) {
      const unresolved: UnresolvedRole = { scope, ...(namespace === undefined ? {} : { namespace }), role: roleName(ref, namespace), via };
      for (const target of targets) target.unresolved.set(`${unresolved.role}\u0000${via}`, unresolved);
      continue;
    }
    const rows = rowsOf(rules, cluster, rowsCache);
    for (const target of targets) {
      for (const row of rows) addGrant(target, scope, namespace, row, via);
    }
  }

  return {
    subjects: [...subjects.values()]
      .map(finishSubject)
      .sort((a, b) => compareText(a.kind, b.kind) || compareText(a.namespace ?? '', b.namespace ?? '') || compareText(a.name, b.name)),
    counts: { roles, bindings },
    aggregated: index.aggregated().map(({ clusterRole, from, problems }) => ({ clusterRole, from, problems })),
    warnings: [...warnings].sort(compareText),
  };
}

/** The draft for a subject, created on first sight; `undefined` for a subject RBAC cannot match. */
function subjectDraft(subjects: Map<string, SubjectDraft>, subject: SubjectView): SubjectDraft | undefined {
  let kind = subject.kind;
  let namespace = subject.namespace;
  let name = subject.name;
  const account = /^system:serviceaccount:([^:]+):([^:]+)$/.exec(name);
  if (kind === 'User' && account) [kind, namespace, name] = ['ServiceAccount', account[1], account[2]];
  if (kind !== 'User' && kind !== 'Group' && kind !== 'ServiceAccount') return undefined;
  if (kind === 'ServiceAccount' && namespace === undefined) return undefined;
  const id = subjectId(kind, namespace, name);
  let draft = subjects.get(id);
  if (!draft) {
    draft = { kind, ...(kind === 'ServiceAccount' ? { namespace } : {}), name, grants: new Map(), unresolved: new Map() };
    subjects.set(id, draft);
  }
  return draft;
}

function subjectId(kind: SubjectKind, namespace: string | undefined, name: string): string {
  return kind === 'ServiceAccount' ? `ServiceAccount ${namespace}/${name}` : `${kind} ${name}`;
}

function roleName(ref: RoleRefView, namespace: string | undefined): string {
  return ref.kind === 'Role' ? `Role ${namespace}/${ref.name}` : `ClusterRole ${ref.name}`;
}

/**
 * The rows a role's rules give: one per (apiGroup, resource, resourceNames) and per
 * non-resource URL, verbs merged. Through a RoleBinding, non-resource URLs grant nothing.
 * Cached per rule list (the index returns the same list for the same role).
 */
function rowsOf(
  rules: readonly SourcedRule[],
  cluster: boolean,
  cache: Map<readonly SourcedRule[], Map<boolean, readonly Row[]>>,
): readonly Row[] {
  let byScope = cache.get(rules);
  if (!byScope) cache.set(rules, (byScope = new Map()));
  const cached = byScope.get(cluster);
  if (cached) return cached;
  const rows = new Map<string, { row: Omit<Row, 'verbs'>; verbs: Set<string> }>();
  const add = (row: Omit<Row, 'verbs'>, verbs: readonly string[]) => {
    const entry = rows.get(row.key);
    if (entry) verbs.forEach((v) => entry.verbs.add(v));
    else rows.set(row.key, { row, verbs: new Set(verbs) });
  };
  for (const { rule } of rules) {
    if (rule.verbs.length === 0) continue;
    for (const row of resourceRows(rule)) add(row, rule.verbs);
    if (cluster) {
      for (const url of rule.nonResourceURLs) add({ key: `url\u0000${url}`, nonResourceURL: url }, rule.verbs);
    }
  }
  const result = [...rows.values()].map(({ row, verbs }) => ({ ...row, verbs: [...verbs] }));
  byScope.set(cluster, result);
  return result;
}

function resourceRows(rule: PolicyRuleView): Array<Omit<Row, 'verbs'>> {
  const names = [...new Set(rule.resourceNames)].sort(compareText);
  return rule.apiGroups.flatMap((apiGroup) =>
    rule.resources.map((resource) => ({
      key: `res\u0000${apiGroup}\u0000${resource}\u0000${names.join('\u0000')}`,
      apiGroup,
      resource,
      resourceNames: names,
    })),
  );
}

function addGrant(target: SubjectDraft, scope: PermissionScope, namespace: string | undefined, row: Row, via: string): void {
  const key = `${namespace ?? ''}\u0000${row.key}`;
  let grant = target.grants.get(key);
  if (!grant) {
    grant = {
      scope,
      ...(namespace === undefined ? {} : { namespace }),
      ...(row.nonResourceURL === undefined
        ? { apiGroup: row.apiGroup, resource: row.resource, resourceNames: row.resourceNames }
        : { nonResourceURL: row.nonResourceURL }),
      verbs: new Set(),
      via: new Set(),
    };
    target.grants.set(key, grant);
  }
  row.verbs.forEach((verb) => grant.verbs.add(verb));
  grant.via.add(via);
}

function finishSubject(draft: SubjectDraft): SubjectPermissions {
  const grants = [...draft.grants.values()]
    .map((g): PermissionGrant => ({
      scope: g.scope,
      ...(g.namespace === undefined ? {} : { namespace: g.namespace }),
      ...(g.nonResourceURL === undefined
        ? { apiGroup: g.apiGroup, resource: g.resource, resourceNames: g.resourceNames }
        : { nonResourceURL: g.nonResourceURL }),
      verbs: sortVerbs(g.verbs),
      via: [...g.via].sort(compareText),
    }))
    .sort(compareGrants);
  return {
    subject: subjectId(draft.kind, draft.namespace, draft.name),
    kind: draft.kind,
    ...(draft.namespace === undefined ? {} : { namespace: draft.namespace }),
    name: draft.name,
    grants,
    risks: risksOf(grants),
    escalations: escalationsOf(grants),
    unresolved: [...draft.unresolved.values()].sort(
      (a, b) => compareScopes(a, b) || compareText(a.role, b.role) || compareText(a.via, b.via),
    ),
  };
}

/** The powers held in one scope (the cluster, or a namespace), each with the grants that give it. */
interface ScopedPowers<Power> {
  readonly scope: PermissionScope;
  readonly namespace?: string;
  readonly powers: Map<Power, Set<string>>;
}

/** Records that `grant` gives `power` (as `evidence`), in the entry of the grant's scope. */
function addEvidence<Power>(byScope: Map<string, ScopedPowers<Power>>, grant: PermissionGrant, power: Power, evidence: string): void {
  const scopeKey = grant.namespace ?? '';
  let entry = byScope.get(scopeKey);
  if (!entry) {
    entry = { scope: grant.scope, ...(grant.namespace === undefined ? {} : { namespace: grant.namespace }), powers: new Map() };
    byScope.set(scopeKey, entry);
  }
  let found = entry.powers.get(power);
  if (!found) entry.powers.set(power, (found = new Set()));
  found.add(evidence);
}

/** The risky powers the grants give, per scope, in scope then `RISKY_POWERS` order. */
function risksOf(grants: readonly PermissionGrant[]): RiskyPower[] {
  const byScope = new Map<string, ScopedPowers<RiskyPowerId>>();
  for (const grant of grants) {
    for (const power of RISKY_POWERS) {
      const evidence = powerEvidence(power, grant);
      if (evidence !== undefined) addEvidence(byScope, grant, power.id, evidence);
    }
  }
  return [...byScope.values()].sort(compareScopes).flatMap((entry) =>
    RISKY_POWERS.filter((power) => entry.powers.has(power.id)).map((power) => ({
      power: power.id,
      scope: entry.scope,
      ...(entry.namespace === undefined ? {} : { namespace: entry.namespace }),
      why: power.why,
      grants: [...entry.powers.get(power.id)!].sort(compareText),
    })),
  );
}

/**
 * The escalation powers the grants give, per scope, wildcards expanded as the RBAC authorizer
 * matches them; a power over cluster-scoped resources only through a ClusterRoleBinding.
 */
function escalationsOf(grants: readonly PermissionGrant[]): HeldEscalationPower[] {
  const byScope = new Map<string, ScopedPowers<string>>();
  for (const grant of grants) {
    if (grant.resource === undefined || grant.apiGroup === undefined) continue;
    const held = powersOfRule(
      { apiGroups: [grant.apiGroup], resources: [grant.resource], verbs: grant.verbs, resourceNames: grant.resourceNames ?? [] },
      grant.scope,
    );
    for (const { power, verbs } of held) addEvidence(byScope, grant, power.name, `${sortVerbs(verbs).join(', ')} on ${grantLabel(grant)}`);
  }
  return [...byScope.values()].sort(compareScopes).flatMap((entry) =>
    ESCALATION_POWERS.filter((power) => entry.powers.has(power.name)).map((power) => ({
      power: power.name,
      scope: entry.scope,
      ...(entry.namespace === undefined ? {} : { namespace: entry.namespace }),
      rule: power.rule,
      what: power.what,
      grants: [...entry.powers.get(power.name)!].sort(compareText),
    })),
  );
}

/** `<verbs> on <resource>` when the grant gives the power, else `undefined`. */
function powerEvidence(power: RiskyPowerDefinition, grant: PermissionGrant): string | undefined {
  const label = grantLabel(grant);
  if (power.id === 'wildcard') {
    const wild =
      grant.verbs.includes('*') ||
      grant.apiGroup === '*' ||
      grant.nonResourceURL === '*' ||
      (grant.resource !== undefined && (grant.resource === '*' || grant.resource.startsWith('*/')));
    return wild ? `${grant.verbs.join(', ')} on ${label}` : undefined;
  }
  if (grant.resource === undefined || grant.apiGroup === undefined) return undefined;
  if (power.id === 'escalate') {
    const written = grant.verbs.filter((verb) => ESCALATION_VERBS.includes(verb));
    if (written.length > 0) return `${written.join(', ')} on ${label}`;
  }
  const verbs = new Set<string>();
  for (const test of power.tests) {
    if (test.clusterOnly && grant.scope !== 'cluster') continue;
    if (!test.groups.some((group) => groupCovered([grant.apiGroup!], group))) continue;
    if (!test.resources.some((resource) => resourceEntryCovers(grant.resource!, resource))) continue;
    coveredVerbs(grant.verbs, test.verbs).forEach((verb) => verbs.add(verb));
  }
  return verbs.size > 0 ? `${sortVerbs(verbs).join(', ')} on ${label}` : undefined;
}

/**
 * A grant's resource as kubectl writes it: `secrets`, `deployments.apps`, `pods/exec`,
 * `*.*`, with its resource names in brackets; or the non-resource URL.
 */
export function grantLabel(grant: Pick<PermissionGrant, 'apiGroup' | 'resource' | 'resourceNames' | 'nonResourceURL'>): string {
  if (grant.nonResourceURL !== undefined) return grant.nonResourceURL;
  const resource = grant.resource ?? '';
  const slash = resource.indexOf('/');
  const [base, sub] = slash < 0 ? [resource, ''] : [resource.slice(0, slash), resource.slice(slash)];
  const qualified = grant.apiGroup ? `${base}.${grant.apiGroup}${sub}` : resource;
  return grant.resourceNames?.length ? `${qualified} [${grant.resourceNames.join(', ')}]` : qualified;
}

function sortVerbs(verbs: Iterable<string>): string[] {
  const rank = (verb: string) => {
    const i = VERB_ORDER.indexOf(verb);
    return i < 0 ? VERB_ORDER.length : i;
  };
  return [...new Set(verbs)].sort((a, b) => rank(a) - rank(b) || compareText(a, b));
}

/** Cluster first, then namespaces by name. */
function compareScopes(a: { readonly namespace?: string }, b: { readonly namespace?: string }): number {
  if (a.namespace === undefined || b.namespace === undefined)
    return (a.namespace === undefined ? 0 : 1) - (b.namespace === undefined ? 0 : 1);
  return compareText(a.namespace, b.namespace);
}

function compareGrants(a: PermissionGrant, b: PermissionGrant): number {
  return (
    compareScopes(a, b) ||
    (a.nonResourceURL === undefined ? 0 : 1) - (b.nonResourceURL === undefined ? 0 : 1) ||
    compareText(a.apiGroup ?? '', b.apiGroup ?? '') ||
    compareText(a.resource ?? '', b.resource ?? '') ||
    compareText((a.resourceNames ?? []).join('\u0000'), (b.resourceNames ?? []).join('\u0000')) ||
    compareText(a.nonResourceURL ?? '', b.nonResourceURL ?? '')
  );
}
