/**
 * Reachability: which workloads of an app can open connections to which others, on which
 * ports, under the app's NetworkPolicies; and what each may reach outside the cluster or be
 * reached from. It reads plain objects (parsed manifests), like the rest of the review.
 *
 * @see https://kubernetes.io/docs/concepts/services-networking/network-policies/
 */
import { KubeObject, ReviewContext } from '../model';
import {
  eachContainer,
  isRecord,
  list,
  POD_TEMPLATE_LOCATIONS,
  PodSpecView,
  podSpecsOf,
  PodTemplateKind,
  podTemplateKindOf,
} from '../walkers';
import { Cidr, cidrContainsAddress, compareCidrs, formatCidr, parseAddress, parseCidr } from '../../core/cidr';
import { CompiledRule, computeFlows, IngressGrant, resolvePorts, Workload } from './flows';
import {
  IpBlockPeer,
  isNetworkPolicy,
  namespaceOf,
  NETWORK_POLICY_API_VERSION,
  ParsedPolicy,
  parseNetworkPolicy,
  PodPeer,
  PolicyRule,
  ReachabilityError,
} from './network-policy';
import { PortSet, Protocol, PROTOCOLS } from './port-set';
import { compareText, EVERYTHING, LabelIndex, Labels, readLabels, Requirement, Selector, selectorMatches } from './selectors';

/** One workload: its pods share a template, so they share labels, ports and policies. */
export interface ReachabilityWorkload {
  /** `<namespace>/<kind>/<name>`; for a kind with one template per role (a Kubeflow job), the name is `<name>/<role>`. */
  readonly id: string;
  readonly namespace: string;
  readonly kind: string;
  readonly name: string;
  /** Whether some NetworkPolicy isolates its pods for that direction (only allowed traffic passes). */
  readonly isolated: { readonly ingress: boolean; readonly egress: boolean };
  /** `<namespace>/<name>` of every NetworkPolicy selecting its pods, sorted. */
  readonly policies: readonly string[];
}

/** Traffic one workload can open toward another: allowed by the source's egress AND the destination's ingress. */
export interface ReachabilityFlow {
  /** Source workload id. */
  readonly from: string;
  /** Destination workload id (may equal `from`: one replica to another). */
  readonly to: string;
  /** Destination ports: `TCP 8080`, `TCP 8000-8100`, `UDP all`, or the single entry `all`. */
  readonly ports: readonly string[];
}

/** Addresses outside the app allowed by one or more rules, with the ports they allow. */
export interface ExternalPeer {
  /** A canonical CIDR block, or `any` (every address: a rule without peers, or a direction that is not isolated). */
  readonly cidr: string;
  /** Blocks inside `cidr` the rule excludes, canonical and sorted. */
  readonly except: readonly string[];
  readonly ports: readonly string[];
}

/** What one workload may reach outside the app, and be reached from. Only workloads with some entry are listed. */
export interface ExternalAccess {
  readonly workload: string;
  /** Destinations outside the cluster; ports given by name are left out (an address has no named ports). */
  readonly egress: readonly ExternalPeer[];
  /** Sources outside the cluster; named ports are resolved against this workload's container ports. */
  readonly ingress: readonly ExternalPeer[];
}

/**
 * Pods outside the analysed objects that a rule names: their namespace is not in the output
 * (an ingress controller's, kube-system's DNS), so they are not workloads of the report, but
 * the traffic is allowed all the same.
 */
export interface OutsidePeer {
  /** The namespaces, by name (`ingress-nginx`), or `any namespace with <selector>` when chosen by labels. */
  readonly namespaces: string;
  /** The pods, as a kubectl label selector (`app.kubernetes.io/name=ingress-nginx`), or `any pod`. */
  readonly pods: string;
  /** Numeric ports as in flows; a port given by name toward such pods as `TCP port "dns"`. */
  readonly ports: readonly string[];
}

/** What one workload may reach in namespaces outside the output, and be reached from. Only workloads with some entry are listed. */
export interface OutsideAccess {
  readonly workload: string;
  readonly egress: readonly OutsidePeer[];
  readonly ingress: readonly OutsidePeer[];
}

