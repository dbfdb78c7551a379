import { Rule } from './model';
import { NAMESPACE_RULES, NETWORK_RULES } from './rules/network';
import { POD_RULES, PSS_BASELINE_RULES, PSS_RESTRICTED_RULES, WORKLOAD_HARDENING_RULES } from './rules/pod';
import { SECRET_RULES } from './rules/secrets';
import { RBAC_RULES } from './rules/rbac';
import { CLUSTER_RULES } from './rules/cluster';
import { SCHEMA_RULES } from './rules/schema';

/** A named list of rule ids that a review can select. */
export interface Pack {
  /** Kebab-case id, used in `ReviewOptions.packs` and in reports. */
  readonly id: string;
  readonly title: string;
  readonly rules: readonly string[];
}

/**
 * A pack's rule ids, after the schema rules: every pack judges shapes first, so no selection of
 * packs can pass an object the API server would refuse or read differently (a `containers`
 * mapping, a `securityContex` typo, `kind: pod`) while its own rules find nothing to judge.
 */
const ids = (rules: readonly Rule[]): string[] => [...SCHEMA_RULES, ...rules].map((rule) => rule.id);

/**
 * Pod Security Standards, baseline level (policy v1.37): prevents known privilege escalations.
 *
 * @see https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline
 */
export const PSS_BASELINE: Pack = { id: 'pss-baseline', title: 'Pod Security Standards: baseline', rules: ids(PSS_BASELINE_RULES) };

/**
 * Pod Security Standards, restricted level (policy v1.37). Like upstream it includes every
 * baseline rule; where a restricted rule replaces a baseline one (its `overrides`), this
 * pack runs only the restricted one, exactly as upstream evaluates the level.
 *
 * @see https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted
 */
export const PSS_RESTRICTED: Pack = {
  id: 'pss-restricted',
  title: 'Pod Security Standards: restricted',
  rules: ids([...PSS_BASELINE_RULES, ...PSS_RESTRICTED_RULES]),
};

/**
 * Our workload hardening beyond Pod Security: read-only root, high ids, resources, images,
 * probes (distinct readiness and liveness), tokens, replicas kept off one node, drains that
 * unhealthy pods cannot block.
 */
export const WORKLOAD_HARDENING: Pack = { id: 'workload-hardening', title: 'Workload hardening', rules: ids(WORKLOAD_HARDENING_RULES) };

/** Namespaces: every workload in a declared namespace that enforces Pod Security restricted. */
export const NAMESPACES: Pack = { id: 'namespaces', title: 'Namespaces', rules: ids(NAMESPACE_RULES) };

/** Network: default deny in every namespace, no allow-all peers, no egress to the metadata address. */
export const NETWORK: Pack = { id: 'network', title: 'Network', rules: ids(NETWORK_RULES) };

/**
 * RBAC: no wildcards or escalation verbs, no way into pods or nodes, no cluster-wide Secret
 * reads, no cluster-admin, broad, default-account or personal subjects; cluster-wide grants
 * only with an exception.
 */
export const RBAC: Pack = { id: 'rbac', title: 'RBAC', rules: ids(RBAC_RULES) };

/** Secrets: no plaintext Secret values, no literal secret env vars, no secrets in ConfigMaps, Secrets as files rather than env vars. */
export const SECRETS: Pack = { id: 'secrets', title: 'Secrets', rules: ids(SECRET_RULES) };

/**
 * Cluster: the configuration files of a self-managed control plane and its kubelets meet the
 * CIS Kubernetes Benchmark; the audit policy keeps secret values out of the log; Pod Security
 * is restricted cluster-wide; Secrets are encrypted at rest with no key in the output.
 */
export const CLUSTER: Pack = { id: 'cluster', title: 'Cluster configuration', rules: ids(CLUSTER_RULES) };

/** Every pack, in report order. */
export const PACKS: readonly Pack[] = [PSS_BASELINE, PSS_RESTRICTED, WORKLOAD_HARDENING, NAMESPACES, NETWORK, RBAC, SECRETS, CLUSTER];

/** The packs a review runs when none are named: all of them. */
export const DEFAULT_PACKS: readonly string[] = PACKS.map((pack) => pack.id);

/** Every rule of every area, in a stable order. */
export const ALL_RULES: readonly Rule[] = [
  ...SCHEMA_RULES,
  ...POD_RULES,
  ...NAMESPACE_RULES,
  ...NETWORK_RULES,
  ...RBAC_RULES,
  ...SECRET_RULES,
  ...CLUSTER_RULES,
];

const RULES_BY_ID: ReadonlyMap<string, Rule> = new Map(ALL_RULES.map((rule) => [rule.id, rule]));
const PACKS_BY_ID: ReadonlyMap<string, Pack> = new Map(PACKS.map((pack) => [pack.id, pack]));

/** The rule with this id, or `undefined`. */
export function ruleById(id: string): Rule | undefined {
  return RULES_BY_ID.get(id);
}

/** The pack with this id, or `undefined`. */
export function packById(id: string): Pack | undefined {
  return PACKS_BY_ID.get(id);
}

/** The ids of the packs a rule belongs to, in pack order. */
export function packsOfRule(ruleId: string): string[] {
  return PACKS.filter((pack) => pack.rules.includes(ruleId)).map((pack) => pack.id);
}
