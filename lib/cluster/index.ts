/**
 * Hardening of a self-managed (kubeadm) control plane: the construct that writes every file,
 * and one generator per file for a control plane laid out differently.
 */
export { ControlPlaneHardening } from './control-plane-hardening';
export type { ControlPlaneHardeningOptions } from './control-plane-hardening';
export { admissionConfiguration } from './admission-configuration';
export type { AdmissionOptions, PodSecurityExemption } from './admission-configuration';
export { auditPolicy } from './audit-policy';
export type { AuditLogOptions, AuditOptions, AuditWebhookOptions } from './audit-policy';
export { authenticationConfiguration } from './authentication-configuration';
export type { AuthenticationOptions } from './authentication-configuration';
export { clusterConfiguration, kubeletConfiguration } from './kubeadm-configuration';
export type { KubeadmOptions } from './kubeadm-configuration';
