import { BlockList, isIP } from 'node:net';

/** The cloud instance metadata address (AWS, GCP, Azure): credentials live behind it. */
export const CLOUD_METADATA_ADDRESS = '169.254.169.254';

/** A parsed CIDR block. */
export interface Cidr {
  readonly address: string;
  readonly prefix: number;
  readonly family: 'ipv4' | 'ipv6';
}

/**
 * Parses `cidr` (`10.0.0.0/8`, `2001:db8::/32`), or returns an explanation of what is wrong.
 * Host bits must be zero, as Kubernetes' stricter CIDR validation expects.
 */
export function parseCidr(cidr: string): Cidr | string {
  const [address, prefixText, extra] = cidr.split('/');
  const version = isIP(address ?? '');
  if (extra !== undefined || version === 0 || prefixText === undefined || !/^\d{1,3}$/.test(prefixText)) {
    return `'${cidr}' is not a CIDR block such as '10.0.0.0/8' or '2001:db8::/32'`;
  }
  const family = version === 4 ? 'ipv4' : 'ipv6';
  const prefix = Number(prefixText);
  if (prefix > (family === 'ipv4' ? 32 : 128)) return `'${cidr}' has a prefix longer than the address`;
  const canonical = networkAddress(address, prefix, family);
  if (canonical !== normalize(address, family)) return `'${cidr}' has host bits set; write '${canonical}/${prefix}'`;
  return { address, prefix, family };
}

/** Whether the block `outer` contains the address `address` (same family only). */
export function cidrContainsAddress(outer: Cidr, address: string): boolean {
  const family = isIP(address) === 4 ? 'ipv4' : 'ipv6';
  if (family !== outer.family) return false;
  const list = new BlockList();
  list.addSubnet(outer.address, outer.prefix, outer.family);
  return list.check(address, family);
}

/** Whether block `inner` lies entirely within block `outer`. */
export function cidrContains(outer: Cidr, inner: Cidr): boolean {
  return inner.family === outer.family && inner.prefix >= outer.prefix && cidrContainsAddress(outer, inner.address);
}

function normalize(address: string, family: 'ipv4' | 'ipv6'): string {
  return networkAddress(address, family === 'ipv4' ? 32 : 128, family);
}

/** The address with every bit after `prefix` cleared, in canonical text form. */
function networkAddress(address: string, prefix: number, family: 'ipv4' | 'ipv6'): string {
  const bits = family === 'ipv4' ? 32 : 128;
  const value = family === 'ipv4' ? ipv4ToBigInt(address) : ipv6ToBigInt(address);
  const mask = prefix === 0 ? 0n : ((1n << BigInt(prefix)) - 1n) << BigInt(bits - prefix);
  const network = value & mask;
  return family === 'ipv4' ? bigIntToIpv4(network) : bigIntToIpv6(network);
}

function ipv4ToBigInt(address: string): bigint {
  return address.split('.').reduce((acc, part) => (acc << 8n) + BigInt(Number(part)), 0n);
}

function bigIntToIpv4(value: bigint): string {
  return [24n, 16n, 8n, 0n].map((shift) => String((value >> shift) & 255n)).join('.');
}

function ipv6ToBigInt(address: string): bigint {
  let text = address;
  // An embedded IPv4 tail (::ffff:1.2.3.4) becomes two hextets.
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4) {
    const n = ipv4ToBigInt(v4[1]);
    text = text.slice(0, v4.index) + `${(n >> 16n).toString(16)}:${(n & 0xffffn).toString(16)}`;
  }
  const [head, tail] = text.includes('::') ? text.split('::') : [text, undefined];
  const headParts = head ? head.split(':') : [];
  const tailParts = tail ? tail.split(':') : [];
  const missing = 8 - headParts.length - tailParts.length;
  const parts = [...headParts, ...Array(tail === undefined ? 0 : missing).fill('0'), ...tailParts];
  return parts.reduce((acc, part) => (acc << 16n) + BigInt(parseInt(part || '0', 16)), 0n);
}

/** Canonical (RFC 5952) text of an IPv6 address: lowercase, longest zero run as `::`. */
function bigIntToIpv6(value: bigint): string {
  const parts = Array.from({ length: 8 }, (_, i) => Number((value >> BigInt((7 - i) * 16)) & 0xffffn));
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < 8;) {
    if (parts[i] !== 0) { i++; continue; }
    let j = i;
    while (j < 8 && parts[j] === 0) j++;
    if (j - i > bestLength) { bestStart = i; bestLength = j - i; }
    i = j;
  }
  const hex = parts.map((p) => p.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLength).join(':')}`;
}
