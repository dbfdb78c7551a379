/**
 * Cases of the network rules about address space (issue #17): blocks judged by what they
 * cover together, IPv4-mapped blocks as the IPv4 blocks they spell, and every cloud's metadata
 * addresses in both families. Run by rules.test.ts with the other `RULE_CASES`.
 */
import type { RuleCase } from './rule-cases';
import { networkPolicy } from './builders';

const ingress = (...blocks: Array<string | { cidr: string; except: string[] }>) =>
  networkPolicy({
    podSelector: {},
    ingress: blocks.map((b, i) => ({ from: [{ ipBlock: typeof b === 'string' ? { cidr: b } : b }], ports: [{ port: 8080 + i }] })),
  });
const egress = (...peers: Array<{ cidr: string; except?: string[] }>) =>
  networkPolicy({ podSelector: {}, egress: [{ to: peers.map((ipBlock) => ({ ipBlock })) }] });

/** The IPv4 space outside the private ranges, written as allowed blocks (what CIDR calculators give for "0.0.0.0/0 minus 10/8, 172.16/12, 192.168/16"). */
const INTERNET_BUT_PRIVATE = [
  '0.0.0.0/5',
  '8.0.0.0/7',
  '11.0.0.0/8',
  '12.0.0.0/6',
  '16.0.0.0/4',
  '32.0.0.0/3',
  '64.0.0.0/2',
  '128.0.0.0/3',
  '160.0.0.0/5',
  '168.0.0.0/6',
  '172.0.0.0/12',
  '172.32.0.0/11',
  '172.64.0.0/10',
  '172.128.0.0/9',
  '173.0.0.0/8',
  '174.0.0.0/7',
  '176.0.0.0/4',
  '192.0.0.0/9',
  '192.128.0.0/11',
  '192.160.0.0/13',
  '192.169.0.0/16',
  '192.170.0.0/15',
  '192.172.0.0/14',
  '192.176.0.0/12',
  '192.192.0.0/10',
  '193.0.0.0/8',
  '194.0.0.0/7',
  '196.0.0.0/6',
  '200.0.0.0/5',
  '208.0.0.0/4',
  '224.0.0.0/3',
];

