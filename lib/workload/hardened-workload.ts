import * as kplus from 'cdk8s-plus-27';
import { k8s } from 'cdk8s-plus-27';
import { ApiObject, JsonPatch, Lazy } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { ExceptionPolicy } from '../policy/exception-policy';
import { recordExceptions, writeExceptions } from '../policy/exception-routing';
import { HardeningException } from '../core/exceptions';
import { HardeningError } from '../core/hardening-error';
import { effectiveNamespace } from '../core/namespace-scope';
import { requireDns1123Label } from '../core/names';
import { checkGrantRules, GrantRule } from '../rbac/grant-rules';
import { bindRole } from '../rbac/role-binding';
import { ExposedPort, ITrafficEndpoint, markTrafficEndpoint, NetworkProtocol, TrafficRules } from '../network/traffic-rules';
import { containerName, hardenContainer, HardenedContainerProps, HardenedContainerSpec, MIN_HIGH_ID } from './hardened-container';

/** The UID/GID of the non-root user in distroless and Chainguard images. */
export const DEFAULT_RUN_AS_ID = 65532;
/** Labels that identify a workload's pods (recommended labels; stable, no hashes). */
const NAME_LABEL = 'app.kubernetes.io/name';
const INSTANCE_LABEL = 'app.kubernetes.io/instance';
const MANAGED_BY_LABEL = 'app.kubernetes.io/managed-by';
export const MANAGED_BY = 'cdk8s-hardened';
const DEFAULT_POOL_TAINT_KEY = 'hardened.cdk8s.io/pool';

/**
 * Pins a sensitive workload to a dedicated node pool, so a container escape lands on nodes
 * that run nothing else.
 */
export interface WorkloadIsolation {
  /** The node pool's name: the value of the node label and taint `taintKey`. */
  readonly nodePool: string;

  /**
   * Key of the node label (used as nodeSelector) and of the `NoSchedule` taint (tolerated).
   *
   * @default 'hardened.cdk8s.io/pool'
   */
  readonly taintKey?: string;

  /**
   * A sandboxed runtime such as gVisor (`gvisor`) or Kata Containers (`kata`).
   *
   * @default - the cluster's default runtime
   */
  readonly runtimeClassName?: string;
}

/** Checks a replica count: a whole number of at least 1. */
export function validateReplicas(scope: Construct, replicas: number): number {
  if (!Number.isInteger(replicas) || replicas < 1) {
    throw new HardeningError(
      scope,
      `'replicas' must be a whole number of at least 1 (got ${replicas}). Use 2 or more: one pod is one outage.`,
    );
  }
  return replicas;
}

/** A port to open between two endpoints. */
export interface AllowTrafficOptions {
  /** Destination port (the first of a range when `endPort` is set). */
  readonly port: number;

  /**
   * @default NetworkProtocol.TCP
   */
  readonly protocol?: NetworkProtocol;

  /**
   * Last port of a range starting at `port`.
   *
   * @default - only `port`
   */
  readonly endPort?: number;
}

/** Traffic from an ingress controller's pods. */
export interface AllowFromIngressControllerOptions extends AllowTrafficOptions {
  /**
   * Namespace of the ingress controller.
   *
   * @default 'ingress-nginx'
   */
  readonly namespace?: string;

  /**
   * Labels of the ingress controller's pods.
   *
   * @default { 'app.kubernetes.io/name': 'ingress-nginx' }
   */
  readonly podLabels?: { [key: string]: string };
}

/** Traffic from pods chosen by labels. */
export interface AllowFromPodsOptions extends AllowTrafficOptions {
  /** Namespace of the pods. */
  readonly namespace: string;
  /** Labels the pods must all have (at least one). */
  readonly podLabels: { [key: string]: string };
}

/** Traffic from or to a block of addresses outside the cluster. */
export interface CidrTrafficOptions extends AllowTrafficOptions {
  /** The block, for example `203.0.113.0/24`. `0.0.0.0/0` for ingress needs an exception. */
  readonly cidr: string;

  /**
   * Blocks inside `cidr` to leave out. For egress, the cloud metadata address is always
   * left out of a block that contains it (unless `network-egress-metadata` is excepted).
   *
   * @default - none
   */
  readonly except?: string[];
}

