import { Rule } from '../../model';
import { finding, isRecord, quote } from '../../walkers';
import { namespaceFacts, serviceQuotaLimitsInOutput } from './namespace-facts';
import { namespaceOf } from './namespaces';

/** The quota entry each Service type counts against. A LoadBalancer also allocates node ports unless told not to. */
const QUOTA_ENTRIES: Readonly<Record<string, (spec: Record<string, unknown>) => readonly string[]>> = {
  LoadBalancer: (spec) => ['services.loadbalancers', ...(spec.allocateLoadBalancerNodePorts === false ? [] : ['services.nodeports'])],
  NodePort: () => ['services.nodeports'],
};

/**
 * A Service of a type the namespace's own ResourceQuota forbids (`services.loadbalancers: 0`,
 * `services.nodeports: 0`, as HardenedNamespace sets them) is refused by the API server at
 * apply time; the review says so before, where the quota is in the input.
 *
 * @see https://kubernetes.io/docs/concepts/policy/resource-quotas/#object-count-quota
 */
export const serviceTypeAllowedByQuota: Rule = {
  id: 'service-type-allowed-by-quota',
  title: 'Services are of a type the namespace quota allows',
  severity: 'error',
  kinds: ['Service'],
  references: {},
  remediation:
    'Use a ClusterIP Service behind the ingress controller; if the namespace really needs a LoadBalancer or NodePort Service, raise services.loadbalancers or services.nodeports in its ResourceQuota and review what it exposes.',
  synthTimeOnly: "It needs the namespace's ResourceQuota, another object; in the cluster the quota itself refuses the Service.",
  check: (obj, context) => {
    if (obj.apiVersion !== 'v1' || !isRecord(obj.spec) || typeof obj.spec.type !== 'string') return [];
    const entries = QUOTA_ENTRIES[obj.spec.type]?.(obj.spec) ?? [];
    if (entries.length === 0) return [];
    const type = obj.spec.type;
    const namespace = namespaceOf(obj);
    const facts = namespaceFacts(context, namespace);
    const limits = facts?.serviceQuota ?? serviceQuotaLimitsInOutput(context, namespace);
    const from = facts && facts.declaredBy !== 'output' ? ` (platform contract ${facts.declaredBy.contractFile})` : '';
    return limits
      .filter((limit) => entries.includes(limit.zero))
      .map((limit) =>
        finding(
          'spec.type',
          `Service type ${quote(type)} is refused in namespace ${quote(namespace)}: its ResourceQuota ${quote(limit.quota)}${from} sets ${limit.zero}: 0`,
          type,
        ),
      );
  },
};
