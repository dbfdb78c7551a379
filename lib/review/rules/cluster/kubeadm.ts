import { KubeObject } from '../../model';
import { isRecord, list } from '../../walkers';
import { ClusterComponent, PKI } from '../../../policy/cis-benchmark';

/**
 * Reading kubeadm's `ClusterConfiguration`: the flags each control-plane component runs
 * with, from `extraArgs` (a map in v1beta3, a list of `{name, value}` in v1beta4) over the
 * flags kubeadm sets itself.
 *
 * @see https://kubernetes.io/docs/reference/config-api/kubeadm-config.v1beta4/
 */

/** The components a `ClusterConfiguration` configures, and where their `extraArgs` are. */
export const KUBEADM_COMPONENTS: Readonly<Record<Exclude<ClusterComponent, 'kubelet'>, readonly string[]>> = {
  'kube-apiserver': ['apiServer'],
  'kube-controller-manager': ['controllerManager'],
  'kube-scheduler': ['scheduler'],
  etcd: ['etcd', 'local'],
};

/**
 * The flags kubeadm (v1.34) writes into the static pod manifests itself, where the benchmark
 * cares about them. An `extraArgs` entry replaces the default (lists are not merged).
 */
export const KUBEADM_DEFAULT_FLAGS: Readonly<Record<Exclude<ClusterComponent, 'kubelet'>, Readonly<Record<string, string>>>> = {
  'kube-apiserver': {
    'authorization-mode': 'Node,RBAC',
    'enable-admission-plugins': 'NodeRestriction',
    'client-ca-file': `${PKI}/ca.crt`,
    'tls-cert-file': `${PKI}/apiserver.crt`,
    'tls-private-key-file': `${PKI}/apiserver.key`,
    'kubelet-client-certificate': `${PKI}/apiserver-kubelet-client.crt`,
    'kubelet-client-key': `${PKI}/apiserver-kubelet-client.key`,
    'service-account-key-file': `${PKI}/sa.pub`,
    'etcd-cafile': `${PKI}/etcd/ca.crt`,
    'etcd-certfile': `${PKI}/apiserver-etcd-client.crt`,
    'etcd-keyfile': `${PKI}/apiserver-etcd-client.key`,
  },
  'kube-controller-manager': {
    'bind-address': '127.0.0.1',
    'root-ca-file': `${PKI}/ca.crt`,
    'service-account-private-key-file': `${PKI}/sa.key`,
    'use-service-account-credentials': 'true',
  },
  'kube-scheduler': {
    'bind-address': '127.0.0.1',
  },
  etcd: {
    'cert-file': `${PKI}/etcd/server.crt`,
    'key-file': `${PKI}/etcd/server.key`,
    'trusted-ca-file': `${PKI}/etcd/ca.crt`,
    'client-cert-auth': 'true',
    'peer-cert-file': `${PKI}/etcd/peer.crt`,
    'peer-key-file': `${PKI}/etcd/peer.key`,
    'peer-client-cert-auth': 'true',
  },
};

/** One flag as configured: its value, and where it came from. */
export interface ConfiguredFlag {
  readonly value: string;
  /** JSON path of the `extraArgs` entry, or `undefined` for a kubeadm default. */
  readonly path?: string;
}

/** Whether the object is a kubeadm `ClusterConfiguration`. */
export function isKubeadmClusterConfiguration(obj: KubeObject): boolean {
  return obj.kind === 'ClusterConfiguration' && obj.apiVersion.startsWith('kubeadm.k8s.io/');
}

/** JSON path of a component's `extraArgs`. */
export function extraArgsPath(component: Exclude<ClusterComponent, 'kubelet'>): string {
  return [...KUBEADM_COMPONENTS[component], 'extraArgs'].join('.');
}

/** Whether etcd is external (not run by kubeadm), so its flags are not in this file. */
export function hasExternalEtcd(obj: KubeObject): boolean {
  return isRecord(obj.etcd) && isRecord(obj.etcd.external);
}

/** The flags a component runs with: kubeadm's defaults, overridden by `extraArgs` (the last entry of a name wins). */
export function componentFlags(obj: KubeObject, component: Exclude<ClusterComponent, 'kubelet'>): ReadonlyMap<string, ConfiguredFlag> {
  const flags = new Map<string, ConfiguredFlag>();
  for (const [name, value] of Object.entries(KUBEADM_DEFAULT_FLAGS[component])) flags.set(name, { value });
  let section: unknown = obj;
  for (const field of KUBEADM_COMPONENTS[component]) section = isRecord(section) ? section[field] : undefined;
  const extraArgs = isRecord(section) ? section.extraArgs : undefined;
  const base = extraArgsPath(component);
  if (Array.isArray(extraArgs)) {
    list<unknown>(extraArgs).forEach((arg, i) => {
      if (isRecord(arg) && typeof arg.name === 'string')
        flags.set(arg.name, { value: String(arg.value ?? ''), path: `${base}[${i}].value` });
    });
  } else if (isRecord(extraArgs)) {
    for (const [name, value] of Object.entries(extraArgs)) {
      flags.set(name, {
        value: String(value ?? ''),
        path: /^[A-Za-z0-9_]+$/.test(name) ? `${base}.${name}` : `${base}[${JSON.stringify(name)}]`,
      });
    }
  }
  return flags;
}

/** A field at a dotted path (`authentication.anonymous.enabled`), or `undefined`. */
export function fieldAt(obj: unknown, dotted: string): unknown {
  let value: unknown = obj;
  for (const field of dotted.split('.')) value = isRecord(value) ? value[field] : undefined;
  return value;
}
