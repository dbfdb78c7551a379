import * as kplus from 'cdk8s-plus-27';
import { Size } from 'cdk8s';
import { Construct } from 'constructs';
import { ExceptionPolicy } from '../policy/exception-policy';
import { HardeningError } from '../core/hardening-error';
import { isDns1123Label } from '../core/names';
import { containerEnv, containerEnvFrom } from './container-env';
import { ContainerPort, plusProtocol } from './container-port';
import { ContainerResources } from './container-resources';
import { containerMounts, PodVolumes } from './container-volumes';
import { EnvFrom } from './env-from';
import { EnvValue } from './env-value';
import { HealthCheck } from './health-check';
import { digestProblem } from '../policy/image-digest';
import { isPinnedByDigest, usesLatestTag } from './image';
import { ImagePullPolicy } from './image-pull-policy';
import { ContainerLifecycle, LifecycleHook } from './lifecycle-hook';
import { requireOwnType } from './own-type';
import { completeResources, resourcesOfSize, WorkloadSize } from './resources';
import { VolumeMount } from './volume-mount';

/**
 * Security settings of one container that may be loosened, each only together with an
 * exception to the matching rule. Everything else (seccomp, dropped capabilities, no host
 * access) is not a prop: change it with a JSON patch and the review will ask for an exception.
 */
export interface HardenedContainerSecurity {
  /**
   * Run the container privileged (full access to the host's devices). Needs an exception to
   * `no-privileged`, and `allowPrivilegeEscalation: true` as Kubernetes requires.
   *
   * @default false
   */
  readonly privileged?: boolean;

  /**
   * Let processes gain more privileges than their parent (setuid binaries). Needs an
   * exception to `no-privilege-escalation`.
   *
   * @default false
   */
  readonly allowPrivilegeEscalation?: boolean;

  /**
   * Mount the container's root filesystem read-only. Prefer `writablePaths` to turning this
   * off; `false` needs an exception to `read-only-root-filesystem`.
   *
   * @default true
   */
  readonly readOnlyRootFilesystem?: boolean;

  /**
   * Refuse to start the container as UID 0. `false` needs an exception to `run-as-non-root`.
   *
   * @default true
   */
  readonly runAsNonRoot?: boolean;

  /**
   * UID of the container's processes.
   *
   * @default - the workload's `runAsUser` (65532)
   */
  readonly runAsUser?: number;

  /**
   * GID of the container's processes.
   *
   * @default - the workload's `runAsGroup` (65532)
   */
  readonly runAsGroup?: number;

  /**
   * Linux capabilities added back after `drop: [ALL]`, without the `CAP_` prefix.
   * `NET_BIND_SERVICE` (bind ports below 1024) is allowed; any other needs an exception to
   * `drop-all-capabilities`, and one outside the Pod Security baseline set also to
   * `baseline-capabilities`.
   *
   * @default - none
   */
  readonly addCapabilities?: string[];
}

/** A Secret mounted as read-only files: one file per key under `path`. */
export interface SecretMount {
  /** Name of the Secret, for example the `name` of a SealedSecret or ExternalSecret. */
  readonly secretName: string;
  /** Absolute directory the keys appear in, for example `/var/run/secrets/db`. */
  readonly path: string;
}

/** One key of a Secret given to the container as an environment variable. */
export interface SecretEnvVariable {
  /** The variable's name. */
  readonly name: string;
  /** Name of the Secret. */
  readonly secretName: string;
  /** The key in the Secret. */
  readonly key: string;
}

/**
 * One container of a hardened workload. The fields mirror cdk8s-plus `ContainerProps`
 * where they mean the same thing, with this library's own types (`HealthCheck`, `EnvValue`,
 * `PodVolume`, `Cpu`...), so a project may use any cdk8s-plus version next to it.
 */