/** Props shared by every hardened workload kind. */
export interface HardenedWorkloadProps {
  /** The application containers; at least one. */
  readonly containers: HardenedContainerProps[];

  /**
   * Containers run to completion before the application starts, hardened the same way.
   *
   * @default - none
   */
  readonly initContainers?: HardenedContainerProps[];

  /**
   * Name of the workload and of its ServiceAccount, PodDisruptionBudget and pod labels.
   * A DNS-1123 label.
   *
   * @default - the construct id
   */
  readonly name?: string;

  /**
   * Namespace of every object of the workload.
   *
   * @default - the enclosing HardenedNamespace, else the chart's namespace, else 'default'
   */
  readonly namespace?: string;

  /**
   * Extra labels on the workload and its pods.
   *
   * @default - only the recommended app.kubernetes.io labels
   */
  readonly labels?: { [key: string]: string };

  /**
   * UID of every container's processes (containers may override).
   *
   * @default 65532
   */
  readonly runAsUser?: number;

  /**
   * GID of every container's processes (containers may override).
   *
   * @default 65532
   */
  readonly runAsGroup?: number;

  /**
   * Group owning mounted volumes.
   *
   * @default 65532
   */
  readonly fsGroup?: number;

  /**
   * Mount a ServiceAccount token into the pods. Only workloads that call the Kubernetes API
   * need one; `true` needs an exception to `no-service-account-token`.
   *
   * @default false
   */
  readonly automountServiceAccountToken?: boolean;

  /**
   * Run on a dedicated, tainted node pool, optionally in a sandboxed runtime.
   *
   * @default - scheduled on any node
   */
  readonly isolation?: WorkloadIsolation;

  /**
   * Deliberate departures from hardening rules, each with a reason. Recorded on the
   * workload as annotations and reported by the review.
   *
   * @default - none
   */
  readonly exceptions?: HardeningException[];
}

/** What a kind-specific subclass gives cdk8s-plus to create its workload. */
export interface WorkloadPodProps {
  readonly metadata: { name: string; namespace: string; labels: { [key: string]: string } };
  readonly podMetadata: { labels: { [key: string]: string } };
  readonly select: false;
  readonly serviceAccount: kplus.IServiceAccount;
  readonly automountServiceAccountToken: boolean;
  readonly securityContext: kplus.PodSecurityContextProps;
}

/** What a workload kind supplies to `assemble()`: the only parts that differ between kinds. */
export interface WorkloadKind<W extends kplus.Workload> {
  /** Creates the cdk8s-plus object (id `Resource`) from the validated pod props. */
  readonly create: (pod: WorkloadPodProps) => W;
  /** Long-running pods need probes; run-to-completion pods do not. */
  readonly longRunning: boolean;
  /**
   * Above 1, the pods are spread over nodes and zones and get a PodDisruptionBudget.
   *
   * @default - one pod per node or per run: no spread, no budget
   */
  readonly replicas?: number;
}

/**
 * The hardening every workload kind shares: validated props, its own ServiceAccount,
 * hardened pod and containers, stable labels, isolation and recorded exceptions.
 * Subclasses call `assemble()` with what their kind supplies (`WorkloadKind`) and add only
 * what is theirs alone.
 */
export abstract class HardenedWorkload extends Construct implements ITrafficEndpoint {
  /** Name of the workload (and of its ServiceAccount). */
  public readonly name: string;
  /** The namespace every object of the workload is in. */
  public readonly namespace: string;
  /** Labels that select this workload's pods. */
  public readonly selectorLabels: { [key: string]: string };
  /** Every label of the workload's pods. */
  public readonly podLabels: { [key: string]: string };
  /** The ports the workload's containers expose. */
  public readonly exposedPorts: ExposedPort[];
  /** The workload's own ServiceAccount, with token automount off. */
  public readonly serviceAccount: kplus.ServiceAccount;
  /** The exceptions this workload was given. */
  public readonly exceptions: HardeningException[];

  protected readonly policy: ExceptionPolicy;
  private readonly labels: { [key: string]: string };
  private trafficRules?: TrafficRules;
  private workloadObject!: kplus.Workload;
  private grantRules?: k8s.PolicyRule[];
  private grantCount = 0;

