import * as kplus from 'cdk8s-plus-27';
import { Size } from 'cdk8s';
import { Construct } from 'constructs';
import { HardeningError } from '../core/hardening-error';
import { isDns1123Label, isMountPath, requireDns1123Subdomain } from '../core/names';
import type { HardenedContainerProps } from './hardened-container';
import { requireOwnType } from './own-type';
import { PodVolume } from './pod-volume';

const DEFAULT_WRITABLE_SIZE = Size.mebibytes(64);

/**
 * The pod volumes the containers of one workload mount, each converted once: cdk8s-plus
 * refuses two volume objects of one name, and a volume shared by two containers is one.
 */
export type PodVolumes = Map<PodVolume, kplus.Volume>;

/** Every mount of a container for cdk8s-plus-27: `volumeMounts`, `writablePaths`, `secretMounts`. */
export function containerMounts(
  scope: Construct,
  field: string,
  container: string,
  props: HardenedContainerProps,
  volumes: PodVolumes,
): kplus.VolumeMount[] {
  const paths = new Set(props.writablePaths ?? []);
  return [
    ...userMounts(scope, field, props, volumes, paths),
    ...writableMounts(scope, field, container, props),
    ...secretMounts(scope, field, container, props, paths),
  ];
}

function userMounts(
  scope: Construct,
  field: string,
  props: HardenedContainerProps,
  volumes: PodVolumes,
  paths: Set<string>,
): kplus.VolumeMount[] {
  return (props.volumeMounts ?? []).map((mount, i) => {
    const at = `${field}.volumeMounts[${i}]`;
    requireMountPath(scope, `${at}.path`, mount.path, '/etc/app');
    requireUnusedPath(scope, `${at}.path`, mount.path, paths);
    return {
      path: mount.path,
      volume: podVolume(scope, `${at}.volume`, mount.volume, volumes),
      readOnly: mount.readOnly,
      subPath: mount.subPath,
    };
  });
}

/** The cdk8s-plus volume of `volume`, created on its first mount in the workload. */
function podVolume(scope: Construct, field: string, volume: PodVolume, volumes: PodVolumes): kplus.Volume {
  requireOwnType(scope, field, volume, '_toVolume', "PodVolume.fromConfigMap('settings')");
  const converted = volumes.get(volume);
  if (converted) return converted;
  if (!isDns1123Label(volume.name)) {
    throw new HardeningError(
      scope,
      `'${field}' is named '${volume.name}', which is not a DNS-1123 label. Give it a 'name' such as 'config'.`,
    );
  }
  if ([...volumes.keys()].some((other) => other.name === volume.name)) {
    throw new HardeningError(
      scope,
      `'${field}' is named '${volume.name}' like another volume of the pod. Give it its own 'name', or mount the same PodVolume object to share it.`,
    );
  }
  const created = volume._toVolume(scope, `Volume-${volume.name}`);
  volumes.set(volume, created);
  return created;
}

function writableMounts(scope: Construct, field: string, container: string, props: HardenedContainerProps): kplus.VolumeMount[] {
  const paths = props.writablePaths ?? [];
  const seen = new Set<string>();
  return paths.map((path, i) => {
    const at = `${field}.writablePaths[${i}]`;
    if (!isMountPath(path) || path.endsWith('/')) {
      throw new HardeningError(
        scope,
        `'${at}' must be an absolute directory path other than '/', without '..' or a trailing '/' (got '${path}'). For example '/tmp'.`,
      );
    }
    if (seen.has(path)) {
      throw new HardeningError(scope, `'${at}' repeats '${path}'. List each writable path once.`);
    }
    seen.add(path);
    const volumeName = writableVolumeName(container, path, i);
    const volume = kplus.Volume.fromEmptyDir(scope, `Writable-${container}-${i}`, volumeName, {
      sizeLimit: props.writablePathSizeLimit ?? DEFAULT_WRITABLE_SIZE,
    });
    return { path, volume };
  });
}

/** `api` + `/var/cache/nginx` → `api-var-cache-nginx`, within the 63 characters of a volume name. */
function writableVolumeName(container: string, path: string, index: number): string {
  const slug = path
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return boundedName(`${container}-${slug}`, index);
}

/** Each Secret as its own read-only volume, so one container never sees another's secrets. */
function secretMounts(
  scope: Construct,
  field: string,
  container: string,
  props: HardenedContainerProps,
  paths: Set<string>,
): kplus.VolumeMount[] {
  return (props.secretMounts ?? []).map((mount, i) => {
    const at = `${field}.secretMounts[${i}]`;
    requireDns1123Subdomain(scope, `${at}.secretName`, mount.secretName);
    requireMountPath(scope, `${at}.path`, mount.path, `/var/run/secrets/${mount.secretName}`);
    requireUnusedPath(scope, `${at}.path`, mount.path, paths);
    const secret = kplus.Secret.fromSecretName(scope, `SecretRef-${container}-${i}`, mount.secretName);
    const volume = kplus.Volume.fromSecret(scope, `SecretVolume-${container}-${i}`, secret, {
      name: boundedName(`${container}-secret-${mount.secretName}`, i),
      defaultMode: 0o440,
    });
    return { path: mount.path, volume, readOnly: true };
  });
}

function requireMountPath(scope: Construct, field: string, path: string, example: string): void {
  if (!isMountPath(path)) {
    throw new HardeningError(
      scope,
      `'${field}' must be an absolute directory path other than '/', without '..' (got '${path}'). For example '${example}'.`,
    );
  }
}

/** Adds `path` to the container's mount paths, refusing one already there. */
function requireUnusedPath(scope: Construct, field: string, path: string, paths: Set<string>): void {
  if (paths.has(path)) {
    throw new HardeningError(
      scope,
      `'${field}' '${path}' is already used by another mount of this container. Give each mount its own path.`,
    );
  }
  paths.add(path);
}

/** `name` within the 63 characters of a volume name, suffixed with `index` when cut. */
function boundedName(name: string, index: number): string {
  if (name.length <= 63) return name;
  const suffix = `-${index}`;
  return name.slice(0, 63 - suffix.length).replace(/[-.]+$/, '') + suffix;
}
