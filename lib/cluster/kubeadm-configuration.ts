import * as path from 'node:path';
import { IConstruct } from 'constructs';
import { HardeningError } from '../core/hardening-error';
import {
  API_SERVER_SETTINGS,
  ClusterSetting,
  CONTROLLER_MANAGER_SETTINGS,
  ETCD_SETTINGS,
  HARDENING_DIR,
  KUBELET_SETTINGS,
  SCHEDULER_SETTINGS,
  SettingValue,
} from '../policy/cis-benchmark';
import { auditFlags, auditLogDir, AuditOptions } from './audit-policy';
import { functionScope } from './scope';

/**
 * kubeadm's `ClusterConfiguration` and the `KubeletConfiguration` it hands every node, both
 * written from the CIS settings table (`lib/policy/cis-benchmark.ts`): each
 * row is one flag or field, with the value, its CIS id and why. `kubeadm init --config
 * kubeadm-config.yaml` reads both documents.
 *
 * @see https://kubernetes.io/docs/reference/config-api/kubeadm-config.v1beta4/
 * @see https://kubernetes.io/docs/reference/config-api/kubelet-config.v1beta1/
 */

/** Options of the kubeadm configuration. */
export interface KubeadmOptions {
  /**
   * The Kubernetes version, pinned. 1.34 or later: anonymous access limited to health
   * endpoints (structured authentication configuration) is stable from 1.34.
   *
   * @default 'v1.34.1'
   */
  readonly kubernetesVersion?: string;
  /**
   * The cluster's name.
   *
   * @default 'kubernetes'
   */
  readonly clusterName?: string;
  /**
   * A stable address for the API server (a load balancer) as `host:port`, for more than one
   * control plane node.
   *
   * @default - the first control plane node's address
   */
  readonly controlPlaneEndpoint?: string;
  /**
   * Audit log retention and the webhook backend.
   *
   * @default - /var/log/kubernetes/audit/audit.log, 30 days, 10 backups, 100 MB, no webhook
   */
  readonly audit?: AuditOptions;
  /**
   * The KMS v2 plugin socket (`unix:///...`), whose folder the API server mounts.
   *
   * @default - no KMS socket is mounted
   */
  readonly kmsEndpoint?: string;
}

/** The version `clusterConfiguration()` pins when none is given. */
export const DEFAULT_KUBERNETES_VERSION = 'v1.34.1';

type Flags = [string, string][];

/** The flags a component's rows ask for: values as written, lists merged in table order. */
function flagsFromTable(rows: readonly ClusterSetting[]): Flags {
  const flags = new Map<string, string[]>();
  for (const row of rows) {
    if (row.check === 'excludes' || row.check === 'absent' || row.value === undefined) continue;
    const values = Array.isArray(row.value) ? row.value.map(String) : [String(row.value)];
    const merged = row.check === 'includes' ? [...(flags.get(row.setting) ?? []), ...values] : values;
    flags.set(row.setting, merged);
  }
  return [...flags].map(([name, values]) => [name, values.join(',')]);
}

/** Flags of the table, with `overrides` replacing values of the same name (and extra ones appended). */
function withOverrides(flags: Flags, overrides: Flags): Flags {
  const map = new Map(flags);
  for (const [name, value] of overrides) map.set(name, value);
  return [...map];
}

const asExtraArgs = (flags: Flags) => flags.map(([name, value]) => ({ name, value }));

/** The kubeadm `ClusterConfiguration` object (v1beta4). */
export function clusterConfiguration(
  options: KubeadmOptions = {},
  scope: IConstruct = functionScope('clusterConfiguration'),
): Record<string, unknown> {
  const version = options.kubernetesVersion ?? DEFAULT_KUBERNETES_VERSION;
  const match = /^v1\.(\d+)\.(\d+)$/.exec(version);
  if (!match || Number(match[1]) < 34) {
    throw new HardeningError(
      scope,
      `'kubernetesVersion' must be a pinned version v1.34.x or later (got '${version}'): anonymous access limited to health endpoints needs 1.34. For example '${DEFAULT_KUBERNETES_VERSION}'.`,
    );
  }
  if (options.controlPlaneEndpoint !== undefined && !/^[A-Za-z0-9.-]+(:\d{1,5})?$/.test(options.controlPlaneEndpoint)) {
    throw new HardeningError(
      scope,
      `'controlPlaneEndpoint' must be host or host:port (got '${options.controlPlaneEndpoint}'). For example 'api.cluster.example.com:6443'.`,
    );
  }
  const volumes: Record<string, unknown>[] = [
    { name: 'hardening', hostPath: HARDENING_DIR, mountPath: HARDENING_DIR, readOnly: true, pathType: 'Directory' },
    {
      name: 'audit-log',
      hostPath: auditLogDir(options.audit),
      mountPath: auditLogDir(options.audit),
      readOnly: false,
      pathType: 'DirectoryOrCreate',
    },
  ];
  if (options.kmsEndpoint !== undefined) {
    const socket = options.kmsEndpoint.replace(/^unix:\/\//, '');
    volumes.push({
      name: 'kms-plugin',
      hostPath: path.posix.dirname(socket),
      mountPath: path.posix.dirname(socket),
      readOnly: false,
      pathType: 'DirectoryOrCreate',
    });
  }
  return {
    apiVersion: 'kubeadm.k8s.io/v1beta4',
    kind: 'ClusterConfiguration',
    kubernetesVersion: version,
    clusterName: options.clusterName ?? 'kubernetes',
    ...(options.controlPlaneEndpoint ? { controlPlaneEndpoint: options.controlPlaneEndpoint } : {}),
    apiServer: {
      extraArgs: asExtraArgs(withOverrides(flagsFromTable(API_SERVER_SETTINGS), auditFlags(options.audit, scope))),
      extraVolumes: volumes,
    },
    controllerManager: { extraArgs: asExtraArgs(flagsFromTable(CONTROLLER_MANAGER_SETTINGS)) },
    scheduler: { extraArgs: asExtraArgs(flagsFromTable(SCHEDULER_SETTINGS)) },
    etcd: { local: { extraArgs: asExtraArgs(flagsFromTable(ETCD_SETTINGS)) } },
  };
}

/** Sets `value` at a dotted path of `target`, creating the objects on the way. */
function setIn(target: Record<string, unknown>, dotted: string, value: SettingValue): void {
  const fields = dotted.split('.');
  let node = target;
  for (const field of fields.slice(0, -1)) {
    if (typeof node[field] !== 'object' || node[field] === null) node[field] = {};
    node = node[field] as Record<string, unknown>;
  }
  node[fields[fields.length - 1]] = Array.isArray(value) ? [...value] : value;
}

/** The `KubeletConfiguration` object (v1beta1) every node gets. */
export function kubeletConfiguration(): Record<string, unknown> {
  const config: Record<string, unknown> = { apiVersion: 'kubelet.config.k8s.io/v1beta1', kind: 'KubeletConfiguration' };
  for (const row of KUBELET_SETTINGS) {
    if (row.check === 'excludes' || row.check === 'absent' || row.value === undefined) continue;
    setIn(config, row.setting, row.value);
  }
  // kubeadm's default; written because the container runtime must agree with it.
  config.cgroupDriver = 'systemd';
  return config;
}
