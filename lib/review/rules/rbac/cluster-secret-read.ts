import {
  CORE_GROUP,
  coveredVerbs,
  groupCovered,
  RbacIndex,
  rbacIndexOf,
  resourceCovered,
  roleRefOf,
  SECRET_READ_VERBS,
} from '../../analyses/permissions-rbac';
import { celList, celString } from '../../admission/cel';
import { KubeObject, Rule, RuleFinding } from '../../model';
import { finding, quote } from '../../walkers';
import { builtInRolesFound } from './bindings';

/** Reported by `rbac-no-cluster-admin-binding`, which reports every binding to it. */
const CLUSTER_ADMIN = 'cluster-admin';

/** The value of its findings: the escalation power of that name. */
const READ_SECRETS = 'read secrets';

/**
 * No ClusterRoleBinding lets its subjects read Secrets in every namespace: get, list or watch
 * on secrets (named, or through `*`) in the ClusterRole it binds. The rule judges the
 * binding, since the same ClusterRole granted by RoleBindings reads only the namespaces that
 * bind it (which the permissions report shows). The ClusterRole is looked up among the
 * objects under review, else among the built-in ClusterRoles of Kubernetes v1.37 (`admin`,
 * `edit`, `system:aggregate-to-edit`, controller roles...), by their real rules, aggregation
 * resolved across both.
 *
 * @see https://kubernetes.io/docs/concepts/security/rbac-good-practices/#listing-secrets
 */
export const rbacNoClusterSecretRead: Rule = {
  id: 'rbac-no-cluster-secret-read',
  title: 'No ClusterRoleBinding lets its subjects read Secrets in every namespace',
  severity: 'error',
  kinds: ['ClusterRoleBinding'],
  references: { cis: '5.1.2', kubeLinter: 'access-to-secrets' },
  remediation:
    'Grant Secret reads with a RoleBinding in the namespaces that need them, limited by resourceNames to the Secrets needed; keep the ClusterRoleBinding for other resources.',
  check: (obj, context) => secretReadFindings(obj, rbacIndexOf(context)),
  // The built-in ClusterRoles that read Secrets, by name; a ClusterRole of one's own that does warns at its admission (rbac-namespace-escalation-powers).
  admission: (s) => [
    {
      expression: `!(${s.object}.roleRef.kind == "ClusterRole" && ${s.object}.roleRef.name in ${celList(builtInRolesFound(secretReadFindings))}) || ${s.accepts(celString(READ_SECRETS))}`,
      message: 'The binding grants a built-in ClusterRole that reads Secrets, in every namespace.',
    },
  ],
};

function secretReadFindings(obj: KubeObject, index: RbacIndex): RuleFinding[] {
  const ref = roleRefOf(obj);
  if (ref?.kind !== 'ClusterRole') return [];
  const rules = index.rulesOf(ref, undefined);
  if (rules === undefined || (ref.name === CLUSTER_ADMIN && index.isBuiltIn(ref.name))) return [];
  if (index.isBuiltIn(ref.name)) {
    // One finding for a built-in role, naming the rule that reads (the first, in aggregation order).
    const reading = rules.find(
      ({ rule }) =>
        groupCovered(rule.apiGroups, CORE_GROUP) &&
        resourceCovered(rule.resources, 'secrets') &&
        coveredVerbs(rule.verbs, SECRET_READ_VERBS).length > 0,
    );
    if (!reading) return [];
    const through =
      reading.source.name === ref.name
        ? ''
        : ` (rule ${reading.rule.index} of ClusterRole ${quote(reading.source.name)}, aggregated into it)`;
    return [
      finding(
        'roleRef.name',
        `binding grants the built-in ClusterRole ${quote(ref.name)}, which reads Secrets (${coveredVerbs(reading.rule.verbs, SECRET_READ_VERBS).join(', ')}), in every namespace${through}`,
        READ_SECRETS,
      ),
    ];
  }
  return rules.flatMap(({ rule, source }): RuleFinding[] => {
    if (!groupCovered(rule.apiGroups, CORE_GROUP) || !resourceCovered(rule.resources, 'secrets')) return [];
    const verbs = coveredVerbs(rule.verbs, SECRET_READ_VERBS);
    if (verbs.length === 0) return [];
    const aggregated = source.name === ref.name ? '' : `, which aggregates ClusterRole ${quote(source.name)}`;
    const names = rule.resourceNames.length ? ` named ${rule.resourceNames.map((n) => quote(n)).join(', ')}` : '';
    return [
      finding(
        'roleRef.name',
        `binding grants ClusterRole ${quote(ref.name)}${aggregated}, whose rule ${rule.index} allows ${verbs.join(', ')} on Secrets${names}, in every namespace`,
        READ_SECRETS,
      ),
    ];
  });
}
