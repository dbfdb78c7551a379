import { Cidr, cidrContains, parseCidr } from '../../../core/cidr';
import { isSingleAddress, METADATA_BLOCKS, metadataReached } from '../../../policy/special-addresses';
import { Rule, RuleFinding } from '../../model';
import { finding, isRecord, list } from '../../walkers';
import { blockOf, UNION_OF_BLOCKS, Peer, PolicySpec, specOf, unreadableBlock } from './policy-spec';

/**
 * Egress never reaches a cloud metadata address, where a pod can pick up the node's cloud
 * credentials: every egress rule names its destinations, and the addresses an ipBlock covers
 * once its `except`s are taken out hold none of `METADATA_BLOCKS` (169.254.169.254, Alibaba's
 * 100.100.100.200, AWS's and GCP's IPv6 addresses, the link-local ranges). An IPv4-mapped
 * block (`::ffff:169.254.169.254/128`) is the IPv4 block it spells, as network plugins read it.
 *
 * @see https://kubernetes.io/docs/concepts/services-networking/network-policies/#networkpolicy-resource
 */
export const networkEgressMetadata: Rule = {
  id: 'network-egress-metadata',
  title: 'Egress never reaches a cloud metadata address',
  severity: 'error',
  kinds: ['NetworkPolicy'],
  references: { nsa: 'Network separation and hardening' },
  remediation: `Name each egress destination, and add to the except list of any ipBlock that contains them the metadata blocks ${METADATA_BLOCKS.filter(
    (m) => !METADATA_BLOCKS.some((o) => o !== m && cidrContains(parseCidr(o.cidr), parseCidr(m.cidr))),
  )
    .map((m) => m.cidr)
    .join(', ')}.`,
  synthTimeOnly: UNION_OF_BLOCKS,
  check: (obj) => {
    const found: RuleFinding[] = [];
    list<NonNullable<PolicySpec['egress']>[number]>(specOf(obj).egress).forEach((rule, i) => {
      if (!isRecord(rule)) return;
      if (!rule.to?.length) {
        found.push(
          finding(
            `spec.egress[${i}].to`,
            `egress rule ${i} has no "to", so it allows every destination, the metadata address 169.254.169.254 included`,
          ),
        );
        return;
      }
      list<Peer>(rule.to).forEach((peer, j) => {
        if (!isRecord(peer) || !isRecord(peer.ipBlock)) return;
        const block = blockOf(peer.ipBlock.cidr);
        if (block === undefined) {
          found.push(finding(`spec.egress[${i}].to[${j}].ipBlock.cidr`, unreadableBlock(`egress rule ${i}`, peer.ipBlock.cidr)));
          return;
        }
        const excepts = list<unknown>(peer.ipBlock.except)
          .map(blockOf)
          .filter((e): e is Cidr => e !== undefined);
        for (const { name, block: m } of metadataReached(block, excepts)) {
          found.push(
            finding(
              `spec.egress[${i}].to[${j}].ipBlock`,
              isSingleAddress(m.block)
                ? `egress rule ${i} allows ${String(peer.ipBlock.cidr)}, which contains the metadata address ${name} (${m.what})`
                : `egress rule ${i} allows ${String(peer.ipBlock.cidr)}, which reaches ${m.cidr} (${m.what})`,
              name,
            ),
          );
        }
      });
    });
    return found;
  },
};
