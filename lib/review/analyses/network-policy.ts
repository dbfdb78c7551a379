/**
 * Reads `networking.k8s.io/v1` NetworkPolicy objects into validated, normalized rules, with
 * the API server's defaults applied (`policyTypes`, protocol TCP, empty selectors) and its
 * validation enforced: a policy the cluster would refuse cannot be analysed, so it fails
 * with a `ReachabilityError` that names the policy, the field, the value and the fix.
 *
 * @see https://kubernetes.io/docs/concepts/services-networking/network-policies/
 * @see https://kubernetes.io/docs/reference/kubernetes-api/policy-resources/network-policy-v1/
 */
import { KubeObject } from '../model';
import { isRecord, list } from '../walkers';
import { Cidr, compareCidrs, InvalidCidrError, isStrictSubset, parseCidr } from '../../core/cidr';
import { MAX_PORT, MIN_PORT, PortSet, Protocol, PROTOCOLS } from './port-set';
import { compareText, compileSelector, InvalidSelectorError, Selector } from './selectors';

/** A NetworkPolicy (or another object of the analysis) that the API server would refuse. */
export class ReachabilityError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ReachabilityError';
  }
}

/** The API group and version whose NetworkPolicies the analysis reads (Calico's `projectcalico.org/v3` kind of the same name is another API). */
export const NETWORK_POLICY_API_VERSION = 'networking.k8s.io/v1';

/** A traffic direction, as `policyTypes` names it. */
export type Direction = 'Ingress' | 'Egress';

/** A peer that selects pods: `podSelector` and/or `namespaceSelector` (both present: AND). */
export interface PodPeer {
  readonly type: 'pods';
  /** Absent: every pod of the selected namespaces. */
  readonly podSelector?: Selector;
  /** Absent: the policy's own namespace. */
  readonly namespaceSelector?: Selector;
}

/** A peer given as a CIDR block minus its `except` blocks (meant for addresses outside the cluster). */
export interface IpBlockPeer {
  readonly type: 'ipBlock';
  readonly cidr: Cidr;
  /** Sorted as `compareCidrs` orders them. */
  readonly except: readonly Cidr[];
}

export type Peer = PodPeer | IpBlockPeer;

/** A port given by name in a policy: it matches the destination pod's container port of that name and protocol. */
export interface NamedPort {
  readonly protocol: Protocol;
  readonly name: string;
}

/** The ports of one rule. */
export interface RulePorts {
  /** The numeric ports and ranges (every port of every protocol when the rule lists none). */
  readonly numeric: PortSet;
  /** The ports given by name, resolved per destination pod. */
  readonly named: readonly NamedPort[];
}

/** One ingress or egress rule. `peers: 'any'` is a rule without `from`/`to`: every pod and every address. */
export interface PolicyRule {
  readonly peers: 'any' | readonly Peer[];
  readonly ports: RulePorts;
}

/** A validated NetworkPolicy. A direction's rules are present exactly when the policy isolates that direction. */
export interface ParsedPolicy {
  /** `<namespace>/<name>`. */
  readonly id: string;
  readonly namespace: string;
  readonly podSelector: Selector;
  readonly ingress?: readonly PolicyRule[];
  readonly egress?: readonly PolicyRule[];
}

const DEFAULT_NAMESPACE = 'default';
const SERVICE_NAME = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;
const CIDR_EXAMPLE = 'Write a block such as "10.0.0.0/8", "203.0.113.7/32" or "2001:db8::/32".';

/** Whether the object is a Kubernetes NetworkPolicy the analysis reads. */
export function isNetworkPolicy(obj: KubeObject): boolean {
  return obj.kind === 'NetworkPolicy' && obj.apiVersion === NETWORK_POLICY_API_VERSION;
}

/** The namespace of a namespaced object: `metadata.namespace`, else `default` (where `kubectl apply` puts it). */
export function namespaceOf(obj: KubeObject): string {
  const ns = obj.metadata?.namespace;
  return typeof ns === 'string' && ns !== '' ? ns : DEFAULT_NAMESPACE;
}

