import { KubeObject, Rule, RuleFinding } from '../../model';
import { finding, isRecord, list, quote } from '../../walkers';
import { AUDIT_LEVELS, AuditLevel } from '../../../policy/control-plane';
import { CONTROL_PLANE_FILE } from './synth-time';

/**
 * The audit `Policy` (audit.k8s.io/v1), judged the way the API server applies it: the first
 * rule that matches a request sets its level; a request no rule matches is not logged.
 *
 * @see https://kubernetes.io/docs/tasks/debug/debug-cluster/audit/
 */

/** A resource request, as the audit policy sees it. */
export interface AuditRequest {
  readonly user: string;
  readonly groups: readonly string[];
  readonly verb: string;
  /** API group, `''` for the core group. */
  readonly group: string;
  readonly resource: string;
  readonly subresource?: string;
  readonly namespace?: string;
}

/** A resource the policy must never log with its body: values of Secrets and ConfigMaps, tokens. */
export interface SensitiveResource {
  readonly group: string;
  readonly resource: string;
  readonly subresource?: string;
  readonly label: string;
}

/** Bodies of these hold secret values, so they are logged at Metadata at most (CIS 3.2.2). */
export const SENSITIVE_RESOURCES: readonly SensitiveResource[] = [
  { group: '', resource: 'secrets', label: 'Secrets' },
  { group: '', resource: 'configmaps', label: 'ConfigMaps' },
  { group: 'authentication.k8s.io', resource: 'tokenreviews', label: 'TokenReviews' },
  { group: '', resource: 'serviceaccounts', subresource: 'token', label: 'service account tokens (TokenRequest)' },
];

/** Requests whose full body and response must be recorded: who changed permissions, who entered a pod. */
export const HIGH_RISK_REQUESTS: readonly (AuditRequest & { readonly label: string })[] = [
  ...['roles', 'rolebindings', 'clusterroles', 'clusterrolebindings'].flatMap((resource) =>
    ['create', 'update', 'patch', 'delete'].map((verb) => ({
      label: `${verb} ${resource}`,
      user: 'someone',
      groups: ['system:authenticated'],
      verb,
      group: 'rbac.authorization.k8s.io',
      resource,
      namespace: resource.startsWith('cluster') ? undefined : 'shop',
    })),
  ),
  ...['exec', 'attach', 'portforward'].map((subresource) => ({
    label: `pods/${subresource}`,
    user: 'someone',
    groups: ['system:authenticated'],
    verb: 'create',
    group: '',
    resource: 'pods',
    subresource,
    namespace: 'shop',
  })),
];

/** Whether the object is an audit policy (a `Policy` of another API group is not). */
export function isAuditPolicy(obj: KubeObject): boolean {
  return obj.kind === 'Policy' && /^audit\.k8s\.io\/v1(beta1|alpha1)?$/.test(obj.apiVersion);
}

/** The rules of the policy that are objects, with their index. */
function policyRules(obj: KubeObject): { rule: Record<string, unknown>; index: number }[] {
  return list<unknown>(obj.rules)
    .map((rule, index) => ({ rule, index }))
    .filter((r): r is { rule: Record<string, unknown>; index: number } => isRecord(r.rule));
}

const strings = (value: unknown): string[] => list<unknown>(value).filter((v): v is string => typeof v === 'string');

/**
 * Whether a `resources` entry (`{group, resources, resourceNames}`) covers a resource: for
 * some object of it, or (`everyName`) for every object of it.
 */
function groupResourceCovers(
  entry: unknown,
  group: string,
  resource: string,
  subresource: string | undefined,
  everyName: boolean,
): boolean {
  if (!isRecord(entry) || (entry.group ?? '') !== group) return false;
  if (everyName && strings(entry.resourceNames).length > 0) return false;
  const names = strings(entry.resources);
  if (names.length === 0) return true;
  const combined = subresource ? `${resource}/${subresource}` : resource;
  return names.some(
    (name) =>
      name === combined ||
      name === '*' ||
      (subresource !== undefined && name.startsWith('*/') && name.slice(2) === subresource) ||
      (name.endsWith('/*') && name.slice(0, -2) === resource),
  );
}

