import { policyRulesOf, rbacIndexOf } from '../../analyses/permissions-rbac';
import { Rule } from '../../model';
import { ESCALATION_POWERS } from '../../../policy/escalation-powers';
import { finding, quote } from '../../walkers';
import { describeHeld, powersOfRules } from './power-findings';

/**
 * No ClusterRole adds an escalation power to a built-in role by its labels: one labelled
 * `rbac.authorization.k8s.io/aggregate-to-view` (or `-edit`, `-admin`) is merged into `view`
 * (`edit`, `admin`) by the aggregation controller, so whoever holds that role in any
 * namespace gains its rules. A power the built-in role does not already hold (Kubernetes
 * v1.37's rules) leaks into it: reading Secrets through `view` above all. An error.
 *
 * @see https://kubernetes.io/docs/reference/access-authn-authz/rbac/#aggregated-clusterroles
 */
export const rbacNoAggregationLeak: Rule = {
  id: 'rbac-no-aggregation-leak',
  title: 'No ClusterRole adds an escalation power to view, edit or admin through an aggregation label',
  severity: 'error',
  kinds: ['ClusterRole'],
  references: {},
  remediation: 'Remove the aggregate-to-* label and bind the ClusterRole to the subjects that need it, or remove the power from its rules.',
  synthTimeOnly:
    'What leaks depends on what view, edit and admin already hold from every ClusterRole aggregated into them, which a policy judging one ClusterRole cannot see.',
  check: (obj, context) => {
    const index = rbacIndexOf(context);
    const name = typeof obj.metadata?.name === 'string' ? obj.metadata.name : '';
    if (obj.kind !== 'ClusterRole' || index.isBuiltIn(name)) return [];
    const own = policyRulesOf(obj).map((rule) => ({ rule, source: { kind: 'ClusterRole' as const, name } }));
    return index.builtInAggregatesOf(name).flatMap((target) => {
      const already = new Set(
        powersOfRules(
          index.rulesOf({ kind: 'ClusterRole', name: target }, undefined)!.filter((r) => r.source.name !== name),
          'namespace',
        ).map(({ held }) => held.power.name),
      );
      return powersOfRules(own, 'namespace')
        .filter(({ held }) => !already.has(held.power.name) && ESCALATION_POWERS.includes(held.power))
        .map(({ held, from }) =>
          finding(
            `rules[${from.rule.index}]`,
            `ClusterRole is aggregated into the built-in ClusterRole ${quote(target)} by its labels, so every holder of ${quote(target)} can ${describeHeld(held)}`,
            held.power.name,
          ),
        );
    });
  },
};
