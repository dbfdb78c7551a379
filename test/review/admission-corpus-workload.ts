/** Admission differential corpus (admission-corpus.ts): workload hardening and secrets rules on pod templates. */
import type { PodMutation } from './pod-mutations';

/** Changes to a pod template for the workload hardening and secrets rules on pod templates. */
export const MUTATIONS: readonly PodMutation[] = [];
