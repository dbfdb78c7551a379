/** Admission differential corpus (admission-corpus.ts): rules on kinds other than workloads (RBAC, network, namespaces, services, config). */
import { formatCidr, isStrictSubset, parseCidr } from '../../lib/core/cidr';
import { ESCALATION_POWERS } from '../../lib/policy/escalation-powers';
import { PUBLIC_ADDRESSES } from '../../lib/policy/special-addresses';
import { entriesCovering } from '../../lib/policy/rbac-wildcards';
import type { ObjectGenerator } from './admission-corpus';
import { CORPUS_ACCOUNT, CORPUS_NAMESPACE } from './admission-corpus';
import type { Json } from './pod-mutations';

type Pick = <T>(items: readonly T[]) => T;

const RBAC_VERSION = 'rbac.authorization.k8s.io/v1';
const RBAC_GROUP = 'rbac.authorization.k8s.io';

/** Applies 0 to 3 of `changes` (picked with repetition) to `object`, which starts compliant. */
function changed<T>(object: T, changes: readonly ((o: T) => void)[], pick: Pick, random: () => number): T {
  const count = Math.floor(random() * 4);
  for (let n = 0; n < count; n++) pick(changes)(object);
  return object;
}

/** A namespaced object's place: the corpus namespace, now and then `default` (for no-default-namespace). */
function namespaceFor(random: () => number): string {
  return random() < 0.15 ? 'default' : CORPUS_NAMESPACE;
}

/** A PolicyRule that gives one escalation power, written as the table says or through one of its wildcards. */
function powerRule(pick: Pick, random: () => number): Json {
  const power = pick(ESCALATION_POWERS);
  const grant = pick(power.grants);
  const resource = pick(grant.resources);
  const verbs = grant.verbs ? [pick(grant.verbs)] : [pick(['get', 'create', 'patch'])];
  return {
    apiGroups: [random() < 0.2 ? '*' : pick(grant.apiGroups)],
    resources: [random() < 0.3 ? pick(entriesCovering(resource)) : resource],
    verbs: random() < 0.15 ? ['*'] : verbs,
    ...(random() < 0.2 ? { resourceNames: ['one'] } : {}),
  };
}

/** A PolicyRule of scattered parts: groups, resources and verbs the powers use, and some that give none. */
function scatteredRule(pick: Pick, random: () => number): Json {
  const groups = ['', 'apps', '*', RBAC_GROUP, 'networking.k8s.io', 'certificates.k8s.io', 'batch'];
  const resources = [
    ...new Set(ESCALATION_POWERS.flatMap((p) => p.grants.flatMap((g) => g.resources))),
    '*',
    '*/exec',
    '*/status',
    'configmaps',
    'deployments',
    'pods/log',
  ];
  const verbs = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete', 'escalate', 'bind', 'impersonate', 'approve', '*'];
  const some = <T>(items: readonly T[]) => [...new Set(Array.from({ length: 1 + Math.floor(random() * 2) }, () => pick(items)))];
  return {
    apiGroups: some(groups),
    resources: some(resources),
    verbs: some(verbs),
    ...(random() < 0.15 ? { resourceNames: ['one'] } : {}),
  };
}

/** A Role or ClusterRole: reads Deployments, plus rules that give powers or wildcards. */
const role: ObjectGenerator = (name, pick, random) => {
  const cluster = random() < 0.5;
  const rules: Json[] = [{ apiGroups: ['apps'], resources: ['deployments'], verbs: ['get', 'list', 'watch'] }];
  const object: Json = {
    apiVersion: RBAC_VERSION,
    kind: cluster ? 'ClusterRole' : 'Role',
    metadata: { name, ...(cluster ? {} : { namespace: namespaceFor(random) }) },
    rules,
  };
  return changed(
    object,
    [
      () => rules.push(powerRule(pick, random)),
      () => rules.push(powerRule(pick, random)),
      () => rules.push(scatteredRule(pick, random)),
      () => rules.push(scatteredRule(pick, random)),
      () => {
        if (cluster) rules.push({ nonResourceURLs: [pick(['/healthz', '*', '/metrics'])], verbs: [pick(['get', '*'])] });
      },
      () => (object.metadata.labels = { [`${RBAC_GROUP}/aggregate-to-${pick(['view', 'edit', 'admin'])}`]: 'true' }),
    ],
    pick,
    random,
  );
};

