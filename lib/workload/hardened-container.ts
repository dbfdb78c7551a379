import * as kplus from 'cdk8s-plus-27';
import { Size } from 'cdk8s';
import { Construct } from 'constructs';
import { ExceptionPolicy } from '../policy/exception-policy';
import { HardeningError } from '../core/hardening-error';
import { isDns1123Label } from '../core/names';
import { containerEnv, containerEnvFrom } from './container-env';
import { checkImage, pullPolicy } from './container-image';
import { ContainerPort, containerPorts } from './container-port';
import { checkProbes, containerProbes } from './container-probes';
import { ContainerResources } from './container-resources';
import { containerSecurity, HardenedContainerSecurity } from './container-security';
import { containerMounts, PodVolumes } from './container-volumes';
import { EnvFrom } from './env-from';
import { EnvValue } from './env-value';
import { HealthCheck } from './health-check';
import { ImagePullPolicy } from './image-pull-policy';
import { ContainerLifecycle } from './lifecycle-hook';
import { mebibytes, resolveResources } from './resolve-resources';
import { WorkloadSize } from './resources';
import { SecretEnvVariable, SecretMount } from './secret-mount';
import { VolumeMount } from './volume-mount';

// Re-exported where users have always found them (lib/index.ts names this file).
export type { HardenedContainerSecurity } from './container-security';
export type { SecretEnvVariable, SecretMount } from './secret-mount';

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

/**
 * Turns hardened container props into cdk8s-plus props, refusing each weakening that has no
 * exception. `field` is the prop path used in error messages (`containers[1]`). Each concern
 * lives in its own file: image, security context, ports, probes, resources, env, volumes.
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
  const { securityContext, capabilities } = containerSecurity(scope, policy, field, props.securityContext ?? {}, ctx);
  const ports = containerPorts(policy, field, props.ports ?? []);
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
      ports,
      envVariables: containerEnv(scope, policy, field, name, props),
      envFrom: containerEnvFrom(scope, policy, field, name, props),
      volumeMounts: containerMounts(scope, field, name, props, ctx.volumes),
      ...containerProbes(scope, field, props),
      resources: { cpu: resources.cpu, memory: resources.memory },
      imagePullPolicy: pullPolicy(props.imagePullPolicy),
      securityContext,
    },
    capabilities,
    ephemeralStorage: {
      request: mebibytes(resources.ephemeralStorage?.request),
      limit: mebibytes(resources.ephemeralStorage?.limit),
    },
  };
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
