import * as kplus from 'cdk8s-plus-27';
import { Size } from 'cdk8s';
import { ContainerResources } from './container-resources';

/**
 * Documented resource classes, so that every container gets requests and limits without
 * the team having to know the numbers on day one. Memory request equals its limit (a pod
 * is never killed for using memory it was promised), CPU may burst to its limit.
 */
export enum WorkloadSize {
  /** cpu 100m (limit 500m), memory 128Mi, ephemeral storage 64Mi (limit 256Mi). */
  SMALL = 'small',
  /** cpu 250m (limit 1), memory 512Mi, ephemeral storage 128Mi (limit 512Mi). */
  MEDIUM = 'medium',
  /** cpu 1 (limit 2), memory 2Gi, ephemeral storage 256Mi (limit 1Gi). */
  LARGE = 'large',
}

interface SizeSpec {
  readonly cpuRequestMillis: number;
  readonly cpuLimitMillis: number;
  readonly memoryMebibytes: number;
  readonly ephemeralRequestMebibytes: number;
  readonly ephemeralLimitMebibytes: number;
}

const SIZES: Record<WorkloadSize, SizeSpec> = {
  [WorkloadSize.SMALL]: {
    cpuRequestMillis: 100,
    cpuLimitMillis: 500,
    memoryMebibytes: 128,
    ephemeralRequestMebibytes: 64,
    ephemeralLimitMebibytes: 256,
  },
  [WorkloadSize.MEDIUM]: {
    cpuRequestMillis: 250,
    cpuLimitMillis: 1000,
    memoryMebibytes: 512,
    ephemeralRequestMebibytes: 128,
    ephemeralLimitMebibytes: 512,
  },
  [WorkloadSize.LARGE]: {
    cpuRequestMillis: 1000,
    cpuLimitMillis: 2000,
    memoryMebibytes: 2048,
    ephemeralRequestMebibytes: 256,
    ephemeralLimitMebibytes: 1024,
  },
};

/** The full resource block of a size class. */
export function resourcesOfSize(size: WorkloadSize): kplus.ContainerResources {
  const spec = SIZES[size];
  return {
    cpu: { request: kplus.Cpu.millis(spec.cpuRequestMillis), limit: kplus.Cpu.millis(spec.cpuLimitMillis) },
    memory: { request: Size.mebibytes(spec.memoryMebibytes), limit: Size.mebibytes(spec.memoryMebibytes) },
    ephemeralStorage: { request: Size.mebibytes(spec.ephemeralRequestMebibytes), limit: Size.mebibytes(spec.ephemeralLimitMebibytes) },
  };
}

/**
 * Completes explicit resources with the parts a team rarely sizes by hand (the CPU limit
 * and ephemeral storage) from a size class. Returns the names of required fields that are
 * still missing: cpu request, memory request, memory limit.
 */
export function completeResources(
  explicit: ContainerResources,
  fallback: WorkloadSize,
): { resources: kplus.ContainerResources; missing: string[] } {
  const base = resourcesOfSize(fallback);
  const missing: string[] = [];
  if (!explicit.cpu?.request) missing.push('resources.cpu.request');
  if (!explicit.memory?.request) missing.push('resources.memory.request');
  if (!explicit.memory?.limit) missing.push('resources.memory.limit');
  return {
    missing,
    resources: {
      cpu: { request: explicit.cpu?.request?._toCpu(), limit: explicit.cpu?.limit?._toCpu() ?? base.cpu?.limit },
      memory: { request: explicit.memory?.request, limit: explicit.memory?.limit },
      ephemeralStorage: {
        request: explicit.ephemeralStorage?.request ?? base.ephemeralStorage?.request,
        limit: explicit.ephemeralStorage?.limit ?? base.ephemeralStorage?.limit,
      },
    },
  };
}
