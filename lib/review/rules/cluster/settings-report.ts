import { code, table } from '../../../core/markdown';
import { KubeObject } from '../../model';
import {
  CIS_BENCHMARK,
  ClusterSetting,
  CONTROL_PLANE_SETTINGS,
  describeExpectation,
  formatSettingValue,
  KUBELET_SETTINGS,
  meetsSetting,
} from '../../../policy/cis-benchmark';
import { componentFlags, fieldAt, hasExternalEtcd, isKubeadmClusterConfiguration } from './kubeadm';

/** The file the settings report is written to, next to review.json. */
export const CLUSTER_SETTINGS_FILE = 'cluster-settings.json';

/** One row of the settings report: a table row and what the reviewed file has. */
export interface SettingReportRow {
  readonly kind: 'ClusterConfiguration' | 'KubeletConfiguration';
  readonly component: string;
  readonly setting: string;
  readonly cis: string;
  readonly expected: string;
  /** The value found, `(not set)`, or `<value> (kubeadm default)`. */
  readonly found: string;
  readonly meets: boolean;
  readonly why: string;
}

/**
 * The CIS settings table with the values of the kubeadm `ClusterConfiguration` and
 * `KubeletConfiguration` objects under review, or `undefined` when there are none.
 */
export function clusterSettingsReport(objects: readonly KubeObject[]): { json: string; markdown: string } | undefined {
  const rows: SettingReportRow[] = [];
  const row = (kind: SettingReportRow['kind'], setting: ClusterSetting, found: string, meets: boolean): SettingReportRow => ({
    kind,
    component: setting.component,
    setting: setting.component === 'kubelet' ? setting.setting : `--${setting.setting}`,
    cis: setting.cis,
    expected: describeExpectation(setting),
    found,
    meets,
    why: setting.why,
  });
  for (const obj of objects) {
    if (isKubeadmClusterConfiguration(obj)) {
      for (const setting of CONTROL_PLANE_SETTINGS) {
        if (setting.component === 'kubelet' || (setting.component === 'etcd' && hasExternalEtcd(obj))) continue;
        const flag = componentFlags(obj, setting.component).get(setting.setting);
        const found = flag === undefined ? '(not set)' : `${flag.value}${flag.path ? '' : ' (kubeadm default)'}`;
        rows.push(row('ClusterConfiguration', setting, found, meetsSetting(setting, flag?.value)));
      }
    } else if (obj.kind === 'KubeletConfiguration' && obj.apiVersion.startsWith('kubelet.config.k8s.io/')) {
      for (const setting of KUBELET_SETTINGS) {
        const value = fieldAt(obj, setting.setting);
        rows.push(row('KubeletConfiguration', setting, formatSettingValue(value as never), meetsSetting(setting, value)));
      }
    }
  }
  if (rows.length === 0) return undefined;
  const failing = rows.filter((r) => !r.meets).length;
  const markdown = [
    `## Cluster settings (${CIS_BENCHMARK})`,
    '',
    `${rows.length} settings of the control plane and kubelet configuration; ${failing === 0 ? 'all met' : `${failing} not met (see the findings above)`}.`,
    '',
    ...table(
      ['CIS', 'Component', 'Setting', 'Expected', 'Found', 'Met', 'Why'],
      rows.map((r) => [r.cis, r.component, code(r.setting), r.expected, r.found, r.meets ? 'yes' : '**no**', r.why]),
    ),
    '',
  ].join('\n');
  return { json: JSON.stringify({ benchmark: CIS_BENCHMARK, settings: rows }, null, 2) + '\n', markdown };
}
