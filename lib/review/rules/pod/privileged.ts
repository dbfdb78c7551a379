import { Rule } from '../../model';
import { eachContainer, finding, POD_TEMPLATE_KINDS } from '../../walkers';

/**
 * Containers must not run privileged: a privileged container has every capability and
 * every device of the node.
 *
 * @see https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline
 */
export const noPrivileged: Rule = {
  id: 'no-privileged',
  title: 'Containers are not privileged',
  severity: 'error',
  kinds: POD_TEMPLATE_KINDS,
  references: {
    trivy: 'KSV-0017',
    pss: 'baseline/privileged',
    cis: '5.2.2',
    kubeScore: 'container-security-context-privileged',
    kubeLinter: 'privileged-container',
    polaris: 'runAsPrivileged',
    checkov: 'CKV_K8S_16',
  },
  remediation: 'Remove securityContext.privileged from the container or set it to false; grant the single capability it needs instead.',
  check: (obj, context) =>
    eachContainer(obj, context)
      .filter((c) => c.securityContext.privileged === true)
      .map((c) => finding(`${c.path}.securityContext.privileged`, `${c.label} is privileged`)),
  admission: (s) => [
    {
      expression: `${s.containers}.all(c, !c.?securityContext.?privileged.orValue(false)) || ${s.acceptsValueless}`,
      message: 'A container is privileged.',
    },
  ],
};
