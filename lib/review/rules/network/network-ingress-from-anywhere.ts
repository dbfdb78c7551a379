import { AddressSet } from '../../../core/address-set';
import { Cidr, effectiveCidr, IpFamily } from '../../../core/cidr';
import { PUBLIC_ADDRESSES } from '../../../policy/special-addresses';
import { Rule, RuleFinding } from '../../model';
import { finding, isRecord, list } from '../../walkers';
import { blockOf, UNION_OF_BLOCKS, isEmptySelector, Peer, PolicySpec, specOf, unreadableBlock } from './policy-spec';

/** The value of a finding: the address space opened, whatever blocks open it. */
const WHOLE_FAMILY: Record<IpFamily, string> = { 4: '0.0.0.0/0', 6: '::/0' };

interface IngressBlock {
  readonly at: string;
  readonly rule: number;
  readonly text: string;
  readonly block: Cidr;
}

/**
 * No policy lets every source connect: a rule without `from`, a peer selecting every pod of
 * every namespace, or ipBlocks that together cover every public address of a family
 * (`0.0.0.0/0`, but also `0.0.0.0/1` + `128.0.0.0/1`, or the list of blocks that spells "the
 * internet but the private ranges"). "Every public address" rather than "every address":
 * leaving out 10.0.0.0/8 still lets the internet in. `except` lists do not narrow it: a block
 * of the whole internet but a few addresses is a deny list, and the fix is to name the clients.
 *
 * @see https://kubernetes.io/docs/concepts/services-networking/network-policies/
 */
export const networkIngressFromAnywhere: Rule = {
  id: 'network-ingress-from-anywhere',
  title: 'NetworkPolicies do not allow ingress from everywhere',
  severity: 'error',
  kinds: ['NetworkPolicy'],
  references: { nsa: 'Network separation and hardening' },
  remediation:
    'Name the sources: the pods (podSelector, with a namespaceSelector in the same peer for another namespace) or the CIDRs of the clients.',
  synthTimeOnly: UNION_OF_BLOCKS,
  check: (obj) => {
    const found: RuleFinding[] = [];
    const blocks: IngressBlock[] = [];
    // A rule or peer of another shape is object-schema's finding; here it allows nothing.
    list<NonNullable<PolicySpec['ingress']>[number]>(specOf(obj).ingress).forEach((rule, i) => {
      if (!isRecord(rule)) return;
      if (!rule.from?.length) {
        found.push(
          finding(`spec.ingress[${i}].from`, `ingress rule ${i} has no "from", so it allows every source, inside and outside the cluster`),
        );
        return;
      }
      list<Peer>(rule.from).forEach((peer, j) => {
        if (!isRecord(peer)) return;
        const at = `spec.ingress[${i}].from[${j}]`;
        if (peer.ipBlock) {
          const cidr = isRecord(peer.ipBlock) ? peer.ipBlock.cidr : undefined;
          const block = blockOf(cidr);
          if (block) blocks.push({ at: `${at}.ipBlock.cidr`, rule: i, text: String(cidr), block });
          else found.push(finding(`${at}.ipBlock.cidr`, unreadableBlock(`ingress rule ${i}`, cidr)));
        } else if (isEmptySelector(peer.namespaceSelector) && (peer.podSelector === undefined || isEmptySelector(peer.podSelector))) {
          found.push(finding(`${at}.namespaceSelector`, `ingress rule ${i} allows every pod of every namespace`));
        }
      });
    });
    return [...found, ...everyPublicAddress(blocks)];
  },
};

/** A finding per block that alone covers a family's public addresses, else one per family the blocks cover together. */
function everyPublicAddress(blocks: readonly IngressBlock[]): RuleFinding[] {
  const familyOf = (b: IngressBlock) => effectiveCidr(b.block).family;
  const alone = blocks.filter((b) => AddressSet.of(familyOf(b), [b.block]).containsAll(PUBLIC_ADDRESSES[familyOf(b)]));
  const found = alone.map((b) =>
    finding(
      b.at,
      `ingress rule ${b.rule} allows every ${effectiveCidr(b.block).prefix === 0 ? '' : 'public '}address (${b.text})`,
      WHOLE_FAMILY[familyOf(b)],
    ),
  );
  for (const family of [4, 6] as const) {
    const ofFamily = blocks.filter((b) => familyOf(b) === family);
    if (
      alone.some((b) => familyOf(b) === family) ||
      !AddressSet.of(
        family,
        ofFamily.map((b) => b.block),
      ).containsAll(PUBLIC_ADDRESSES[family])
    )
      continue;
    const parts = ofFamily.map((b) => `${b.text} in rule ${b.rule}`).join(', ');
    found.push(finding('spec.ingress', `ingress rules together allow every public IPv${family} address (${parts})`, WHOLE_FAMILY[family]));
  }
  return found;
}
