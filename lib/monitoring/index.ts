export { NetworkPolicyDropSource, SecurityAlerts } from './security-alerts';
export type { SecurityAlertsProps } from './security-alerts';
export { AuditLogShipper } from './audit-log-shipper';
export type { AuditLogShipperProps, AuditLogSink } from './audit-log-shipper';