/**
 * Whether a rule's resource part (`namespaces`, `resources`, `nonResourceURLs`) matches a
 * request on this resource. `namespace` `'*'` stands for some namespace (a namespace list
 * matches); `everyName` asks whether it matches whatever the object's name.
 */
function resourcePartMatches(
  rule: Record<string, unknown>,
  group: string,
  resource: string,
  subresource: string | undefined,
  namespace: string | undefined,
  everyName = false,
): boolean {
  const namespaces = strings(rule.namespaces);
  const resources = list<unknown>(rule.resources);
  if (namespaces.length > 0 || resources.length > 0) {
    if (namespace !== '*' && namespaces.length > 0 && !namespaces.includes(namespace ?? '')) return false;
    return resources.length === 0 || resources.some((entry) => groupResourceCovers(entry, group, resource, subresource, everyName));
  }
  // A rule with only nonResourceURLs matches no resource request; a rule with neither matches all.
  return strings(rule.nonResourceURLs).length === 0;
}

/** Whether a rule matches a request (the API server's `ruleMatches`). */
export function auditRuleMatches(rule: Record<string, unknown>, request: AuditRequest): boolean {
  const users = strings(rule.users);
  if (users.length > 0 && !users.includes(request.user)) return false;
  const groups = strings(rule.userGroups);
  if (groups.length > 0 && !groups.some((g) => request.groups.includes(g))) return false;
  const verbs = strings(rule.verbs);
  if (verbs.length > 0 && !verbs.includes(request.verb)) return false;
  return resourcePartMatches(rule, request.group, request.resource, request.subresource, request.namespace);
}

/** The level of a rule, or `undefined` when it is not a known level. */
function levelOf(rule: Record<string, unknown>): AuditLevel | undefined {
  return AUDIT_LEVELS.find((level) => level === rule.level);
}

/** The level the policy logs a request at, and the index of the rule that decides it (`-1`: none matched, so None). */
export function auditLevelFor(obj: KubeObject, request: AuditRequest): { level: AuditLevel; rule: number } {
  for (const { rule, index } of policyRules(obj)) {
    if (auditRuleMatches(rule, request)) return { level: levelOf(rule) ?? 'None', rule: index };
  }
  return { level: 'None', rule: -1 };
}

const above = (level: AuditLevel | undefined, limit: AuditLevel): boolean =>
  AUDIT_LEVELS.indexOf(level ?? 'None') > AUDIT_LEVELS.indexOf(limit);

/**
 * The values of Secrets and ConfigMaps and the tokens of TokenReviews and TokenRequests never
 * reach the audit log: every rule that can match a request on them (for some user, verb or
 * namespace, before a rule that matches all of them) logs at Metadata or None.
 */
export const auditSensitiveMetadataOnly: Rule = {
  id: 'audit-sensitive-metadata-only',
  title: 'The audit policy logs Secrets, ConfigMaps and tokens at Metadata at most',
  severity: 'error',
  kinds: ['Policy'],
  references: { cis: '3.2.2' },
  remediation:
    'Put a rule with level: Metadata for secrets, configmaps, serviceaccounts/token and authentication.k8s.io tokenreviews before every Request or RequestResponse rule that could match them.',
  synthTimeOnly: CONTROL_PLANE_FILE,
  check: (obj) => {
    if (!isAuditPolicy(obj)) return [];
    const found: RuleFinding[] = [];
    for (const sensitive of SENSITIVE_RESOURCES) {
      for (const { rule, index } of policyRules(obj)) {
        if (!resourcePartMatches(rule, sensitive.group, sensitive.resource, sensitive.subresource, '*')) continue;
        if (above(levelOf(rule), 'Metadata')) {
          found.push(
            finding(
              `rules[${index}].level`,
              `rule ${index} logs ${sensitive.label} at ${quote(rule.level)}, which writes their values into the audit log`,
            ),
          );
          break;
        }
        // A rule with no user, group, verb, namespace or name condition decides every such request: later rules never see them.
        if (
          ['users', 'userGroups', 'verbs', 'namespaces'].every((field) => strings(rule[field]).length === 0) &&
          resourcePartMatches(rule, sensitive.group, sensitive.resource, sensitive.subresource, '*', true)
        )
          break;
      }
    }
    return found;
  },
};

