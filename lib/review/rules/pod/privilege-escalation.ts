import { Rule } from '../../model';
import { eachContainer, finding, isWindowsPod, perPod, POD_TEMPLATE_KINDS } from '../../walkers';
import { celWindowsPod } from './pod-admission';

/**
 * Containers must explicitly forbid privilege escalation (setuid binaries, file
 * capabilities). The field defaults to allowing it, so only an explicit `false` complies.
 * Windows pods are exempt, as upstream (policy v1.25+).
 *
 * @see https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted
 */
export const noPrivilegeEscalation: Rule = {
  id: 'no-privilege-escalation',
  title: 'Containers cannot gain more privileges than their parent process',
  severity: 'error',
  kinds: POD_TEMPLATE_KINDS,
  references: {
    trivy: 'KSV-0001',
    pss: 'restricted/allowPrivilegeEscalation',
    cis: '5.2.6',
    kubeLinter: 'privilege-escalation-container',
    polaris: 'privilegeEscalationAllowed',
    checkov: 'CKV_K8S_20',
  },
  remediation: 'Set securityContext.allowPrivilegeEscalation: false on the container.',
  check: perPod((pod, obj) => {
    if (isWindowsPod(pod)) return [];
    return eachContainer(obj, pod)
      .filter((c) => c.securityContext.allowPrivilegeEscalation !== false)
      .map((c) =>
        finding(
          `${c.path}.securityContext.allowPrivilegeEscalation`,
          c.securityContext.allowPrivilegeEscalation === true
            ? `${c.label} allows privilege escalation`
            : `${c.label} does not set allowPrivilegeEscalation: false (it defaults to allowing escalation)`,
        ),
      );
  }),
  admission: (s) => [
    {
      expression:
        `${celWindowsPod(s)} || ${s.containers}.all(c, c.?securityContext.?allowPrivilegeEscalation == optional.of(false))` +
        ` || ${s.acceptsValueless}`,
      message: 'A container does not set allowPrivilegeEscalation: false.',
    },
  ],
};
