import { k8s } from 'cdk8s-plus-27';
import { IConstruct } from 'constructs';
import { ExceptionPolicy } from '../policy/exception-policy';
import { HardeningError } from '../core/hardening-error';
import { escalationPower, HeldPower, powersOfRule } from '../policy/escalation-powers';

/**
 * One permission: verbs on resources of API groups, optionally only on named objects.
 * The same shape as a Kubernetes PolicyRule, checked before it is written.
 */
export interface GrantRule {
  /** API groups, `''` for the core group (pods, configmaps, secrets...). */
  readonly apiGroups: string[];
  /** Resources, with `/subresource` where needed (`pods/log`). */
  readonly resources: string[];
  /** Verbs: get, list, watch, create, update, patch, delete, deletecollection. */
  readonly verbs: string[];
  /**
   * Limit the rule to these objects.
   *
   * @default - every object of the resources
   */
  readonly resourceNames?: string[];
}

/** Verbs that let a subject grant itself (or act as) more than it has, written on any resource. */
const ESCALATION_VERBS = ['escalate', 'bind', 'impersonate'];
const READ_VERBS = ['get', 'list', 'watch'];
const KNOWN_VERBS = [
  'get',
  'list',
  'watch',
  'create',
  'update',
  'patch',
  'delete',
  'deletecollection',
  ...ESCALATION_VERBS,
  'use',
  'approve',
  'sign',
];

/**
 * Checks grant rules and returns them as Kubernetes PolicyRules, in a stable order. Refuses
 * wildcards unless `rbac-no-wildcards` is excepted, the escalation verbs written on any
 * resource, and every escalation power of the review's table (`ESCALATION_POWERS`: exec,
 * ephemeral containers, tokens, Secrets, pods, namespaces, NetworkPolicies, webhooks,
 * certificate approval, PersistentVolumes, `* on *`...) reached by name or wildcard, unless an
 * exception to the power's rule names the power in `accepts` (cluster-scoped powers in a Role
 * too). Reading Secrets cluster-wide needs an exception to `rbac-no-cluster-secret-read` instead.
 */
export function checkGrantRules(
  scope: IConstruct,
  policy: ExceptionPolicy,
  field: string,
  rules: readonly GrantRule[],
  clusterWide: boolean,
): k8s.PolicyRule[] {
  if (rules.length === 0) {
    throw new HardeningError(
      scope,
      `'${field}' is empty. Grant at least one rule, for example { apiGroups: [''], resources: ['configmaps'], verbs: ['get'] }.`,
    );
  }
  return rules.map((rule, i) => {
    const at = `${field}[${i}]`;
    for (const [key, values] of [
      ['apiGroups', rule.apiGroups],
      ['resources', rule.resources],
      ['verbs', rule.verbs],
    ] as const) {
      if (!values?.length) {
        throw new HardeningError(scope, `'${at}.${key}' is empty. Name what the rule is for.`);
      }
      if (values.some((v) => v.includes('*'))) {
        policy.require(
          'rbac-no-wildcards',
          `${at}.${key}`,
          "contains '*', which also grants everything added to the API later.",
          `List the ${key} the workload needs.`,
        );
      }
    }
    for (const verb of rule.verbs) {
      if (verb !== '*' && !KNOWN_VERBS.includes(verb)) {
        throw new HardeningError(
          scope,
          `'${at}.verbs' lists '${verb}', which is not a Kubernetes verb. Use get, list, watch, create, update, patch, delete or deletecollection.`,
        );
      }
    }
    // Written on a resource where it means nothing, an escalation verb is still a mistake: named as the power of that verb.
    for (const verb of rule.verbs.filter((v) => ESCALATION_VERBS.includes(v))) {
      requirePower(scope, policy, `${at}.verbs`, { power: escalationPower(verb)!, verbs: [verb], resources: [...rule.resources] });
    }
    // Cluster-scoped powers are refused in a Role too: useless there, and a mistake worth naming.
    for (const held of powersOfRule({ ...rule, resourceNames: rule.resourceNames ?? [] }, 'cluster')) {
      // Reading Secrets in every namespace has its own rule, below.
      if (!(clusterWide && held.power.name === 'read secrets')) requirePower(scope, policy, at, held);
    }
    if (
      clusterWide &&
      rule.resources.some((r) => r === 'secrets' || r === '*') &&
      rule.verbs.some((v) => READ_VERBS.includes(v) || v === '*') &&
      rule.apiGroups.some((g) => g === '' || g === '*')
    ) {
      policy.require(
        'rbac-no-cluster-secret-read',
        `${at}`,
        'reads Secrets in every namespace.',
        'Grant it per namespace with workload.grant(), limited by resourceNames.',
        'read secrets',
      );
    }
    const result: k8s.PolicyRule = {
      apiGroups: [...rule.apiGroups],
      resources: [...rule.resources],
      verbs: [...rule.verbs],
      ...(rule.resourceNames?.length ? { resourceNames: [...rule.resourceNames] } : {}),
    };
    return result;
  });
}

/**
 * Refuses a power unless the exception to its rule names it in `accepts` (or accepts `*`): an
 * exception given for one power (`create secrets`) does not let another (`read secrets`) in.
 */
function requirePower(scope: IConstruct, policy: ExceptionPolicy, field: string, held: HeldPower): void {
  const { power } = held;
  const problem = `grants ${held.verbs.join(', ')} on ${held.resources.join(', ')}: the escalation power '${power.name}', which lets the subject ${power.what}.`;
  // The exception as given: `list()` adds the values other checks asked for, never ours (we never ask it).
  const exception = policy.list().find((e) => e.rule === power.rule);
  const accepts = exception?.accepts ?? [];
  if (accepts.includes(power.name) || accepts.includes('*')) return;
  const named = `{ rule: '${power.rule}', reason: '<why this is needed and safe>', accepts: ['${power.name}'] }`;
  throw new HardeningError(
    scope,
    exception
      ? `'${field}' ${problem} The exception to '${power.rule}' does not name it: add '${power.name}' to its accepts, or remove the power.`
      : `'${field}' ${problem} Remove it (see ${power.reference}). If it is really needed, add exceptions: [${named}].`,
  );
}
