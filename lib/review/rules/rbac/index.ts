import { Rule } from '../../model';
import { rbacClusterScope, rbacNoBroadSubjects, rbacNoClusterAdminBinding, rbacNoDefaultServiceAccountBinding, rbacNoUserSubjects } from './bindings';
import { rbacNoClusterSecretRead } from './cluster-secret-read';
import { rbacNoEscalationVerbs, rbacNoExecAttachPortforward, rbacNoWildcards } from './roles';

export * from './bindings';
export * from './cluster-secret-read';
export * from './roles';

/** RBAC rules: no wildcards or escalation verbs, no way into pods, no broad or cluster-wide grants. */
export const RBAC_RULES: readonly Rule[] = [
  rbacNoWildcards,
  rbacNoEscalationVerbs,
  rbacNoExecAttachPortforward,
  rbacNoClusterSecretRead,
  rbacNoClusterAdminBinding,
  rbacNoBroadSubjects,
  rbacNoDefaultServiceAccountBinding,
  rbacNoUserSubjects,
  rbacClusterScope,
];
