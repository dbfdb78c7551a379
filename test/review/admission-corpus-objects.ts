/** Admission differential corpus (admission-corpus.ts): rules on kinds other than workloads (RBAC, network, namespaces, services, config). */
import type { ObjectGenerator } from './admission-corpus';

/** Generators of objects for the rules on kinds other than workloads (RBAC, network, namespaces, services, config): each returns a compliant or changed object named `name`, in the corpus namespace when namespaced. */
export const GENERATORS: readonly ObjectGenerator[] = [];
