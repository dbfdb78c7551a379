/**
 * IPv4 and IPv6 addresses and CIDR blocks, as NetworkPolicy `ipBlock` uses them: parsing
 * with the strict rules of current Kubernetes validation, containment, and canonical text.
 * Addresses are held as `bigint` so both families share one code path.
 *
 * @see https://kubernetes.io/docs/reference/kubernetes-api/policy-resources/network-policy-v1/#NetworkPolicySpec
 */

/** Address family: 4 or 6. */
export type IpFamily = 4 | 6;

/** An IP address. */
export interface IpAddress {
  readonly family: IpFamily;
  readonly value: bigint;
}

/** A CIDR block: the network address (host bits zero) and the prefix length. */
export interface Cidr {
  readonly family: IpFamily;
  readonly network: bigint;
  readonly prefix: number;
}

/** Thrown by the parsers; the message says what is wrong, without the value or a fix (callers add both). */
export class InvalidCidrError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidCidrError';
  }
}

const BITS: Record<IpFamily, number> = { 4: 32, 6: 128 };
const DECIMAL = /^(0|[1-9][0-9]*)$/;
const HEXTET = /^[0-9a-fA-F]{1,4}$/;

/** Parses an IPv4 or IPv6 address. Throws `InvalidCidrError`. */
export function parseAddress(text: string): IpAddress {
  if (text.includes(':')) return { family: 6, value: parseIpv6(text) };
  return { family: 4, value: parseIpv4(text) };
}

/**
 * Parses a CIDR block such as `10.0.0.0/8` or `2001:db8::/32`. Throws `InvalidCidrError` when
 * the text is not a CIDR, and when host bits are set (`10.0.0.1/8`): the API server's strict
 * validation refuses those, and they usually hide a typo.
 */
export function parseCidr(text: string): Cidr {
  const slash = text.indexOf('/');
  if (slash < 0) throw new InvalidCidrError('it has no prefix length (a single address is written "/32" or "/128")');
  const address = parseAddress(text.slice(0, slash));
  const prefixText = text.slice(slash + 1);
  const max = BITS[address.family];
  if (!DECIMAL.test(prefixText) || Number(prefixText) > max) {
    throw new InvalidCidrError(`the prefix length must be a number from 0 to ${max} for IPv${address.family}`);
  }
  const prefix = Number(prefixText);
  const network = address.value & mask(address.family, prefix);
  if (network !== address.value) {
    throw new InvalidCidrError(`it has host bits set; the block is "${formatCidr({ family: address.family, network, prefix })}"`);
  }
  return { family: address.family, network, prefix };
}

/**
 * A CIDR block as a cluster that does not validate strictly may store it, and as network
 * plugins read it (k8s.io/utils/net's ParseCIDRSloppy, Go's net.ParseCIDR): IPv4 parts and the
 * prefix with leading zeros read as decimal (`0169.0254.0169.0254/032`), host bits masked
 * (`169.254.169.254/16` is `169.254.0.0/16`). The API server refuses these only with the
 * StrictIPCIDRValidation gate (beta from 1.36), so the review judges what they would allow.
 */
export function parseCidrAsStored(text: string): Cidr {
  const slash = text.indexOf('/');
  if (slash < 0) throw new InvalidCidrError('it has no prefix length (a single address is written "/32" or "/128")');
  let addressText = text.slice(0, slash);
  if (!addressText.includes(':') && /^[0-9]{1,4}(\.[0-9]{1,4}){3}$/.test(addressText)) {
    addressText = addressText
      .split('.')
      .map((part) => String(Number(part)))
      .join('.');
  }
  const address = parseAddress(addressText);
  const prefixText = text.slice(slash + 1);
  if (!/^[0-9]{1,4}$/.test(prefixText) || Number(prefixText) > BITS[address.family]) {
    throw new InvalidCidrError(`the prefix length must be a number from 0 to ${BITS[address.family]} for IPv${address.family}`);
  }
  const prefix = Number(prefixText);
  return { family: address.family, network: address.value & mask(address.family, prefix), prefix };
}

/** Whether `outer` contains every address of `inner` (blocks of different families never contain each other). */
export function cidrContains(outer: Cidr, inner: Cidr): boolean {
  return (
    outer.family === inner.family && inner.prefix >= outer.prefix && (inner.network & mask(outer.family, outer.prefix)) === outer.network
  );
}

/** Whether `inner` lies inside `outer` and is smaller: what the API requires of an `except` entry. */
export function isStrictSubset(outer: Cidr, inner: Cidr): boolean {
  return cidrContains(outer, inner) && inner.prefix > outer.prefix;
}

/** Whether the block contains the address. */
export function cidrContainsAddress(block: Cidr, address: IpAddress): boolean {
  return block.family === address.family && (address.value & mask(block.family, block.prefix)) === block.network;
}