/** The ClusterRoles bindings refer to: built-in ones (readers of Secrets, cluster-admin, controllers'), and one of one's own. */
const CLUSTER_ROLE_REFS: readonly string[] = [
  'view',
  'edit',
  'admin',
  'cluster-admin',
  'system:controller:namespace-controller',
  'system:kube-controller-manager',
  'system:node',
  'system:aggregate-to-view',
  'team-reader',
];

/** Subjects of every kind the binding rules tell apart (a function: the corpus module imports this one). */
const subjectsToGrant = (): readonly Json[] => [
  { kind: 'User', apiGroup: RBAC_GROUP, name: 'alice@example.com' },
  { kind: 'User', apiGroup: RBAC_GROUP, name: 'system:kube-proxy' },
  { kind: 'User', apiGroup: RBAC_GROUP, name: 'system:anonymous' },
  { kind: 'Group', apiGroup: RBAC_GROUP, name: 'system:authenticated' },
  { kind: 'Group', apiGroup: RBAC_GROUP, name: 'system:serviceaccounts' },
  { kind: 'Group', apiGroup: RBAC_GROUP, name: 'system:unauthenticated' },
  { kind: 'Group', apiGroup: RBAC_GROUP, name: 'system:masters' },
  { kind: 'ServiceAccount', name: 'default', namespace: CORPUS_NAMESPACE },
  { kind: 'ServiceAccount', name: 'default' },
  { kind: 'ServiceAccount', name: 'other', namespace: CORPUS_NAMESPACE },
  // The default account by its user name, and the namespace's group of every account.
  { kind: 'User', apiGroup: RBAC_GROUP, name: `system:serviceaccount:${CORPUS_NAMESPACE}:default` },
  { kind: 'Group', apiGroup: RBAC_GROUP, name: `system:serviceaccounts:${CORPUS_NAMESPACE}` },
];

/** A RoleBinding or ClusterRoleBinding: a team group granted a reading role, or other subjects and roles. */
const binding: ObjectGenerator = (name, pick, random) => {
  const cluster = random() < 0.4;
  const namespace = namespaceFor(random);
  const subjects: Json[] = [{ kind: 'Group', apiGroup: RBAC_GROUP, name: 'team-a' }];
  const object: Json = {
    apiVersion: RBAC_VERSION,
    kind: cluster ? 'ClusterRoleBinding' : 'RoleBinding',
    metadata: { name, ...(cluster ? {} : { namespace }) },
    roleRef: { apiGroup: RBAC_GROUP, kind: cluster ? 'ClusterRole' : 'Role', name: 'app-reader' },
    subjects,
  };
  return changed(
    object,
    [
      () => (object.roleRef = { apiGroup: RBAC_GROUP, kind: 'ClusterRole', name: pick(CLUSTER_ROLE_REFS) }),
      () => (object.roleRef = { apiGroup: RBAC_GROUP, kind: 'ClusterRole', name: pick(CLUSTER_ROLE_REFS) }),
      () => {
        const subject = { ...pick(subjectsToGrant()) };
        // A ServiceAccount of a ClusterRoleBinding must name its namespace.
        if (subject.kind === 'ServiceAccount' && cluster) subject.namespace = namespace;
        subjects.push(subject);
      },
      () => subjects.push({ kind: 'ServiceAccount', name: CORPUS_ACCOUNT, namespace: CORPUS_NAMESPACE }),
      // The namespace's default account, which every pod without an account of its own runs as.
      () => subjects.push({ kind: 'ServiceAccount', name: 'default', namespace }),
      // A person granted directly, not through a group (a warning: rbac-no-user-subjects).
      () => subjects.push({ kind: 'User', apiGroup: RBAC_GROUP, name: pick(['bob@example.com', 'system:node:worker-1']) }),
    ],
    pick,
    random,
  );
};