/** Validates one NetworkPolicy and applies the API defaults. Throws `ReachabilityError`. */
export function parseNetworkPolicy(obj: KubeObject): ParsedPolicy {
  const namespace = namespaceOf(obj);
  const id = `${namespace}/${typeof obj.metadata?.name === 'string' ? obj.metadata.name : '(unnamed)'}`;
  const spec = isRecord(obj.spec) ? obj.spec : {};
  const podSelector = selectorAt(spec.podSelector, 'spec.podSelector', id);
  const ingressRules = list<unknown>(spec.ingress);
  const egressRules = list<unknown>(spec.egress);

  // API defaulting: no policyTypes means Ingress, plus Egress when there are egress rules
  // (a non-empty list: `egress: []` does not count).
  const declared = list<unknown>(spec.policyTypes);
  declared.forEach((type, i) => {
    if (type !== 'Ingress' && type !== 'Egress') fail(id, `spec.policyTypes[${i}] ${JSON.stringify(type)} is not "Ingress" or "Egress".`);
  });
  const isolatesIngress = declared.length > 0 ? declared.includes('Ingress') : true;
  const isolatesEgress = declared.length > 0 ? declared.includes('Egress') : egressRules.length > 0;
  // Rules of a direction the policy does not isolate have no effect, as upstream.
  const policy: { -readonly [K in keyof ParsedPolicy]: ParsedPolicy[K] } = { id, namespace, podSelector };
  if (isolatesIngress) policy.ingress = parseRules('ingress', 'from', ingressRules, id);
  if (isolatesEgress) policy.egress = parseRules('egress', 'to', egressRules, id);
  return policy;
}

/** A `ReachabilityError` naming the policy. */
function fail(id: string, message: string): never {
  throw new ReachabilityError(`NetworkPolicy ${id}: ${message}`);
}

/** `compileSelector`, its errors reported as the policy's. */
function selectorAt(raw: unknown, path: string, id: string): Selector {
  try {
    return compileSelector(raw, path);
  } catch (error) {
    if (error instanceof InvalidSelectorError) return fail(id, `${error.message}.`);
    throw error;
  }
}

function parseRules(field: 'ingress' | 'egress', peerField: 'from' | 'to', raw: readonly unknown[], id: string): readonly PolicyRule[] {
  return raw.map((rule, i) => {
    if (!isRecord(rule)) return fail(id, `spec.${field}[${i}] must be an object with "${peerField}" and "ports".`);
    const rawPeers = list<unknown>(rule[peerField]);
    return {
      peers: rawPeers.length === 0 ? 'any' : rawPeers.map((peer, j) => parsePeer(peer, `spec.${field}[${i}].${peerField}[${j}]`, id)),
      ports: parsePorts(list<unknown>(rule.ports), `spec.${field}[${i}].ports`, id),
    };
  });
}

function parsePeer(raw: unknown, at: string, id: string): Peer {
  if (!isRecord(raw)) return fail(id, `${at} must be an object.`);
  const hasPodSelector = raw.podSelector !== undefined && raw.podSelector !== null;
  const hasNamespaceSelector = raw.namespaceSelector !== undefined && raw.namespaceSelector !== null;
  if (raw.ipBlock !== undefined && raw.ipBlock !== null) {
    if (hasPodSelector || hasNamespaceSelector) {
      return fail(id, `${at} sets ipBlock together with a selector; the API allows one or the other. Split it into two peers.`);
    }
    return parseIpBlock(raw.ipBlock, `${at}.ipBlock`, id);
  }
  if (!hasPodSelector && !hasNamespaceSelector) {
    return fail(
      id,
      `${at} is empty; the API requires podSelector, namespaceSelector or ipBlock. To allow every peer, leave out the whole list.`,
    );
  }
  const peer: { -readonly [K in keyof PodPeer]: PodPeer[K] } = { type: 'pods' };
  if (hasPodSelector) peer.podSelector = selectorAt(raw.podSelector, `${at}.podSelector`, id);
  if (hasNamespaceSelector) peer.namespaceSelector = selectorAt(raw.namespaceSelector, `${at}.namespaceSelector`, id);
  return peer;
}

