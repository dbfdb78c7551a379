/**
 * Addresses with a meaning of their own, as data: where clouds serve instance metadata and
 * node credentials (egress there must be denied), and which addresses are public (an ingress
 * rule that admits all of them admits the whole internet).
 */
import { AddressSet } from '../core/address-set';
import { Cidr, cidrContains, effectiveCidr, formatAddress, formatCidr, IpFamily, parseCidr } from '../core/cidr';

/** A block where a cloud or the node serves metadata or credentials to whatever runs on it. */
export interface MetadataBlock {
  /** Canonical CIDR: a single address (`/32`, `/128`) or a class of them. */
  readonly cidr: string;
  /** Who serves what there, for findings and errors. */
  readonly what: string;
}

/**
 * Where pods can pick up the node's cloud identity. Specific addresses first, then the
 * link-local classes that hold them and the node-local agents (a finding names the most
 * specific block reached). Sources, checked:
 * - 169.254.169.254: AWS (docs.aws.amazon.com, "Retrieve instance metadata": `http://169.254.169.254/latest/meta-data/`,
 *   IPv6 `http://[fd00:ec2::254]/latest/meta-data/`); GCP (cloud.google.com/compute/docs/metadata, also
 *   metadata.google.internal); Azure (learn.microsoft.com/azure/virtual-machines/instance-metadata-service: "a
 *   well-known, non-routable IP address (169.254.169.254)"); Oracle (docs.oracle.com/iaas, "Getting instance
 *   metadata": `http://169.254.169.254/opc/v2/`); DigitalOcean (docs.digitalocean.com/reference/api/metadata:
 *   "the special, static, link-local IP address 169.254.169.254"); OpenStack (docs.openstack.org nova "Metadata service").
 * - 100.100.100.200: Alibaba Cloud ECS (alibabacloud.com/help/ecs/user-guide/overview-of-ecs-instance-metadata;
 *   cloud-init's AliYun datasource: "the well known url http://100.100.100.200/").
 * - fd00:ec2::23 and 169.254.170.23: the EKS Pod Identity agent (docs.aws.amazon.com/eks/latest/userguide/pod-id-agent-setup.html).
 * - fd20:ce::254: GCP's metadata server for IPv6-only instances. Not found in the documentation index we
 *   searched (which has only older pages saying VMs reach the server over IPv4); it lies in fd20::/20, the range
 *   GCP reserves for its internal (ULA) addresses, and excepting one address too many costs nothing.
 * - fe80::a9fe:a9fe: OpenStack Neutron's IPv6 metadata address (specs.openstack.org, "IPv6 support in Metadata
 *   service"), inside the IPv6 link-local class.
 * - 169.254.0.0/16 and fe80::/10 (RFC 3927, RFC 4291): link-local, where the ones above live, with AWS ECS task
 *   credentials (169.254.170.2), DNS (169.254.169.253) and time (169.254.169.123); never a destination a pod needs.
 */
export const METADATA_BLOCKS: readonly MetadataBlock[] = [
  { cidr: '169.254.169.254/32', what: 'the instance metadata service of AWS, GCP, Azure, Oracle Cloud, DigitalOcean and OpenStack' },
  { cidr: '100.100.100.200/32', what: 'the instance metadata service of Alibaba Cloud' },
  { cidr: 'fd00:ec2::254/128', what: 'the instance metadata service of AWS over IPv6' },
  { cidr: 'fd00:ec2::23/128', what: 'the EKS Pod Identity agent over IPv6' },
  { cidr: 'fd20:ce::254/128', what: 'the metadata server of GCP over IPv6' },
  {
    cidr: '169.254.0.0/16',
    what: 'IPv4 link-local addresses, where clouds serve metadata and node credentials (ECS task credentials, EKS Pod Identity)',
  },
  { cidr: 'fe80::/10', what: 'IPv6 link-local addresses, where clouds serve metadata (OpenStack)' },
];

/**
 * The addresses that are not public: nobody on the internet connects from them. From IANA's
 * special-purpose registries (RFC 6890 and successors, entries "Globally Reachable: False") plus
 * multicast, which is never a source; for IPv6, everything outside the global unicast range
 * 2000::/3 (the only one IANA allocates from), and its documentation and benchmarking blocks.
 *
 * @see https://www.iana.org/assignments/iana-ipv4-special-registry/
 * @see https://www.iana.org/assignments/iana-ipv6-special-registry/
 */
const NOT_PUBLIC: Record<IpFamily, readonly string[]> = {
  4: [
    '0.0.0.0/8',
    '10.0.0.0/8',
    '100.64.0.0/10',
    '127.0.0.0/8',
    '169.254.0.0/16',
    '172.16.0.0/12',
    '192.0.0.0/24',
    '192.0.2.0/24',
    '192.168.0.0/16',
    '198.18.0.0/15',
    '198.51.100.0/24',
    '203.0.113.0/24',
    '224.0.0.0/4',
    '240.0.0.0/4',
  ],
  6: ['::/3', '4000::/2', '8000::/1', '2001:2::/48', '2001:db8::/32', '3fff::/20'],
};

/** Every public address of the family (see `NOT_PUBLIC`). */
export const PUBLIC_ADDRESSES: Record<IpFamily, AddressSet> = {
  4: AddressSet.all(4).minus(AddressSet.of(4, NOT_PUBLIC[4].map(parseCidr))),
  6: AddressSet.all(6).minus(AddressSet.of(6, NOT_PUBLIC[6].map(parseCidr))),
};

const METADATA: ReadonlyArray<MetadataBlock & { readonly block: Cidr }> = METADATA_BLOCKS.map((m) => ({ ...m, block: parseCidr(m.cidr) }));

/** How a finding names a metadata block: a single address without its prefix, a class as a CIDR. */
export function metadataNameOf(block: Cidr): string {
  return isSingleAddress(block) ? formatAddress({ family: block.family, value: block.network }) : formatCidr(block);
}

/** Whether the block is one address (/32, /128). */
export function isSingleAddress(block: Cidr): boolean {
  return block.prefix === (block.family === 4 ? 32 : 128);
}

/**
 * The metadata blocks an ipBlock reaches once its excepts are taken out, named as findings of
 * `network-egress-metadata` name them (their `value`): the most specific blocks, a class only
 * when none of the addresses inside it is reached. Constructs record these in their exception.
 */
export function metadataReached(
  block: Cidr,
  excepts: readonly Cidr[],
): { readonly name: string; readonly block: MetadataBlock & { readonly block: Cidr } }[] {
  const family = effectiveCidr(block).family;
  const reach = AddressSet.of(family, [block]).minus(AddressSet.of(family, excepts));
  const reached = METADATA.filter((m) => reach.intersects(AddressSet.of(family, [m.block])));
  return reached
    .filter((m) => !reached.some((o) => o !== m && cidrContains(m.block, o.block)))
    .map((m) => ({ name: metadataNameOf(m.block), block: m }));
}