/**
 * A way connections from outside the cluster reach pods without an ipBlock rule: a
 * LoadBalancer or NodePort Service, a Service's `externalIPs`, a pod on the host network, a
 * container's `hostPort`. The pods' NetworkPolicies still apply to what arrives through a
 * Service or a host port (with the client's or the node's address as source, depending on
 * the plugin and `externalTrafficPolicy`); they mostly do not apply to host-network pods.
 */
export interface EntryPoint {
  /** What accepts the connections: `LoadBalancer Service shop/web`, `externalIPs 203.0.113.7 of Service shop/web`, `hostNetwork`, `hostPort`. */
  readonly via: string;
  /** The workloads whose pods receive them: those the Service selects in the output, or the workload itself. */
  readonly workloads: readonly string[];
  /** `TCP 443`; for a NodePort, the node port when given (`TCP 30080`), else the Service port with `(node port allocated)`. */
  readonly ports: readonly string[];
}

/**
 * The result of `analyzeReachability`, deterministic and sorted (ids in code-unit order).
 *
 * To stay linear in size for apps with thousands of workloads, pairs where NEITHER side is
 * isolated are not listed: every workload in `open.egress` reaches every workload in
 * `open.ingress` on all ports. `flows` lists every other pair that has at least one allowed
 * port (a pair appears in at most one of the two forms). `portsBetween` answers for any pair.
 */
export interface ReachabilityReport {
  /** Every workload, sorted by id. */
  readonly workloads: readonly ReachabilityWorkload[];
  /** Every NetworkPolicy analysed, `<namespace>/<name>`, sorted. */
  readonly policies: readonly string[];
  /** Workloads not isolated for ingress (any source may connect) and for egress (may connect anywhere). */
  readonly open: { readonly ingress: readonly string[]; readonly egress: readonly string[] };
  /** Pairs with at least one isolated side and at least one allowed port, sorted by source then destination. */
  readonly flows: readonly ReachabilityFlow[];
  /** Traffic to and from outside the cluster, per workload, sorted by workload. */
  readonly external: readonly ExternalAccess[];
  /** Traffic to and from pods in namespaces outside the output, per workload, sorted by workload. */
  readonly outside: readonly OutsideAccess[];
  /** Ways in from outside the cluster other than ipBlock rules, sorted by `via`. */
  readonly entryPoints: readonly EntryPoint[];
  /** Things that limit what the report can promise, one sentence each, sorted. */
  readonly warnings: readonly string[];
}

/**
 * The kinds analysed as workloads, by API group and kind: every kind the review finds pods
 * in (`POD_TEMPLATE_LOCATIONS`: the built-in workloads, Argo Rollouts, Knative, OpenKruise,
 * KEDA, Kubeflow, ...) except PodTemplate, which runs no pod.
 */
export const REACHABILITY_WORKLOAD_KINDS: readonly PodTemplateKind[] = POD_TEMPLATE_LOCATIONS.filter(
  (l) => !(l.group === '' && l.kind === 'PodTemplate'),
);

const REACHABILITY_KINDS: ReadonlySet<PodTemplateKind> = new Set(REACHABILITY_WORKLOAD_KINDS);

/** The label Kubernetes sets on every namespace, to its name. */
const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';
const ANY = 'any';

/**
 * Analyses which workloads can reach which, under the real NetworkPolicy semantics: a pod is
 * isolated for a direction when a policy selecting it has that type; policies add up;
 * traffic needs the source's egress AND the destination's ingress; a rule without peers
 * matches every peer and one without ports every port; `podSelector` and `namespaceSelector`
 * in one peer are ANDed, in two peers ORed; named ports resolve against the destination
 * pod's container ports (same name and protocol), and match nothing where it has none.
 *
 * Limits, by design:
 * - Only the workloads in `objects` are known. Peers selecting pods elsewhere in the cluster
 *   produce no flow; those in namespaces the objects do not hold are listed per workload
 *   (`outside`), by their selectors.
 * - `ipBlock` peers are reported as external traffic and never matched against pods: pod
 *   IPs are unknown before deployment (and upstream leaves pod-IP matching to the plugin).
 * - Cluster-wide policies (AdminNetworkPolicy, Calico, Cilium) are not read; nor is the
 *   node-local traffic (kubelet probes) that Kubernetes always lets through.
 *
 * Cost: pods are indexed by namespace and label; each policy's selection and each distinct
 * peer (by namespace and selector) is computed once; pairs where neither side is isolated
 * are never visited, and the other pairs are walked from the smaller side (see `flows.ts`),
 * so the work follows the workloads, the pods the policies match, and the flows found.
 *
 * @param context the review context of `objects`, whose walk of the pods is reused
 * @throws ReachabilityError for a NetworkPolicy the API server would refuse (a bad CIDR, an
 *   `except` outside its `cidr`, an unknown protocol or operator, ...), naming the policy.
 */
