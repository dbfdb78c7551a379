/**
 * The escalation powers: grants whose effect reaches further than their names say (another
 * identity, the node, the control plane, a namespace's isolation). One table, read by the
 * RBAC rules, the permissions report and the constructs (`workload.grant()`, `ClusterGrant`),
 * so the three judge a grant the same way.
 *
 * @see https://kubernetes.io/docs/concepts/security/rbac-good-practices/#privilege-escalation-risks
 */
import { resourceCovered } from './rbac-wildcards';

/** Verbs on resources of API groups: one way to hold a power. */
export interface PowerGrant {
  readonly apiGroups: readonly string[];
  /** Resources with their subresource (`pods/exec`). */
  readonly resources: readonly string[];
  /** The verbs that give it; `undefined`: every verb (the kubelet maps each HTTP method to one). */
  readonly verbs?: readonly string[];
}

/**
 * Where a power is dangerous: `namespace`, wherever it is granted (a RoleBinding is enough);
 * `cluster`, only through a ClusterRoleBinding (the resources are cluster-scoped, so a
 * RoleBinding grants nothing on them).
 */
export type PowerScope = 'namespace' | 'cluster';

/** One escalation power. */
export interface EscalationPower {
  /** Its name, also the `value` of its findings and of the exception that accepts it: `create secrets`. */
  readonly name: string;
  /** The review rule that reports it (its severity is the power's). */
  readonly rule: string;
  readonly scope: PowerScope;
  /** Any of these gives the power. */
  readonly grants: readonly PowerGrant[];
  /** Only a literal `*` verb, resource and group gives it (`* on *`), not each of them named. */
  readonly literalWildcard?: boolean;
  /** What holding it lets one do, as a phrase after "lets its holders". */
  readonly what: string;
  /** Where the risk is described. */
  readonly reference: string;
}

const CORE = '';
const RBAC = 'rbac.authorization.k8s.io';
const WEBHOOKS = 'admissionregistration.k8s.io';
const CERTIFICATES = 'certificates.k8s.io';
const GOOD_PRACTICES = 'https://kubernetes.io/docs/concepts/security/rbac-good-practices/';
const WRITE = ['create', 'update', 'patch'];

/** The rules that report the powers, by severity (see each rule for why). */
export const POWER_RULES = {
  /** error: a shell, a tunnel or a token of another workload or node. */
  remoteAccess: 'rbac-no-exec-attach-portforward',
  /** error: grants or identities beyond one's own. */
  escalationVerbs: 'rbac-no-escalation-verbs',
  /** error: the node or the control plane. */
  clusterTakeover: 'rbac-no-cluster-takeover-powers',
  /** warning: every identity or the isolation of one namespace. */
  namespaceEscalation: 'rbac-namespace-escalation-powers',
} as const;

/**
 * The table, most dangerous first within each rule. `get` counts on exec, attach and
 * portforward: a WebSocket upgrade is a GET, authorized with `get` alone before Kubernetes
 * 1.35 (https://github.com/kubernetes/kubernetes/pull/134577).
 */
