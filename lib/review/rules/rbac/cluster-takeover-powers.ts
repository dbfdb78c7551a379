import { RBAC_ROLE_KINDS } from '../../analyses/permissions-rbac';
import { Rule } from '../../model';
import { POWER_RULES } from '../../../policy/escalation-powers';
import { rolePowerAdmission, rolePowerFindings } from './power-findings';

/**
 * No role holds a power over the node or the control plane: `*` on `*` (cluster-admin in all
 * but name), patch or update on namespaces (lifting Pod Security), writing admission
 * webhook configurations, approving certificate requests or signers, creating
 * PersistentVolumes (hostPath). An error: each reaches every workload of the cluster, not
 * one namespace, and none is needed by an application.
 *
 * @see https://kubernetes.io/docs/concepts/security/rbac-good-practices/#privilege-escalation-risks
 */
export const rbacNoClusterTakeoverPowers: Rule = {
  id: POWER_RULES.clusterTakeover,
  title: 'Roles hold no power over the node or the control plane (* on *, namespaces, webhooks, certificate approval, PersistentVolumes)',
  severity: 'error',
  kinds: RBAC_ROLE_KINDS,
  references: { cis: ['5.1.3', '5.1.11', '5.1.12'], checkov: ['CKV_K8S_155', 'CKV_K8S_156'], trivy: 'KSV-0114' },
  remediation:
    'Remove the rule; leave namespaces, admission webhooks, certificate approval and PersistentVolumes to the platform\'s own controllers and list the resources and verbs the holder needs instead of "*".',
  check: (obj) => rolePowerFindings(obj, POWER_RULES.clusterTakeover),
  admission: rolePowerAdmission(POWER_RULES.clusterTakeover, (obj) => rolePowerFindings(obj, POWER_RULES.clusterTakeover)),
};