export function analyzeReachability(objects: readonly KubeObject[], context?: ReviewContext): ReachabilityReport {
  const pods = collectWorkloads(objects, context);
  const policies = collectPolicies(objects);
  const namespaces = collectNamespaces(objects, pods, policies);
  const selection = new Selection(pods, namespaces);
  const n = pods.length;
  // undefined: the direction is not isolated. [] : isolated, nothing allowed.
  const ingress: (CompiledRule[] | undefined)[] = new Array(n).fill(undefined);
  const egress: (CompiledRule[] | undefined)[] = new Array(n).fill(undefined);
  const egressKey: string[] = new Array(n).fill('');
  const grants: IngressGrant[] = [];
  const policiesOf: string[][] = pods.map(() => []);
  const outsideIngress: OutsideRule[][] = pods.map(() => []);
  const outsideEgress: OutsideRule[][] = pods.map(() => []);

  for (const policy of policies) {
    const selected = selection.podsIn(policy.namespace, policy.podSelector);
    if (selected.length === 0) continue;
    const compile = (rules: readonly PolicyRule[] | undefined) => rules?.map((rule) => compileRule(rule, policy.namespace, selection));
    const ingressRules = compile(policy.ingress);
    const egressRules = compile(policy.egress);
    for (const rule of ingressRules ?? []) grants.push({ selected, rule });
    const outsideIn = outsideRulesOf(policy.ingress, namespaces);
    const outsideOut = outsideRulesOf(policy.egress, namespaces);
    for (const i of selected) {
      outsideIngress[i].push(...outsideIn);
      outsideEgress[i].push(...outsideOut);
      policiesOf[i].push(policy.id);
      if (ingressRules) (ingress[i] ??= []).push(...ingressRules);
      if (egressRules) {
        (egress[i] ??= []).push(...egressRules);
        egressKey[i] += `${policy.id}\u0000`;
      }
    }
  }
  const flows = computeFlows(pods, { ingress, egress, egressKey, grants });

  return {
    workloads: pods.map((pod, i) => ({
      id: pod.id,
      namespace: pod.namespace,
      kind: pod.kind,
      name: pod.name,
      isolated: { ingress: ingress[i] !== undefined, egress: egress[i] !== undefined },
      policies: policiesOf[i],
    })),
    policies: policies.map((p) => p.id),
    open: {
      ingress: pods.filter((_, i) => !ingress[i]).map((p) => p.id),
      egress: pods.filter((_, i) => !egress[i]).map((p) => p.id),
    },
    flows: flows.map((f) => ({ from: pods[f.from].id, to: pods[f.to].id, ports: f.ports.render() })),
    external: pods.flatMap((pod, i) => {
      const out = externalPeers(egress[i], (rule) => rule.rule.ports.numeric);
      const into = externalPeers(ingress[i], (rule) => resolvePorts(rule.rule, pod));
      return out.length || into.length ? [{ workload: pod.id, egress: out, ingress: into }] : [];
    }),
    outside: pods.flatMap((pod, i) => {
      const out = egress[i] ? outsidePeers('egress', outsideEgress[i], pod) : [];
      const into = ingress[i] ? outsidePeers('ingress', outsideIngress[i], pod) : [];
      return out.length || into.length ? [{ workload: pod.id, egress: out, ingress: into }] : [];
    }),
    entryPoints: entryPointsOf(objects, pods, context),
    warnings: warningsFor(objects, pods),
  };
}

/**
 * The ports `from` can open on `to` according to the report (`[]`: none), whichever form the
 * pair takes in it: an explicit flow, or both workloads open.
 */
export function portsBetween(report: ReachabilityReport, from: string, to: string): readonly string[] {
  if (report.open.egress.includes(from) && report.open.ingress.includes(to)) return PortSet.ALL.render();
  return report.flows.find((f) => f.from === from && f.to === to)?.ports ?? [];
}

