import { AdmissionScope, Rule, RuleFinding } from '../../model';
import { ContainerView, eachContainer, finding, isWindowsPod, perPod, POD_TEMPLATE_KINDS } from '../../walkers';

/** Ids at or below this may belong to users and groups of the node. */
export const MIN_EXCLUSIVE_ID = 10000;

function idProblem(c: ContainerView, field: 'runAsUser' | 'runAsGroup'): RuleFinding[] {
  const { value, path, from } = c.effective[field];
  if (typeof value === 'number' && value > MIN_EXCLUSIVE_ID) return [];
  const where = from === 'pod' ? ' (inherited from the pod)' : '';
  return [
    finding(
      path,
      value === undefined
        ? `${c.label} does not set ${field}, so it runs with the image's ${field === 'runAsUser' ? 'user' : 'group'}`
        : `${c.label} runs with ${field} ${String(value)}${where}, not above ${MIN_EXCLUSIVE_ID}`,
    ),
  ];
}

/** CEL: the container `c`'s effective `field` (its own, else the pod's) is above MIN_EXCLUSIVE_ID; unset is not. */
function celHighId(s: AdmissionScope, field: 'runAsUser' | 'runAsGroup'): string {
  return `c.?securityContext.?${field}.orValue(${s.pod}.?securityContext.?${field}.orValue(0)) > ${MIN_EXCLUSIVE_ID}`;
}

/**
 * Every container runs with a user id and a group id above 10000, set on the container or
 * inherited from the pod, so that a process escaping the container matches no user of the
 * node. The pod's `fsGroup`, when set, must be above 10000 too: it owns the pod's volumes and
 * joins every container's groups. Windows pods are exempt: the API refuses these fields for them.
 *
 * @see https://kubernetes.io/docs/tasks/configure-pod-container/security-context/
 */
export const highUserGroupIds: Rule = {
  id: 'high-user-group-ids',
  title: 'Containers run with a user id and a group id above 10000 (and fsGroup, if set)',
  severity: 'error',
  kinds: POD_TEMPLATE_KINDS,
  references: { trivy: ['KSV-0020', 'KSV-0021'], kubeScore: 'container-security-context-user-group-id', checkov: 'CKV_K8S_40' },
  remediation:
    'Set securityContext.runAsUser and securityContext.runAsGroup above 10000 on the pod (for example 65532), or on the container, and keep any fsGroup above 10000 too.',
  check: perPod((pod, obj) => {
    if (isWindowsPod(pod)) return [];
    const fsGroup = pod.spec.securityContext?.fsGroup;
    const lowFsGroup =
      fsGroup !== undefined && fsGroup !== null && !(typeof fsGroup === 'number' && fsGroup > MIN_EXCLUSIVE_ID)
        ? [finding(`${pod.path}.securityContext.fsGroup`, `pod sets fsGroup ${String(fsGroup)}, not above ${MIN_EXCLUSIVE_ID}`)]
        : [];
    return [...lowFsGroup, ...eachContainer(obj, pod).flatMap((c) => [...idProblem(c, 'runAsUser'), ...idProblem(c, 'runAsGroup')])];
  }),
  admission: (s) => {
    const windows = `${s.pod}.?os.?name.orValue("") == "windows"`;
    const fsGroup = `${s.pod}.?securityContext.?fsGroup`;
    return [
      {
        expression: `${windows} || !${fsGroup}.hasValue() || ${fsGroup}.value() > ${MIN_EXCLUSIVE_ID} || ${s.acceptsValueless}`,
        message: `The pod sets fsGroup not above ${MIN_EXCLUSIVE_ID}.`,
      },
      {
        expression: `${windows} || ${s.containers}.all(c, ${celHighId(s, 'runAsUser')} && ${celHighId(s, 'runAsGroup')}) || ${s.acceptsValueless}`,
        message: `A container runs with a user or group id not above ${MIN_EXCLUSIVE_ID}, or the image's.`,
      },
    ];
  },
};