/** A Namespace enforcing Pod Security restricted, or another level, or none. */
const namespace: ObjectGenerator = (name, pick, random) => {
  const labels: Record<string, string> = {
    'pod-security.kubernetes.io/enforce': 'restricted',
    'pod-security.kubernetes.io/audit': 'restricted',
    'pod-security.kubernetes.io/warn': 'restricted',
  };
  return changed(
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } },
    [
      () => (labels['pod-security.kubernetes.io/enforce'] = pick(['baseline', 'privileged', 'restricted'])),
      () => delete labels['pod-security.kubernetes.io/enforce'],
      () => (labels['pod-security.kubernetes.io/enforce-version'] = pick(['latest', 'v1.37'])),
      () => delete labels['pod-security.kubernetes.io/warn'],
    ],
    pick,
    random,
  );
};

/** A PodDisruptionBudget that lets unhealthy pods be evicted, or says nothing of them. */
const podDisruptionBudget: ObjectGenerator = (name, pick, random) => {
  const spec: Json = { minAvailable: 1, selector: { matchLabels: { app: name } }, unhealthyPodEvictionPolicy: 'AlwaysAllow' };
  return changed(
    { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name, namespace: namespaceFor(random) }, spec },
    [
      () => delete spec.unhealthyPodEvictionPolicy,
      () => (spec.unhealthyPodEvictionPolicy = 'IfHealthyBudget'),
      () => (spec.minAvailable = 2),
    ],
    pick,
    random,
  );
};

/** A ConfigMap or a Service, in the corpus namespace or in `default`. */
const placed: ObjectGenerator = (name, pick, random) => {
  const namespace = namespaceFor(random);
  return pick([
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace }, data: { 'log-level': 'info' } },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name, namespace },
      spec: { selector: { app: name }, ports: [{ port: 80, targetPort: 8080 }] },
    },
  ]);
};

/** Blocks that reach, hold or split the metadata blocks (and some that do not), for ipBlocks and their excepts. */
const BLOCKS: readonly string[] = [
  '0.0.0.0/0',
  '169.254.0.0/16',
  '169.254.0.0/17',
  '169.254.128.0/17',
  '169.254.169.0/24',
  '169.254.169.254/32',
  '169.254.170.23/32',
  '100.100.100.200/32',
  '100.64.0.0/10',
  '10.0.0.0/8',
  '::/0',
  'fd00:ec2::/32',
  'fd00:ec2::254/128',
  'fd00:ec2::23/128',
  'fd20:ce::254/128',
  'fe80::/10',
  'fe80::/11',
  'fea0::/11',
  'fea0::/12',
  'feb0::/12',
  'fe80::/64',
  '2001:db8::/32',
  // Not in RFC 5952 form (the API server warns, and admits): the same blocks as fe80::/11 and fd00:ec2::254/128.
  'FE80::/11',
  'fd00:ec2:0::254/128',
];

/** An egress peer of one block, excepting some of the blocks strictly inside it. */
function ipBlockPeer(pick: Pick, random: () => number): Json {
  const cidr = pick(BLOCKS);
  const inside = BLOCKS.filter((b) => isStrictSubset(parseCidr(cidr), parseCidr(b)));
  const except = [...new Set(inside.filter(() => random() < 0.5))];
  return { ipBlock: { cidr, ...(except.length ? { except } : {}) } };
}