/**
 * The ports the report allows between a workload and one address outside the cluster
 * (`[]`: none): toward it for `egress`, from it for `ingress`. `except` blocks are honoured.
 */
export function externalPorts(
  report: ReachabilityReport,
  workload: string,
  direction: 'egress' | 'ingress',
  address: string,
): readonly string[] {
  const ip = parseAddress(address);
  const peers = report.external.find((e) => e.workload === workload)?.[direction] ?? [];
  let ports = PortSet.NONE;
  for (const peer of peers) {
    const inside = peer.cidr === ANY || cidrContainsAddress(parseCidr(peer.cidr), ip);
    if (inside && !peer.except.some((block) => cidrContainsAddress(parseCidr(block), ip))) ports = ports.union(PortSet.parse(peer.ports));
  }
  return ports.render();
}

/** Resolves pod selections, caching each distinct (namespace, selector) once. */
class Selection {
  private readonly indexes = new Map<string, LabelIndex>();
  private readonly podsCache = new Map<string, readonly number[]>();
  private readonly namespaceCache = new Map<string, readonly string[]>();
  private readonly peerCache = new Map<string, ReadonlySet<number>>();

  constructor(
    private readonly pods: readonly Workload[],
    private readonly namespaces: ReadonlyMap<string, Labels>,
  ) {
    pods.forEach((pod, i) => {
      let index = this.indexes.get(pod.namespace);
      if (!index) this.indexes.set(pod.namespace, (index = new LabelIndex((id) => this.pods[id].labels)));
      index.add(i);
    });
  }

  /** Indexes of the pods of `namespace` that `selector` matches, ascending. */
  public podsIn(namespace: string, selector: Selector): readonly number[] {
    const key = `${namespace}\u0000${selector.key}`;
    let found = this.podsCache.get(key);
    if (!found) this.podsCache.set(key, (found = this.indexes.get(namespace)?.select(selector) ?? []));
    return found;
  }

  /** The pods a peer matches, for a policy in `namespace`. Peers that mean the same share one result. */
  public peer(namespace: string, peer: PodPeer): ReadonlySet<number> {
    const podSelector = (peer.podSelector ?? EVERYTHING).key;
    // Without a namespaceSelector the peer is relative to the policy's namespace; with one it is not.
    const key = peer.namespaceSelector ? `*\u0000${peer.namespaceSelector.key}\u0000${podSelector}` : `${namespace}\u0000${podSelector}`;
    let found = this.peerCache.get(key);
    if (!found) {
      const namespaces = peer.namespaceSelector ? this.namespacesMatching(peer.namespaceSelector) : [namespace];
      found = new Set(namespaces.flatMap((ns) => this.podsIn(ns, peer.podSelector ?? EVERYTHING)));
      this.peerCache.set(key, found);
    }
    return found;
  }

  private namespacesMatching(selector: Selector): readonly string[] {
    let found = this.namespaceCache.get(selector.key);
    if (!found) {
      found = [...this.namespaces].filter(([, labels]) => selectorMatches(selector, labels)).map(([name]) => name);
      this.namespaceCache.set(selector.key, found);
    }
    return found;
  }
}

function compileRule(rule: PolicyRule, namespace: string, selection: Selection): CompiledRule {
  if (rule.peers === 'any') return { anyPeer: true, pods: new Set(), ipBlocks: [], rule };
  const pods = new Set<number>();
  const ipBlocks: IpBlockPeer[] = [];
  for (const peer of rule.peers) {
    if (peer.type === 'ipBlock') ipBlocks.push(peer);
    else for (const i of selection.peer(namespace, peer)) pods.add(i);
  }
  return { anyPeer: false, pods, ipBlocks, rule };
}

