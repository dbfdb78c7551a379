/**
 * Analyses over the plain objects of an app, beside the rule review: what the objects allow
 * together rather than what each one gets wrong. Only the public API is re-exported; the
 * helpers (CIDR math, port sets, selectors) stay internal so their names cannot collide
 * with the rest of the library.
 */
export { analyzeReachability, externalPorts, portsBetween, REACHABILITY_WORKLOAD_KINDS } from './reachability';
export type { EntryPoint, ExternalAccess, ExternalPeer, ReachabilityFlow, ReachabilityReport, ReachabilityWorkload } from './reachability';
export { ReachabilityError } from './network-policy';
export { reachabilityJson, reachabilityMarkdown, REACHABILITY_FORMAT_VERSION } from './reachability-report';
export { analyzePermissions, grantLabel, RISKY_POWERS } from './permissions';
export type {
  PermissionsReport,
  SubjectPermissions,
  PermissionGrant,
  RiskyPower,
  RiskyPowerId,
  UnresolvedRole,
  AggregatedClusterRole,
  PermissionScope,
  SubjectKind,
} from './permissions';
export { permissionsJson, permissionsMarkdown, PERMISSIONS_FORMAT_VERSION } from './permissions-report';
