import { Rule } from '../../model';
import { ADMISSION_RULES } from './admission';
import { AUDIT_POLICY_RULES } from './audit-policy';
import { AUTHENTICATION_RULES } from './authentication';
import { COMPONENT_SETTING_RULES } from './component-settings';
import { ENCRYPTION_RULES } from './encryption';

export * from './admission';
export * from './audit-policy';
export * from './authentication';
export * from '../../../policy/cis-benchmark';
export * from '../../../policy/control-plane';
export * from './component-settings';
export * from './encryption';
export * from './kubeadm';
export * from './settings-report';

/**
 * Cluster configuration: the files of a self-managed control plane (kubeadm
 * `ClusterConfiguration`, `KubeletConfiguration`, the audit `Policy`, `AdmissionConfiguration`,
 * `AuthenticationConfiguration`, `EncryptionConfiguration`), so a hand-edited one is caught.
 */
export const CLUSTER_RULES: readonly Rule[] = [
  ...COMPONENT_SETTING_RULES,
  ...AUDIT_POLICY_RULES,
  ...ADMISSION_RULES,
  ...AUTHENTICATION_RULES,
  ...ENCRYPTION_RULES,
];
