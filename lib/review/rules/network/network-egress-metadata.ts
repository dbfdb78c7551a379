import { Cidr, cidrContains, formatCidr, parseCidr } from '../../../core/cidr';
import { isSingleAddress, METADATA_BLOCKS, metadataNameOf, metadataReached } from '../../../policy/special-addresses';
import { celCovers, celLet } from '../../admission/cidr-cel';
import { celString } from '../../admission/cel';
import { AdmissionScope } from '../../model';
import { Rule, RuleFinding } from '../../model';
import { finding, isRecord, list } from '../../walkers';
import { blockOf, Peer, PolicySpec, specOf, unreadableBlock } from './policy-spec';

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
  admission: (s) => [
    {
      expression: `${s.object}.spec.?egress.orValue([]).all(rule, size(rule.?to.orValue([])) == 0 ? ${s.acceptsValueless} : rule.to.all(peer, !has(peer.ipBlock) || ${celIpBlockAdmitted(s)}))`,
      message: 'An egress rule allows every destination, or an ipBlock reaches a cloud metadata address.',
    },
  ],
};

const METADATA = METADATA_BLOCKS.map((m) => ({ ...m, block: parseCidr(m.cidr) }));

/**
 * CEL over `peer`: its ipBlock is readable and reaches no metadata block (`metadataReached`:
 * the most specific blocks reached, once the excepts are taken out) but those an exception names.
 */
function celIpBlockAdmitted(s: AdmissionScope): string {
  const reached = (m: (typeof METADATA)[number]) => {
    const block = `cidr(${celString(formatCidr(m.block))})`;
    const family = m.block.family;
    return `(b.ip().family() == ${family} && (b.containsCIDR(${block}) ? !${celCovers('ex', block, family)} : ${block}.containsCIDR(b) && !${celCovers('ex', 'b', family)}))`;
  };
  const each = METADATA.map((m) => {
    const inner = METADATA.filter((o) => o !== m && cidrContains(m.block, o.block));
    const reported = [reached(m), ...inner.map((o) => `!${reached(o)}`)].join(' && ');
    return `(!(${reported}) || ${s.accepts(celString(metadataNameOf(m.block)))})`;
  });
  return celLet(
    'c',
    'peer.ipBlock.cidr',
    `!isCIDR(c) ? ${s.acceptsValueless} : ${celLet('b', 'cidr(c).masked()', celLet('ex', 'peer.ipBlock.?except.orValue([]).filter(e, isCIDR(e))', each.join(' && ')))}`,
  );
}
