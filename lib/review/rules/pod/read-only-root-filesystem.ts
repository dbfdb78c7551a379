import { Rule } from '../../model';
import { eachContainer, finding, isWindowsPod, perPod, POD_TEMPLATE_KINDS } from '../../walkers';

/**
 * Containers must mount their root filesystem read-only, so a compromised process cannot
 * change the image's binaries. Writable paths come from emptyDir volumes. Windows pods are
 * exempt: the API refuses the field for them.
 *
 * @see https://kubernetes.io/docs/tasks/configure-pod-container/security-context/
 */
export const readOnlyRootFilesystem: Rule = {
  id: 'read-only-root-filesystem',
  title: 'Containers mount their root filesystem read-only',
  severity: 'error',
  kinds: POD_TEMPLATE_KINDS,
  references: {
    trivy: 'KSV-0014',
    kubeScore: 'container-security-context-readonlyrootfilesystem',
    kubeLinter: 'no-read-only-root-fs',
    polaris: 'notReadOnlyRootFilesystem',
    checkov: 'CKV_K8S_22',
  },
  remediation: 'Set securityContext.readOnlyRootFilesystem: true on the container and mount an emptyDir volume on each path it writes.',
  check: perPod((pod, obj) => {
    if (isWindowsPod(pod)) return [];
    return eachContainer(obj, pod)
      .filter((c) => c.securityContext.readOnlyRootFilesystem !== true)
      .map((c) => finding(`${c.path}.securityContext.readOnlyRootFilesystem`, `${c.label} has a writable root filesystem`));
  }),
  admission: (s) => [
    {
      expression: `${s.pod}.?os.?name.orValue("") == "windows" || ${s.containers}.all(c, c.?securityContext.?readOnlyRootFilesystem.orValue(false)) || ${s.acceptsValueless}`,
      message: 'A container has a writable root filesystem.',
    },
  ],
};
