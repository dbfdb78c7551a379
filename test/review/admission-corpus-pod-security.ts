/** Admission differential corpus (admission-corpus.ts): Pod Security rules beyond the shared mutations (pod-mutations.ts). */
import type { PodMutation } from './pod-mutations';

/** Changes to a pod template for the Pod Security rules beyond the shared mutations (pod-mutations.ts). */
export const MUTATIONS: readonly PodMutation[] = [];
