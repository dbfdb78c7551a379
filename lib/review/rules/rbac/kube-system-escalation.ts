import { namespaceOf, rbacIndexOf, roleRefOf } from '../../analyses/permissions-rbac';
import { Rule } from '../../model';
import { finding, quote } from '../../walkers';
import { describeHeld, powersOfRules, ruleOrigin } from './power-findings';

/** The namespace of the control plane's own accounts, tokens and add-ons. */
const KUBE_SYSTEM = 'kube-system';

/**
 * No RoleBinding in kube-system grants an escalation power: there they reach the
 * accounts of the controllers and add-ons (whose tokens read and write every namespace),
 * so even `edit` or `admin` in kube-system is cluster-admin in two steps. The role is judged
 * by what it allows: built-in roles by their real rules (Kubernetes v1.37), wildcards and
 * aggregation resolved. An error: one finding per power, its name as the value.
 *
 * @see https://kubernetes.io/docs/concepts/security/rbac-good-practices/#privilege-escalation-risks
 */
export const rbacNoKubeSystemEscalation: Rule = {
  id: 'rbac-no-kube-system-escalation',
  title: 'No RoleBinding in kube-system grants an escalation power (admin, edit, cluster-admin or their like)',
  severity: 'error',
  kinds: ['RoleBinding'],
  references: { cis: '5.1.1' },
  remediation:
    'Remove the binding; run your own workloads in a namespace of their own, and grant in kube-system only read access to what is needed, by resourceNames.',
  synthTimeOnly:
    'It judges the role a RoleBinding refers to (another object), and the policies leave kube-system to the platform, as Pod Security admission does.',
  check: (obj, context) => {
    if (obj.kind !== 'RoleBinding' || namespaceOf(obj) !== KUBE_SYSTEM) return [];
    const ref = roleRefOf(obj);
    const rules = ref && rbacIndexOf(context).rulesOf(ref, KUBE_SYSTEM);
    if (!ref || !rules) return [];
    return powersOfRules(rules, 'namespace').map(({ held, from }) =>
      finding(
        'roleRef.name',
        `binding grants ${ref.kind} ${quote(ref.name)} in kube-system, whose ${ruleOrigin(from)} lets its holders ${describeHeld(held)} among the control plane's accounts`,
        held.power.name,
      ),
    );
  },
};