/** External peers of one direction, identical blocks merged; `any` first, then by block. */
function externalPeers(rules: readonly CompiledRule[] | undefined, portsOf: (rule: CompiledRule) => PortSet): ExternalPeer[] {
  if (!rules) return [{ cidr: ANY, except: [], ports: PortSet.ALL.render() }];
  const merged = new Map<string, { cidr?: Cidr; except: readonly Cidr[]; ports: PortSet }>();
  const add = (cidr: Cidr | undefined, except: readonly Cidr[], ports: PortSet) => {
    if (ports.isEmpty()) return;
    const key = [cidr ? formatCidr(cidr) : ANY, ...except.map(formatCidr)].join(' ');
    const entry = merged.get(key);
    merged.set(key, { cidr, except, ports: entry ? entry.ports.union(ports) : ports });
  };
  for (const rule of rules) {
    const ports = portsOf(rule);
    if (rule.anyPeer) add(undefined, [], ports);
    for (const block of rule.ipBlocks) add(block.cidr, block.except, ports);
  }
  return [...merged.values()]
    .sort(
      (a, b) =>
        (a.cidr ? (b.cidr ? compareCidrs(a.cidr, b.cidr) : 1) : b.cidr ? -1 : 0) ||
        compareText(a.except.map(formatCidr).join(' '), b.except.map(formatCidr).join(' ')),
    )
    .map((e) => ({ cidr: e.cidr ? formatCidr(e.cidr) : ANY, except: e.except.map(formatCidr), ports: e.ports.render() }));
}

/** Namespaces outside the output and pods in them, as a rule's peer selects them, and the rule. */
interface OutsideRule {
  readonly namespaces: string;
  readonly pods: string;
  readonly rule: PolicyRule;
}

/**
 * The peers of `rules` that select pods in namespaces outside the output. A peer without a
 * namespaceSelector is in the policy's own namespace, which the output holds. One whose
 * namespaceSelector names namespaces (`kubernetes.io/metadata.name In [...]`) reaches those
 * it names that the output lacks; one that selects by other labels may match any namespace of
 * the cluster that carries them.
 */
function outsideRulesOf(rules: readonly PolicyRule[] | undefined, namespaces: ReadonlyMap<string, Labels>): OutsideRule[] {
  const found: OutsideRule[] = [];
  for (const rule of rules ?? []) {
    if (rule.peers === 'any') continue;
    for (const peer of rule.peers) {
      if (peer.type !== 'pods' || !peer.namespaceSelector) continue;
      const namespacesText = outsideNamespaces(peer.namespaceSelector, namespaces);
      if (namespacesText === undefined) continue;
      const pods = peer.podSelector?.requirements.length ? requirementsText(peer.podSelector.requirements) : 'any pod';
      found.push({ namespaces: namespacesText, pods, rule });
    }
  }
  return found;
}

function outsideNamespaces(selector: Selector, namespaces: ReadonlyMap<string, Labels>): string | undefined {
  const byName = selector.requirements.find((r) => r.key === NAMESPACE_NAME_LABEL && r.operator === 'In');
  if (!byName) return `any namespace with ${selector.requirements.length ? requirementsText(selector.requirements) : 'any labels'}`;
  const missing = byName.values.filter((name) => !namespaces.has(name));
  if (missing.length === 0) return undefined;
  const others = selector.requirements.filter((r) => r !== byName);
  return missing.join(', ') + (others.length ? ` (if labelled ${requirementsText(others)})` : '');
}

/** Selector requirements as kubectl writes them: `a=b,c in (d,e),f,!g`. */
function requirementsText(requirements: readonly Requirement[]): string {
  return requirements
    .map((r) => {
      switch (r.operator) {
        case 'In':
          return r.values.length === 1 ? `${r.key}=${r.values[0]}` : `${r.key} in (${r.values.join(',')})`;
        case 'NotIn':
          return `${r.key} notin (${r.values.join(',')})`;
        case 'Exists':
          return r.key;
        case 'DoesNotExist':
          return `!${r.key}`;
      }
    })
    .join(',');
}

/**
 * One isolated direction's outside peers of workload `pod`, identical ones merged with their
 * ports (a direction that is not isolated has none: `open` already says anything may
 * connect). Ingress ports given by name resolve against the workload's own ports; egress
 * ones, toward pods the output does not hold, are shown by name.
 */
function outsidePeers(direction: 'ingress' | 'egress', rules: readonly OutsideRule[], pod: Workload): OutsidePeer[] {
  const merged = new Map<string, { namespaces: string; pods: string; ports: PortSet; named: Set<string> }>();
  for (const { namespaces, pods, rule } of rules) {
    const key = `${namespaces}\u0000${pods}`;
    let entry = merged.get(key);
    if (!entry) merged.set(key, (entry = { namespaces, pods, ports: PortSet.NONE, named: new Set<string>() }));
    if (direction === 'ingress') {
      entry.ports = entry.ports.union(resolvePorts(rule, pod));
    } else {
      entry.ports = entry.ports.union(rule.ports.numeric);
      for (const { protocol, name } of rule.ports.named) entry.named.add(`${protocol} port "${name}"`);
    }
  }
  return [...merged.values()]
    .filter((e) => !e.ports.isEmpty() || e.named.size > 0)
    .sort((a, b) => compareText(a.namespaces, b.namespaces) || compareText(a.pods, b.pods))
    .map((e) => ({
      namespaces: e.namespaces,
      pods: e.pods,
      ports: [...(e.ports.isEmpty() ? [] : e.ports.render()), ...[...e.named].sort(compareText)],
    }));
}

