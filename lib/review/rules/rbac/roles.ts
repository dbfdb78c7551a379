/**
 * Rules over what Roles and ClusterRoles allow, judged on the rules each one writes. An
 * aggregated ClusterRole is judged on its static rules only: the rules it aggregates are
 * judged on the ClusterRoles they come from (those of the output; the others are unknown).
 */
import {
  CORE_GROUP, coveredVerbs, groupCovered, indexedStrings, RBAC_ROLE_KINDS, REMOTE_ACCESS_RESOURCES, resourceEntryCovers,
} from '../../analyses/permissions-rbac';
import { KubeObject, Rule, RuleFinding } from '../../model';
import { finding, isRecord, list, quote } from '../../walkers';

type Entry = { readonly value: string; readonly index: number };

/** One rule as written, each list with the index of its entries (for finding paths). */
interface WrittenRule {
  readonly index: number;
  readonly apiGroups: readonly Entry[];
  readonly resources: readonly Entry[];
  readonly verbs: readonly Entry[];
  readonly nonResourceURLs: readonly Entry[];
}

function writtenRules(obj: KubeObject): WrittenRule[] {
  return list<unknown>(obj.rules).flatMap((raw, index) => isRecord(raw) ? [{
    index,
    apiGroups: indexedStrings(raw.apiGroups),
    resources: indexedStrings(raw.resources),
    verbs: indexedStrings(raw.verbs),
    nonResourceURLs: indexedStrings(raw.nonResourceURLs),
  }] : []);
}

const values = (entries: readonly Entry[]): string[] => entries.map((e) => e.value);

/** Verbs that let their holder grant permissions it does not hold, or act as someone else. */
const ESCALATION_VERBS: Readonly<Record<string, string>> = {
  escalate: 'lets its holders create and edit roles with permissions they do not hold',
  bind: 'lets its holders bind roles with permissions they do not hold',
  impersonate: 'lets its holders act as other users, groups or service accounts',
};

/**
 * No `*` in a role's rules: a wildcard grants every API group, resource or verb, including
 * those added later (new CRDs, new subresources). Flags `*` in apiGroups and verbs, `*` and
 * `*\/<subresource>` in resources, and `*` in nonResourceURLs (prefix patterns such as
 * `/apis/*` are left to review).
 *
 * @see https://kubernetes.io/docs/concepts/security/rbac-good-practices/#least-privilege
 */
export const rbacNoWildcards: Rule = {
  id: 'rbac-no-wildcards',
  title: 'Roles name their API groups, resources and verbs instead of using "*"',
  severity: 'error',
  kinds: RBAC_ROLE_KINDS,
  references: { cis: '5.1.3', kubeLinter: 'wildcard-in-rules', checkov: 'CKV_K8S_49' },
  remediation: 'Replace each "*" with the API groups, resources and verbs the holder needs, listed one by one.',
  check: (obj) => writtenRules(obj).flatMap(({ index: i, apiGroups, resources, verbs, nonResourceURLs }): RuleFinding[] => [
    ...apiGroups.filter((g) => g.value === '*')
      .map((g) => finding(`rules[${i}].apiGroups[${g.index}]`, `rule ${i} covers every API group ("*")`)),
    ...resources.filter((r) => r.value === '*' || r.value.startsWith('*/'))
      .map((r) => finding(`rules[${i}].resources[${r.index}]`, r.value === '*'
        ? `rule ${i} covers every resource and subresource ("*")`
        : `rule ${i} covers the ${quote(r.value.slice(2))} subresource of every resource (${quote(r.value)})`)),
    ...verbs.filter((v) => v.value === '*')
      .map((v) => finding(`rules[${i}].verbs[${v.index}]`, `rule ${i} allows every verb ("*"), escalate, bind and impersonate included`)),
    ...nonResourceURLs.filter((u) => u.value === '*')
      .map((u) => finding(`rules[${i}].nonResourceURLs[${u.index}]`, `rule ${i} covers every non-resource URL ("*")`)),
  ]),
};

/**
 * No `escalate`, `bind` or `impersonate` verb, on any resource: each lets its holder step
 * around RBAC (grant what it does not hold, or act as someone who holds it). A `*` verb is
 * reported by `rbac-no-wildcards`.
 *
 * @see https://kubernetes.io/docs/concepts/security/rbac-good-practices/#escalate-verb
 * @see https://kubernetes.io/docs/concepts/security/rbac-good-practices/#bind-verb
 * @see https://kubernetes.io/docs/concepts/security/rbac-good-practices/#impersonate-verb
 */
export const rbacNoEscalationVerbs: Rule = {
  id: 'rbac-no-escalation-verbs',
  title: 'Roles do not grant the escalate, bind or impersonate verbs',
  severity: 'error',
  kinds: RBAC_ROLE_KINDS,
  references: { cis: '5.1.8', checkov: ['CKV_K8S_157', 'CKV_K8S_158'] },
  remediation: 'Remove the escalate, bind and impersonate verbs; grant the roles or identities themselves to whoever needs them.',
  check: (obj) => writtenRules(obj).flatMap(({ index: i, resources, verbs }) => {
    const on = resources.length ? ` on ${resources.map((r) => quote(r.value)).join(', ')}` : '';
    return verbs.filter((v) => Object.hasOwn(ESCALATION_VERBS, v.value))
      .map((v) => finding(`rules[${i}].verbs[${v.index}]`, `rule ${i} grants ${quote(v.value)}${on}, which ${ESCALATION_VERBS[v.value]}`));
  }),
};

/**
 * No way into running pods or nodes and no token minting: `get` or `create` on pods/exec,
 * pods/attach and pods/portforward, any verb on nodes/proxy, `create` on
 * serviceaccounts/token, whether named or reached through `*`. `get` counts for the pod
 * subresources because a WebSocket upgrade is a GET, authorized with `get` alone before
 * Kubernetes 1.35 (see `REMOTE_ACCESS_RESOURCES`).
 *
 * @see https://kubernetes.io/docs/concepts/security/rbac-good-practices/#access-to-proxy-subresource-of-nodes
 */
export const rbacNoExecAttachPortforward: Rule = {
  id: 'rbac-no-exec-attach-portforward',
  title: 'Roles do not open pods or nodes (exec, attach, port-forward, node proxy) or mint tokens',
  severity: 'error',
  kinds: RBAC_ROLE_KINDS,
  references: { cis: ['5.1.10', '5.1.13'], polaris: ['rolePodExecAttach', 'clusterrolePodExecAttach'] },
  remediation: 'Remove pods/exec, pods/attach, pods/portforward, nodes/proxy and serviceaccounts/token from the rule (and any "*" that covers them); debug through logs and metrics, and mount tokens through projected volumes.',
  check: (obj) => writtenRules(obj).flatMap((rule): RuleFinding[] => {
    if (!groupCovered(values(rule.apiGroups), CORE_GROUP)) return [];
    const verbs = values(rule.verbs);
    return rule.resources.flatMap((entry) => {
      const reached = REMOTE_ACCESS_RESOURCES.flatMap((target) => {
        if (!resourceEntryCovers(entry.value, target.resource)) return [];
        const granted = coveredVerbs(verbs, target.verbs);
        return granted.length ? [`${target.what} (${granted.join(', ')} on ${target.resource})`] : [];
      });
      if (reached.length === 0) return [];
      const named = REMOTE_ACCESS_RESOURCES.some((target) => target.resource === entry.value);
      return [finding(`rules[${rule.index}].resources[${entry.index}]`,
        `rule ${rule.index} lets its holders ${reached.join('; ')}${named ? '' : ` through ${quote(entry.value)}`}`)];
    });
  }),
};
