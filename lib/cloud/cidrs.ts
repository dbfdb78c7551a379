/**
 * Checks on the address ranges allowed to reach a cluster's API: shared by the EKS and GKE
 * stacks. (lib/cloud keeps its own small copy rather than importing the cdk8s side.)
 */

/** An IPv4 CIDR block `a.b.c.d/n` without host bits, or `undefined` when it does not parse. */
function parseCidr(cidr: string): { address: number; prefix: number } | undefined {
  const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(cidr);
  if (!match) return undefined;
  const octets = match.slice(1, 5).map(Number);
  const prefix = Number(match[5]);
  if (octets.some((o) => o > 255) || prefix > 32) return undefined;
  const address = octets.reduce((a, o) => a * 256 + o, 0);
  const size = 2 ** (32 - prefix);
  return address % size === 0 ? { address, prefix } : undefined;
}

/**
 * Why a CIDR may not be allowed to reach a cluster's API, or `undefined` when it may:
 * it must parse, have no host bits, and be narrower than /8 (so never 0.0.0.0/0).
 */
export function apiAccessCidrProblem(cidr: string): string | undefined {
  const parsed = parseCidr(cidr);
  if (!parsed) return 'is not an IPv4 CIDR block without host bits, such as 203.0.113.0/24';
  if (parsed.prefix < 8) return 'opens the API to a large part of the internet; list the ranges of your offices, VPN or CI runners';
  return undefined;
}
