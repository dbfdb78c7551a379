import {
  CORE_GROUP, coveredVerbs, groupCovered, rbacIndexOf, resourceCovered, roleRefOf, SECRET_READ_VERBS,
} from '../../analyses/permissions-rbac';
import { Rule, RuleFinding } from '../../model';
import { finding, quote } from '../../walkers';

/**
 * Built-in ClusterRoles that read Secrets. `cluster-admin` reads them too, but
 * `rbac-no-cluster-admin-binding` already reports every binding to it.
 *
 * @see https://kubernetes.io/docs/reference/access-authn-authz/rbac/#user-facing-roles
 */
const BUILT_IN_SECRET_READERS: readonly string[] = ['admin', 'edit'];

/**
 * No ClusterRoleBinding lets its subjects read Secrets in every namespace: get, list or watch
 * on secrets (named, or through `*`) in the ClusterRole it binds. The rule judges the
 * binding, since the same ClusterRole granted by RoleBindings reads only the namespaces that
 * bind it (which the permissions report shows). The ClusterRole is looked up among the
 * objects under review, aggregation resolved (only the ClusterRoles under review are known);
 * a ClusterRole that is not there counts only if it is a built-in known to read Secrets
 * (`admin`, `edit`).
 *
 * @see https://kubernetes.io/docs/concepts/security/rbac-good-practices/#listing-secrets
 */
export const rbacNoClusterSecretRead: Rule = {
  id: 'rbac-no-cluster-secret-read',
  title: 'No ClusterRoleBinding lets its subjects read Secrets in every namespace',
  severity: 'error',
  kinds: ['ClusterRoleBinding'],
  references: { cis: '5.1.2' },
  remediation: 'Grant Secret reads with a RoleBinding in the namespaces that need them, limited by resourceNames to the Secrets needed; keep the ClusterRoleBinding for other resources.',
  check: (obj, context) => {
    const ref = roleRefOf(obj);
    if (ref?.kind !== 'ClusterRole') return [];
    const rules = rbacIndexOf(context).rulesOf(ref, undefined);
    if (rules === undefined) {
      return BUILT_IN_SECRET_READERS.includes(ref.name)
        ? [finding('roleRef.name', `binding grants the built-in ClusterRole ${quote(ref.name)}, which reads Secrets (get, list, watch), in every namespace`)]
        : [];
    }
    return rules.flatMap(({ rule, source }): RuleFinding[] => {
      if (!groupCovered(rule.apiGroups, CORE_GROUP) || !resourceCovered(rule.resources, 'secrets')) return [];
      const verbs = coveredVerbs(rule.verbs, SECRET_READ_VERBS);
      if (verbs.length === 0) return [];
      const aggregated = source.name === ref.name ? '' : `, which aggregates ClusterRole ${quote(source.name)}`;
      const names = rule.resourceNames.length ? ` named ${rule.resourceNames.map((n) => quote(n)).join(', ')}` : '';
      return [finding('roleRef.name', `binding grants ClusterRole ${quote(ref.name)}${aggregated}, whose rule ${rule.index} allows ${verbs.join(', ')} on Secrets${names}, in every namespace`)];
    });
  },
};