function parseIpBlock(raw: unknown, at: string, id: string): IpBlockPeer {
  if (!isRecord(raw)) return fail(id, `${at} must be an object with "cidr".`);
  const cidr = readCidr(raw.cidr, `${at}.cidr`, id);
  const except = list<unknown>(raw.except).map((text, i) => {
    const block = readCidr(text, `${at}.except[${i}]`, id);
    if (!isStrictSubset(cidr, block)) {
      fail(
        id,
        `${at}.except[${i}] ${JSON.stringify(text)} is not inside cidr ${JSON.stringify(raw.cidr)} (the API requires a strictly smaller block within it). Remove it, or widen cidr.`,
      );
    }
    return block;
  });
  const unique = new Map(except.map((block) => [`${block.family}/${block.network}/${block.prefix}`, block]));
  return { type: 'ipBlock', cidr, except: [...unique.values()].sort(compareCidrs) };
}

function readCidr(text: unknown, at: string, id: string): Cidr {
  if (typeof text !== 'string' || text === '') return fail(id, `${at} must be a CIDR string. ${CIDR_EXAMPLE}`);
  try {
    return parseCidr(text);
  } catch (error) {
    if (error instanceof InvalidCidrError)
      return fail(id, `${at} ${JSON.stringify(text)} is not a valid CIDR: ${error.message}. ${CIDR_EXAMPLE}`);
    throw error;
  }
}

function parsePorts(raw: readonly unknown[], at: string, id: string): RulePorts {
  // No ports: the rule matches every port of every protocol.
  if (raw.length === 0) return { numeric: PortSet.ALL, named: [] };
  let numeric = PortSet.NONE;
  const named = new Map<string, NamedPort>();
  raw.forEach((entry, i) => {
    const here = `${at}[${i}]`;
    if (!isRecord(entry)) return fail(id, `${here} must be an object with "protocol" and "port".`);
    const protocol = (entry.protocol ?? 'TCP') as Protocol;
    if (!PROTOCOLS.includes(protocol)) {
      return fail(
        id,
        `${here}.protocol ${JSON.stringify(entry.protocol)} is not one of ${PROTOCOLS.join(', ')} (the names are upper case).`,
      );
    }
    const { port, endPort } = entry;
    const hasEndPort = endPort !== undefined && endPort !== null;
    if (port === undefined || port === null) {
      if (hasEndPort) return fail(id, `${here} sets endPort without port. Set port to the first port of the range.`);
      numeric = numeric.union(PortSet.of(protocol));
      return undefined;
    }
    if (typeof port === 'string') {
      if (!isServiceName(port)) {
        return fail(
          id,
          `${here}.port ${JSON.stringify(port)} is neither a port number nor a port name (up to 15 lower-case letters, digits and single dashes, with a letter). Write a number without quotes, or the name of a container port.`,
        );
      }
      if (hasEndPort) return fail(id, `${here} sets endPort with the named port ${JSON.stringify(port)}; a range needs a numeric port.`);
      named.set(`${protocol}/${port}`, { protocol, name: port });
      return undefined;
    }
    if (!isPortNumber(port)) return fail(id, `${here}.port ${JSON.stringify(port)} is not a port number from ${MIN_PORT} to ${MAX_PORT}.`);
    if (hasEndPort && (!isPortNumber(endPort) || endPort < port)) {
      return fail(id, `${here}.endPort ${JSON.stringify(endPort)} must be a port number from port (${port}) to ${MAX_PORT}.`);
    }
    numeric = numeric.union(PortSet.of(protocol, port, hasEndPort ? (endPort as number) : port));
    return undefined;
  });
  return { numeric, named: [...named.values()].sort((a, b) => compareText(a.protocol, b.protocol) || compareText(a.name, b.name)) };
}

function isPortNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= MIN_PORT && value <= MAX_PORT;
}

/** IANA service name, as the API requires of a named port. */
function isServiceName(name: string): boolean {
  return name.length <= 15 && SERVICE_NAME.test(name) && /[a-z]/.test(name) && !name.includes('--');
}