  constructor(scope: Construct, id: string, props: HardenedWorkloadProps) {
    super(scope, id);
    requireContainerShapes(this, props);
    this.name = requireDns1123Label(this, 'name', props.name ?? id);
    this.namespace = requireDns1123Label(this, 'namespace', effectiveNamespace(this, props.namespace));
    this.policy = new ExceptionPolicy(this, props.exceptions);
    if (this.namespace === 'default') {
      // One error here rather than three at review (the workload, its ServiceAccount and PDB).
      this.policy.require(
        'no-default-namespace',
        'namespace',
        'the workload would run in the "default" namespace, which enforces no Pod Security and denies no traffic.',
        "Put it in a HardenedNamespace (new HardenedDeployment(new HardenedNamespace(chart, 'shop'), ...)) or a Chart with a namespace.",
        'default',
      );
    }
    this.exceptions = this.policy.list();
    this.selectorLabels = { [INSTANCE_LABEL]: this.name, [NAME_LABEL]: this.name };
    this.labels = { ...props.labels, ...this.selectorLabels, [MANAGED_BY_LABEL]: MANAGED_BY };
    this.podLabels = { ...this.labels };
    this.exposedPorts = exposedPortsOf(props.containers);
    markTrafficEndpoint(this);

    this.serviceAccount = new kplus.ServiceAccount(this, 'ServiceAccount', {
      metadata: this.metadata(),
      automountToken: false,
    });
    this.recordExceptions(this.serviceAccount);
  }

  /** JSON pointer to the pod spec inside the workload object, for JSON patches. */
  protected get podSpecPath(): string {
    return '/spec/template/spec';
  }

  /**
   * The sequence every kind runs: create the cdk8s-plus object with the validated pod props,
   * harden its pod and containers, then spread the replicas and add their disruption budget.
   */
  protected assemble<W extends kplus.Workload>(props: HardenedWorkloadProps, kind: WorkloadKind<W>): W {
    const workload = kind.create(this.podProps(props));
    this.harden(workload, props, kind.longRunning);
    if ((kind.replicas ?? 1) > 1) {
      this.spread(workload);
      this.addDisruptionBudget();
    }
    return workload;
  }

  /**
   * Lets pods of `source` connect to this workload on a port it exposes: an ingress rule on
   * this workload and the matching egress rule on `source`.
   */
  public allowFrom(source: HardenedWorkload, options: AllowTrafficOptions): void {
    const port = trafficPort(options);
    this.traffic.allowFromWorkload(source, port, `allowFrom(${source.name})`);
    source.traffic.allowToWorkload(this, port);
  }

  /** Lets this workload connect to `destination` on a port it exposes (`destination.allowFrom(this)`). */
  public allowTo(destination: HardenedWorkload, options: AllowTrafficOptions): void {
    destination.allowFrom(this, options);
  }

  /** Lets an ingress controller's pods connect to this workload. */
  public allowFromIngressController(options: AllowFromIngressControllerOptions): void {
    this.traffic.allowFromPods(
      options.namespace ?? 'ingress-nginx',
      options.podLabels ?? { 'app.kubernetes.io/name': 'ingress-nginx' },
      trafficPort(options),
      'allowFromIngressController',
    );
  }

  /** Lets pods chosen by labels (in a namespace) connect to this workload. */
  public allowFromPods(options: AllowFromPodsOptions): void {
    this.traffic.allowFromPods(options.namespace, options.podLabels, trafficPort(options), 'allowFromPods');
  }

  /** Lets addresses outside the cluster connect to this workload. */
  public allowFromCidr(options: CidrTrafficOptions): void {
    this.traffic.allowFromCidr(options.cidr, options.except ?? [], trafficPort(options), 'allowFromCidr');
  }

  /** Lets this workload connect to addresses outside the cluster. */
  public allowEgressTo(options: CidrTrafficOptions): void {
    this.traffic.allowEgressToCidr(options.cidr, options.except ?? [], trafficPort(options), 'allowEgressTo');
  }

  /**
   * Lets the workload call the Kubernetes API: a Role in its namespace with these rules,
   * bound to its ServiceAccount, and a token mounted into its pods (only this workload's).
   * Wildcards, escalation verbs and exec-like subresources are refused unless excepted.
   */
  public grant(...rules: GrantRule[]): void {
    const field = `grant(#${this.grantCount++})`;
    const checked = checkGrantRules(this, this.policy, field, rules, false);
    if (!this.grantRules) {
      this.grantRules = [];
      this.createGrant(this.grantRules);
    }
    this.grantRules.push(...checked);
  }