function collectWorkloads(objects: readonly KubeObject[], context: ReviewContext | undefined): Workload[] {
  const pods: Workload[] = [];
  for (const obj of objects) {
    const location = podTemplateKindOf(obj);
    if (!location || !REACHABILITY_KINDS.has(location)) continue;
    for (const pod of podSpecsOf(obj, context)) pods.push(workloadOf(obj, pod));
  }
  pods.sort((a, b) => compareText(a.id, b.id));
  pods.forEach((pod, i) => {
    if (i > 0 && pods[i - 1].id === pod.id)
      throw new ReachabilityError(`workload ${pod.id} is defined twice; give each object a unique name.`);
  });
  return pods;
}

/** The workload of one pod template; a kind with one template per role names it `<name>/<role>`. */
function workloadOf(obj: KubeObject, pod: PodSpecView): Workload {
  const namespace = namespaceOf(obj);
  const objectName = typeof obj.metadata?.name === 'string' ? obj.metadata.name : '(unnamed)';
  const name = pod.role === undefined ? objectName : `${objectName}/${pod.role}`;
  const namedPorts = new Map<string, number[]>();
  for (const container of eachContainer(obj, pod)) {
    if (container.kind === 'ephemeralContainer') continue;
    for (const port of list<unknown>(container.container.ports)) {
      if (!isRecord(port) || typeof port.name !== 'string' || typeof port.containerPort !== 'number') continue;
      const protocol = (port.protocol ?? 'TCP') as Protocol;
      if (!PROTOCOLS.includes(protocol)) continue;
      const key = `${protocol}/${port.name}`;
      namedPorts.set(key, [...(namedPorts.get(key) ?? []), port.containerPort]);
    }
  }
  return {
    id: `${namespace}/${obj.kind}/${name}`,
    namespace,
    kind: obj.kind,
    name,
    labels: readLabels(pod.metadata.labels),
    namedPorts,
    hostNetwork: pod.spec.hostNetwork === true,
  };
}

function collectPolicies(objects: readonly KubeObject[]): ParsedPolicy[] {
  const policies = objects
    .filter(isNetworkPolicy)
    .map(parseNetworkPolicy)
    .sort((a, b) => compareText(a.id, b.id));
  policies.forEach((policy, i) => {
    if (i > 0 && policies[i - 1].id === policy.id)
      throw new ReachabilityError(`NetworkPolicy ${policy.id} is defined twice; give each policy a unique name.`);
  });
  return policies;
}

/**
 * Every namespace the analysis knows, with its labels: declared Namespaces with theirs, and
 * namespaces only referenced by a workload or policy with none; all get the automatic
 * `kubernetes.io/metadata.name` label (which the API server sets and nobody can override).
 */
function collectNamespaces(
  objects: readonly KubeObject[],
  pods: readonly Workload[],
  policies: readonly ParsedPolicy[],
): ReadonlyMap<string, Labels> {
  const namespaces = new Map<string, Map<string, string>>();
  for (const obj of objects) {
    if (obj.kind !== 'Namespace' || obj.apiVersion !== 'v1' || typeof obj.metadata?.name !== 'string') continue;
    const name = obj.metadata.name;
    if (namespaces.has(name)) throw new ReachabilityError(`Namespace ${name} is defined twice; keep one object.`);
    namespaces.set(name, readLabels(obj.metadata.labels));
  }
  for (const name of [...pods.map((p) => p.namespace), ...policies.map((p) => p.namespace)]) {
    if (!namespaces.has(name)) namespaces.set(name, new Map());
  }
  const names = [...namespaces.keys()].sort(compareText);
  return new Map(names.map((name) => [name, new Map(namespaces.get(name)!).set(NAMESPACE_NAME_LABEL, name)]));
}

