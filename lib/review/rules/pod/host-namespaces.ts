import { celString } from '../../admission/cel';
import { Rule } from '../../model';
import { finding, perPod, POD_TEMPLATE_KINDS } from '../../walkers';

const NAMESPACES = [
  { field: 'hostNetwork', what: 'network' },
  { field: 'hostPID', what: 'process ID' },
  { field: 'hostIPC', what: 'IPC' },
] as const;

/**
 * Pods must not share the node's network, process or IPC namespace. A finding's value is the
 * field (`hostNetwork`, `hostPID`, `hostIPC`), so an exception for one does not accept another.
 *
 * @see https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline
 */
export const noHostNamespaces: Rule = {
  id: 'no-host-namespaces',
  title: 'Pods do not share the host network, PID or IPC namespace',
  severity: 'error',
  kinds: POD_TEMPLATE_KINDS,
  references: {
    trivy: ['KSV-0008', 'KSV-0009', 'KSV-0010'],
    pss: 'baseline/hostNamespaces',
    cis: ['5.2.3', '5.2.4', '5.2.5'],
    kubeLinter: ['host-network', 'host-pid', 'host-ipc'],
    polaris: ['hostNetworkSet', 'hostPIDSet', 'hostIPCSet'],
    checkov: ['CKV_K8S_17', 'CKV_K8S_18', 'CKV_K8S_19'],
  },
  remediation: 'Remove hostNetwork, hostPID and hostIPC from the pod spec, or set them to false.',
  check: perPod((pod) =>
    NAMESPACES.filter(({ field }) => pod.spec[field] === true).map(({ field, what }) =>
      finding(`${pod.path}.${field}`, `pod shares the host ${what} namespace with all its containers (${field}: true)`, field),
    ),
  ),
  admission: (s) =>
    NAMESPACES.map(({ field, what }) => ({
      expression: `!${s.pod}.?${field}.orValue(false) || ${s.accepts(celString(field))}`,
      message: `The pod shares the host ${what} namespace (${field}: true).`,
    })),
};