export interface HardenedContainerProps {
  /**
   * The image, pinned by digest: `registry/repo@sha256:<64 hex>` (a tag may precede the
   * digest for readability). A tag alone needs an exception to `image-digest`, and
   * `latest` (or no tag) also one to `no-latest-tag`.
   */
  readonly image: string;

  /**
   * Name of the container, a DNS-1123 label.
   *
   * @default 'main' for the only container; required when there are several
   */
  readonly name?: string;

  /** @default - the image's entrypoint */
  readonly command?: string[];

  /** @default - the image's cmd */
  readonly args?: string[];

  /** @default - the image's working directory */
  readonly workingDir?: string;

  /**
   * The port the container serves on, as a shortcut for `ports: [{ number }]`.
   *
   * @default - no port
   */
  readonly portNumber?: number;

  /**
   * Ports the container serves on. A `hostPort` needs an exception to `no-host-ports`.
   *
   * @default - no ports
   */
  readonly ports?: ContainerPort[];

  /**
   * Environment variables. Never put secret values here: mount a secret instead
   * (`EnvValue.fromSecretKey` needs an exception to `secret-as-file`).
   *
   * @default - none
   */
  readonly envVariables?: { [name: string]: EnvValue };

  /**
   * Every key of a ConfigMap (or, with an exception to `secret-as-file`, a Secret) as
   * variables.
   *
   * @default - none
   */
  readonly envFrom?: EnvFrom[];

  /**
   * Pod volumes (ConfigMaps, shared scratch directories, claims) mounted into the container.
   *
   * @default - none, besides the volumes of `writablePaths` and `secretMounts`
   */
  readonly volumeMounts?: VolumeMount[];

  /**
   * Secrets mounted as read-only files (mode 0440, readable by the pod's group only): the
   * preferred way to consume a secret, since files are not inherited by child processes,
   * printed by crash handlers or shown by `kubectl describe`.
   *
   * @default - none
   */
  readonly secretMounts?: SecretMount[];

  /**
   * Secret keys as environment variables, for software that reads nothing else: needs an
   * exception to `secret-as-file` with that reason (which also skips Checkov's CKV_K8S_35).
   * Prefer `secretMounts`.
   *
   * @default - none
   */
  readonly secretEnv?: SecretEnvVariable[];

  /**
   * Paths the container may write to. Each gets its own size-limited `emptyDir`, so the root
   * filesystem stays read-only. Absolute paths, each at most once.
   *
   * @default - none: nothing is writable
   */
  readonly writablePaths?: string[];

  /**
   * Size limit of each `writablePaths` volume.
   *
   * @default Size.mebibytes(64)
   */
  readonly writablePathSizeLimit?: Size;

  /**
   * Readiness probe. Required for long-running workloads (Deployment, StatefulSet,
   * DaemonSet) unless excepted from `readiness-probe`.
   *
   * @default - none
   */
  readonly readiness?: HealthCheck;

  /**
   * Liveness probe. Required for long-running workloads unless excepted from
   * `liveness-probe`. Make it differ from readiness: a failing dependency should take a pod
   * out of rotation, not restart it.
   *
   * @default - none
   */
  readonly liveness?: HealthCheck;

  /**
   * Startup probe.
   *
   * @default - cdk8s-plus adds a TCP probe on the first port, if any
   */
  readonly startup?: HealthCheck;

  /**
   * Hooks run after the container starts and before it stops.
   *
   * @default - none
   */
  readonly lifecycle?: ContainerLifecycle;

  /**
   * Explicit resources. They must include `cpu.request`, `memory.request` and
   * `memory.limit` (or an exception to `resources-set`); a missing CPU limit or
   * ephemeral storage is taken from `size`.
   *
   * @default - the resources of `size`
   */
  readonly resources?: ContainerResources;

  /**
   * Size class used when `resources` is not given, and for the parts it leaves out.
   *
   * @default WorkloadSize.SMALL
   */
  readonly size?: WorkloadSize;