  /** The workload's traffic rules, created with its first rule. */
  protected get traffic(): TrafficRules {
    this.trafficRules ??= new TrafficRules(this, this.policy, (policy) => this.recordExceptions(ApiObject.of(policy)));
    return this.trafficRules;
  }

  /** Metadata for an object of this workload: its name, namespace and labels. */
  protected metadata(name: string = this.name): { name: string; namespace: string; labels: { [key: string]: string } } {
    return { name, namespace: this.namespace, labels: { ...this.labels } };
  }

  /** Creates the Role and RoleBinding of `grant()`, rendered lazily, and mounts the token. */
  private createGrant(rules: k8s.PolicyRule[]): void {
    bindRole(this, {
      ids: ['Role', 'RoleBinding'],
      metadata: this.metadata(),
      rules: Lazy.any({ produce: () => rules.map((r) => ({ ...r })) }),
      subjects: [{ kind: 'ServiceAccount', name: this.serviceAccount.name, namespace: this.namespace }],
      exceptions: this.policy,
    });
    const api = ApiObject.of(this.workloadObject);
    api.addJsonPatch(JsonPatch.replace(`${this.podSpecPath}/automountServiceAccountToken`, true));
    if (!this.policy.allows('no-service-account-token')) {
      // The grant is the reason; written for the reviewer, like any exception.
      writeExceptions(api, [
        {
          rule: 'no-service-account-token',
          reason: `calls the Kubernetes API with the permissions of Role ${this.name} (workload.grant)`,
        },
      ]);
    }
  }

  /** Records, on `api`, the exceptions to rules that judge objects of its kind. */
  private recordExceptions(construct: IConstruct): void {
    // The policy, not a copy: the annotations name the values accepted by synth time.
    recordExceptions(construct instanceof ApiObject ? construct : ApiObject.of(construct), this.policy);
  }

  /** Validates the pod-level props and returns what every cdk8s-plus workload is created with. */
  private podProps(props: HardenedWorkloadProps): WorkloadPodProps {
    const runAsUser = props.runAsUser ?? DEFAULT_RUN_AS_ID;
    const runAsGroup = props.runAsGroup ?? DEFAULT_RUN_AS_ID;
    const fsGroup = props.fsGroup ?? DEFAULT_RUN_AS_ID;
    if (!Number.isInteger(fsGroup) || fsGroup < 0) {
      throw new HardeningError(this, `'fsGroup' must be a non-negative integer (got ${fsGroup}). Use 65532.`);
    }
    if (fsGroup <= MIN_HIGH_ID) {
      this.policy.require(
        'high-user-group-ids',
        'fsGroup',
        `GID ${fsGroup} may collide with groups of the host.`,
        'Use 65532 or another ID above 10000.',
      );
    }
    const automount = props.automountServiceAccountToken ?? false;
    if (automount) {
      this.policy.require(
        'no-service-account-token',
        'automountServiceAccountToken',
        'mounts an API token that an attacker in the pod can use.',
        'Leave it off unless the workload calls the Kubernetes API.',
      );
    }
    return {
      metadata: this.metadata(),
      podMetadata: { labels: { ...this.labels } },
      select: false,
      serviceAccount: this.serviceAccount,
      automountServiceAccountToken: automount,
      securityContext: {
        ensureNonRoot: true,
        user: runAsUser,
        group: runAsGroup,
        fsGroup,
        fsGroupChangePolicy: kplus.FsGroupChangePolicy.ON_ROOT_MISMATCH,
      },
    };
  }

