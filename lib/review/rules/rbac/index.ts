import { Rule } from '../../model';
import {
  rbacClusterScope,
  rbacNoBroadSubjects,
  rbacNoClusterAdminBinding,
  rbacNoDefaultServiceAccountBinding,
  rbacNoUserSubjects,
} from './bindings';
import { rbacNoAggregationLeak } from './aggregation-leak';
import { rbacNoClusterSecretRead } from './cluster-secret-read';
import { rbacNoClusterTakeoverPowers } from './cluster-takeover-powers';
import { rbacNoKubeSystemEscalation } from './kube-system-escalation';
import { rbacNamespaceEscalationPowers } from './namespace-escalation-powers';
import { rbacNoEscalationVerbs, rbacNoExecAttachPortforward, rbacNoWildcards } from './roles';

export * from './aggregation-leak';
export * from './bindings';
export * from './cluster-secret-read';
export * from './cluster-takeover-powers';
export * from './kube-system-escalation';
export * from './namespace-escalation-powers';
export * from './roles';

/** RBAC rules: no wildcards, escalation verbs or escalation powers (judged by effect), no way into pods, no broad or cluster-wide grants. */
export const RBAC_RULES: readonly Rule[] = [
  rbacNoWildcards,
  rbacNoEscalationVerbs,
  rbacNoExecAttachPortforward,
  rbacNoClusterTakeoverPowers,
  rbacNamespaceEscalationPowers,
  rbacNoAggregationLeak,
  rbacNoClusterSecretRead,
  rbacNoKubeSystemEscalation,
  rbacNoClusterAdminBinding,
  rbacNoBroadSubjects,
  rbacNoDefaultServiceAccountBinding,
  rbacNoUserSubjects,
  rbacClusterScope,
];
