import { celString } from '../../admission/cel';
import { AdmissionScope, KubeObject, Rule } from '../../model';
import { eachContainer, finding, findingValue, isRecord, list, perPod, PodSpecView, POD_TEMPLATE_KINDS, quote } from '../../walkers';
import { Volume } from '../../pod-spec';
import SCHEMA from '../../schema/kubernetes-1.37.json';

/** The volume sources the restricted level allows (v1.33+ includes `image`). */
export const RESTRICTED_VOLUME_SOURCES: readonly string[] = [
  'configMap',
  'csi',
  'downwardAPI',
  'emptyDir',
  'ephemeral',
  'image',
  'persistentVolumeClaim',
  'projected',
  'secret',
];

/** Every volume source of the API (each field of core/v1 Volume but `name`), as kube-apiserver serves them. */
const VOLUME_SOURCES: readonly string[] = Object.keys(SCHEMA.definitions['core.v1.Volume']).filter((field) => field !== 'name');

/** The source fields a volume sets (every non-null field but `name`). */
function sourcesOf(volume: Volume): string[] {
  return Object.keys(volume).filter((key) => key !== 'name' && volume[key] !== null && volume[key] !== undefined);
}

/** What a writable mount adds to the node's path in a no-host-path finding's value. */
export const WRITABLE_HOST_PATH = ' (writable)';

/** Whether any container of `pod` (init and ephemeral ones too) mounts the volume `name` without `readOnly: true`. */
function mountedWritable(obj: KubeObject, pod: PodSpecView, name: unknown): boolean {
  return eachContainer(obj, pod).some(({ container }) =>
    list<{ name?: unknown; readOnly?: unknown }>(container.volumeMounts).some((m) => isRecord(m) && m.name === name && m.readOnly !== true),
  );
}

/**
 * Pods must not mount directories of the node. A finding's value is the node's path (`/var/log`),
 * followed by ` (writable)` when a container mounts it without `readOnly: true`: an exception that
 * accepts a folder read-only does not accept it writable.
 *
 * @see https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline
 */
export const noHostPath: Rule = {
  id: 'no-host-path',
  title: 'Pods mount no hostPath volume',
  severity: 'error',
  kinds: POD_TEMPLATE_KINDS,
  references: {
    trivy: ['KSV-0006', 'KSV-0023', 'KSV-0121'],
    pss: 'baseline/hostPathVolumes',
    cis: '5.2.12',
    polaris: 'hostPathSet',
    kubeLinter: ['docker-sock', 'sensitive-host-mounts', 'writable-host-mount'],
  },
  remediation:
    'Replace the hostPath volume with an emptyDir, a ConfigMap, a Secret or a PersistentVolumeClaim. An exception accepts a path read-only; mounted writable its value is the path followed by " (writable)".',
  check: perPod((pod, obj) =>
    list<Volume>(pod.spec.volumes).flatMap((volume, i) => {
      if (!isRecord(volume) || volume.hostPath === undefined || volume.hostPath === null) return [];
      const writable = mountedWritable(obj, pod, volume.name);
      return [
        finding(
          `${pod.path}.volumes[${i}].hostPath`,
          `volume ${quote(volume.name)} mounts the node's path ${quote(volume.hostPath?.path)}${writable ? ', writable' : ''}`,
          hostPathValue(volume.hostPath?.path, writable),
        ),
      ];
    }),
  ),
  admission: (s) => [
    {
      expression: `${s.pod}.?volumes.orValue([]).all(v, !has(v.hostPath) || ${s.accepts(celHostPathValue(s))})`,
      message: 'A volume mounts a path of the node (hostPath).',
    },
  ],
};

/** A no-host-path finding's value: the node's path, marked when it is mounted writable. */
function hostPathValue(path: unknown, writable: boolean): string | undefined {
  const value = findingValue(path);
  return value === undefined || !writable ? value : `${value}${WRITABLE_HOST_PATH}`;
}

