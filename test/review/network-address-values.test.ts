/**
 * The machine-readable value of the address-space findings (what an exception must name):
 * the address space opened for ingress, the metadata address or class reached for egress.
 */
import { networkEgressMetadata, networkIngressFromAnywhere } from '../../lib/review/rules/network';
import { check, networkPolicy } from './builders';

test('ingress findings carry the whole family they open, however the blocks split it', () => {
  const policy = networkPolicy({
    podSelector: {},
    ingress: [{ from: [{ ipBlock: { cidr: '0.0.0.0/1' } }, { ipBlock: { cidr: '128.0.0.0/1' } }, { ipBlock: { cidr: '2000::/3' } }] }],
  });
  expect(check(networkIngressFromAnywhere, policy).map((f) => [f.path, f.value])).toEqual([
    ['spec.ingress[0].from[2].ipBlock.cidr', '::/0'],
    ['spec.ingress', '0.0.0.0/0'],
  ]);
});

test('egress findings carry the metadata address, or the class when no single address is reached', () => {
  const policy = networkPolicy({
    podSelector: {},
    egress: [{ to: [{ ipBlock: { cidr: '0.0.0.0/0', except: ['169.254.169.254/32'] } }, { ipBlock: { cidr: 'fd00:ec2::/64' } }] }],
  });
  expect(check(networkEgressMetadata, policy).map((f) => [f.path, f.value])).toEqual([
    ['spec.egress[0].to[0].ipBlock', '100.100.100.200'],
    ['spec.egress[0].to[0].ipBlock', '169.254.0.0/16'],
    ['spec.egress[0].to[1].ipBlock', 'fd00:ec2::254'],
    ['spec.egress[0].to[1].ipBlock', 'fd00:ec2::23'],
  ]);
});
