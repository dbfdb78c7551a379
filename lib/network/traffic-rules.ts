import { k8s } from 'cdk8s-plus-27';
import { Lazy } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { AddressSet } from '../core/address-set';
import { Cidr, cidrContains, effectiveCidr, formatCidr, InvalidCidrError, isStrictSubset, parseCidr } from '../core/cidr';
import { METADATA_BLOCKS, metadataReached, PUBLIC_ADDRESSES } from '../policy/special-addresses';
import { ExceptionPolicy } from '../policy/exception-policy';
import { HardeningError } from '../core/hardening-error';
import { hasNamespaceScope, inTree, isAttached, registerInTree } from '../core/namespace-scope';
import { compareText } from '../core/compare-text';
import { requireDns1123Label } from '../core/names';

/** Transport protocols a NetworkPolicy can name. */
export enum NetworkProtocol {
  TCP = 'TCP',
  UDP = 'UDP',
  SCTP = 'SCTP',
}

/** A port (or range of ports) a rule opens. */
export interface TrafficPort {
  /** The port number (the first of the range when `endPort` is set). */
  readonly port: number;

  /**
   * @default NetworkProtocol.TCP
   */
  readonly protocol?: NetworkProtocol;

  /**
   * Last port of a range that starts at `port`.
   *
   * @default - only `port`
   */
  readonly endPort?: number;
}

/** A port a workload's containers expose. */
export interface ExposedPort {
  readonly port: number;
  readonly protocol: string;
  readonly name?: string;
}

/** What traffic rules need to know of a workload (implemented by `HardenedWorkload`). */
export interface ITrafficEndpoint extends IConstruct {
  readonly name: string;
  readonly namespace: string;
  readonly selectorLabels: { [key: string]: string };
  /** Every label of the workload's pods (a superset of `selectorLabels`). */
  readonly podLabels: { [key: string]: string };
  readonly exposedPorts: ExposedPort[];
}

/** The cloud instance metadata address (AWS, GCP, Azure, Oracle, DigitalOcean, OpenStack): node credentials live behind it. */
export const CLOUD_METADATA_ADDRESS = '169.254.169.254';
/** Every block where a cloud serves metadata or node credentials, in both families (see the review's `METADATA_BLOCKS`). */
const METADATA = METADATA_BLOCKS.map((m) => ({ ...m, block: parseCidr(m.cidr) }));

/** The label Kubernetes sets on every namespace with its name. */
const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

type Peer = k8s.NetworkPolicyPeer;
interface RuleEntry {
  readonly peer: Peer;
  readonly ports: Map<string, TrafficPort>;
}

/**
 * The NetworkPolicy of one workload, `<workload>-traffic`, created on the first rule and
 * rendered lazily so rules added later still reach the YAML. It isolates only the directions
 * that have rules (the namespace's default deny covers the others). Every rule is the
 * narrowest one that expresses it: the workload's own pod selector, explicit ports and
 * protocols, and never an empty peer (which would mean "everyone").
 *
 * One policy per workload rather than one per direction: a reader finds everything a
 * workload may send and receive in one object, and the cluster (and every synth and review)
 * handles half as many NetworkPolicies.
 */
export class TrafficRules {
  private readonly ingress = new Map<string, RuleEntry>();
  private readonly egress = new Map<string, RuleEntry>();
  /** The ingress blocks allowed so far, to see when together they admit the whole internet. */
  private readonly ingressBlocks: Cidr[] = [];

  constructor(
    private readonly owner: ITrafficEndpoint & Construct,
    private readonly exceptions: ExceptionPolicy,
    private readonly annotate: (policy: k8s.KubeNetworkPolicy) => void,
  ) {}

  /** Lets pods of `source` open connections to this workload on `port`. */
  public allowFromWorkload(source: ITrafficEndpoint, port: TrafficPort, field: string): void {
    this.requireExposed(port, field);
    requireHardenedNamespaces(this.owner, field, [source, this.owner]);
    this.addIngress(workloadPeer(source, this.owner.namespace), port);
  }

