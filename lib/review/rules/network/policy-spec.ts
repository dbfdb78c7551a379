/** NetworkPolicy fields as written, read defensively by the network rules (not re-exported). */
import { Cidr, parseCidrAsStored } from '../../../core/cidr';
import { KubeObject } from '../../model';

export type Selector = { matchLabels?: Record<string, unknown>; matchExpressions?: unknown[] } | undefined;
/** A NetworkPolicy peer as written (any field may be of another shape: object-schema reports those). */
export type Peer = { podSelector?: Selector; namespaceSelector?: Selector; ipBlock?: { cidr?: string; except?: string[] } };
/** A NetworkPolicy spec as written. */
export type PolicySpec = {
  podSelector?: Selector;
  policyTypes?: string[];
  ingress?: Array<{ from?: Peer[] }>;
  egress?: Array<{ to?: Peer[] }>;
};

/**
 * The block, read as a cluster may store it (leading zeros, host bits: `parseCidrAsStored`), or
 * `undefined` when it does not parse at all (the rules then report it: what cannot be read is
 * not passed).
 */
export function blockOf(text: unknown): Cidr | undefined {
  try {
    return parseCidrAsStored(typeof text === 'string' ? text : '');
  } catch {
    return undefined;
  }
}

/** The message for an ipBlock whose cidr cannot be read as a block. */
export function unreadableBlock(rule: string, cidr: unknown): string {
  return `${rule} allows the block ${JSON.stringify(cidr)}, which cannot be read as an address block, so the review cannot tell what it lets through; write it as a CIDR such as 10.0.0.0/8`;
}

/** The spec of a NetworkPolicy, `{}` when it has none. */
export function specOf(obj: KubeObject): PolicySpec {
  return (obj.spec ?? {}) as PolicySpec;
}

/** Whether a selector is present and selects everything (`{}`). */
export function isEmptySelector(selector: Selector): boolean {
  return selector !== undefined && Object.keys(selector.matchLabels ?? {}).length === 0 && (selector.matchExpressions ?? []).length === 0;
}
