import { RBAC_ROLE_KINDS } from '../../analyses/permissions-rbac';
import { Rule } from '../../model';
import { POWER_RULES } from '../../../policy/escalation-powers';
import { rolePowerAdmission, rolePowerFindings } from './power-findings';

/**
 * Roles that escalate within a namespace are visible: reading Secrets, creating Secrets (a
 * service-account-token Secret receives the token of any account), creating pods (which run
 * as any account of the namespace) and deleting or changing NetworkPolicies. A warning, not
 * an error: the reach is one namespace, and its administrators and some operators hold these
 * legitimately; each is accepted by an exception naming the power.
 *
 * @see https://kubernetes.io/docs/concepts/security/rbac-good-practices/#privilege-escalation-risks
 */
export const rbacNamespaceEscalationPowers: Rule = {
  id: POWER_RULES.namespaceEscalation,
  title: 'Roles that read or create Secrets, create pods or remove NetworkPolicies say why',
  severity: 'warning',
  kinds: RBAC_ROLE_KINDS,
  references: {
    cis: ['5.1.2', '5.1.4'],
    kubeLinter: ['access-to-create-pods', 'access-to-secrets'],
    trivy: ['KSV-0041', 'KSV-0048', 'KSV-0056', 'KSV-0113'],
  },
  remediation:
    "Remove the power, or limit Secret reads by resourceNames and record an exception naming the power (accepts: ['read secrets']) with the reason.",
  check: (obj) => rolePowerFindings(obj, POWER_RULES.namespaceEscalation),
  admission: rolePowerAdmission(POWER_RULES.namespaceEscalation, (obj) => rolePowerFindings(obj, POWER_RULES.namespaceEscalation)),
};