  /**
   * When the kubelet pulls the image. `Always` re-checks pull credentials; with a digest it
   * never changes the image.
   *
   * @default ImagePullPolicy.ALWAYS
   */
  readonly imagePullPolicy?: ImagePullPolicy;

  /** @default - the hardened settings; see `HardenedContainerSecurity` */
  readonly securityContext?: HardenedContainerSecurity;
}

/** What the pod decides for all its containers. */
export interface ContainerHardeningContext {
  readonly exceptions: ExceptionPolicy;
  /** Probes are required only for workloads that run forever. */
  readonly longRunning: boolean;
  readonly runAsUser: number;
  readonly runAsGroup: number;
  /** The pod volumes already converted, shared by the workload's containers. */
  readonly volumes: PodVolumes;
}

/** A container ready for cdk8s-plus, plus what cdk8s-plus-27 cannot express (patched in). */
export interface HardenedContainerSpec {
  readonly props: kplus.ContainerProps;
  readonly capabilities: { drop: string[]; add?: string[] };
  /** cdk8s-plus-27 renders ephemeral storage in whole GiB only, so it is written as Mi by patch. */
  readonly ephemeralStorage: { request?: string; limit?: string };
}

/** The capabilities Pod Security `baseline` lets a container add. */
export const BASELINE_CAPABILITIES: readonly string[] = [
  'AUDIT_WRITE',
  'CHOWN',
  'DAC_OVERRIDE',
  'FOWNER',
  'FSETID',
  'KILL',
  'MKNOD',
  'NET_BIND_SERVICE',
  'SETFCAP',
  'SETGID',
  'SETPCAP',
  'SETUID',
  'SYS_CHROOT',
];
const RESTRICTED_ADDABLE = 'NET_BIND_SERVICE';
const CAPABILITY_NAME = /^[A-Z][A-Z0-9_]*$/;
/** Above this, kube-score and kubesec consider a UID/GID safely out of the host's range. */
export const MIN_HIGH_ID = 10000;
const PULL_POLICIES: Record<ImagePullPolicy, kplus.ImagePullPolicy> = {
  [ImagePullPolicy.ALWAYS]: kplus.ImagePullPolicy.ALWAYS,
  [ImagePullPolicy.IF_NOT_PRESENT]: kplus.ImagePullPolicy.IF_NOT_PRESENT,
  [ImagePullPolicy.NEVER]: kplus.ImagePullPolicy.NEVER,
};

/**
 * Turns hardened container props into cdk8s-plus props, refusing each weakening that has no
 * exception. `field` is the prop path used in error messages (`containers[1]`).
 */
