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
export const BUILT_IN_CLUSTER_ROLES: readonly KubeObject[] = Object.entries(DATA.clusterRoles as Record<string, BootstrapRole>).map(([name, role]) => ({
  apiVersion: 'rbac.authorization.k8s.io/v1',
  kind: 'ClusterRole',
  metadata: { name, ...(role.labels ? { labels: role.labels } : {}) },
  ...(role.aggregationRule ? { aggregationRule: role.aggregationRule } : {}),
  rules: role.rules,
}));

const NAMES = new Set(BUILT_IN_CLUSTER_ROLES.map((role) => role.metadata!.name!));

/** Whether `name` is a ClusterRole every cluster has. */
export function isBuiltInClusterRole(name: string): boolean {
  return NAMES.has(name);
}