/**
 * A restricted-volume-types finding's value: the volume type (`nfs`), and for a hostPath
 * volume the type and the node's path (`hostPath:/var/log`, `hostPath:/var/log (writable)` when a
 * container mounts it writable), so an exception for one path of the node, read-only, does not
 * accept every other, or that one writable.
 */
function volumeValue(obj: KubeObject, pod: PodSpecView, volume: Volume, type: string): string {
  return type === 'hostPath' ? `hostPath:${hostPathValue(volume.hostPath?.path, mountedWritable(obj, pod, volume.name)) ?? ''}` : type;
}

/** CEL: `hostPathValue` of hostPath volume `v`: its path, marked when a container mounts it writable. */
function celHostPathValue(s: AdmissionScope): string {
  const writable = `(${s.containers} + ${s.pod}.?ephemeralContainers.orValue([])).exists(c, c.?volumeMounts.orValue([]).exists(m, m.name == v.name && !m.?readOnly.orValue(false)))`;
  return `(v.hostPath.path + (${writable} ? ${celString(WRITABLE_HOST_PATH)} : ""))`;
}

/** CEL: `volumeValue` of volume `v` for its source `type`. */
function celVolumeValue(s: AdmissionScope, type: string): string {
  return type === 'hostPath' ? `"hostPath:" + ${celHostPathValue(s)}` : celString(type);
}

/**
 * CEL: volume `v` sets no source, or an allowed one, or an exception accepts each other source
 * it sets (validation lets a volume set only one).
 */
function celVolumeAdmitted(s: AdmissionScope): string {
  const allowed = RESTRICTED_VOLUME_SOURCES.map((source) => `has(v.${source})`).join(' || ');
  const others = VOLUME_SOURCES.filter((source) => !RESTRICTED_VOLUME_SOURCES.includes(source)).map(
    (source) => `(!has(v.${source}) || ${s.accepts(celVolumeValue(s, source))})`,
  );
  return `${allowed} || ${others.join(' && ')}`;
}

/**
 * Pods may use only volume types that a restricted namespace can trust. A finding's value is
 * the type, with the node's path for hostPath (`hostPath:/var/log`). A volume with no
 * source is allowed: the API server defaults it to `emptyDir`. Replaces `no-host-path` when
 * both run (upstream's restrictedVolumes overrides hostPathVolumes).
 *
 * @see https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted
 */
export const restrictedVolumeTypes: Rule = {
  id: 'restricted-volume-types',
  title: 'Pods use only configMap, csi, downwardAPI, emptyDir, ephemeral, image, persistentVolumeClaim, projected and secret volumes',
  severity: 'error',
  kinds: POD_TEMPLATE_KINDS,
  overrides: ['no-host-path'],
  references: { trivy: 'KSV-0028', pss: 'restricted/restrictedVolumes' },
  remediation: 'Replace the volume with one of the allowed types; reach other storage through a PersistentVolumeClaim or a CSI driver.',
  check: perPod((pod, obj) =>
    list<Volume>(pod.spec.volumes).flatMap((volume, i) => {
      if (!isRecord(volume)) return [];
      const sources = sourcesOf(volume);
      if (sources.length === 0 || sources.some((source) => RESTRICTED_VOLUME_SOURCES.includes(source))) return [];
      return [
        finding(
          `${pod.path}.volumes[${i}].${sources[0]}`,
          `volume ${quote(volume.name)} uses the restricted volume type ${quote(sources[0])}`,
          volumeValue(obj, pod, volume, sources[0]),
        ),
      ];
    }),
  ),
  admission: (s) => [
    {
      expression: `${s.pod}.?volumes.orValue([]).all(v, ${celVolumeAdmitted(s)})`,
      message: `A volume uses a type other than ${RESTRICTED_VOLUME_SOURCES.join(', ')}.`,
    },
  ],
};