export const ESCALATION_POWERS: readonly EscalationPower[] = [
  {
    name: 'create pods/exec',
    rule: POWER_RULES.remoteAccess,
    scope: 'namespace',
    grants: [{ apiGroups: [CORE], resources: ['pods/exec'], verbs: ['get', 'create'] }],
    what: 'run commands in containers',
    reference: `${GOOD_PRACTICES}#workload-creation`,
  },
  {
    name: 'create pods/attach',
    rule: POWER_RULES.remoteAccess,
    scope: 'namespace',
    grants: [{ apiGroups: [CORE], resources: ['pods/attach'], verbs: ['get', 'create'] }],
    what: 'attach to the processes of containers',
    reference: `${GOOD_PRACTICES}#workload-creation`,
  },
  {
    name: 'create pods/portforward',
    rule: POWER_RULES.remoteAccess,
    scope: 'namespace',
    grants: [{ apiGroups: [CORE], resources: ['pods/portforward'], verbs: ['get', 'create'] }],
    what: 'open connections to the ports of pods',
    reference: `${GOOD_PRACTICES}#workload-creation`,
  },
  {
    name: 'patch pods/ephemeralcontainers',
    rule: POWER_RULES.remoteAccess,
    scope: 'namespace',
    grants: [{ apiGroups: [CORE], resources: ['pods/ephemeralcontainers'], verbs: ['patch', 'update'] }],
    what: 'add a container of their choosing to running pods, as good as exec',
    reference: 'https://kubernetes.io/docs/concepts/workloads/pods/ephemeral-containers/',
  },
  {
    // A pod's container images may be changed in place (updatablePodSpecFields): found by an attacker's review.
    name: 'update pods',
    rule: POWER_RULES.remoteAccess,
    scope: 'namespace',
    grants: [{ apiGroups: [CORE], resources: ['pods'], verbs: ['update', 'patch'] }],
    what: "swap the image of a running pod's container, which then runs code of their choosing with that pod's service account, as good as exec",
    reference: 'https://kubernetes.io/docs/concepts/workloads/pods/#pod-update-and-replacement',
  },
  {
    name: 'get nodes/proxy',
    rule: POWER_RULES.remoteAccess,
    scope: 'cluster',
    grants: [{ apiGroups: [CORE], resources: ['nodes/proxy'] }],
    what: 'call the kubelet API of nodes, which runs commands in every pod on them',
    reference: `${GOOD_PRACTICES}#access-to-proxy-subresource-of-nodes`,
  },
  {
    name: 'create serviceaccounts/token',
    rule: POWER_RULES.remoteAccess,
    scope: 'namespace',
    grants: [{ apiGroups: [CORE], resources: ['serviceaccounts/token'], verbs: ['create'] }],
    what: 'mint tokens for service accounts',
    reference: `${GOOD_PRACTICES}#token-request`,
  },
  {
    name: 'escalate',
    rule: POWER_RULES.escalationVerbs,
    scope: 'namespace',
    grants: [{ apiGroups: [RBAC], resources: ['roles', 'clusterroles'], verbs: ['escalate'] }],
    what: 'create and edit roles with permissions they do not hold',
    reference: `${GOOD_PRACTICES}#escalate-verb`,
  },
  {
    name: 'bind',
    rule: POWER_RULES.escalationVerbs,
    scope: 'namespace',
    grants: [{ apiGroups: [RBAC], resources: ['roles', 'clusterroles'], verbs: ['bind'] }],
    what: 'bind roles with permissions they do not hold',
    reference: `${GOOD_PRACTICES}#bind-verb`,
  },
  {
    name: 'impersonate',
    rule: POWER_RULES.escalationVerbs,
    scope: 'namespace',
    grants: [
      { apiGroups: [CORE], resources: ['users', 'groups', 'serviceaccounts'], verbs: ['impersonate'] },
      { apiGroups: ['authentication.k8s.io'], resources: ['uids', 'userextras'], verbs: ['impersonate'] },
    ],
    what: 'act as other users, groups or service accounts',
    reference: `${GOOD_PRACTICES}#impersonate-verb`,
  },
  {
    name: '* on *',
    rule: POWER_RULES.clusterTakeover,
    scope: 'namespace',
    literalWildcard: true,
    grants: [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }],
    what: 'do anything, as cluster-admin does (in all but name)',
    reference: `${GOOD_PRACTICES}#least-privilege`,
  },
  {
    name: 'patch namespaces',
    rule: POWER_RULES.clusterTakeover,
    scope: 'namespace',
    grants: [{ apiGroups: [CORE], resources: ['namespaces'], verbs: ['patch', 'update'] }],
    what: 'relabel namespaces (a RoleBinding reaches its own), lifting Pod Security so privileged pods take the node',
    reference: 'https://kubernetes.io/docs/concepts/security/pod-security-admission/#pod-security-admission-labels-for-namespaces',
  },
  {
    name: 'create mutatingwebhookconfigurations',
    rule: POWER_RULES.clusterTakeover,
    scope: 'cluster',
    grants: [{ apiGroups: [WEBHOOKS], resources: ['mutatingwebhookconfigurations'], verbs: WRITE }],
    what: 'send every API request to a webhook of their choosing, which may rewrite any object',
    reference: `${GOOD_PRACTICES}#control-admission-webhooks`,
  },
  {
    name: 'create validatingwebhookconfigurations',
    rule: POWER_RULES.clusterTakeover,
    scope: 'cluster',
    grants: [{ apiGroups: [WEBHOOKS], resources: ['validatingwebhookconfigurations'], verbs: WRITE }],
    what: 'send every API request, Secrets included, to a webhook of their choosing, which may also refuse it',
    reference: `${GOOD_PRACTICES}#control-admission-webhooks`,
  },
  {
    name: 'update certificatesigningrequests/approval',
    rule: POWER_RULES.clusterTakeover,
    scope: 'cluster',
    grants: [{ apiGroups: [CERTIFICATES], resources: ['certificatesigningrequests/approval'], verbs: ['update', 'patch'] }],
    what: "approve certificate requests, which with a signer's approve gives client certificates of any user or group",
    reference: `${GOOD_PRACTICES}#csrs-and-certificate-issuing`,
  },
  {
    name: 'approve signers',
    rule: POWER_RULES.clusterTakeover,
    scope: 'cluster',
    grants: [{ apiGroups: [CERTIFICATES], resources: ['signers'], verbs: ['approve'] }],
    what: 'approve requests for a signer, which with certificatesigningrequests/approval gives client certificates of any user or group',
    reference: `${GOOD_PRACTICES}#csrs-and-certificate-issuing`,
  },
  {
    name: 'create persistentvolumes',
    rule: POWER_RULES.clusterTakeover,
    scope: 'cluster',
    grants: [{ apiGroups: [CORE], resources: ['persistentvolumes'], verbs: ['create'] }],
    what: 'create hostPath volumes, which mount any path of the node into a pod',
    reference: `${GOOD_PRACTICES}#persistent-volume-creation`,
  },
  // Found by an attacker's review: other ways to rewrite or intercept API requests, or steer the node.
  {
    name: 'create mutatingadmissionpolicies',
    rule: POWER_RULES.clusterTakeover,
    scope: 'cluster',
    grants: [{ apiGroups: [WEBHOOKS], resources: ['mutatingadmissionpolicies', 'mutatingadmissionpolicybindings'], verbs: WRITE }],
    what: 'rewrite any API request with a policy of their choosing (GA and on by default since 1.36), pods made privileged included',
    reference: 'https://kubernetes.io/docs/reference/access-authn-authz/mutating-admission-policy/',
  },
  {
    name: 'write validatingadmissionpolicies',
    rule: POWER_RULES.clusterTakeover,
    scope: 'cluster',
    grants: [
      {
        apiGroups: [WEBHOOKS],
        resources: ['validatingadmissionpolicies', 'validatingadmissionpolicybindings'],
        verbs: [...WRITE, 'delete', 'deletecollection'],
      },
    ],
    what: 'loosen, unbind or delete the admission policies that enforce the review in the cluster (cdk8s-hardened admissionPolicies), or refuse any request with their own',
    reference: 'https://kubernetes.io/docs/reference/access-authn-authz/validating-admission-policy/',
  },
  {
    name: 'create apiservices',
    rule: POWER_RULES.clusterTakeover,
    scope: 'cluster',
    grants: [{ apiGroups: ['apiregistration.k8s.io'], resources: ['apiservices'], verbs: WRITE }],
    what: 'route an API group to a server of their choosing, which then receives the requests (and credentials) sent to it',
    reference: 'https://kubernetes.io/docs/concepts/extend-kubernetes/api-extension/apiserver-aggregation/',
  },
  {
    name: 'update customresourcedefinitions',
    rule: POWER_RULES.clusterTakeover,
    scope: 'cluster',
    grants: [{ apiGroups: ['apiextensions.k8s.io'], resources: ['customresourcedefinitions'], verbs: WRITE }],
    what: "point a custom resource's conversion at a webhook of their choosing, which then sees and rewrites every object of it",
    reference:
      'https://kubernetes.io/docs/tasks/extend-kubernetes/custom-resources/custom-resource-definition-versioning/#webhook-conversion',
  },
  {
    name: 'patch nodes',
    rule: POWER_RULES.clusterTakeover,
    scope: 'cluster',
    grants: [{ apiGroups: [CORE], resources: ['nodes', 'nodes/status'], verbs: ['update', 'patch'] }],
    what: 'relabel and untaint nodes, steering pods (system ones included) onto a node they control',
    reference: `${GOOD_PRACTICES}#control-of-node-placement`,
  },
  {
    name: 'read secrets',
    rule: POWER_RULES.namespaceEscalation,
    scope: 'namespace',
    grants: [{ apiGroups: [CORE], resources: ['secrets'], verbs: ['get', 'list', 'watch'] }],
    what: 'read Secrets, whose values are credentials (service account tokens among them)',
    reference: `${GOOD_PRACTICES}#listing-secrets`,
  },
  {
    name: 'create secrets',
    rule: POWER_RULES.namespaceEscalation,
    scope: 'namespace',
    grants: [{ apiGroups: [CORE], resources: ['secrets'], verbs: ['create'] }],
    what: 'create service-account-token Secrets, which the control plane fills with the token of any service account of the namespace',
    reference: 'https://kubernetes.io/docs/concepts/configuration/secret/#serviceaccount-token-secrets',
  },
  {
    name: 'create pods',
    rule: POWER_RULES.namespaceEscalation,
    scope: 'namespace',
    grants: [{ apiGroups: [CORE], resources: ['pods'], verbs: ['create'] }],
    what: 'run pods of their choosing as any service account of the namespace, mounting any of its Secrets',
    reference: `${GOOD_PRACTICES}#workload-creation`,
  },
  {
    // Creating counts too: policies only add allowed traffic, so a new one opens isolated pods as surely as a deletion.
    name: 'write networkpolicies',
    rule: POWER_RULES.namespaceEscalation,
    scope: 'namespace',
    grants: [
      {
        apiGroups: ['networking.k8s.io'],
        resources: ['networkpolicies'],
        verbs: ['create', 'update', 'patch', 'delete', 'deletecollection'],
      },
    ],
    what: 'remove, loosen or add the NetworkPolicies that isolate pods',
    reference: 'https://kubernetes.io/docs/concepts/services-networking/network-policies/',
  },
];

