import { KubeObject, Rule, RuleFinding } from '../../model';
import { finding, quote } from '../../walkers';
import {
  API_SERVER_SETTINGS,
  ClusterComponent,
  ClusterSetting,
  CONTROLLER_MANAGER_SETTINGS,
  ETCD_SETTINGS,
  KUBELET_SETTINGS,
  meetsSetting,
  requirementOf,
  SCHEDULER_SETTINGS,
} from '../../../policy/cis-benchmark';
import { componentFlags, extraArgsPath, fieldAt, hasExternalEtcd, isKubeadmClusterConfiguration } from './kubeadm';
import { CONTROL_PLANE_FILE } from './synth-time';

/** The CIS ids of some rows, once each, in table order. */
const cisIds = (rows: readonly ClusterSetting[]): string[] => [...new Set(rows.map((r) => r.cis).filter((id) => id !== '-'))];

/** `CIS 1.2.15` or, for a row of ours, nothing. */
const cisLabel = (row: ClusterSetting): string => (row.cis === '-' ? '' : ` (CIS ${row.cis})`);

/** Findings for the rows a control-plane component's flags do not meet. */
function checkFlags(obj: KubeObject, component: Exclude<ClusterComponent, 'kubelet'>, rows: readonly ClusterSetting[]): RuleFinding[] {
  if (!isKubeadmClusterConfiguration(obj)) return [];
  const flags = componentFlags(obj, component);
  return rows
    .filter((row) => !meetsSetting(row, flags.get(row.setting)?.value))
    .map((row) => {
      const flag = flags.get(row.setting);
      const found =
        flag === undefined ? `without --${row.setting}` : `with --${row.setting}=${flag.value}${flag.path ? '' : " (kubeadm's default)"}`;
      return finding(
        flag?.path ?? extraArgsPath(component),
        `${component} runs ${found}; it should ${requirementOf(row)}${cisLabel(row)}: ${row.why.replace(/\.$/, '')}`,
      );
    });
}

/** A rule that a control-plane component's flags (in `<field>.extraArgs`) meet its rows of the CIS table. */
function componentSettingsRule(
  id: string,
  title: string,
  component: Exclude<ClusterComponent, 'kubelet' | 'etcd'>,
  rows: readonly ClusterSetting[],
  field: string,
): Rule {
  return {
    id,
    title,
    severity: 'error',
    kinds: ['ClusterConfiguration'],
    references: { cis: cisIds(rows) },
    remediation: `Set each flag named in the finding in ${field}.extraArgs.`,
    synthTimeOnly: CONTROL_PLANE_FILE,
    check: (obj) => checkFlags(obj, component, rows),
  };
}

/**
 * kube-apiserver flags meet the CIS Kubernetes Benchmark (section 1.2, and 3.2.1): no
 * anonymous access beyond health checks, Node and RBAC authorization, the admission plugins,
 * no profiling, audit logging with retention, service account token checks, TLS 1.2+ with
 * strong ciphers, TLS to etcd and kubelets, and encryption at rest.
 *
 * @see https://kubernetes.io/docs/reference/command-line-tools-reference/kube-apiserver/
 */
export const apiServerSettings = componentSettingsRule(
  'cluster-apiserver-settings',
  'The API server runs with the CIS Benchmark settings',
  'kube-apiserver',
  API_SERVER_SETTINGS,
  'apiServer',
);

/** kube-controller-manager flags meet the CIS Kubernetes Benchmark (section 1.3). */
export const controllerManagerSettings = componentSettingsRule(
  'cluster-controller-manager-settings',
  'The controller manager runs with the CIS Benchmark settings',
  'kube-controller-manager',
  CONTROLLER_MANAGER_SETTINGS,
  'controllerManager',
);

/** kube-scheduler flags meet the CIS Kubernetes Benchmark (section 1.4). */
export const schedulerSettings = componentSettingsRule(
  'cluster-scheduler-settings',
  'The scheduler runs with the CIS Benchmark settings',
  'kube-scheduler',
  SCHEDULER_SETTINGS,
  'scheduler',
);

/**
 * etcd run by kubeadm meets the CIS Kubernetes Benchmark (section 2): TLS for clients and
 * peers with certificate authentication, no auto TLS, its own CA. An external etcd is
 * configured elsewhere; then its client TLS files must be named here.
 */
export const etcdSettings: Rule = {
  id: 'cluster-etcd-settings',
  title: 'etcd runs with TLS and client certificate authentication (CIS Benchmark section 2)',
  severity: 'error',
  kinds: ['ClusterConfiguration'],
  references: { cis: cisIds(ETCD_SETTINGS) },
  remediation: `Set each flag named in the finding in etcd.local.extraArgs; for an external etcd, set etcd.external.caFile, certFile and keyFile and use https endpoints.`,
  synthTimeOnly: CONTROL_PLANE_FILE,
  check: (obj) => {
    if (!isKubeadmClusterConfiguration(obj)) return [];
    if (!hasExternalEtcd(obj)) return checkFlags(obj, 'etcd', ETCD_SETTINGS);
    const external = fieldAt(obj, 'etcd.external') as Record<string, unknown>;
    const found: RuleFinding[] = ['caFile', 'certFile', 'keyFile']
      .filter((field) => typeof external[field] !== 'string' || external[field] === '')
      .map((field) =>
        finding(
          `etcd.external.${field}`,
          `the external etcd has no ${field}, so the API server cannot use mutual TLS with it (CIS 1.2.23, 1.2.26)`,
        ),
      );
    (Array.isArray(external.endpoints) ? external.endpoints : []).forEach((endpoint: unknown, i: number) => {
      if (typeof endpoint !== 'string' || !endpoint.startsWith('https://')) {
        found.push(finding(`etcd.external.endpoints[${i}]`, `the external etcd endpoint ${quote(endpoint)} is not https`));
      }
    });
    return found;
  },
};

/**
 * The kubelet's configuration meets the CIS Kubernetes Benchmark (section 4.2): no anonymous
 * or unauthorized API access, no read-only port, rotated and CA-signed certificates, TLS 1.2+
 * with strong ciphers, a pod PID limit, RuntimeDefault seccomp for every container, and
 * protected kernel defaults.
 *
 * @see https://kubernetes.io/docs/reference/config-api/kubelet-config.v1beta1/
 */
export const kubeletSettings: Rule = {
  id: 'cluster-kubelet-settings',
  title: 'Kubelets run with the CIS Benchmark settings',
  severity: 'error',
  kinds: ['KubeletConfiguration'],
  references: { cis: cisIds(KUBELET_SETTINGS) },
  remediation: 'Set each field named in the finding in the KubeletConfiguration.',
  synthTimeOnly: CONTROL_PLANE_FILE,
  check: (obj) => {
    if (!obj.apiVersion.startsWith('kubelet.config.k8s.io/')) return [];
    return KUBELET_SETTINGS.filter((row) => !meetsSetting(row, fieldAt(obj, row.setting))).map((row) => {
      const actual = fieldAt(obj, row.setting);
      const found = actual === undefined ? `does not set ${row.setting}` : `sets ${row.setting}: ${quote(actual)}`;
      return finding(row.setting, `the kubelet ${found}; it should ${requirementOf(row)}${cisLabel(row)}: ${row.why.replace(/\.$/, '')}`);
    });
  },
};

/** The component rules, in benchmark order. */
export const COMPONENT_SETTING_RULES: readonly Rule[] = [
  apiServerSettings,
  controllerManagerSettings,
  schedulerSettings,
  etcdSettings,
  kubeletSettings,
];
