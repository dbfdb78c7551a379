import { KubeObject, ReviewContext, Rule, RuleFinding } from '../../model';
import { finding, isRecord, quote } from '../../walkers';
import { namespaceOf } from './namespaces';

/** The quota entry each Service type counts against. A LoadBalancer also allocates node ports unless told not to. */
const QUOTA_ENTRIES: Readonly<Record<string, (spec: Record<string, unknown>) => readonly string[]>> = {
  LoadBalancer: (spec) => ['services.loadbalancers', ...(spec.allocateLoadBalancerNodePorts === false ? [] : ['services.nodeports'])],
  NodePort: () => ['services.nodeports'],
};

/** Whether a quota quantity is zero (`0`, `"0"`, `"0k"`). */
function isZero(value: unknown): boolean {
  return (typeof value === 'number' || typeof value === 'string') && Number.parseFloat(String(value)) === 0;
}

/** The ResourceQuotas of the namespace that apply to Services: scoped quotas track pods only. */
function serviceQuotasIn(context: ReviewContext, namespace: string): readonly KubeObject[] {
  return context
    .byKind('ResourceQuota')
    .filter(
      (q) =>
        q.apiVersion === 'v1' &&
        namespaceOf(q) === namespace &&
        isRecord(q.spec) &&
        q.spec.scopes === undefined &&
        q.spec.scopeSelector === undefined,
    );
}

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
  check: (obj, context) => {
    if (obj.apiVersion !== 'v1' || !isRecord(obj.spec) || typeof obj.spec.type !== 'string') return [];
    const entries = QUOTA_ENTRIES[obj.spec.type]?.(obj.spec) ?? [];
    const namespace = namespaceOf(obj);
    const found: RuleFinding[] = [];
    for (const quota of serviceQuotasIn(context, namespace)) {
      const hard = isRecord((quota.spec as Record<string, unknown>).hard) ? (quota.spec as { hard: Record<string, unknown> }).hard : {};
      for (const entry of entries.filter((e) => isZero(hard[e]))) {
        found.push(
          finding(
            'spec.type',
            `Service type ${quote(obj.spec.type)} is refused in namespace ${quote(namespace)}: its ResourceQuota ${quote(quota.metadata?.name ?? '')} sets ${entry}: 0`,
            obj.spec.type,
          ),
        );
      }
    }
    return found;
  },
};