  /**
   * Adds the hardened containers to the workload and writes, through JSON patches, what
   * cdk8s-plus-27 cannot express: seccomp, `drop: [ALL]`, isolation, exceptions.
   */
  private harden(workload: kplus.Workload, props: HardenedWorkloadProps, longRunning: boolean): void {
    this.workloadObject = workload;
    workload.select(kplus.LabelSelector.of({ labels: this.selectorLabels }));
    // cdk8s-plus selects a workload's pods by their cdk8s.io/metadata.addr label (a Service's
    // `selector`, `exposeViaService`, scheduling, connections), which ours no longer carry
    // (see below): select them by the workload's own labels, or such a Service reaches nothing.
    const ownPods = { ...this.selectorLabels };
    workload.toPodSelectorConfig = () => ({
      labelSelector: kplus.LabelSelector.of({ labels: ownPods }),
      namespaces: { names: [this.namespace] },
    });
    const ctx = {
      exceptions: this.policy,
      longRunning,
      runAsUser: props.runAsUser ?? DEFAULT_RUN_AS_ID,
      runAsGroup: props.runAsGroup ?? DEFAULT_RUN_AS_ID,
      volumes: new Map(),
    };
    const containers = this.hardenAll('containers', props.containers, ctx);
    const initContainers = this.hardenAll('initContainers', props.initContainers ?? [], { ...ctx, longRunning: false });
    containers.forEach((c) => workload.addContainer(c.props));
    initContainers.forEach((c) => workload.addInitContainer(c.props));

    const api = ApiObject.of(workload);
    const pod = this.podSpecPath;
    // cdk8s-plus labels every pod with a hash of its construct path; names stay readable without it.
    api.addJsonPatch(JsonPatch.remove(`${pod.replace(/\/spec$/, '')}/metadata/labels/cdk8s.io~1metadata.addr`));
    api.addJsonPatch(JsonPatch.add(`${pod}/securityContext/seccompProfile`, { type: 'RuntimeDefault' }));
    containers.forEach((c, i) => patchContainer(api, `${pod}/containers/${i}`, c));
    initContainers.forEach((c, i) => patchContainer(api, `${pod}/initContainers/${i}`, c));
    this.isolate(api, props.isolation);
    this.recordExceptions(api);
  }

  /**
   * Spreads replicas over nodes and zones; best effort so a small cluster still schedules.
   * A preferred pod anti-affinity on the node says the same in the form kube-score and
   * kube-linter check (rule `pod-anti-affinity`); it goes through cdk8s-plus' scheduling API
   * so affinities added through the escape hatch are kept.
   */
  private spread(workload: kplus.Workload): void {
    const ownPods = kplus.Pods.select(this, 'OwnPods', { labels: { ...this.selectorLabels } });
    workload.scheduling.separate(ownPods, { topology: kplus.Topology.HOSTNAME, weight: 100 });
    const spreadOver = (topologyKey: string) => ({
      maxSkew: 1,
      topologyKey,
      whenUnsatisfiable: 'ScheduleAnyway',
      labelSelector: { matchLabels: { ...this.selectorLabels } },
    });
    ApiObject.of(workload).addJsonPatch(
      JsonPatch.add(`${this.podSpecPath}/topologySpreadConstraints`, [
        spreadOver('kubernetes.io/hostname'),
        spreadOver('topology.kubernetes.io/zone'),
      ]),
    );
  }

  /**
   * Keeps at least all but one replica running through voluntary disruptions (drains,
   * upgrades); pods that are not ready may always be evicted (rule
   * `pdb-unhealthy-pod-eviction-policy`).
   */
  private addDisruptionBudget(): void {
    const budget = new k8s.KubePodDisruptionBudget(this, 'DisruptionBudget', {
      metadata: this.metadata(),
      spec: {
        maxUnavailable: k8s.IntOrString.fromNumber(1),
        selector: { matchLabels: { ...this.selectorLabels } },
        // A pod that is running but not ready serves nothing: never let it block a drain.
        unhealthyPodEvictionPolicy: 'AlwaysAllow',
      },
    });
    this.recordExceptions(budget);
  }

  private hardenAll(
    field: string,
    containers: HardenedContainerProps[],
    ctx: Parameters<typeof hardenContainer>[4],
  ): HardenedContainerSpec[] {
    const names = new Set<string>();
    return containers.map((container, i) => {
      const at = `${field}[${i}]`;
      const name = containerName(this, at, container, field === 'containers' && containers.length === 1);
      if (names.has(name)) {
        throw new HardeningError(this, `'${at}.name' repeats '${name}'. Give each container its own name.`);
      }
      names.add(name);
      return hardenContainer(this, at, container, name, ctx);
    });
  }