  /** Lets this workload open connections to `destination` on `port` (its egress side; the port was checked on the ingress side). */
  public allowToWorkload(destination: ITrafficEndpoint, port: TrafficPort): void {
    this.addEgress(workloadPeer(destination, this.owner.namespace), port);
  }

  /** Lets pods matching `podLabels` in `namespace` connect to this workload. */
  public allowFromPods(namespace: string, podLabels: { [key: string]: string }, port: TrafficPort, field: string): void {
    requireDns1123Label(this.owner, `${field}.namespace`, namespace);
    if (Object.keys(podLabels).length === 0) {
      throw new HardeningError(
        this.owner,
        `'${field}.podLabels' is empty, which would match every pod in '${namespace}'. Name the labels of the pods that may connect.`,
      );
    }
    this.requireExposed(port, field);
    requireSelectorMatches(this.owner, field, namespace, podLabels);
    this.addIngress(
      {
        namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: namespace } },
        podSelector: { matchLabels: { ...podLabels } },
      },
      port,
    );
  }

  /**
   * Lets addresses in `cidr` (outside the cluster) connect to this workload. A block that,
   * alone or with the blocks allowed before it, covers every public address of its family
   * (`0.0.0.0/0`, or `0.0.0.0/1` after `128.0.0.0/1`) needs `network-ingress-from-anywhere`:
   * `except` blocks do not narrow it (a deny list still admits the internet).
   */
  public allowFromCidr(cidr: string, except: readonly string[], port: TrafficPort, field: string): void {
    const block = this.parse(`${field}.cidr`, cidr);
    const family = block.family;
    const before = AddressSet.of(family, this.ingressBlocks);
    const alone = AddressSet.of(family, [block]);
    if (!before.containsAll(PUBLIC_ADDRESSES[family]) && before.union(alone).containsAll(PUBLIC_ADDRESSES[family])) {
      const earlier = this.ingressBlocks
        .filter((b) => b.family === family)
        .map((b) => `'${formatCidr(b)}'`)
        .join(', ');
      const why = alone.containsAll(PUBLIC_ADDRESSES[family])
        ? `'${cidr}' lets the whole internet connect.`
        : `'${cidr}' and the blocks allowed before it (${earlier}) cover every public IPv${family} address, so together they let the whole internet connect.`;
      // The value the review's finding names: the whole family.
      this.exceptions.require(
        'network-ingress-from-anywhere',
        `${field}.cidr`,
        why,
        'Allow the load balancer or ingress controller instead, or the CIDRs of your clients.',
        family === 4 ? '0.0.0.0/0' : '::/0',
      );
    }
    this.requireExposed(port, field);
    this.addIngress({ ipBlock: this.ipBlock(field, cidr, block, except) }, port);
    this.ingressBlocks.push(block);
  }

  /**
   * Lets this workload connect to addresses in `cidr`. Unless `network-egress-metadata` is
   * excepted, the metadata blocks of every cloud it contains (169.254.0.0/16, 100.100.100.200,
   * fd00:ec2::254, fe80::/10, ...) are added to its except list, and a block inside one of them
   * is refused.
   */
  public allowEgressToCidr(cidr: string, except: readonly string[], port: TrafficPort, field: string): void {
    validatePort(this.owner, field, port);
    const block = this.parse(`${field}.cidr`, cidr);
    const excepts = except.map((e, i) => this.parse(`${field}.except[${i}]`, e));
    const exceptAll = [...except];
    if (this.exceptions.allows('network-egress-metadata')) {
      // Excepted: record each metadata address reached, as the review's findings name them,
      // so the exception accepts these and not one a later change reaches.
      for (const { name } of metadataReached(block, excepts)) {
        this.exceptions.require('network-egress-metadata', `${field}.cidr`, `'${cidr}' reaches ${name}.`, 'Add it to except.', name);
      }
    } else {
      const reach = AddressSet.of(block.family, [block]).minus(AddressSet.of(block.family, excepts));
      const reached = METADATA.filter((m) => reach.intersects(AddressSet.of(block.family, [m.block])));
      // The widest blocks reached: excepting 169.254.0.0/16 also excepts 169.254.169.254.
      for (const m of reached.filter((m) => !reached.some((o) => o !== m && cidrContains(o.block, m.block)))) {
        if (cidrContains(m.block, block)) {
          this.exceptions.require(
            'network-egress-metadata',
            `${field}.cidr`,
            `'${cidr}' lies inside ${m.cidr}, ${m.what}.`,
            'Name the destination outside the link-local and metadata addresses.',
          );
        } else {
          exceptAll.push(m.cidr);
        }
      }
    }
    this.addEgress({ ipBlock: this.ipBlock(field, cidr, block, exceptAll) }, port);
  }

  private parse(field: string, cidr: string): Cidr {
    let block: Cidr;
    try {
      block = parseCidr(cidr);
    } catch (e) {
      if (!(e instanceof InvalidCidrError)) throw e;
      throw new HardeningError(
        this.owner,
        `'${field}': '${cidr}' is not a valid CIDR block: ${e.message}. Write it like '10.0.0.0/8' or '2001:db8::/32'.`,
      );
    }
    const spelled = effectiveCidr(block);
    if (spelled !== block) {
      // The API server's strict validation refuses them, and network plugins read them as IPv4.
      throw new HardeningError(
        this.owner,
        `'${field}': '${cidr}' is an IPv4-mapped IPv6 block, which the API server refuses. Write the IPv4 block '${formatCidr(spelled)}'.`,
      );
    }
    return block;
  }

  private ipBlock(field: string, cidr: string, block: Cidr, except: readonly string[]): k8s.IpBlock {
    except.forEach((e, i) => {
      const inner = this.parse(`${field}.except[${i}]`, e);
      if (!isStrictSubset(block, inner)) {
        throw new HardeningError(this.owner, `'${field}.except[${i}]': '${e}' must lie strictly inside '${cidr}'.`);
      }
    });
    return except.length ? { cidr, except: [...new Set(except)].sort() } : { cidr };
  }

  private requireExposed(port: TrafficPort, field: string): void {
    validatePort(this.owner, field, port);
    const protocol = port.protocol ?? NetworkProtocol.TCP;
    const last = port.endPort ?? port.port;
    const exposed = this.owner.exposedPorts;
    const covered = exposed.some((p) => p.protocol === protocol && p.port >= port.port && p.port <= last);
    if (!covered) {
      const list = exposed.length ? exposed.map((p) => `${p.protocol} ${p.port}`).join(', ') : 'no port';
      throw new HardeningError(
        this.owner,
        `'${field}.port': ${protocol} ${port.port} is not exposed by '${this.owner.name}', which exposes ${list}. Use one of its ports, or expose the port on a container.`,
      );
    }
  }

  private addIngress(peer: Peer, port: TrafficPort): void {
    this.createPolicy();
    addRule(this.ingress, peer, port);
  }

  private addEgress(peer: Peer, port: TrafficPort): void {
    this.createPolicy();
    addRule(this.egress, peer, port);
  }

  /** Creates the policy before the first rule is added (so it exists exactly when a rule does). */
  private createPolicy(): void {
    if (this.ingress.size > 0 || this.egress.size > 0) return;
    const policy = new k8s.KubeNetworkPolicy(this.owner, 'TrafficPolicy', {
      metadata: { name: `${this.owner.name}-traffic`, namespace: this.owner.namespace, labels: { ...this.owner.selectorLabels } },
      spec: Lazy.any({
        produce: () => ({
          podSelector: { matchLabels: { ...this.owner.selectorLabels } },
          policyTypes: [...(this.ingress.size ? ['Ingress'] : []), ...(this.egress.size ? ['Egress'] : [])],
          ...(this.ingress.size ? { ingress: renderRules(this.ingress).map((r) => ({ from: [r.peer], ports: r.ports })) } : {}),
          ...(this.egress.size ? { egress: renderRules(this.egress).map((r) => ({ to: [r.peer], ports: r.ports })) } : {}),
        }),
      }),
    });
    this.annotate(policy);
  }
}