export function hardenContainer(
  scope: Construct,
  field: string,
  props: HardenedContainerProps,
  name: string,
  ctx: ContainerHardeningContext,
): HardenedContainerSpec {
  const policy = ctx.exceptions;
  checkImage(scope, policy, field, props.image);

  const security = props.securityContext ?? {};
  const privileged = security.privileged ?? false;
  const allowPrivilegeEscalation = security.allowPrivilegeEscalation ?? false;
  const readOnlyRootFilesystem = security.readOnlyRootFilesystem ?? true;
  const runAsNonRoot = security.runAsNonRoot ?? true;
  const runAsUser = security.runAsUser ?? ctx.runAsUser;
  const runAsGroup = security.runAsGroup ?? ctx.runAsGroup;
  const sc = `${field}.securityContext`;

  if (privileged) {
    policy.require('no-privileged', `${sc}.privileged`, 'a privileged container has full access to the host.', 'Remove it.');
    if (!allowPrivilegeEscalation) {
      throw new HardeningError(
        scope,
        `'${sc}.allowPrivilegeEscalation' must be true when privileged is true (Kubernetes rejects the pair otherwise). Set it, with an exception to 'no-privilege-escalation'.`,
      );
    }
  }
  if (allowPrivilegeEscalation) {
    policy.require(
      'no-privilege-escalation',
      `${sc}.allowPrivilegeEscalation`,
      'lets processes gain more privileges than their parent.',
      'Remove it.',
    );
  }
  if (!readOnlyRootFilesystem) {
    policy.require(
      'read-only-root-filesystem',
      `${sc}.readOnlyRootFilesystem`,
      "a writable root filesystem lets an attacker change the container's binaries.",
      'List the paths that must be writable in writablePaths instead.',
    );
  }
  checkUserAndGroup(scope, policy, sc, runAsUser, runAsGroup, runAsNonRoot);
  const added = checkCapabilities(scope, policy, `${sc}.addCapabilities`, security.addCapabilities ?? [], allowPrivilegeEscalation);

  const ports = [...(props.ports ?? [])];
  ports.forEach((port, i) => {
    if (port.hostPort !== undefined) {
      policy.require(
        'no-host-ports',
        `${field}.ports[${i}].hostPort`,
        "a host port binds the node's network interface and bypasses NetworkPolicies.",
        'Expose the port through a Service.',
        String(port.hostPort),
      );
    }
  });

  checkProbes(scope, policy, field, props, ctx.longRunning);
  const resources = resolveResources(scope, policy, field, props);

  return {
    props: {
      name,
      image: props.image,
      command: props.command,
      args: props.args,
      workingDir: props.workingDir,
      portNumber: props.portNumber,
      ports: ports.length ? ports.map(plusPort) : undefined,
      envVariables: containerEnv(scope, policy, field, name, props),
      envFrom: containerEnvFrom(scope, policy, field, name, props),
      volumeMounts: containerMounts(scope, field, name, props, ctx.volumes),
      readiness: healthCheck(scope, `${field}.readiness`, props.readiness),
      liveness: healthCheck(scope, `${field}.liveness`, props.liveness),
      startup: healthCheck(scope, `${field}.startup`, props.startup),
      lifecycle: props.lifecycle && {
        postStart: lifecycleHook(scope, `${field}.lifecycle.postStart`, props.lifecycle.postStart),
        preStop: lifecycleHook(scope, `${field}.lifecycle.preStop`, props.lifecycle.preStop),
      },
      resources: { cpu: resources.cpu, memory: resources.memory },
      imagePullPolicy: PULL_POLICIES[props.imagePullPolicy ?? ImagePullPolicy.ALWAYS],
      securityContext: {
        ensureNonRoot: runAsNonRoot,
        privileged,
        allowPrivilegeEscalation,
        readOnlyRootFilesystem,
        user: runAsUser,
        group: runAsGroup,
      },
    },
    capabilities: added.length ? { drop: ['ALL'], add: added } : { drop: ['ALL'] },
    ephemeralStorage: {
      request: mebibytes(resources.ephemeralStorage?.request),
      limit: mebibytes(resources.ephemeralStorage?.limit),
    },
  };
}

function healthCheck(scope: Construct, field: string, check: HealthCheck | undefined): kplus.Probe | undefined {
  return requireOwnType(scope, field, check, '_toProbe', "HealthCheck.httpGet('/ready', { port: 8080 })")?._toProbe();
}

function lifecycleHook(scope: Construct, field: string, hook: LifecycleHook | undefined): kplus.Handler | undefined {
  return requireOwnType(scope, field, hook, '_toHandler', "LifecycleHook.command(['/bin/drain'])")?._toHandler();
}

function plusPort(port: ContainerPort): kplus.ContainerPort {
  return {
    number: port.number,
    name: port.name,
    protocol: plusProtocol(port.protocol),
    hostPort: port.hostPort,
    hostIp: port.hostIp,
  };
}

function mebibytes(size: Size | undefined): string | undefined {
  return size === undefined ? undefined : `${size.toMebibytes()}Mi`;
}

