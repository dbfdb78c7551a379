/**
 * Facts about the control plane that the cluster constructs write and the cluster rules judge:
 * which namespaces are system namespaces, the audit levels, the paths anonymous requests may reach.
 * (The component settings table is `cis-benchmark.ts`.)
 */

/**
 * A system namespace: `kube-system`, another `kube-*`, or a `*-system` namespace of a
 * cluster add-on (`calico-system`, `gatekeeper-system`). Only these may be exempt.
 */
export const SYSTEM_NAMESPACE = /^(kube-[a-z0-9]([-a-z0-9]*[a-z0-9])?|[a-z0-9]([-a-z0-9]*[a-z0-9])?-system)$/;

/** The namespaces the admission policies leave alone by default: the one kubeadm's own workloads run in. */
export const DEFAULT_EXEMPT_NAMESPACES: readonly string[] = ['kube-system'];

/** The first of `namespaces` that is not a system namespace (a value that is not a string included), with its index; `undefined` when all are. */
export function nonSystemNamespace(namespaces: readonly unknown[]): { index: number; namespace: unknown } | undefined {
  const index = namespaces.findIndex((namespace) => typeof namespace !== 'string' || !SYSTEM_NAMESPACE.test(namespace));
  return index < 0 ? undefined : { index, namespace: namespaces[index] };
}

/** Audit levels, from least to most recorded. */
export const AUDIT_LEVELS = ['None', 'Metadata', 'Request', 'RequestResponse'] as const;
export type AuditLevel = (typeof AUDIT_LEVELS)[number];

/**
 * The paths anonymous requests may reach: the API server's health checks, and the
 * `cluster-info` ConfigMap that `kubeadm join` reads before it has credentials (it holds
 * only the CA certificate and the API address).
 */
export const ANONYMOUS_PATHS: readonly string[] = [
  '/livez',
  '/readyz',
  '/healthz',
  '/api/v1/namespaces/kube-public/configmaps/cluster-info',
];