  private isolate(api: ApiObject, isolation: WorkloadIsolation | undefined): void {
    if (!isolation) return;
    const key = isolation.taintKey ?? DEFAULT_POOL_TAINT_KEY;
    requireDns1123Label(this, 'isolation.nodePool', isolation.nodePool);
    const pod = this.podSpecPath;
    api.addJsonPatch(JsonPatch.add(`${pod}/nodeSelector`, { [key]: isolation.nodePool }));
    api.addJsonPatch(JsonPatch.add(`${pod}/tolerations`, [{ key, operator: 'Equal', value: isolation.nodePool, effect: 'NoSchedule' }]));
    if (isolation.runtimeClassName !== undefined) {
      requireDns1123Label(this, 'isolation.runtimeClassName', isolation.runtimeClassName);
      api.addJsonPatch(JsonPatch.add(`${pod}/runtimeClassName`, isolation.runtimeClassName));
    }
  }
}

/**
 * Writes the container settings cdk8s-plus-27 cannot express. Patched resource quantities
 * are `k8s.Quantity` objects because the typed `toJson` of the k8s imports reads patched
 * values through its converters (a plain string would be dropped to null).
 */
function patchContainer(api: ApiObject, path: string, container: HardenedContainerSpec): void {
  api.addJsonPatch(JsonPatch.add(`${path}/securityContext/capabilities`, container.capabilities));
  const resources = container.props.resources;
  const has = {
    requests: resources?.cpu?.request !== undefined || resources?.memory?.request !== undefined,
    limits: resources?.cpu?.limit !== undefined || resources?.memory?.limit !== undefined,
  };
  const storage = container.ephemeralStorage;
  if (!has.requests && !has.limits && (storage.request || storage.limit)) {
    api.addJsonPatch(JsonPatch.add(`${path}/resources`, {}));
  }
  for (const [kind, value] of [
    ['requests', storage.request],
    ['limits', storage.limit],
  ] as const) {
    if (value === undefined) continue;
    api.addJsonPatch(
      has[kind]
        ? JsonPatch.add(`${path}/resources/${kind}/ephemeral-storage`, k8s.Quantity.fromString(value))
        : JsonPatch.add(`${path}/resources/${kind}`, { 'ephemeral-storage': k8s.Quantity.fromString(value) }),
    );
  }
}

function trafficPort(options: AllowTrafficOptions) {
  return { port: options.port, protocol: options.protocol, endPort: options.endPort };
}

/**
 * What TypeScript enforces and plain JavaScript (or a binding passing nulls) does not: props,
 * at least one container, each an object with an image given as text.
 */
function requireContainerShapes(scope: Construct, props: HardenedWorkloadProps | undefined): void {
  const example = "containers: [{ image: 'registry/app@sha256:...' }]";
  if (props === undefined || props === null || typeof props !== 'object') {
    throw new HardeningError(scope, `props are missing. Give at least ${example}.`);
  }
  if (!Array.isArray(props.containers) || props.containers.length === 0) {
    throw new HardeningError(
      scope,
      `'containers' is ${Array.isArray(props.containers) ? 'empty' : 'missing'}. Give the workload at least one container, e.g. ${example}.`,
    );
  }
  for (const field of ['containers', 'initContainers'] as const) {
    const list: unknown = props[field];
    if (list === undefined && field === 'initContainers') continue;
    if (!Array.isArray(list)) throw new HardeningError(scope, `'${field}' must be a list of containers, e.g. ${example}.`);
    list.forEach((container: unknown, i) => {
      if (container === null || typeof container !== 'object') {
        throw new HardeningError(
          scope,
          `'${field}[${i}]' must be a container (an object with an image), e.g. { image: 'registry/app@sha256:...' }.`,
        );
      }
      const image = (container as { image?: unknown }).image;
      if (typeof image !== 'string' || image === '') {
        throw new HardeningError(
          scope,
          `'${field}[${i}].image' is ${image === undefined || image === '' ? 'missing' : 'not text'}. Give the image pinned by digest, e.g. image: 'registry/app@sha256:...'.`,
        );
      }
    });
  }
}

/** The ports the containers declare (`portNumber` and `ports`), TCP unless said otherwise. */
function exposedPortsOf(containers: readonly HardenedContainerProps[]): ExposedPort[] {
  return containers.flatMap((c) => [
    ...(c.portNumber !== undefined ? [{ port: c.portNumber, protocol: 'TCP' }] : []),
    ...(c.ports ?? []).map((p) => ({ port: p.number, protocol: p.protocol ?? 'TCP', name: p.name })),
  ]);
}