/** The container's name: given, or `main` when it is the only one. */
export function containerName(scope: Construct, field: string, props: HardenedContainerProps, onlyContainer: boolean): string {
  if (props.name === undefined) {
    if (onlyContainer) return 'main';
    throw new HardeningError(
      scope,
      `'${field}.name' is required when a pod has several containers. Give each container a name such as 'app' or 'proxy'.`,
    );
  }
  if (!isDns1123Label(props.name)) {
    throw new HardeningError(scope, `'${field}.name' must be a DNS-1123 label: lowercase letters, digits and '-' (got '${props.name}').`);
  }
  return props.name;
}

function checkImage(scope: Construct, policy: ExceptionPolicy, field: string, image: string): void {
  if (isPinnedByDigest(image)) return;
  const problem = digestProblem(image);
  if (problem && image.includes('@sha256:')) {
    // A mistyped digest is not an unpinned image: no exception makes it pullable.
    throw new HardeningError(scope, `'${field}.image': '${image}': its ${problem}. Copy the whole digest from \`crane digest <image>\`.`);
  }
  policy.require(
    'image-digest',
    `${field}.image`,
    problem ? `'${image}': its ${problem}.` : `'${image}' is not pinned by digest, so the image that runs may not be the image reviewed.`,
    'Pin it as repo@sha256:<digest> (see `docker buildx imagetools inspect <image>`).',
    image,
  );
  if (usesLatestTag(image)) {
    policy.require(
      'no-latest-tag',
      `${field}.image`,
      `'${image}' uses the mutable 'latest' tag.`,
      'Pin a digest, or at least a version tag.',
      image,
    );
  }
}

function checkUserAndGroup(
  scope: Construct,
  policy: ExceptionPolicy,
  sc: string,
  user: number,
  group: number,
  runAsNonRoot: boolean,
): void {
  for (const [key, id] of [
    ['runAsUser', user],
    ['runAsGroup', group],
  ] as const) {
    if (!Number.isInteger(id) || id < 0) {
      throw new HardeningError(
        scope,
        `'${sc}.${key}' must be a non-negative integer (got ${id}). Use 65532, the non-root user of distroless images.`,
      );
    }
  }
  if (user === 0) {
    policy.require('no-root-user', `${sc}.runAsUser`, 'UID 0 is root.', 'Use a non-root UID above 10000, such as 65532.');
    if (runAsNonRoot) {
      throw new HardeningError(
        scope,
        `'${sc}.runAsUser' is 0 but runAsNonRoot is true, so the kubelet would refuse to start the container. Set runAsNonRoot: false, with an exception to 'run-as-non-root'.`,
      );
    }
  }
  if (!runAsNonRoot) {
    policy.require('run-as-non-root', `${sc}.runAsNonRoot`, 'lets the container start as root.', 'Remove it.');
  }
  if ((user > 0 && user <= MIN_HIGH_ID) || group <= MIN_HIGH_ID) {
    policy.require(
      'high-user-group-ids',
      sc,
      `UID ${user} / GID ${group} may collide with users of the host (kube-score and kubesec want both above ${MIN_HIGH_ID}).`,
      'Use 65532 (the non-root user of distroless and Chainguard images) or another ID above 10000.',
    );
  }
}

