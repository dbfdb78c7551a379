import { Rule, RuleFinding } from '../../model';
import { eachContainer, finding, perPod, POD_TEMPLATE_KINDS, usesUserNamespace } from '../../walkers';
import { celUserNamespace } from './pod-admission';

/**
 * Containers must be required to run as a non-root user: `runAsNonRoot: true` on the pod or
 * on every container, and `false` nowhere (an explicit `false` on the pod fails even when
 * containers set `true`, as upstream). Pods with their own user namespace
 * (`hostUsers: false`) are exempt since policy v1.35, as root there is not root on the node.
 *
 * @see https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted
 */
export const runAsNonRoot: Rule = {
  id: 'run-as-non-root',
  title: 'Containers must run as a non-root user',
  severity: 'error',
  kinds: POD_TEMPLATE_KINDS,
  references: {
    trivy: ['KSV-0012', 'KSV-0105'],
    pss: 'restricted/runAsNonRoot',
    cis: '5.2.7',
    kubeLinter: 'run-as-non-root',
    polaris: 'runAsRootAllowed',
    checkov: 'CKV_K8S_23',
  },
  remediation: 'Set securityContext.runAsNonRoot: true on the pod, and remove any runAsNonRoot: false.',
  check: perPod((pod, obj) => {
    if (usesUserNamespace(pod)) return [];
    const found: RuleFinding[] = [];
    const podValue = pod.spec.securityContext?.runAsNonRoot;
    if (podValue === false) {
      found.push(finding(`${pod.path}.securityContext.runAsNonRoot`, 'pod sets runAsNonRoot: false'));
    }
    for (const c of eachContainer(obj, pod)) {
      const own = c.securityContext.runAsNonRoot;
      if (own === false) {
        found.push(finding(`${c.path}.securityContext.runAsNonRoot`, `${c.label} sets runAsNonRoot: false`));
      } else if (own == null && podValue !== true) {
        found.push(
          finding(`${c.path}.securityContext.runAsNonRoot`, `${c.label} may run as root: neither it nor the pod sets runAsNonRoot: true`),
        );
      }
    }
    return found;
  }),
  admission: (s) => {
    const userNamespace = celUserNamespace(s);
    const podValue = `${s.pod}.?securityContext.?runAsNonRoot`;
    return [
      {
        expression: `${userNamespace} || ${podValue} != optional.of(false) || ${s.acceptsValueless}`,
        message: 'The pod sets runAsNonRoot: false.',
      },
      {
        // A container's own value wins; unset, the pod's applies.
        expression: `${userNamespace} || ${s.containers}.all(c, c.?securityContext.?runAsNonRoot.orValue(${podValue}.orValue(false))) || ${s.acceptsValueless}`,
        message: 'A container may run as root: it sets runAsNonRoot: false, or neither it nor the pod sets runAsNonRoot: true.',
      },
    ];
  },
};

/**
 * No container may run as user 0, set on the pod or on the container. Unset is allowed
 * (`run-as-non-root` covers it). Pods with their own user namespace are exempt since
 * policy v1.35.
 *
 * @see https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted
 */
export const noRootUser: Rule = {
  id: 'no-root-user',
  title: 'Containers do not run as user 0',
  severity: 'error',
  kinds: POD_TEMPLATE_KINDS,
  references: { pss: 'restricted/runAsUser', cis: '5.2.7' },
  remediation: 'Set securityContext.runAsUser to a non-zero user id (above 10000), or remove runAsUser: 0.',
  check: perPod((pod, obj) => {
    if (usesUserNamespace(pod)) return [];
    const found: RuleFinding[] = [];
    if (pod.spec.securityContext?.runAsUser === 0) {
      found.push(finding(`${pod.path}.securityContext.runAsUser`, 'pod runs all its containers as root (runAsUser: 0)'));
    }
    for (const c of eachContainer(obj, pod)) {
      if (c.securityContext.runAsUser === 0) {
        found.push(finding(`${c.path}.securityContext.runAsUser`, `${c.label} runs as root (runAsUser: 0)`));
      }
    }
    return found;
  }),
  admission: (s) => [
    {
      expression:
        `${celUserNamespace(s)} || (${s.pod}.?securityContext.?runAsUser != optional.of(0)` +
        ` && ${s.containers}.all(c, c.?securityContext.?runAsUser != optional.of(0))) || ${s.acceptsValueless}`,
      message: 'The pod or a container runs as root (runAsUser: 0).',
    },
  ],
};
