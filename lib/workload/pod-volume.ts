import * as kplus from 'cdk8s-plus-27';
import { Size } from 'cdk8s';
import { Construct } from 'constructs';

/** Options of `PodVolume.fromConfigMap()`. */
export interface ConfigMapVolumeOptions {
  /**
   * Name of the volume in the pod, a DNS-1123 label.
   *
   * @default - `configmap-<configMapName>`
   */
  readonly name?: string;

  /**
   * Keys to project, each to a relative file path; other keys are left out.
   *
   * @default - every key, as a file named after it
   */
  readonly items?: { [key: string]: string };

  /**
   * Permission bits of the files, for example `0o440`.
   *
   * @default - 0644, the Kubernetes default
   */
  readonly defaultMode?: number;

  /**
   * Start the pod even when the ConfigMap (or a listed key) is missing.
   *
   * @default false
   */
  readonly optional?: boolean;
}

/** Options of `PodVolume.fromEmptyDir()`. */
export interface EmptyDirVolumeOptions {
  /**
   * Most the volume may hold; a pod that writes more is evicted.
   *
   * @default Size.mebibytes(64)
   */
  readonly sizeLimit?: Size;

  /**
   * Keep the files in memory (tmpfs), counted against the containers' memory limits.
   *
   * @default false
   */
  readonly inMemory?: boolean;
}

/** Options of `PodVolume.fromPersistentVolumeClaim()`. */
export interface PersistentVolumeClaimVolumeOptions {
  /**
   * Name of the volume in the pod, a DNS-1123 label.
   *
   * @default - `pvc-<claimName>`
   */
  readonly name?: string;

  /**
   * Mount the claim read-only in every container.
   *
   * @default false
   */
  readonly readOnly?: boolean;
}

const DEFAULT_EMPTY_DIR_SIZE = Size.mebibytes(64);

/**
 * A volume of the pod, mounted into containers through `volumeMounts`: a ConfigMap, a shared
 * scratch directory or a PersistentVolumeClaim. Secrets go through `secretMounts` (read-only,
 * mode 0440); private writable directories through `writablePaths`. Mount the same
 * `PodVolume` into several containers of a pod to share it.
 *
 * @see https://kubernetes.io/docs/concepts/storage/volumes/
 */
export class PodVolume {
  /** The keys of the ConfigMap `configMapName` (of the workload's namespace) as files. */
  public static fromConfigMap(configMapName: string, options: ConfigMapVolumeOptions = {}): PodVolume {
    const name = options.name ?? `configmap-${configMapName}`;
    const items = options.items;
    return new PodVolume(name, (scope, id) =>
      kplus.Volume.fromConfigMap(scope, id, kplus.ConfigMap.fromConfigMapName(scope, `${id}-ConfigMap`, configMapName), {
        name,
        defaultMode: options.defaultMode,
        optional: options.optional,
        items: items && Object.fromEntries(Object.entries(items).map(([key, path]) => [key, { path }])),
      }),
    );
  }

  /** An empty directory that lives as long as the pod, size-limited. */
  public static fromEmptyDir(name: string, options: EmptyDirVolumeOptions = {}): PodVolume {
    return new PodVolume(name, (scope, id) =>
      kplus.Volume.fromEmptyDir(scope, id, name, {
        sizeLimit: options.sizeLimit ?? DEFAULT_EMPTY_DIR_SIZE,
        medium: options.inMemory ? kplus.EmptyDirMedium.MEMORY : undefined,
      }),
    );
  }

  /** The PersistentVolumeClaim `claimName` (of the workload's namespace). */
  public static fromPersistentVolumeClaim(claimName: string, options: PersistentVolumeClaimVolumeOptions = {}): PodVolume {
    const name = options.name ?? `pvc-${claimName}`;
    return new PodVolume(name, (scope, id) =>
      kplus.Volume.fromPersistentVolumeClaim(scope, id, kplus.PersistentVolumeClaim.fromClaimName(scope, `${id}-Claim`, claimName), {
        name,
        readOnly: options.readOnly,
      }),
    );
  }

  private constructor(
    /** Name of the volume in the pod. */
    public readonly name: string,
    private readonly build: (scope: Construct, id: string) => kplus.Volume,
  ) {}

  /**
   * The cdk8s-plus-27 volume, created in `scope` as `id`.
   *
   * @internal
   */
  public _toVolume(scope: Construct, id: string): kplus.Volume {
    return this.build(scope, id);
  }
}
