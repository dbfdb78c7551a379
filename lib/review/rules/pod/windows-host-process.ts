import { Rule, RuleFinding } from '../../model';
import { eachContainer, finding, perPod, POD_TEMPLATE_KINDS } from '../../walkers';

/**
 * Windows pods must not run as HostProcess containers, which have the node's privileges.
 *
 * @see https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline
 */
export const noWindowsHostProcess: Rule = {
  id: 'no-windows-host-process',
  title: 'Windows containers do not run as HostProcess',
  severity: 'error',
  kinds: POD_TEMPLATE_KINDS,
  references: { pss: 'baseline/windowsHostProcess', cis: '5.2.11', trivy: 'KSV-0103' },
  remediation: 'Remove windowsOptions.hostProcess from the pod and container security contexts, or set it to false.',
  check: perPod((pod, obj) => {
    const found: RuleFinding[] = [];
    if (pod.spec.securityContext?.windowsOptions?.hostProcess === true) {
      found.push(
        finding(`${pod.path}.securityContext.windowsOptions.hostProcess`, 'pod runs all its containers as Windows HostProcess containers'),
      );
    }
    for (const c of eachContainer(obj, pod)) {
      if (c.securityContext.windowsOptions?.hostProcess === true) {
        found.push(finding(`${c.path}.securityContext.windowsOptions.hostProcess`, `${c.label} runs as a Windows HostProcess container`));
      }
    }
    return found;
  }),
  admission: (s) => [
    {
      expression: `!${s.pod}.?securityContext.?windowsOptions.?hostProcess.orValue(false) || ${s.acceptsValueless}`,
      message: 'The pod runs its containers as Windows HostProcess containers.',
    },
    {
      expression: `${s.containers}.all(c, !c.?securityContext.?windowsOptions.?hostProcess.orValue(false)) || ${s.acceptsValueless}`,
      message: 'A container runs as a Windows HostProcess container.',
    },
  ],
};
