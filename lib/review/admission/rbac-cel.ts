/**
 * CEL for the RBAC rules' admission validations, written from the same data their checks read:
 * the escalation powers table, the RBAC authorizer's wildcard matching and the built-in
 * ClusterRoles, so a power or a wildcard is never spelled twice.
 */
import { EscalationPower, PowerScope } from '../../policy/escalation-powers';
import { entriesCovering } from '../../policy/rbac-wildcards';
import { KubeObject } from '../model';
import { BOOTSTRAPPING_LABEL, BUILT_IN_CLUSTER_ROLES } from '../rbac-data/built-in-roles';
import { celList, celString } from './cel';

/** The lists of one PolicyRule (the CEL variable `rule`), absent ones empty. */
export function ruleList(rule: string, field: 'apiGroups' | 'resources' | 'verbs' | 'resourceNames' | 'nonResourceURLs'): string {
  return `${rule}.?${field}.orValue([])`;
}

/** CEL: any of `values` is in the CEL list `list`. */
function anyIn(values: readonly string[], list: string): string {
  return `${celList(values)}.exists(x, x in ${list})`;
}

/**
 * CEL: the PolicyRule `rule` gives `power` where it is granted, as `powersOfRule` decides
 * (`withResourceNames: false` reads the rule as if it named no object, as the rules on written
 * verbs and subresources do).
 */
export function celHoldsPower(rule: string, power: EscalationPower, where: PowerScope, withResourceNames = true): string {
  if (power.scope === 'cluster' && where === 'namespace') return 'false';
  const groups = ruleList(rule, 'apiGroups');
  const resources = ruleList(rule, 'resources');
  const verbs = ruleList(rule, 'verbs');
  if (power.literalWildcard) return `("*" in ${groups} && "*" in ${resources} && "*" in ${verbs})`;
  const noNames = withResourceNames ? `size(${ruleList(rule, 'resourceNames')}) == 0` : 'true';
  const grants = power.grants.map((grant) => {
    const perResource = grant.resources.map((resource) => {
      // `create` on a collection is never allowed by a rule limited by resourceNames.
      const collection = !resource.includes('/');
      const held =
        grant.verbs === undefined
          ? collection
            ? `${verbs}.exists(v, v != "create" || ${noNames})`
            : `size(${verbs}) > 0`
          : grant.verbs
              .map((verb) => `${anyIn([verb, '*'], verbs)}${verb === 'create' && collection ? ` && ${noNames}` : ''}`)
              .map((held) => `(${held})`)
              .join(' || ');
      return `(${anyIn(entriesCovering(resource), resources)} && (${held}))`;
    });
    return `(${anyIn([...grant.apiGroups, '*'], groups)} && (${perResource.join(' || ')}))`;
  });
  return `(${grants.join(' || ')})`;
}

const RULE_FIELDS = ['apiGroups', 'resources', 'verbs', 'resourceNames', 'nonResourceURLs'] as const;

/**
 * A role's rules as one string, without ambiguity (every list and string prefixed by its
 * size): what the policy computes from the written rules (`celEncodedRules`) to compare it
 * with the built-in role's, in one map lookup instead of one comparison per field.
 */
function encodedRules(rules: readonly Record<string, unknown>[]): string {
  const list = (items: readonly string[]) => `${items.length}[${items.map((item) => `${[...item].length}:${item}`).join('')}]`;
  return `${rules.length}[${rules.map((rule) => RULE_FIELDS.map((field) => list(Array.isArray(rule[field]) ? rule[field].map(String) : [])).join('')).join('')}]`;
}

/** CEL of `encodedRules` over the written rules of `object`. */
function celEncodedRules(object: string): string {
  const list = (items: string) => `string(size(${items})) + "[" + ${items}.map(x, string(size(x)) + ":" + x).join("") + "]"`;
  const rule = RULE_FIELDS.map((field) => list(ruleList('r', field))).join(' + ');
  const rules = `${object}.?rules.orValue([])`;
  return `string(size(${rules})) + "[" + ${rules}.map(r, ${rule}).join("") + "]"`;
}

type Selector = { matchLabels?: Record<string, string> };

/** CEL: the ClusterRole `object` (as `dyn`) has the aggregation rule of this built-in one, whose selectors have matchLabels only. */
function celSameAggregation(object: string, role: KubeObject): string {
  const selectors = (role.aggregationRule as { clusterRoleSelectors?: Selector[] }).clusterRoleSelectors ?? [];
  const written = `${object}.?aggregationRule.?clusterRoleSelectors.orValue([])`;
  const each = selectors.map((selector, i) => {
    if (Object.keys(selector).some((k) => k !== 'matchLabels')) {
      throw new Error(`built-in ClusterRole ${role.metadata!.name} has a selector other than matchLabels`);
    }
    const labels = Object.entries(selector.matchLabels ?? {}).map(([k, v]) => `${celString(k)}: ${celString(v)}`);
    return `${written}[${i}].?matchLabels.orValue({}) == {${labels.join(', ')}} && size(${written}[${i}].?matchExpressions.orValue([])) == 0`;
  });
  return `(${[`${object}.metadata.name == ${celString(role.metadata!.name!)}`, `size(${written}) == ${selectors.length}`, ...each].join(' && ')})`;
}

/**
 * CEL: the object is one of the built-in ClusterRoles, unchanged (`isUnchangedBuiltInRole`:
 * the rules judge the bindings to those, not the roles), among those `matters` selects (the
 * others give no finding unchanged, so they need not be told apart) and every aggregated one
 * (whatever rules the aggregation controller wrote in it).
 */
export function celUnchangedBuiltInRole(object: string, matters: (role: KubeObject) => boolean): string {
  const asWritten = `dyn(${object})`;
  const aggregated = BUILT_IN_CLUSTER_ROLES.filter((role) => role.aggregationRule !== undefined);
  const withRules = BUILT_IN_CLUSTER_ROLES.filter((role) => role.aggregationRule === undefined && matters(role));
  for (const role of withRules) {
    const rules = (role.rules ?? []) as Record<string, unknown>[];
    if (rules.some((rule) => Object.keys(rule).some((k) => !(RULE_FIELDS as readonly string[]).includes(k)))) {
      throw new Error(`built-in ClusterRole ${role.metadata!.name} has a rule field the policy does not compare`);
    }
  }
  const encoded = withRules.map(
    (role) => `${celString(role.metadata!.name!)}: ${celString(encodedRules(role.rules as Record<string, unknown>[]))}`,
  );
  const sameRules = withRules.length
    ? `!has(${asWritten}.aggregationRule) && {${encoded.join(', ')}}[?${object}.metadata.name].orValue("") == ${celEncodedRules(object)}`
    : 'false';
  const label = `${object}.metadata.?labels[?${celString(BOOTSTRAPPING_LABEL)}].orValue("") == "rbac-defaults"`;
  return `(${object}.kind == "ClusterRole" && ${label} && (${[...aggregated.map((role) => celSameAggregation(asWritten, role)), `(${sameRules})`].join(' || ')}))`;
}
