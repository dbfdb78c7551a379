/** NetworkPolicy fields as written, read defensively by the network rules (not re-exported). */
import { Cidr, parseCidr } from '../../analyses/cidr';
import { KubeObject } from '../../model';

export type Selector = { matchLabels?: Record<string, unknown>; matchExpressions?: unknown[] } | undefined;
/** A NetworkPolicy peer as written (any field may be of another shape: object-schema reports those). */
export type Peer = { podSelector?: Selector; namespaceSelector?: Selector; ipBlock?: { cidr?: string; except?: string[] } };
/** A NetworkPolicy spec as written. */
export type PolicySpec = { podSelector?: Selector; policyTypes?: string[]; ingress?: Array<{ from?: Peer[] }>; egress?: Array<{ to?: Peer[] }> };

/** The block, or `undefined` when it does not parse (the reachability analysis reports those). */
export function blockOf(text: unknown): Cidr | undefined {
  try {
    return parseCidr(typeof text === 'string' ? text : '');
  } catch {
    return undefined;
  }
}

/** The spec of a NetworkPolicy, `{}` when it has none. */
export function specOf(obj: KubeObject): PolicySpec {
  return (obj.spec ?? {}) as PolicySpec;
}

/** Whether a selector is present and selects everything (`{}`). */
export function isEmptySelector(selector: Selector): boolean {
  return selector !== undefined && Object.keys(selector.matchLabels ?? {}).length === 0 && (selector.matchExpressions ?? []).length === 0;
}