export const NETWORK_RULE_CASES: readonly RuleCase[] = [
  {
    rule: 'network-ingress-from-anywhere',
    name: 'private ranges, a large client network and half the IPv6 internet comply',
    object: ingress(
      '10.0.0.0/8',
      '172.16.0.0/12',
      '192.168.0.0/16',
      '100.64.0.0/10',
      '198.51.0.0/16',
      '2000::/4',
      'fd00::/8',
      '::ffff:10.0.0.0/104',
    ),
    expected: [],
  },
  {
    rule: 'network-ingress-from-anywhere',
    name: 'the two IPv4 halves and the two halves of the IPv6 internet, in separate rules',
    object: ingress('0.0.0.0/1', '128.0.0.0/1', '2000::/4', '3000::/4'),
    expected: [
      ['spec.ingress', 'ingress rules together allow every public IPv4 address (0.0.0.0/1 in rule 0, 128.0.0.0/1 in rule 1)'],
      ['spec.ingress', 'ingress rules together allow every public IPv6 address (2000::/4 in rule 2, 3000::/4 in rule 3)'],
    ],
  },
  {
    rule: 'network-ingress-from-anywhere',
    name: 'the internet but the private ranges, as 31 blocks',
    object: ingress(...INTERNET_BUT_PRIVATE),
    expected: [['spec.ingress', 'ingress rules together allow every public IPv4 address (0.0.0.0/5 in rule 0, 8.0.0.0/7 in rule 1']],
  },
  {
    rule: 'network-ingress-from-anywhere',
    name: 'one block short of the internet complies',
    object: ingress(...INTERNET_BUT_PRIVATE.filter((b) => b !== '193.0.0.0/8')),
    expected: [],
  },
  {
    rule: 'network-ingress-from-anywhere',
    name: 'the global unicast range alone, and the IPv4-mapped /96',
    object: ingress('2000::/3', '::ffff:0.0.0.0/96'),
    expected: [
      ['spec.ingress[0].from[0].ipBlock.cidr', 'ingress rule 0 allows every public address (2000::/3)'],
      ['spec.ingress[1].from[0].ipBlock.cidr', 'ingress rule 1 allows every address (::ffff:0.0.0.0/96)'],
    ],
  },
  {
    rule: 'network-ingress-from-anywhere',
    name: 'an except list does not make the internet narrower (a deny list)',
    object: ingress({ cidr: '0.0.0.0/0', except: ['10.0.0.0/8', '203.0.113.0/24'] }),
    expected: [['spec.ingress[0].from[0].ipBlock.cidr', 'ingress rule 0 allows every address (0.0.0.0/0)']],
  },
  {
    rule: 'network-ingress-from-anywhere',
    name: 'an IPv6 block holding the mapped range does not admit IPv4 clients',
    object: ingress('::/8', '0.0.0.0/1'),
    expected: [],
  },

  {
    rule: 'network-egress-metadata',
    name: 'every metadata block excepted, in both families, complies',
    object: egress(
      { cidr: '0.0.0.0/0', except: ['100.100.100.200/32', '169.254.0.0/16'] },
      { cidr: '::/0', except: ['fd00:ec2::23/128', 'fd00:ec2::254/128', 'fd20:ce::254/128', 'fe80::/10'] },
      { cidr: '::ffff:0.0.0.0/96', except: ['::ffff:169.254.0.0/112', '::ffff:100.100.100.200/128'] },
    ),
    expected: [],
  },
  {
    rule: 'network-egress-metadata',
    name: "IPv4 without excepts reaches the common address and Alibaba's",
    object: egress({ cidr: '0.0.0.0/0' }),
    expected: [
      [
        'spec.egress[0].to[0].ipBlock',
        'egress rule 0 allows 0.0.0.0/0, which contains the metadata address 169.254.169.254 (the instance metadata service of AWS, GCP, Azure',
      ],
      [
        'spec.egress[0].to[0].ipBlock',
        'which contains the metadata address 100.100.100.200 (the instance metadata service of Alibaba Cloud)',
      ],
    ],
  },
  {
    rule: 'network-egress-metadata',
    name: 'excepting 169.254.169.254 alone leaves the rest of link-local (ECS and EKS credentials)',
    object: egress({ cidr: '169.254.0.0/16', except: ['169.254.169.254/32'] }),
    expected: [
      ['spec.egress[0].to[0].ipBlock', 'egress rule 0 allows 169.254.0.0/16, which reaches 169.254.0.0/16 (IPv4 link-local addresses'],
    ],
  },
  {
    rule: 'network-egress-metadata',
    name: '::/0 reaches the IPv6 metadata addresses of AWS and GCP and the link-local range',
    object: egress({ cidr: '::/0' }),
    expected: [
      ['spec.egress[0].to[0].ipBlock', 'contains the metadata address fd00:ec2::254 (the instance metadata service of AWS over IPv6)'],
      ['spec.egress[0].to[0].ipBlock', 'contains the metadata address fd00:ec2::23 (the EKS Pod Identity agent over IPv6)'],
      ['spec.egress[0].to[0].ipBlock', 'contains the metadata address fd20:ce::254 (the metadata server of GCP over IPv6)'],
      ['spec.egress[0].to[0].ipBlock', 'reaches fe80::/10 (IPv6 link-local addresses'],
    ],
  },
  {
    rule: 'network-egress-metadata',
    name: 'the IPv4-mapped form of the metadata address',
    object: egress({ cidr: '::ffff:169.254.169.254/128' }),
    expected: [
      [
        'spec.egress[0].to[0].ipBlock',
        'egress rule 0 allows ::ffff:169.254.169.254/128, which contains the metadata address 169.254.169.254',
      ],
    ],
  },
  {
    rule: 'network-egress-metadata',
    name: 'a peer re-opens what another peer excepts',
    object: egress({ cidr: '0.0.0.0/0', except: ['100.100.100.200/32', '169.254.0.0/16'] }, { cidr: '169.254.169.254/32' }),
    expected: [
      ['spec.egress[0].to[1].ipBlock', 'egress rule 0 allows 169.254.169.254/32, which contains the metadata address 169.254.169.254'],
    ],
  },
  {
    rule: 'network-egress-metadata',
    name: 'an except that covers the metadata address through a wider block closes it',
    object: egress(
      { cidr: '100.64.0.0/10', except: ['100.100.0.0/16'] },
      { cidr: 'fd00::/8', except: ['fd00::/9'] },
      { cidr: 'fd20::/16', except: ['fd20:ce::/32'] },
    ),
    expected: [],
  },
];
