/**
 * The benchmark platform, as data: `size` workloads in namespaces of 50, each serving HTTP on
 * one port, reached from its neighbour in the namespace and from the ingress controller.
 * Both variants (hardened and baseline) build exactly these workloads.
 */

/** Workloads per namespace. */
export const PER_NAMESPACE = 50;
/** The port every workload serves on. */
export const PORT = 8080;
/** A pinned image (the hardened construct refuses tags without a digest). */
export const IMAGE = 'ghcr.io/example/bench-service:1.0.0@sha256:4b2c1a3f9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d9c8b7a6f5e4d3c2b';
/** The review date, fixed so reports are byte-identical from run to run. */
export const REVIEW_DATE = '2026-01-15';

/** One namespace of the platform and the names of its workloads. */
export interface NamespacePlan {
  readonly name: string;
  readonly workloads: readonly string[];
}

/** Splits `size` workloads into namespaces of `PER_NAMESPACE` (the last one may be smaller). */
export function planPlatform(size: number): NamespacePlan[] {
  const plans: NamespacePlan[] = [];
  for (let first = 0; first < size; first += PER_NAMESPACE) {
    const count = Math.min(PER_NAMESPACE, size - first);
    plans.push({
      name: `team-${pad(first / PER_NAMESPACE, 3)}`,
      workloads: Array.from({ length: count }, (_, i) => `svc-${pad(first + i, 4)}`),
    });
  }
  return plans;
}

/** The neighbour that may call workload `i` of a namespace: the previous one, the first calls the last. */
export function callerOf(i: number, count: number): number {
  return (i + count - 1) % count;
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}
