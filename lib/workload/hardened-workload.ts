import * as kplus from 'cdk8s-plus-27';
import { k8s } from 'cdk8s-plus-27';
import { ApiObject, JsonPatch } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { ExceptionPolicy } from '../policy/exception-policy';
import { recordExceptions } from '../policy/exception-routing';
import { HardeningException } from '../core/exceptions';
import { HardeningError } from '../core/hardening-error';
import { effectiveNamespace } from '../core/namespace-scope';
import { requireDns1123Label } from '../core/names';
import { checkGrantRules, GrantRule } from '../rbac/grant-rules';
import { ExposedPort, ITrafficEndpoint, markTrafficEndpoint, TrafficRules } from '../network/traffic-rules';
import { removeAddressLabel, selectPodsByOwnLabels } from './cdk8s-plus-compat';
import { patchContainer } from './container-patches';
import { requireContainerShapes } from './container-shapes';
import { containerName, hardenContainer, HardenedContainerProps, HardenedContainerSpec } from './hardened-container';
import { podSecurityContext, podUserAndGroup } from './pod-security-context';
import { disruptionBudget, spreadPods } from './workload-availability';
import { bindWorkloadGrant } from './workload-grant';
import { isolatePod, WorkloadIsolation } from './workload-isolation';
import {
  AllowFromIngressControllerOptions,
  AllowFromPodsOptions,
  AllowTrafficOptions,
  CidrTrafficOptions,
  exposedPortsOf,
  trafficPort,
} from './workload-traffic-options';

// Re-exported where users have always found them (lib/index.ts names this file).
export { DEFAULT_RUN_AS_ID } from './pod-security-context';
export type { WorkloadIsolation } from './workload-isolation';
export type {
  AllowFromIngressControllerOptions,
  AllowFromPodsOptions,
  AllowTrafficOptions,
  CidrTrafficOptions,
} from './workload-traffic-options';

/** Labels that identify a workload's pods (recommended labels; stable, no hashes). */
const NAME_LABEL = 'app.kubernetes.io/name';
const INSTANCE_LABEL = 'app.kubernetes.io/instance';
const MANAGED_BY_LABEL = 'app.kubernetes.io/managed-by';
export const MANAGED_BY = 'cdk8s-hardened';

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

/**
 * What a kind-specific subclass gives cdk8s-plus to create its workload.
 *
 * @internal the workload kinds of this library only (not an extension point: cdk8s-plus-27 typed)
 */
export interface WorkloadPodProps {
  readonly metadata: { name: string; namespace: string; labels: { [key: string]: string } };
  readonly podMetadata: { labels: { [key: string]: string } };
  readonly select: false;
  readonly serviceAccount: kplus.IServiceAccount;
  readonly automountServiceAccountToken: boolean;
  readonly securityContext: kplus.PodSecurityContextProps;
}

/**
 * What a workload kind supplies to `assemble()`: the only parts that differ between kinds.
 *
 * @internal
 */
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
   *
   * @internal
   */
  protected assemble<W extends kplus.Workload>(props: HardenedWorkloadProps, kind: WorkloadKind<W>): W {
    const workload = kind.create(this.podProps(props));
    this.harden(workload, props, kind.longRunning);
    if ((kind.replicas ?? 1) > 1) {
      spreadPods(this, workload, this.selectorLabels, this.podSpecPath);
      this.recordExceptions(disruptionBudget(this, this.metadata(), this.selectorLabels));
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
      const target = {
        metadata: this.metadata(),
        serviceAccountName: this.serviceAccount.name,
        policy: this.policy,
        workload: ApiObject.of(this.workloadObject),
        podSpecPath: this.podSpecPath,
      };
      bindWorkloadGrant(this, target, this.grantRules);
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

  /** Records, on `api`, the exceptions to rules that judge objects of its kind. */
  private recordExceptions(construct: IConstruct): void {
    // The policy, not a copy: the annotations name the values accepted by synth time.
    recordExceptions(construct instanceof ApiObject ? construct : ApiObject.of(construct), this.policy);
  }

  /** Validates the pod-level props and returns what every cdk8s-plus workload is created with. */
  private podProps(props: HardenedWorkloadProps): WorkloadPodProps {
    const securityContext = podSecurityContext(this, this.policy, props);
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
      securityContext,
    };
  }

  /**
   * Adds the hardened containers to the workload and writes, through JSON patches, what
   * cdk8s-plus-27 cannot express: seccomp, `drop: [ALL]`, isolation, exceptions.
   */
  private harden(workload: kplus.Workload, props: HardenedWorkloadProps, longRunning: boolean): void {
    this.workloadObject = workload;
    workload.select(kplus.LabelSelector.of({ labels: this.selectorLabels }));
    // Our pods carry no address label (see below): cdk8s-plus selects them by their own labels.
    selectPodsByOwnLabels(workload, this.selectorLabels, this.namespace);
    const ctx = {
      exceptions: this.policy,
      longRunning,
      ...podUserAndGroup(props),
      volumes: new Map(),
    };
    const containers = this.hardenAll('containers', props.containers, ctx);
    const initContainers = this.hardenAll('initContainers', props.initContainers ?? [], { ...ctx, longRunning: false });
    containers.forEach((c) => workload.addContainer(c.props));
    initContainers.forEach((c) => workload.addInitContainer(c.props));

    const api = ApiObject.of(workload);
    const pod = this.podSpecPath;
    // cdk8s-plus labels every pod with a hash of its construct path; names stay readable without it.
    removeAddressLabel(api, pod);
    api.addJsonPatch(JsonPatch.add(`${pod}/securityContext/seccompProfile`, { type: 'RuntimeDefault' }));
    containers.forEach((c, i) => patchContainer(api, `${pod}/containers/${i}`, c));
    initContainers.forEach((c, i) => patchContainer(api, `${pod}/initContainers/${i}`, c));
    isolatePod(this, api, pod, props.isolation);
    this.recordExceptions(api);
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
}