/** Services of a type or with addresses that outside clients reach, and pods listening on the node's addresses. */
function entryPointsOf(objects: readonly KubeObject[], pods: readonly Workload[], context: ReviewContext | undefined): EntryPoint[] {
  const found: EntryPoint[] = [];
  for (const obj of objects) {
    if (obj.kind !== 'Service' || obj.apiVersion !== 'v1' || !isRecord(obj.spec)) continue;
    const spec = obj.spec;
    const id = `${namespaceOf(obj)}/${String(obj.metadata?.name ?? '(unnamed)')}`;
    const selector = isRecord(spec.selector) ? Object.entries(spec.selector).map(([k, v]) => [k, String(v)] as const) : [];
    const workloads =
      selector.length === 0
        ? []
        : pods.filter((p) => p.namespace === namespaceOf(obj) && selector.every(([k, v]) => p.labels.get(k) === v)).map((p) => p.id);
    const ports = list<unknown>(spec.ports).filter(isRecord);
    const portText = (nodePort: boolean) =>
      ports.map((p) => {
        const protocol = typeof p.protocol === 'string' ? p.protocol : 'TCP';
        if (!nodePort) return `${protocol} ${String(p.port)}`;
        return typeof p.nodePort === 'number' ? `${protocol} ${p.nodePort}` : `${protocol} ${String(p.port)} (node port allocated)`;
      });
    if (spec.type === 'LoadBalancer') found.push({ via: `LoadBalancer Service ${id}`, workloads, ports: portText(false) });
    if ((spec.type === 'LoadBalancer' && spec.allocateLoadBalancerNodePorts !== false) || spec.type === 'NodePort') {
      found.push({ via: `NodePort of Service ${id}`, workloads, ports: portText(true) });
    }
    const externalIPs = list<unknown>(spec.externalIPs).filter((ip): ip is string => typeof ip === 'string');
    if (externalIPs.length)
      found.push({ via: `externalIPs ${externalIPs.join(', ')} of Service ${id}`, workloads, ports: portText(false) });
  }
  const byId = new Map(pods.map((p) => [p.id, p]));
  for (const obj of objects) {
    const location = podTemplateKindOf(obj);
    if (!location || !REACHABILITY_KINDS.has(location)) continue;
    for (const pod of podSpecsOf(obj, context)) {
      const workload = byId.get(workloadOf(obj, pod).id);
      if (!workload) continue;
      const hostPorts: string[] = [];
      const containerPorts: string[] = [];
      for (const container of eachContainer(obj, pod)) {
        for (const port of list<unknown>(container.container.ports).filter(isRecord)) {
          const protocol = typeof port.protocol === 'string' ? port.protocol : 'TCP';
          if (typeof port.hostPort === 'number' && port.hostPort > 0) hostPorts.push(`${protocol} ${port.hostPort}`);
          if (typeof port.containerPort === 'number') containerPorts.push(`${protocol} ${port.containerPort}`);
        }
      }
      if (workload.hostNetwork)
        found.push({
          via: 'hostNetwork',
          workloads: [workload.id],
          ports: containerPorts.length ? containerPorts : ['any port it listens on'],
        });
      else if (hostPorts.length) found.push({ via: 'hostPort', workloads: [workload.id], ports: hostPorts });
    }
  }
  return found.sort((a, b) => compareText(a.via, b.via) || compareText(a.workloads.join(' '), b.workloads.join(' ')));
}

function warningsFor(objects: readonly KubeObject[], pods: readonly Workload[]): string[] {
  const warnings = pods
    .filter((p) => p.hostNetwork)
    .map(
      (p) =>
        `${p.id} uses hostNetwork: NetworkPolicy behaviour for host-network pods is undefined upstream (most plugins ignore them and treat their traffic as the node's), so its reported isolation may not hold.`,
    );
  for (const obj of objects) {
    if (obj.kind === 'NetworkPolicy' && obj.apiVersion !== NETWORK_POLICY_API_VERSION) {
      warnings.push(
        `${obj.apiVersion} NetworkPolicy ${namespaceOf(obj)}/${String(obj.metadata?.name ?? '(unnamed)')} is not a ${NETWORK_POLICY_API_VERSION} NetworkPolicy and was not analysed.`,
      );
    }
  }
  return warnings.sort(compareText);
}
