import { k8s } from 'cdk8s-plus-27';
import { IConstruct } from 'constructs';
import { ExceptionPolicy } from '../core/exception-policy';
import { HardeningError } from '../core/hardening-error';

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

/** Verbs that let a subject grant itself (or act as) more than it has. */
const ESCALATION_VERBS = ['escalate', 'bind', 'impersonate'];
/**
 * Core-group subresources that hand out a shell, a tunnel or a token, with the verbs that do
 * it (a websocket exec is a GET: `get` sufficed until Kubernetes 1.35). The same table as the
 * review's `rbac-no-exec-attach-portforward`.
 */
const DANGEROUS_SUBRESOURCES: Readonly<Record<string, readonly string[]>> = {
  'pods/exec': ['create', 'get'],
  'pods/attach': ['create', 'get'],
  'pods/portforward': ['create', 'get'],
  'nodes/proxy': ['*'],
  'serviceaccounts/token': ['create'],
};
const READ_VERBS = ['get', 'list', 'watch'];
const KNOWN_VERBS = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete', 'deletecollection', ...ESCALATION_VERBS, 'use', 'approve', 'sign'];

/**
 * Checks grant rules and returns them as Kubernetes PolicyRules, in a stable order. Refuses,
 * unless the matching rule is excepted: wildcards, the escalation verbs, `create` on exec,
 * attach, port-forward, node proxy and token requests, and (cluster-wide only) reading Secrets.
 */
export function checkGrantRules(scope: IConstruct, policy: ExceptionPolicy, field: string, rules: readonly GrantRule[], clusterWide: boolean): k8s.PolicyRule[] {
  if (rules.length === 0) {
    throw new HardeningError(scope, `'${field}' is empty. Grant at least one rule, for example { apiGroups: [''], resources: ['configmaps'], verbs: ['get'] }.`);
  }
  return rules.map((rule, i) => {
    const at = `${field}[${i}]`;
    for (const [key, values] of [['apiGroups', rule.apiGroups], ['resources', rule.resources], ['verbs', rule.verbs]] as const) {
      if (!values?.length) {
        throw new HardeningError(scope, `'${at}.${key}' is empty. Name what the rule is for.`);
      }
      if (values.some((v) => v.includes('*'))) {
        policy.require('rbac-no-wildcards', `${at}.${key}`, "contains '*', which also grants everything added to the API later.", `List the ${key} the workload needs.`);
      }
    }
    for (const verb of rule.verbs) {
      if (verb !== '*' && !KNOWN_VERBS.includes(verb)) {
        throw new HardeningError(scope, `'${at}.verbs' lists '${verb}', which is not a Kubernetes verb. Use get, list, watch, create, update, patch, delete or deletecollection.`);
      }
    }
    const escalation = rule.verbs.filter((v) => ESCALATION_VERBS.includes(v));
    if (escalation.length) {
      policy.require('rbac-no-escalation-verbs', `${at}.verbs`, `grants '${escalation.join("', '")}', which lets the subject give itself any permission.`, 'Remove the verb.');
    }
    const dangerous = rule.apiGroups.some((g) => g === '' || g === '*') ? dangerousSubresources(rule) : [];
    if (dangerous.length) {
      policy.require('rbac-no-exec-attach-portforward', `${at}.resources`, `grants '${dangerous.join("', '")}', a shell, tunnel or token into other workloads.`, 'Remove it; debug with ephemeral containers under a reviewed exception.');
    }
    if (clusterWide && rule.resources.some((r) => r === 'secrets' || r === '*') && rule.verbs.some((v) => READ_VERBS.includes(v) || v === '*')
      && rule.apiGroups.some((g) => g === '' || g === '*')) {
      policy.require('rbac-no-cluster-secret-read', `${at}`, 'reads Secrets in every namespace.', 'Grant it per namespace with workload.grant(), limited by resourceNames.');
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

// The dangerous subresources a rule reaches: named, or through a wildcard resource or "*/<subresource>".
function dangerousSubresources(rule: GrantRule): string[] {
  return Object.entries(DANGEROUS_SUBRESOURCES).filter(([subresource, verbs]) => {
    const reached = rule.resources.some((r) => r === '*' || r === subresource || r === `*/${subresource.split('/')[1]}`);
    return reached && rule.verbs.some((v) => v === '*' || verbs.includes('*') || verbs.includes(v));
  }).map(([subresource]) => subresource);
}
