import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { ExceptionsToWrite, recordExceptions } from '../policy/exception-routing';
import { clusterScoped } from '../core/namespace-scope';

/** What `bindRole` creates a Role (or ClusterRole) and its binding from. */
export interface BindRoleOptions {
  /** Metadata of both objects; the binding refers to the role by `metadata.name`. */
  readonly metadata: k8s.ObjectMeta & { readonly name: string };
  /** The role's rules, already checked (see `checkGrantRules`); a `Lazy` when rules are added later. */
  readonly rules: k8s.PolicyRule[];
  readonly subjects: k8s.Subject[];
  /** Recorded on both objects, so the review and the scanners read the same reasons. */
  readonly exceptions: ExceptionsToWrite;
  /** Construct ids of the role and the binding. */
  readonly ids: readonly [string, string];
}

/**
 * A Role and the RoleBinding that gives it to `subjects` (or, with `clusterWide`, a
 * ClusterRole and ClusterRoleBinding, without namespace): the one way this library grants
 * permissions, used by `workload.grant()`, `NamespaceAccess` and `ClusterGrant`.
 */
export function bindRole(
  scope: Construct,
  options: BindRoleOptions & { readonly clusterWide: true },
): { role: k8s.KubeClusterRole; binding: k8s.KubeClusterRoleBinding };
export function bindRole(
  scope: Construct,
  options: BindRoleOptions & { readonly clusterWide?: false },
): { role: k8s.KubeRole; binding: k8s.KubeRoleBinding };
export function bindRole(scope: Construct, options: BindRoleOptions & { readonly clusterWide?: boolean }) {
  const [roleId, bindingId] = options.ids;
  const roleRef = { apiGroup: 'rbac.authorization.k8s.io', name: options.metadata.name };
  const { role, binding } = options.clusterWide
    ? {
        role: new k8s.KubeClusterRole(scope, roleId, { metadata: options.metadata, rules: options.rules }),
        binding: new k8s.KubeClusterRoleBinding(scope, bindingId, {
          metadata: options.metadata,
          roleRef: { ...roleRef, kind: 'ClusterRole' },
          subjects: options.subjects,
        }),
      }
    : {
        role: new k8s.KubeRole(scope, roleId, { metadata: options.metadata, rules: options.rules }),
        binding: new k8s.KubeRoleBinding(scope, bindingId, {
          metadata: options.metadata,
          roleRef: { ...roleRef, kind: 'Role' },
          subjects: options.subjects,
        }),
      };
  for (const object of [role, binding]) {
    recordExceptions(object, options.exceptions);
    if (options.clusterWide) clusterScoped(object);
  }
  return { role, binding };
}
