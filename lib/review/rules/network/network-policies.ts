import { appendTo } from '../../../core/append-to';
import { compileSelector, Selector as CompiledSelector, selectorMatches } from '../../analyses/selectors';
import { KubeObject, ReviewContext, Rule } from '../../model';
import { finding, quote } from '../../walkers';
import { podLabelsIn } from '../pod-labels';
import { namespaceOf } from './namespaces';
import { isEmptySelector, PolicySpec, specOf } from './policy-spec';

/** The directions a policy isolates, with upstream's defaulting when policyTypes is absent. */
export function policyTypesOf(spec: PolicySpec): string[] {
  if (spec.policyTypes?.length) return spec.policyTypes;
  return spec.egress !== undefined ? ['Ingress', 'Egress'] : ['Ingress'];
}

/**
 * Every namespace starts closed: a policy selecting all its pods isolates both ingress and
 * egress, so each allowed flow is a rule someone wrote and reviewed.
 *
 * @see https://kubernetes.io/docs/concepts/services-networking/network-policies/#default-policies
 */
export const namespaceDefaultDeny: Rule = {
  id: 'namespace-default-deny',
  title: 'Namespaces deny all ingress and egress by default',
  severity: 'error',
  kinds: ['Namespace'],
  references: { cis: '5.3.2', nsa: 'Network separation and hardening', kubeScore: 'pod-networkpolicy', checkov: 'CKV2_K8S_6' },
  remediation:
    'Add a NetworkPolicy with podSelector: {} and policyTypes: [Ingress, Egress] to the namespace, then allow each flow explicitly.',
  check: (obj, context) => {
    const name = obj.metadata?.name ?? '';
    const isolated = new Set<string>();
    for (const policy of policiesIn(context, name)) {
      const spec = specOf(policy);
      if (isEmptySelector(spec.podSelector ?? {})) policyTypesOf(spec).forEach((t) => isolated.add(t));
    }
    return ['Ingress', 'Egress']
      .filter((direction) => !isolated.has(direction))
      .map((direction) =>
        finding('metadata.name', `no NetworkPolicy in namespace ${quote(name)} isolates ${direction.toLowerCase()} of all its pods`),
      );
  },
};

/** NetworkPolicies by namespace, per review: one pass over them instead of one per Namespace. */
const policiesByNamespace = new WeakMap<ReviewContext, Map<unknown, KubeObject[]>>();

/** The NetworkPolicies whose `namespaceOf` is `namespace` (strict equality, as a loop with `!==` would test). */
function policiesIn(context: ReviewContext, namespace: unknown): readonly KubeObject[] {
  if (Number.isNaN(namespace)) return [];
  let index = policiesByNamespace.get(context);
  if (!index) {
    index = new Map();
    for (const policy of context.byKind('NetworkPolicy')) appendTo(index, namespaceOf(policy), policy);
    policiesByNamespace.set(context, index);
  }
  return index.get(namespace) ?? [];
}

/**
 * A policy that names pods selects some: a podSelector that matches no pod template of its
 * namespace is most often a mistyped label, and leaves the pods it was written for outside
 * it (unprotected, or cut off). A namespace-wide policy (`podSelector: {}`) is never flagged:
 * it is meant for the pods to come as well. Judged within the output under review: a warning,
 * since the pods may come from elsewhere.
 *
 * @see https://kubernetes.io/docs/concepts/services-networking/network-policies/#networkpolicy-resource
 */
export const networkPolicySelectsPods: Rule = {
  id: 'network-policy-selects-pods',
  title: 'NetworkPolicies that name pods select some',
  severity: 'warning',
  kinds: ['NetworkPolicy'],
  references: { kubeScore: 'networkpolicy-targets-pod' },
  remediation:
    "Make spec.podSelector match the labels of the pod template it is for (compare with the workload's spec.template.metadata.labels), or remove the policy.",
  check: (obj, context) => {
    const raw = specOf(obj).podSelector;
    if (raw === undefined || isEmptySelector(raw)) return [];
    let selector: CompiledSelector;
    try {
      selector = compileSelector(raw, 'spec.podSelector');
    } catch {
      return []; // an invalid selector is reported by the reachability analysis
    }
    const namespace = namespaceOf(obj);
    if (podLabelsIn(context, namespace).some((labels) => selectorMatches(selector, labels))) return [];
    return [
      finding(
        'spec.podSelector',
        `selects no pod template of namespace ${quote(namespace)} in this output, so the pods it was written for are outside it (a mistyped label?)`,
      ),
    ];
  },
};
