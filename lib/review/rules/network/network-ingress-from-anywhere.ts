import { AddressSet } from '../../../core/address-set';
import { Cidr, effectiveCidr, formatCidr, IpFamily } from '../../../core/cidr';
import { PUBLIC_ADDRESSES } from '../../../policy/special-addresses';
import { BITS, celLargestBlocks, celLet, celPowerSumsEqual } from '../../admission/cidr-cel';
import { celList, celString } from '../../admission/cel';
import { Rule, RuleFinding } from '../../model';
import { finding, isRecord, list } from '../../walkers';
import { blockOf, isEmptySelector, Peer, PolicySpec, specOf, unreadableBlock } from './policy-spec';

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
  admission: (s) => {
    const rules = `${s.object}.spec.?ingress.orValue([])`;
    const empty = (selector: string) =>
      `(size(${selector}.?matchLabels.orValue({})) == 0 && size(${selector}.?matchExpressions.orValue([])) == 0)`;
    const allPods = `has(p.namespaceSelector) && ${empty('p.namespaceSelector')} && (!has(p.podSelector) || ${empty('p.podSelector')})`;
    const peers = `${rules}.all(r, size(r.?from.orValue([])) > 0 && r.from.all(p, has(p.ipBlock) ? isCIDR(p.ipBlock.cidr) : !(${allPods})))`;
    const blocks = `${rules}.filter(r, size(r.?from.orValue([])) > 0).map(r, r.from.filter(p, has(p.ipBlock) && isCIDR(p.ipBlock.cidr)).map(p, p.ipBlock.cidr)).flatten()`;
    return [
      {
        expression: `${peers} || ${s.acceptsValueless}`,
        message: 'An ingress rule has no "from", a peer selects every pod of every namespace, or an ipBlock cannot be read.',
      },
      {
        expression: celLet(
          'blocks',
          blocks,
          ([4, 6] as const)
            .map((family) => `(!${celCoversPublic('blocks', family)} || ${s.accepts(celString(WHOLE_FAMILY[family]))})`)
            .join(' && '),
        ),
        message: 'The ingress ipBlocks allow every public address, alone or together.',
      },
    ];
  },
};

/**
 * CEL: the blocks of `family` among `blocks` (a CEL list of CIDR strings) hold every public
 * address: the public addresses of their largest distinct blocks add up to all of them. A
 * block's public addresses are its size less the not-public blocks inside it (those blocks are
 * disjoint and aligned: each lies inside it, holds it or misses it).
 */
function celCoversPublic(blocks: string, family: IpFamily): string {
  const bits = BITS[family];
  const notPublic = celList(AddressSet.all(family).minus(PUBLIC_ADDRESSES[family]).blocks().map(formatCidr));
  const largest = `${celLargestBlocks(`${blocks}.filter(c, cidr(c).ip().family() == ${family})`)}.filter(e, !${notPublic}.exists(n, cidr(n).containsCIDR(cidr(e))))`;
  const size = (block: string) => `${bits} - cidr(${block}).prefixLength()`;
  const publicSize = PUBLIC_ADDRESSES[family].size();
  const publicBits = [...publicSize.toString(2)].reverse().flatMap((bit, i) => (bit === '1' ? [String(i)] : []));
  return celLet(
    'largest',
    largest,
    celPowerSumsEqual(
      `largest.map(e, ${size('e')})`,
      `[${publicBits.join(', ')}] + largest.map(e, ${notPublic}.filter(n, cidr(e).containsCIDR(cidr(n))).map(n, ${size('n')})).flatten()`,
      bits,
    ),
  );
}

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