/** Ingress sources: halves and quarters of the address space, the public ranges, private ranges. */
const SOURCES: readonly string[] = [
  '0.0.0.0/0',
  '0.0.0.0/1',
  '128.0.0.0/1',
  '0.0.0.0/2',
  '64.0.0.0/2',
  '128.0.0.0/2',
  '192.0.0.0/2',
  '10.0.0.0/8',
  '1.0.0.0/8',
  '::/0',
  '::/1',
  '8000::/1',
  '2000::/3',
  '2000::/4',
  '3000::/4',
  'fd00::/8',
];

/** The ingress peers of every public address of a family, block by block, now and then one short. */
function publicPeers(pick: Pick, random: () => number): Json[] {
  const blocks = PUBLIC_ADDRESSES[pick([4, 6] as const)].blocks().map(formatCidr);
  if (random() < 0.4) blocks.splice(Math.floor(random() * blocks.length), 1);
  return blocks.map((cidr) => ({ ipBlock: { cidr } }));
}

/** A NetworkPolicy whose ingress names its sources and whose egress names its destinations and keeps the metadata blocks out, or not. */
const networkPolicy: ObjectGenerator = (name, pick, random) => {
  const to: Json[] = [
    { podSelector: { matchLabels: { app: 'db' } } },
    { ipBlock: { cidr: '0.0.0.0/0', except: ['169.254.0.0/16', '100.100.100.200/32'] } },
    { ipBlock: { cidr: '::/0', except: ['fd00:ec2::254/128', 'fd00:ec2::23/128', 'fd20:ce::254/128', 'fe80::/10'] } },
  ];
  const egress: Json[] = [{ to, ports: [{ port: 5432, protocol: 'TCP' }] }];
  const from: Json[] = [
    { podSelector: { matchLabels: { app: 'web' } } },
    { namespaceSelector: { matchLabels: { team: 'a' } }, podSelector: {} },
    { ipBlock: { cidr: '10.0.0.0/8' } },
  ];
  const ingress: Json[] = [{ from }];
  return changed(
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name, namespace: CORPUS_NAMESPACE },
      spec: { podSelector: { matchLabels: { app: name } }, policyTypes: ['Ingress', 'Egress'], ingress, egress },
    },
    [
      () => to.push(ipBlockPeer(pick, random)),
      () => to.push(ipBlockPeer(pick, random)),
      () => egress.push(pick([{}, { to: [] }, { ports: [{ port: 53, protocol: 'UDP' }] }])),
      () => from.push({ ipBlock: { cidr: pick(SOURCES) } }),
      () => from.push({ ipBlock: { cidr: pick(SOURCES) } }, { ipBlock: { cidr: pick(SOURCES) } }),
      () => ingress.push({ from: publicPeers(pick, random) }),
      () =>
        from.push(
          ...pick([['0.0.0.0/1', '128.0.0.0/1'], ['::/1', '8000::/1'], ['2000::/4', '3000::/4'], ['0.0.0.0/0']]).map((cidr) => ({
            ipBlock: { cidr },
          })),
        ),
      () => ingress.push(pick([{}, { from: [] }, { ports: [{ port: 8080, protocol: 'TCP' }] }])),
      () =>
        from.push(
          pick([
            { namespaceSelector: {} },
            { namespaceSelector: {}, podSelector: {} },
            { namespaceSelector: {}, podSelector: { matchLabels: { app: 'web' } } },
          ]),
        ),
      () => {
        const peer = pick(to.filter((p) => p.ipBlock?.except));
        if (peer) peer.ipBlock.except.splice(Math.floor(random() * peer.ipBlock.except.length), 1);
      },
    ],
    pick,
    random,
  );
};

/** Generators of objects for the rules on kinds other than workloads (RBAC, network, namespaces, services, config): each returns a compliant or changed object named `name`, in the corpus namespace when namespaced. */
export const GENERATORS: readonly ObjectGenerator[] = [
  role,
  role,
  binding,
  binding,
  binding,
  namespace,
  podDisruptionBudget,
  placed,
  networkPolicy,
  networkPolicy,
];
