import { KubeObject, Rule } from '../../model';
import { Container } from '../../pod-spec';
import { apiGroupOf, ContainerView, eachContainer, finding, findingValue, isRecord, list, POD_TEMPLATE_KINDS } from '../../walkers';

type ContainerPort = NonNullable<Container['ports']>[number];

/**
 * Whether the API server sets the container's unset hostPorts to their containerPort: in a Pod
 * on the host network, not in a template (since Kubernetes 1.28), so admission sees them bound.
 */
function fillsInHostPorts(obj: KubeObject, c: ContainerView): boolean {
  return obj.kind === 'Pod' && apiGroupOf(obj.apiVersion) === '' && c.pod.spec.hostNetwork === true;
}

/**
 * Containers must not bind ports of the node: `hostPort` bypasses NetworkPolicy and
 * limits scheduling. Any value but 0 is refused, as upstream. In a Pod on the host network every
 * port is a host port: the API server sets an unset hostPort to the containerPort before Pod
 * Security and the admission policies judge the Pod. A finding's value is the port (`9100`).
 *
 * @see https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline
 */
export const noHostPorts: Rule = {
  id: 'no-host-ports',
  title: 'Containers bind no host port',
  severity: 'error',
  kinds: POD_TEMPLATE_KINDS,
  references: { trivy: 'KSV-0024', pss: 'baseline/hostPorts', cis: '5.2.13', polaris: 'hostPortSet', checkov: 'CKV_K8S_26' },
  remediation: 'Remove hostPort from the container port and expose the pod through a Service instead.',
  check: (obj, context) =>
    eachContainer(obj, context).flatMap((c) =>
      list<ContainerPort>(c.container.ports).flatMap((port, i) => {
        if (!isRecord(port)) return [];
        const written = port.hostPort !== undefined && port.hostPort !== null;
        const hostPort = written ? port.hostPort : fillsInHostPorts(obj, c) ? port.containerPort : undefined;
        if (hostPort === undefined || hostPort === null || Number(hostPort) === 0) return [];
        const why = written ? '' : ' (on the host network the API server sets hostPort to containerPort)';
        return [finding(`${c.path}.ports[${i}].hostPort`, `${c.label} binds host port ${String(hostPort)}${why}`, findingValue(hostPort))];
      }),
    ),
  admission: (s) => [
    {
      expression: `${s.containers}.all(c, c.?ports.orValue([]).all(port, port.?hostPort.orValue(0) == 0 || ${s.accepts('string(port.hostPort)')}))`,
      message: 'A container binds a host port.',
    },
  ],
};
