import { compileSelector, Selector as CompiledSelector, selectorMatches } from '../../analyses/selectors';
import { Rule } from '../../model';
import { finding, quote } from '../../walkers';
import { podLabelsIn } from '../pod-labels';
import { namespaceOf } from './namespaces';
import { isolatedDirections } from './namespace-facts';
import { isEmptySelector, specOf } from './policy-spec';

export { policyTypesOf } from './namespace-facts';

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
  references: {
    cis: '5.3.2',
    nsa: 'Network separation and hardening',
    kubeScore: 'pod-networkpolicy',
    checkov: 'CKV2_K8S_6',
    kubeLinter: 'non-isolated-pod',
  },
  remediation:
    'Add a NetworkPolicy with podSelector: {} and policyTypes: [Ingress, Egress] to the namespace, then allow each flow explicitly.',
  synthTimeOnly: 'It needs the NetworkPolicies of the namespace, other objects, which are created after the Namespace.',
  check: (obj, context) => {
    const name = obj.metadata?.name ?? '';
    const isolated = isolatedDirections(context, name);
    return ['Ingress', 'Egress']
      .filter((direction) => !isolated.has(direction))
      .map((direction) =>
        finding('metadata.name', `no NetworkPolicy in namespace ${quote(name)} isolates ${direction.toLowerCase()} of all its pods`),
      );
  },
};

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
  references: { kubeScore: 'networkpolicy-targets-pod', kubeLinter: 'dangling-networkpolicy' },
  remediation:
    "Make spec.podSelector match the labels of the pod template it is for (compare with the workload's spec.template.metadata.labels), or remove the policy.",
  synthTimeOnly: 'It needs the pod templates of the namespace, other objects, which may be created after the policy.',
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
