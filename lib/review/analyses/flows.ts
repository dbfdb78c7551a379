/**
 * The flow computation of the reachability analysis, over workloads numbered 0..n-1 whose
 * policies are already resolved to rules. Kept apart so the cost model is in one place:
 *
 * - a pair where neither side is isolated is never visited (the report lists such
 *   workloads as `open` instead);
 * - for a source with isolated egress, the walk goes over whichever side is smaller: the
 *   destinations its egress allows, or the destinations whose ingress admits it (found
 *   through an index built once per policy rule);
 * - for a source with open egress, only the ingress rules of isolated destinations are
 *   walked, with each rule's open-egress sources computed once.
 *
 * So the cost follows the policies' matched pods and the flows found, not n².
 */
import { IpBlockPeer, PolicyRule } from './network-policy';
import { PortSet } from './port-set';
import { Labels } from './selectors';

/** One workload, as the analysis sees it: its pods share a template, hence labels, ports and policies. */
export interface Workload {
  readonly id: string;
  readonly namespace: string;
  readonly kind: string;
  readonly name: string;
  readonly labels: Labels;
  /** `<protocol>/<name>` of each named container port → its port numbers. */
  readonly namedPorts: ReadonlyMap<string, readonly number[]>;
  readonly hostNetwork: boolean;
}

/** A policy rule with its peers resolved to workload numbers, once per policy. */
export interface CompiledRule {
  /** A rule without `from`/`to`: every pod and every address. */
  readonly anyPeer: boolean;
  readonly pods: ReadonlySet<number>;
  readonly ipBlocks: readonly IpBlockPeer[];
  readonly rule: PolicyRule;
}

/** The isolation of each workload and the rules that apply: `undefined` means not isolated. */
export interface Isolation {
  readonly ingress: readonly (readonly CompiledRule[] | undefined)[];
  readonly egress: readonly (readonly CompiledRule[] | undefined)[];
  /** Workloads with the same key are selected by the same egress policies, so have the same egress rules. */
  readonly egressKey: readonly string[];
  /** Each ingress rule of each policy, with the workloads the policy selects. */
  readonly grants: readonly IngressGrant[];
}

/** An ingress rule and the destinations it applies to. */
export interface IngressGrant {
  readonly selected: readonly number[];
  readonly rule: CompiledRule;
}

/** An allowed flow between two workload numbers. */
export interface Flow {
  readonly from: number;
  readonly to: number;
  readonly ports: PortSet;
}

/** The rule's ports toward one destination: its numeric ports plus the named ports that pod has. */
export function resolvePorts(rule: PolicyRule, destination: Workload): PortSet {
  let ports = rule.ports.numeric;
  for (const { protocol, name } of rule.ports.named) {
    for (const port of destination.namedPorts.get(`${protocol}/${name}`) ?? []) ports = ports.union(PortSet.of(protocol, port));
  }
  return ports;
}

/** Egress of one source, split so "every pod" is never materialized. */
interface EgressSide {
  /** Destinations named by rules with peers, with their ports. */
  readonly listed: ReadonlyMap<number, PortSet>;
  /** Rules without peers: they allow every destination (on their ports). */
  readonly toAnyone: readonly CompiledRule[];
}