function workloadPeer(peer: ITrafficEndpoint, policyNamespace: string): Peer {
  const podSelector = { matchLabels: { ...peer.selectorLabels } };
  // Same namespace: a pod selector alone. Another namespace: both selectors in ONE peer,
  // which means AND (as two peers they would open the whole namespace).
  return peer.namespace === policyNamespace
    ? { podSelector }
    : { namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: peer.namespace } }, podSelector };
}

function portKey(port: TrafficPort): string {
  return `${port.protocol ?? NetworkProtocol.TCP}/${port.port}-${port.endPort ?? port.port}`;
}

function addRule(rules: Map<string, RuleEntry>, peer: Peer, port: TrafficPort): void {
  const key = JSON.stringify(peer);
  const entry = rules.get(key) ?? { peer, ports: new Map() };
  entry.ports.set(portKey(port), port);
  rules.set(key, entry);
}

/** Rules in a stable order (by peer, ports by protocol and number), for deterministic YAML. */
function renderRules(rules: Map<string, RuleEntry>): Array<{ peer: Peer; ports: k8s.NetworkPolicyPort[] }> {
  return [...rules.entries()]
    .sort(([a], [b]) => compareText(a, b))
    .map(([, entry]) => ({
      peer: entry.peer,
      ports: [...entry.ports.values()]
        .sort(
          (a, b) =>
            compareText(a.protocol ?? 'TCP', b.protocol ?? 'TCP') || a.port - b.port || (a.endPort ?? a.port) - (b.endPort ?? b.port),
        )
        .map((p) => ({
          protocol: p.protocol ?? NetworkProtocol.TCP,
          port: k8s.IntOrString.fromNumber(p.port),
          ...(p.endPort !== undefined ? { endPort: p.endPort } : {}),
        })),
    }));
}