/** A rule's lists, as the matcher reads them. */
export interface RuleLists {
  readonly apiGroups: readonly string[];
  readonly resources: readonly string[];
  readonly verbs: readonly string[];
  readonly resourceNames: readonly string[];
}

/** A power a rule gives: which resource and verbs give it. */
export interface HeldPower {
  readonly power: EscalationPower;
  /** The power's resources the rule reaches, in table order. */
  readonly resources: readonly string[];
  /** The power's verbs the rule holds (the rule's own verbs for a power of every verb), in table order. */
  readonly verbs: readonly string[];
}

/**
 * The powers a rule gives where it is granted (`namespace`: through a RoleBinding; `cluster`:
 * through a ClusterRoleBinding), wildcards expanded as the RBAC authorizer matches them: `*`
 * verb, group or resource, `*\/<subresource>`. A rule limited by resourceNames never allows
 * `create` on a collection (the request has no name yet), so it gives no create power there.
 */
export function powersOfRule(rule: RuleLists, where: PowerScope): HeldPower[] {
  return ESCALATION_POWERS.flatMap((power): HeldPower[] => {
    if (power.scope === 'cluster' && where === 'namespace') return [];
    if (power.literalWildcard) {
      return rule.apiGroups.includes('*') && rule.resources.includes('*') && rule.verbs.includes('*')
        ? [{ power, resources: ['*'], verbs: ['*'] }]
        : [];
    }
    const resources = new Set<string>();
    const verbs = new Set<string>();
    for (const grant of power.grants) {
      if (!grant.apiGroups.some((group) => rule.apiGroups.includes(group) || rule.apiGroups.includes('*'))) continue;
      for (const resource of grant.resources) {
        if (!resourceCovered(rule.resources, resource)) continue;
        const held = (grant.verbs ?? rule.verbs)
          .filter((verb) => rule.verbs.includes(verb) || rule.verbs.includes('*'))
          .filter((verb) => !(verb === 'create' && !resource.includes('/') && rule.resourceNames.length > 0));
        if (held.length === 0) continue;
        resources.add(resource);
        held.forEach((verb) => verbs.add(verb));
      }
    }
    return resources.size ? [{ power, resources: [...resources], verbs: [...verbs] }] : [];
  });
}

/** The power of this name, or `undefined`. */
export function escalationPower(name: string): EscalationPower | undefined {
  return ESCALATION_POWERS.find((power) => power.name === name);
}
