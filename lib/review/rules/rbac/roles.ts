/**
 * Rules over what Roles and ClusterRoles allow, judged on the rules each one writes. An
 * aggregated ClusterRole is judged on its static rules only: the rules it aggregates are
 * judged on the ClusterRoles they come from (those of the output; the others are unknown).
 */
import { isUnchangedBuiltInRole } from '../../rbac-data/built-in-roles';
import { indexedStrings, RBAC_ROLE_KINDS } from '../../analyses/permissions-rbac';
import { celHoldsPower, celUnchangedBuiltInRole, ruleList } from '../../admission/rbac-cel';
import { celString } from '../../admission/cel';
import { JUDGED_ALONE } from '../../admission/judged-alone';
import { KubeObject, Rule, RuleFinding } from '../../model';
import { ESCALATION_POWERS, POWER_RULES, powersOfRule } from '../../../policy/escalation-powers';
import { finding, isRecord, list, quote } from '../../walkers';
import { powersValidation } from './power-findings';

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
  // The cluster's own roles, unchanged, are the platform's: the bindings to them are judged.
  if (isUnchangedBuiltInRole(obj)) return [];
  return list<unknown>(obj.rules).flatMap((raw, index) =>
    isRecord(raw)
      ? [
          {
            index,
            apiGroups: indexedStrings(raw.apiGroups),
            resources: indexedStrings(raw.resources),
            verbs: indexedStrings(raw.verbs),
            nonResourceURLs: indexedStrings(raw.nonResourceURLs),
          },
        ]
      : [],
  );
}

const values = (entries: readonly Entry[]): string[] => entries.map((e) => e.value);

/** The escalation verbs (escalate, bind, impersonate), each a power of the table. */
const VERB_POWERS = ESCALATION_POWERS.filter((power) => power.rule === POWER_RULES.escalationVerbs);
/** The powers of a way into pods or nodes, or of minting tokens. */
const REMOTE_ACCESS_POWERS = ESCALATION_POWERS.filter((power) => power.rule === POWER_RULES.remoteAccess);

/** A written rule's lists (or some of its resources) as the power matcher reads them; resourceNames do not limit these powers. */
function lists(rule: WrittenRule, resources: readonly Entry[] = rule.resources) {
  return { apiGroups: values(rule.apiGroups), resources: values(resources), verbs: values(rule.verbs), resourceNames: [] as string[] };
}

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
  references: {
    trivy: ['KSV-0044', 'KSV-0045', 'KSV-0046', 'KSV-0112'],
    cis: '5.1.3',
    kubeLinter: 'wildcard-in-rules',
    checkov: 'CKV_K8S_49',
  },
  remediation: 'Replace each "*" with the API groups, resources and verbs the holder needs, listed one by one.',
  check: (obj) =>
    writtenRules(obj).flatMap(({ index: i, apiGroups, resources, verbs, nonResourceURLs }): RuleFinding[] => [
      ...apiGroups
        .filter((g) => g.value === '*')
        .map((g) => finding(`rules[${i}].apiGroups[${g.index}]`, `rule ${i} covers every API group ("*")`)),
      ...resources
        .filter((r) => r.value === '*' || r.value.startsWith('*/'))
        .map((r) =>
          finding(
            `rules[${i}].resources[${r.index}]`,
            r.value === '*'
              ? `rule ${i} covers every resource and subresource ("*")`
              : `rule ${i} covers the ${quote(r.value.slice(2))} subresource of every resource (${quote(r.value)})`,
          ),
        ),
      ...verbs
        .filter((v) => v.value === '*')
        .map((v) => finding(`rules[${i}].verbs[${v.index}]`, `rule ${i} allows every verb ("*"), escalate, bind and impersonate included`)),
      ...nonResourceURLs
        .filter((u) => u.value === '*')
        .map((u) => finding(`rules[${i}].nonResourceURLs[${u.index}]`, `rule ${i} covers every non-resource URL ("*")`)),
    ]),
  admission: (s) => {
    const unchanged = celUnchangedBuiltInRole(s.object, (role) => rbacNoWildcards.check(role, JUDGED_ALONE).length > 0);
    const star = (field: 'apiGroups' | 'verbs' | 'nonResourceURLs') => `"*" in ${ruleList('r', field)}`;
    const anyResource = `${ruleList('r', 'resources')}.exists(x, x == "*" || x.startsWith("*/"))`;
    return [
      {
        expression: `${unchanged} || !${s.object}.?rules.orValue([]).exists(r, ${star('apiGroups')} || ${anyResource} || ${star('verbs')} || ${star('nonResourceURLs')}) || ${s.acceptsValueless}`,
        message: 'A rule covers every API group, resource, verb or non-resource URL ("*").',
      },
    ];
  },
};

/**
 * No `escalate`, `bind` or `impersonate` verb: each lets its holder step around RBAC (grant
 * what it does not hold, or act as someone who holds it). Written on any resource, or held
 * through a `*` verb on the resources where it has effect (roles and clusterroles for
 * escalate and bind; users, groups, service accounts, uids and userextras for impersonate),
 * resources named or reached through `*`.
 *
 * @see https://kubernetes.io/docs/concepts/security/rbac-good-practices/#escalate-verb
 * @see https://kubernetes.io/docs/concepts/security/rbac-good-practices/#bind-verb
 * @see https://kubernetes.io/docs/concepts/security/rbac-good-practices/#impersonate-verb
 */
