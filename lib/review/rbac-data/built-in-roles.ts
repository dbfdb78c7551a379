/**
 * The ClusterRoles every cluster starts with, as kube-apiserver v1.37 creates them
 * (`bootstrap-roles-1.37.json`, generated from the server by scripts/generate-bootstrap-roles.ts),
 * so bindings to `admin`, `edit`, `view` or a `system:` role are judged by what those roles
 * really allow, and a ClusterRole labelled `aggregate-to-view` is seen flowing into `view`.
 *
 * @see https://kubernetes.io/docs/reference/access-authn-authz/rbac/#default-roles-and-role-bindings
 */
import DATA from './bootstrap-roles-1.37.json';
import { KubeObject } from '../model';

interface BootstrapRole {
  readonly labels?: Readonly<Record<string, string>>;
  readonly aggregationRule?: unknown;
  readonly rules: readonly unknown[];
}

/** The Kubernetes version whose built-in roles the review knows. */
export const BUILT_IN_ROLES_VERSION: string = /k8s\.io\/kubernetes (v[0-9.]+)/.exec(DATA.source)![1];

/** The built-in ClusterRoles as objects, aggregated ones with their aggregationRule and no rules of their own. */
export const BUILT_IN_CLUSTER_ROLES: readonly KubeObject[] = Object.entries(DATA.clusterRoles as Record<string, BootstrapRole>).map(
  ([name, role]) => ({
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRole',
    metadata: { name, ...(role.labels ? { labels: role.labels } : {}) },
    ...(role.aggregationRule ? { aggregationRule: role.aggregationRule } : {}),
    rules: role.rules,
  }),
);

const NAMES = new Set(BUILT_IN_CLUSTER_ROLES.map((role) => role.metadata!.name!));

/** Whether `name` is a ClusterRole every cluster has. */
export function isBuiltInClusterRole(name: string): boolean {
  return NAMES.has(name);
}

/** The label kube-apiserver puts on the roles it creates at start. */
export const BOOTSTRAPPING_LABEL = 'kubernetes.io/bootstrapping';

const BUILT_IN_BY_NAME = new Map(BUILT_IN_CLUSTER_ROLES.map((role) => [role.metadata!.name!, role]));

/**
 * Whether `obj` is one of the ClusterRoles the cluster itself created, unchanged: its name, the
 * bootstrapping label, and the rules the server gives it (for an aggregated role, its
 * aggregationRule: the controller fills its rules). A review of a whole cluster's RBAC export
 * then judges the bindings to these roles, not the platform's own roles; a built-in role
 * someone edited is judged like any other.
 */
export function isUnchangedBuiltInRole(obj: KubeObject): boolean {
  if (obj.kind !== 'ClusterRole') return false;
  const builtIn = BUILT_IN_BY_NAME.get(obj.metadata?.name ?? '');
  if (!builtIn || (obj.metadata?.labels as Record<string, unknown> | undefined)?.[BOOTSTRAPPING_LABEL] !== 'rbac-defaults') return false;
  const written = obj as KubeObject & { aggregationRule?: unknown; rules?: unknown };
  if (builtIn.aggregationRule !== undefined) return canonical(written.aggregationRule) === canonical(builtIn.aggregationRule);
  return written.aggregationRule === undefined && canonical(written.rules ?? []) === canonical(builtIn.rules);
}

/** JSON with object keys sorted, so two equal rule lists compare equal however their keys were written. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(
          Object.keys(v as object)
            .sort()
            .map((k) => [k, (v as Record<string, unknown>)[k]]),
        )
      : v,
  );
}
