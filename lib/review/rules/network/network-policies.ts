import { appendTo } from '../../../core/append-to';
import { Cidr, cidrContainsAddress, parseAddress, parseCidr } from '../../analyses/cidr';
import { compileSelector, Labels, readLabels, Selector as CompiledSelector, selectorMatches } from '../../analyses/selectors';
import { KubeObject, ReviewContext, Rule, RuleFinding } from '../../model';
import { finding, isRecord, list, podSpecsOf, POD_TEMPLATE_KINDS, quote } from '../../walkers';
import { namespaceOf } from './namespaces';

type Selector = { matchLabels?: Record<string, unknown>; matchExpressions?: unknown[] } | undefined;
type Peer = { podSelector?: Selector; namespaceSelector?: Selector; ipBlock?: { cidr?: string; except?: string[] } };
type PolicySpec = { podSelector?: Selector; policyTypes?: string[]; ingress?: Array<{ from?: Peer[] }>; egress?: Array<{ to?: Peer[] }> };

const CLOUD_METADATA_ADDRESS = '169.254.169.254';
const METADATA = parseAddress(CLOUD_METADATA_ADDRESS);

/** The block, or `undefined` when it does not parse (the reachability analysis reports those). */
function blockOf(text: string | undefined): Cidr | undefined {
  try {
    return parseCidr(text ?? '');
  } catch {
    return undefined;
  }
}

function specOf(obj: KubeObject): PolicySpec {
  return (obj.spec ?? {}) as PolicySpec;
}

function isEmptySelector(selector: Selector): boolean {
  return selector !== undefined && Object.keys(selector.matchLabels ?? {}).length === 0 && (selector.matchExpressions ?? []).length === 0;
}

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
  remediation: 'Add a NetworkPolicy with podSelector: {} and policyTypes: [Ingress, Egress] to the namespace (HardenedNamespace does), then allow each flow explicitly.',
  check: (obj, context) => {
    const name = obj.metadata?.name ?? '';
    const isolated = new Set<string>();
    for (const policy of policiesIn(context, name)) {
      const spec = specOf(policy);
      if (isEmptySelector(spec.podSelector ?? {})) policyTypesOf(spec).forEach((t) => isolated.add(t));
    }
    return ['Ingress', 'Egress'].filter((direction) => !isolated.has(direction)).map((direction) =>
      finding('metadata.name', `no NetworkPolicy in namespace ${quote(name)} isolates ${direction.toLowerCase()} of all its pods`));
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
 * No policy lets every source connect: a rule without `from`, a peer selecting every pod of
 * every namespace, or an ipBlock of the whole address space undoes the default deny.
 *
 * @see https://kubernetes.io/docs/concepts/services-networking/network-policies/
 */
export const networkIngressFromAnywhere: Rule = {
  id: 'network-ingress-from-anywhere',
  title: 'NetworkPolicies do not allow ingress from everywhere',
  severity: 'error',
  kinds: ['NetworkPolicy'],
  references: { nsa: 'Network separation and hardening' },
  remediation: 'Name the sources: the pods (podSelector, with a namespaceSelector in the same peer for another namespace) or the CIDRs of the clients.',
  check: (obj) => {
    const found: RuleFinding[] = [];
    // A rule or peer of another shape is object-schema's finding; here it allows nothing.
    list<NonNullable<PolicySpec['ingress']>[number]>(specOf(obj).ingress).forEach((rule, i) => {
      if (!isRecord(rule)) return;
      if (!rule.from?.length) {
        found.push(finding(`spec.ingress[${i}].from`, `ingress rule ${i} has no "from", so it allows every source, inside and outside the cluster`));
        return;
      }
      list<Peer>(rule.from).forEach((peer, j) => {
        if (!isRecord(peer)) return;
        const at = `spec.ingress[${i}].from[${j}]`;
        if (peer.ipBlock) {
          const block = blockOf(peer.ipBlock.cidr);
          if (block !== undefined && block.prefix === 0) found.push(finding(`${at}.ipBlock.cidr`, `ingress rule ${i} allows every address (${peer.ipBlock.cidr})`));
        } else if (isEmptySelector(peer.namespaceSelector) && (peer.podSelector === undefined || isEmptySelector(peer.podSelector))) {
          found.push(finding(`${at}.namespaceSelector`, `ingress rule ${i} allows every pod of every namespace`));
        }
      });
    });
    return found;
  },
};

/**
 * Egress never reaches the cloud metadata address (169.254.169.254), where a pod can pick
 * up the node's cloud credentials: every egress rule names its destinations, and a block
 * that contains the address excepts it.
 *
 * @see https://kubernetes.io/docs/concepts/services-networking/network-policies/#networkpolicy-resource
 */
export const networkEgressMetadata: Rule = {
  id: 'network-egress-metadata',
  title: 'Egress never reaches the cloud metadata address',
  severity: 'error',
  kinds: ['NetworkPolicy'],
  references: { nsa: 'Network separation and hardening' },
  remediation: `Name each egress destination, and add ${CLOUD_METADATA_ADDRESS}/32 to the except list of any ipBlock that contains it.`,
  check: (obj) => {
    const found: RuleFinding[] = [];
    list<NonNullable<PolicySpec['egress']>[number]>(specOf(obj).egress).forEach((rule, i) => {
      if (!isRecord(rule)) return;
      if (!rule.to?.length) {
        found.push(finding(`spec.egress[${i}].to`, `egress rule ${i} has no "to", so it allows every destination, the metadata address ${CLOUD_METADATA_ADDRESS} included`));
        return;
      }
      list<Peer>(rule.to).forEach((peer, j) => {
        if (!isRecord(peer)) return;
        const block = peer.ipBlock ? blockOf(peer.ipBlock.cidr) : undefined;
        if (block === undefined || !cidrContainsAddress(block, METADATA)) return;
        const excepted = list<string>(peer.ipBlock?.except).some((e) => {
          const inner = blockOf(e);
          return inner !== undefined && cidrContainsAddress(inner, METADATA);
        });
        if (!excepted) {
          found.push(finding(`spec.egress[${i}].to[${j}].ipBlock`, `egress rule ${i} allows ${peer.ipBlock?.cidr}, which contains the metadata address ${CLOUD_METADATA_ADDRESS}`));
        }
      });
    });
    return found;
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
  references: { kubeScore: 'networkpolicy-targets-pod' },
  remediation: 'Make spec.podSelector match the labels of the pod template it is for (compare with the workload\'s spec.template.metadata.labels), or remove the policy.',
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
    return [finding('spec.podSelector', `selects no pod template of namespace ${quote(namespace)} in this output, so the pods it was written for are outside it (a mistyped label?)`)];
  },
};

/** The labels of every pod template, by namespace, per review. */
const podLabelsByNamespace = new WeakMap<ReviewContext, Map<string, Labels[]>>();

function podLabelsIn(context: ReviewContext, namespace: string): readonly Labels[] {
  let index = podLabelsByNamespace.get(context);
  if (!index) {
    index = new Map();
    for (const kind of POD_TEMPLATE_KINDS) {
      for (const obj of context.byKind(kind)) {
        for (const pod of podSpecsOf(obj)) appendTo(index, namespaceOf(obj), readLabels(pod.metadata.labels));
      }
    }
    podLabelsByNamespace.set(context, index);
  }
  return index.get(namespace) ?? [];
}