export const rbacNoEscalationVerbs: Rule = {
  id: 'rbac-no-escalation-verbs',
  title: 'Roles do not grant the escalate, bind or impersonate verbs, named or through "*"',
  severity: 'error',
  kinds: RBAC_ROLE_KINDS,
  references: { cis: '5.1.8', checkov: ['CKV_K8S_157', 'CKV_K8S_158'] },
  remediation:
    'Remove the escalate, bind and impersonate verbs (and any "*" verb on roles, clusterroles, users, groups or service accounts); grant the roles or identities themselves to whoever needs them.',
  check: (obj) =>
    writtenRules(obj).flatMap((rule) => {
      const i = rule.index;
      const on = rule.resources.length ? ` on ${rule.resources.map((r) => quote(r.value)).join(', ')}` : '';
      const written = rule.verbs.flatMap((v) =>
        VERB_POWERS.filter((power) => power.name === v.value).map((power) =>
          finding(
            `rules[${i}].verbs[${v.index}]`,
            `rule ${i} grants ${quote(v.value)}${on}, which lets its holders ${power.what}`,
            power.name,
          ),
        ),
      );
      const star = rule.verbs.find((v) => v.value === '*');
      const throughStar =
        star === undefined
          ? []
          : powersOfRule(lists(rule), 'cluster')
              .filter((held) => VERB_POWERS.includes(held.power))
              .map((held) =>
                finding(
                  `rules[${i}].verbs[${star.index}]`,
                  `rule ${i} allows every verb ("*") on ${held.resources.map((r) => quote(r)).join(', ')}, ${quote(held.power.name)} included, which lets its holders ${held.power.what}`,
                  held.power.name,
                ),
              );
      return [...written, ...throughStar];
    }),
  admission: (s) => [
    powersValidation(s, VERB_POWERS, rbacNoEscalationVerbs.check, (power, r) => {
      const verbs = ruleList(r, 'verbs');
      return `(${celString(power.name)} in ${verbs} || ("*" in ${verbs} && ${celHoldsPower(r, power, 'cluster', false)}))`;
    }),
  ],
};

/**
 * No way into running pods or nodes and no token minting: `get` or `create` on pods/exec,
 * pods/attach and pods/portforward, `patch` or `update` on pods/ephemeralcontainers (a debug
 * container of one's choosing in a running pod: as good as exec), any verb on nodes/proxy,
 * `create` on serviceaccounts/token, whether named or reached through `*`. One finding per
 * power, its name as the value. `get` counts for the pod subresources because a WebSocket
 * upgrade is a GET, authorized with `get` alone before Kubernetes 1.35 (see `ESCALATION_POWERS`).
 *
 * @see https://kubernetes.io/docs/concepts/security/rbac-good-practices/#access-to-proxy-subresource-of-nodes
 */
export const rbacNoExecAttachPortforward: Rule = {
  id: 'rbac-no-exec-attach-portforward',
  title: 'Roles do not open pods or nodes (exec, attach, port-forward, ephemeral containers, node proxy) or mint tokens',
  severity: 'error',
  kinds: RBAC_ROLE_KINDS,
  references: {
    trivy: ['KSV-0053', 'KSV-0054'],
    cis: ['5.1.10', '5.1.13'],
    polaris: [
      'rolePodExecAttach',
      'clusterrolePodExecAttach',
      'clusterrolebindingPodExecAttach',
      'rolebindingClusterRolePodExecAttach',
      'rolebindingRolePodExecAttach',
    ],
  },
  remediation:
    'Remove pods/exec, pods/attach, pods/portforward, pods/ephemeralcontainers, nodes/proxy and serviceaccounts/token from the rule (and any "*" that covers them); debug through logs and metrics, and mount tokens through projected volumes.',
  check: (obj) =>
    writtenRules(obj).flatMap((rule): RuleFinding[] =>
      rule.resources.flatMap((entry) => {
        // nodes/proxy is cluster-scoped, yet reported on a Role too: the rule is a mistake wherever it is written.
        const held = powersOfRule(lists(rule, [entry]), 'cluster').filter((h) => REMOTE_ACCESS_POWERS.includes(h.power));
        const named = held.some((h) => h.resources.includes(entry.value));
        return held.map((h) =>
          finding(
            `rules[${rule.index}].resources[${entry.index}]`,
            `rule ${rule.index} lets its holders ${h.power.what} (${h.verbs.join(', ')} on ${h.resources.join(', ')})${named ? '' : ` through ${quote(entry.value)}`}`,
            h.power.name,
          ),
        );
      }),
    ),
  // Per resource entry in the check; a power held through some entry is held through the list.
  admission: (s) => [
    powersValidation(s, REMOTE_ACCESS_POWERS, rbacNoExecAttachPortforward.check, (power, r) => celHoldsPower(r, power, 'cluster', false)),
  ],
};