/** Every pair with at least one isolated side and at least one allowed port, sorted by source then destination. */
export function computeFlows(pods: readonly Workload[], isolation: Isolation): Flow[] {
  const { ingress, egress } = isolation;
  const n = pods.length;
  const portsToward = (rule: CompiledRule, destination: number) => resolvePorts(rule.rule, pods[destination]);
  const openIngress: number[] = [];
  const openEgress: number[] = [];
  for (let i = 0; i < n; i++) {
    if (!ingress[i]) openIngress.push(i);
    if (!egress[i]) openEgress.push(i);
  }

  // Ingress inverted once per policy rule: the grants admitting each source by name, and those admitting anyone.
  const grantsFor: IngressGrant[][] = pods.map(() => []);
  const grantsForAnyone: IngressGrant[] = [];
  for (const grant of isolation.grants) {
    if (grant.rule.anyPeer) grantsForAnyone.push(grant);
    else for (const source of grant.rule.pods) grantsFor[source].push(grant);
  }
  const sizeOf = (grants: readonly IngressGrant[]) => grants.reduce((sum, g) => sum + g.selected.length, 0);
  const admittingAnyone = openIngress.length + sizeOf(grantsForAnyone);

  const ingressFrom = (destination: number, source: number): PortSet => {
    const rules = ingress[destination];
    if (!rules) return PortSet.ALL;
    let allowed = PortSet.NONE;
    for (const rule of rules) {
      if (rule.anyPeer || rule.pods.has(source)) allowed = allowed.union(portsToward(rule, destination));
    }
    return allowed;
  };

  const flows: Flow[] = [];
  const add = (from: number, to: number, ports: PortSet) => {
    if (!ports.isEmpty()) flows.push({ from, to, ports });
  };

  // Sources with isolated egress.
  const sides = new Map<string, EgressSide>();
  for (let source = 0; source < n; source++) {
    const rules = egress[source];
    if (!rules) continue;
    let side = sides.get(isolation.egressKey[source]);
    if (!side) sides.set(isolation.egressKey[source], (side = egressSide(rules, portsToward)));
    const { listed, toAnyone } = side;
    const out = (destination: number): PortSet => {
      let ports = listed.get(destination) ?? PortSet.NONE;
      for (const rule of toAnyone) ports = ports.union(portsToward(rule, destination));
      return ports;
    };
    const egressSize = toAnyone.length > 0 ? n : listed.size;
    const ingressSize = admittingAnyone + sizeOf(grantsFor[source]);
    if (egressSize <= ingressSize) {
      // Walk what the egress allows and ask each destination's ingress.
      const destinations = toAnyone.length > 0 ? Array.from({ length: n }, (_, i) => i) : listed.keys();
      for (const destination of destinations) {
        const ports = out(destination);
        if (!ports.isEmpty()) add(source, destination, ports.intersect(ingressFrom(destination, source)));
      }
    } else {
      // Walk the destinations whose ingress admits this source and ask the egress.
      const admitted = new Map<number, PortSet>();
      for (const grant of [...grantsForAnyone, ...grantsFor[source]]) {
        for (const destination of grant.selected) {
          if (toAnyone.length === 0 && !listed.has(destination)) continue;
          admitted.set(destination, (admitted.get(destination) ?? PortSet.NONE).union(portsToward(grant.rule, destination)));
        }
      }
      for (const destination of openIngress) {
        if (toAnyone.length > 0 || listed.has(destination)) admitted.set(destination, PortSet.ALL);
      }
      for (const [destination, ports] of admitted) add(source, destination, ports.intersect(out(destination)));
    }
  }

  // Sources with open egress toward destinations with isolated ingress: each rule's open sources, once.
  const openSources = new Map<CompiledRule, readonly number[]>();
  const openSourcesOf = (rule: CompiledRule): readonly number[] => {
    let sources = openSources.get(rule);
    if (!sources) openSources.set(rule, (sources = rule.anyPeer ? openEgress : [...rule.pods].filter((s) => !egress[s])));
    return sources;
  };
  for (let destination = 0; destination < n; destination++) {
    const rules = ingress[destination];
    if (!rules) continue;
    const allowed = new Map<number, PortSet>();
    for (const rule of rules) {
      const ports = portsToward(rule, destination);
      if (ports.isEmpty()) continue;
      for (const source of openSourcesOf(rule)) allowed.set(source, (allowed.get(source) ?? PortSet.NONE).union(ports));
    }
    for (const [source, ports] of allowed) add(source, destination, ports);
  }

  return flows.sort((a, b) => a.from - b.from || a.to - b.to);
}

function egressSide(rules: readonly CompiledRule[], portsToward: (rule: CompiledRule, destination: number) => PortSet): EgressSide {
  const listed = new Map<number, PortSet>();
  const toAnyone: CompiledRule[] = [];
  for (const rule of rules) {
    if (rule.anyPeer) {
      toAnyone.push(rule);
      continue;
    }
    for (const destination of rule.pods) {
      listed.set(destination, (listed.get(destination) ?? PortSet.NONE).union(portsToward(rule, destination)));
    }
  }
  return { listed, toAnyone };
}