function checkCapabilities(
  scope: Construct,
  policy: ExceptionPolicy,
  field: string,
  requested: readonly string[],
  allowPrivilegeEscalation: boolean,
): string[] {
  const seen = new Set<string>();
  for (const cap of requested) {
    if (cap.startsWith('CAP_')) {
      throw new HardeningError(
        scope,
        `'${field}' lists '${cap}': write capabilities without the CAP_ prefix ('${cap.slice(4)}'), as Pod Security and the scanners expect.`,
      );
    }
    if (!CAPABILITY_NAME.test(cap)) {
      throw new HardeningError(
        scope,
        `'${field}' lists '${cap}', which is not a capability name. Use an uppercase name such as 'NET_BIND_SERVICE'.`,
      );
    }
    if (cap === 'ALL') {
      throw new HardeningError(scope, `'${field}' cannot add 'ALL'. Name each capability the container needs.`);
    }
    if (seen.has(cap)) {
      throw new HardeningError(scope, `'${field}' lists '${cap}' twice. Keep one.`);
    }
    seen.add(cap);
    if (cap !== RESTRICTED_ADDABLE) {
      policy.require(
        'drop-all-capabilities',
        field,
        `adds '${cap}'; only NET_BIND_SERVICE is allowed by Pod Security restricted.`,
        `Remove '${cap}'.`,
        cap,
      );
    }
    if (!BASELINE_CAPABILITIES.includes(cap)) {
      policy.require('baseline-capabilities', field, `adds '${cap}', which even Pod Security baseline forbids.`, `Remove '${cap}'.`, cap);
    }
    if (cap === 'SYS_ADMIN' && !allowPrivilegeEscalation) {
      throw new HardeningError(
        scope,
        `'${field}' adds SYS_ADMIN, which Kubernetes only accepts with allowPrivilegeEscalation: true. Set it, with an exception to 'no-privilege-escalation'.`,
      );
    }
  }
  return [...seen].sort();
}

/** The probes a long-running container needs, with why and an example on the container's own port. */
function requiredProbes(port: number) {
  return [
    {
      prop: 'readiness',
      rule: 'readiness-probe',
      problem: 'is missing, so traffic reaches the pod before it can serve.',
      example: `HealthCheck.httpGet('/ready', { port: ${port} })`,
    },
    {
      prop: 'liveness',
      rule: 'liveness-probe',
      problem: 'is missing, so a hung container is never restarted.',
      example: `HealthCheck.httpGet('/healthz', { port: ${port} })`,
    },
  ] as const;
}

function checkProbes(scope: Construct, policy: ExceptionPolicy, field: string, props: HardenedContainerProps, longRunning: boolean): void {
  if (!longRunning) return;
  const missing = requiredProbes(props.portNumber ?? props.ports?.[0]?.number ?? 8080).filter((probe) => !props[probe.prop]);
  const refused = missing.filter((probe) => !policy.allows(probe.rule));
  if (refused.length > 1) {
    // One error for every probe missing, rather than one per run.
    throw new HardeningError(
      scope,
      `${refused.map((probe) => `'${field}.${probe.prop}': ${probe.problem}`).join(' ')} Add them, for example ${refused
        .map((probe) => `${probe.prop}: ${probe.example}`)
        .join(', ')}. If they are really not wanted, add exceptions: [${refused
        .map((probe) => `{ rule: '${probe.rule}', reason: '<why this is needed and safe>' }`)
        .join(', ')}].`,
    );
  }
  for (const probe of missing) {
    policy.require(probe.rule, `${field}.${probe.prop}`, probe.problem, `Add one, for example ${probe.example}.`);
  }
}

function resolveResources(
  scope: Construct,
  policy: ExceptionPolicy,
  field: string,
  props: HardenedContainerProps,
): kplus.ContainerResources {
  const size = props.size ?? WorkloadSize.SMALL;
  if (!props.resources) return resourcesOfSize(size);
  requireOwnType(scope, `${field}.resources.cpu.request`, props.resources.cpu?.request, '_toCpu', 'Cpu.millis(250)');
  requireOwnType(scope, `${field}.resources.cpu.limit`, props.resources.cpu?.limit, '_toCpu', 'Cpu.millis(500)');
  const { resources, missing } = completeResources(props.resources, size);
  for (const path of missing) {
    policy.require(
      'resources-set',
      `${field}.${path}`,
      'is missing: without requests and a memory limit one pod can starve its node.',
      `Set it, or leave 'resources' out to use the size class '${size}'.`,
    );
  }
  return resources;
}
