import { Rule } from '../../model';
import { eachContainer, finding, findingValue, list, POD_TEMPLATE_KINDS } from '../../walkers';

/**
 * Containers must not bind ports of the node: `hostPort` bypasses NetworkPolicy and
 * limits scheduling. Any value but 0 is refused, as upstream. A finding's value is the port (`9100`).
 *
 * @see https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline
 */
export const noHostPorts: Rule = {
  id: 'no-host-ports',
  title: 'Containers bind no host port',
  severity: 'error',
  kinds: POD_TEMPLATE_KINDS,
  references: { pss: 'baseline/hostPorts', cis: '5.2.13', polaris: 'hostPortSet', checkov: 'CKV_K8S_26' },
  remediation: 'Remove hostPort from the container port and expose the pod through a Service instead.',
  check: (obj, context) =>
    eachContainer(obj, context).flatMap((c) =>
      list<{ hostPort?: unknown }>(c.container.ports).flatMap((port, i) =>
        port && port.hostPort !== undefined && port.hostPort !== null && Number(port.hostPort) !== 0
          ? [finding(`${c.path}.ports[${i}].hostPort`, `${c.label} binds host port ${String(port.hostPort)}`, findingValue(port.hostPort))]
          : [],
      ),
    ),
};
