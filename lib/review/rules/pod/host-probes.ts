import { Rule, RuleFinding } from '../../model';
import { ContainerView, eachContainer, finding, isRecord, POD_TEMPLATE_KINDS, quote } from '../../walkers';
import { Handler } from '../../pod-spec';

const PROBES = ['livenessProbe', 'readinessProbe', 'startupProbe'] as const;
const LIFECYCLE_HANDLERS = ['postStart', 'preStop'] as const;
/** `tcpSocket` is deprecated in lifecycle handlers but still accepted, so upstream checks it too. */
const ACTIONS = ['httpGet', 'tcpSocket'] as const;

function hostsOf(c: ContainerView, handler: Handler | undefined, path: string, what: string): RuleFinding[] {
  if (!isRecord(handler)) return [];
  return ACTIONS.flatMap((action) => {
    const host = handler[action]?.host;
    return typeof host === 'string' && host !== ''
      ? [finding(`${path}.${action}.host`, `${c.label} sends its ${what} to host ${quote(host)}`, host)]
      : [];
  });
}

/**
 * Probes and lifecycle handlers must not name a host: the kubelet would make the request
 * from the node, to any address (a way to reach node-local services). Any non-empty host is
 * refused, including 127.0.0.1 and ::1, as upstream (policy v1.34+). A finding's value is the host.
 *
 * @see https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline
 */
export const noHostProbes: Rule = {
  id: 'no-host-probes',
  title: 'Probes and lifecycle handlers name no host',
  severity: 'error',
  kinds: POD_TEMPLATE_KINDS,
  references: { pss: 'baseline/hostProbesAndHostLifecycle' },
  remediation: 'Remove the host field from httpGet and tcpSocket probes and lifecycle handlers, so they target the pod itself.',
  check: (obj, context) =>
    eachContainer(obj, context).flatMap((c) => [
      ...PROBES.flatMap((probe) => hostsOf(c, c.container[probe], `${c.path}.${probe}`, probe)),
      ...LIFECYCLE_HANDLERS.flatMap((hook) => hostsOf(c, c.container.lifecycle?.[hook], `${c.path}.lifecycle.${hook}`, `${hook} hook`)),
    ]),
  admission: (s) => {
    const handlers = [...PROBES.map((probe) => `c.?${probe}`), ...LIFECYCLE_HANDLERS.map((hook) => `c.?lifecycle.?${hook}`)];
    const hosts = handlers.flatMap((handler) => ACTIONS.map((action) => `${handler}.?${action}.?host.orValue("")`));
    return [
      {
        expression: `${s.containers}.all(c, [${hosts.join(', ')}].all(host, host == "" || ${s.accepts('host')}))`,
        message: 'A probe or lifecycle handler names a host.',
      },
    ];
  },
};