/**
 * What an investigation needs is recorded: changes to RBAC and every exec, attach and
 * port-forward with request and response; reads and writes of Secrets at least as metadata;
 * and everything else at least as metadata (a last catch-all rule).
 */
export const auditHighRiskRecorded: Rule = {
  id: 'audit-high-risk-recorded',
  title: 'The audit policy records RBAC changes, exec/attach/port-forward, Secret access and everything else',
  severity: 'error',
  kinds: ['Policy'],
  references: { cis: ['3.2.1', '3.2.2'], nsa: 'Audit logging' },
  remediation:
    'Log RBAC writes and pods/exec, pods/attach and pods/portforward at RequestResponse, Secrets at Metadata, and end the rules with a catch-all at Metadata.',
  synthTimeOnly: CONTROL_PLANE_FILE,
  check: (obj) => {
    if (!isAuditPolicy(obj)) return [];
    const found: RuleFinding[] = [];
    const missed = HIGH_RISK_REQUESTS.filter((request) => auditLevelFor(obj, request).level !== 'RequestResponse');
    if (missed.length > 0) {
      found.push(
        finding(
          'rules',
          `the policy does not log these at RequestResponse: ${missed.map((r) => `${r.label} (${auditLevelFor(obj, r).level})`).join(', ')}`,
        ),
      );
    }
    for (const verb of ['get', 'list', 'create', 'update', 'delete']) {
      const secret = auditLevelFor(obj, {
        user: 'someone',
        groups: ['system:authenticated'],
        verb,
        group: '',
        resource: 'secrets',
        namespace: 'shop',
      });
      if (secret.level === 'None') {
        found.push(finding(secret.rule < 0 ? 'rules' : `rules[${secret.rule}].level`, `a ${verb} of a Secret is not logged at all`));
        break;
      }
    }
    const rules = policyRules(obj);
    const last = rules[rules.length - 1];
    const catchAll =
      last &&
      ['users', 'userGroups', 'verbs', 'namespaces', 'resources', 'nonResourceURLs'].every(
        (f) => strings(last.rule[f]).length === 0 && list(last.rule[f]).length === 0,
      );
    if (!catchAll || !above(levelOf(last.rule), 'None')) {
      found.push(finding('rules', 'the last rule is not a catch-all at Metadata or above, so requests no rule names are not logged'));
    }
    return found;
  },
};

/**
 * The RequestReceived stage is omitted: every request is logged again when its response
 * starts or completes, so that stage only doubles the log.
 */
export const auditOmitRequestReceived: Rule = {
  id: 'audit-omit-request-received',
  title: 'The audit policy omits the RequestReceived stage',
  severity: 'warning',
  kinds: ['Policy'],
  references: {},
  remediation: 'Set omitStages: [RequestReceived] at the top of the policy.',
  synthTimeOnly: CONTROL_PLANE_FILE,
  check: (obj) =>
    isAuditPolicy(obj) && !strings(obj.omitStages).includes('RequestReceived')
      ? [finding('omitStages', 'the policy logs every request twice (RequestReceived, then ResponseComplete)')]
      : [],
};

/** The audit policy rules. */
export const AUDIT_POLICY_RULES: readonly Rule[] = [auditSensitiveMetadataOnly, auditHighRiskRecorded, auditOmitRequestReceived];