/** Orders blocks: IPv4 first, then by network address, then wider blocks first. */
export function compareCidrs(a: Cidr, b: Cidr): number {
  if (a.family !== b.family) return a.family - b.family;
  if (a.network !== b.network) return a.network < b.network ? -1 : 1;
  return a.prefix - b.prefix;
}

/** Canonical text of a block: dotted decimal, or RFC 5952 IPv6 (lowercase, longest zero run as `::`). */
export function formatCidr(block: Cidr): string {
  return `${formatAddress({ family: block.family, value: block.network })}/${block.prefix}`;
}

/** Canonical text of an address (see `formatCidr`). */
export function formatAddress(address: IpAddress): string {
  if (address.family === 4) {
    return [24n, 16n, 8n, 0n].map((shift) => String((address.value >> shift) & 0xffn)).join('.');
  }
  const parts = Array.from({ length: 8 }, (_, i) => Number((address.value >> BigInt((7 - i) * 16)) & 0xffffn));
  // RFC 5952: compress the longest run of two or more zero groups, the first one on a tie.
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < 8;) {
    if (parts[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && parts[j] === 0) j++;
    if (j - i > bestLength) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j;
  }
  const hex = parts.map((p) => p.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLength).join(':')}`;
}

function mask(family: IpFamily, prefix: number): bigint {
  const bits = BigInt(BITS[family]);
  const all = (1n << bits) - 1n;
  return prefix === 0 ? 0n : (all >> BigInt(BITS[family] - prefix)) << BigInt(BITS[family] - prefix);
}

function parseIpv4(text: string): bigint {
  const parts = text.split('.');
  if (parts.length !== 4) throw new InvalidCidrError('it is not an IPv4 address (four numbers from 0 to 255, separated by dots)');
  let value = 0n;
  for (const part of parts) {
    // Leading zeros are refused: some parsers read "010" as octal (8), others as decimal (10).
    if (!DECIMAL.test(part) || part.length > 3 || Number(part) > 255) {
      throw new InvalidCidrError(`"${part}" is not a number from 0 to 255 (without leading zeros)`);
    }
    value = (value << 8n) + BigInt(part);
  }
  return value;
}

function parseIpv6(text: string): bigint {
  if (text.includes('%')) throw new InvalidCidrError('an IPv6 zone ("%eth0") has no meaning in a CIDR');
  let groups = text;
  let tail: bigint[] = [];
  const lastColon = text.lastIndexOf(':');
  if (text.slice(lastColon + 1).includes('.')) {
    // An embedded IPv4 tail (::ffff:192.0.2.1) stands for the last two groups.
    const v4 = parseIpv4(text.slice(lastColon + 1));
    tail = [v4 >> 16n, v4 & 0xffffn];
    const head = text.slice(0, lastColon + 1);
    groups = head.endsWith('::') ? head : head.slice(0, -1);
  }
  const halves = groups.split('::');
  if (halves.length > 2) throw new InvalidCidrError('"::" may appear only once in an IPv6 address');
  const read = (half: string): bigint[] => {
    if (half === '') return [];
    return half.split(':').map((group) => {
      if (!HEXTET.test(group)) throw new InvalidCidrError(`"${group}" is not an IPv6 group (one to four hexadecimal digits)`);
      return BigInt(parseInt(group, 16));
    });
  };
  const head = read(halves[0]);
  const rest = halves.length === 2 ? read(halves[1]) : [];
  const present = head.length + rest.length + tail.length;
  if (halves.length === 2 ? present > 7 : present !== 8) {
    throw new InvalidCidrError('it is not an IPv6 address (eight groups, or fewer with one "::")');
  }
  const zeros = Array<bigint>(8 - present).fill(0n);
  return [...head, ...(halves.length === 2 ? zeros : []), ...rest, ...tail].reduce((acc, group) => (acc << 16n) | group, 0n);
}

/** `::ffff:0:0/96`: IPv6 addresses that stand for IPv4 ones. */
const MAPPED_PREFIX = 0xffffn << 32n;

/**
 * The block as the packets it matches: an IPv4-mapped IPv6 block (`::ffff:169.254.169.254/128`,
 * `::ffff:0:0/96`) is the IPv4 block it spells, because Go's `net.IPNet` (which most network
 * plugins and kube-proxy use) reads it so; every other block is itself. A wider IPv6 block that
 * merely contains the mapped range (`::/0`) matches IPv6 packets only: IPv4 traffic never
 * carries a mapped address on the wire.
 */
export function effectiveCidr(block: Cidr): Cidr {
  if (block.family === 4 || block.prefix < 96 || (block.network >> 32n) << 32n !== MAPPED_PREFIX) return block;
  return { family: 4, network: block.network - MAPPED_PREFIX, prefix: block.prefix - 96 };
}