function validatePort(scope: IConstruct, field: string, port: TrafficPort): void {
  const valid = (n: number) => Number.isInteger(n) && n >= 1 && n <= 65535;
  if (!valid(port.port)) {
    throw new HardeningError(scope, `'${field}.port' must be a port number from 1 to 65535 (got ${port.port}).`);
  }
  if (port.endPort !== undefined && (!valid(port.endPort) || port.endPort < port.port)) {
    throw new HardeningError(scope, `'${field}.endPort' must be a port number from ${port.port} to 65535 (got ${port.endPort}).`);
  }
}

/** Both ends of a rule between workloads must live in a HardenedNamespace of this app (checked at synth). */
function requireHardenedNamespaces(owner: Construct, field: string, ends: ITrafficEndpoint[]): void {
  owner.node.addValidation({
    validate: () => {
      return ends
        .filter((end) => !hasNamespaceScope(owner, end.namespace))
        .map(
          (end) =>
            `'${field}': workload '${end.name}' is in namespace '${end.namespace}', which has no HardenedNamespace in this app, so nothing denies the traffic this rule is meant to narrow. Create it with new HardenedNamespace(app, '${end.namespace}') and build the workload inside it.`,
        );
    },
  });
}

const TRAFFIC_ENDPOINT = Symbol.for('cdk8s-hardened.TrafficEndpoint');

/** The traffic endpoints of each construct tree, by its root, so selector checks need no walk of the whole tree. */
const endpointsByRoot = new WeakMap<IConstruct, ITrafficEndpoint[]>();

/** Marks a construct as a workload that traffic rules can select. */
export function markTrafficEndpoint(endpoint: ITrafficEndpoint): void {
  Object.defineProperty(endpoint, TRAFFIC_ENDPOINT, { value: true });
  registerInTree(endpointsByRoot, endpoint);
}

/**
 * A selector into one of this app's hardened namespaces must match one of its workloads
 * (checked at synth, when every workload exists). Namespaces outside the app, such as an
 * ingress controller's, cannot be checked.
 */
function requireSelectorMatches(owner: Construct, field: string, namespace: string, podLabels: { [key: string]: string }): void {
  owner.node.addValidation({
    validate: () => {
      if (!hasNamespaceScope(owner, namespace)) return [];
      const matches = inTree(endpointsByRoot, owner).some(
        (w) => w.namespace === namespace && Object.entries(podLabels).every(([k, v]) => w.podLabels[k] === v) && isAttached(w),
      );
      return matches
        ? []
        : [
            `'${field}.podLabels' ${JSON.stringify(podLabels)} matches no workload in namespace '${namespace}'. Use the selectorLabels of the workload that should connect.`,
          ];
    },
  });
}
