export { NetworkPolicyDropSource, SecurityAlerts } from './security-alerts';
export type { SecurityAlertsProps } from './security-alerts';
