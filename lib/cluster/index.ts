export * from './admission-configuration';
export * from './audit-policy';
export * from './authentication-configuration';
export * from './control-plane-hardening';
export * from './kubeadm-configuration';
