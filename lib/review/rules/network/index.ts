import { Rule } from '../../model';
import { namespacePodSecurity, workloadNamespaceHardened } from './namespaces';
import { networkEgressMetadata } from './network-egress-metadata';
import { networkIngressFromAnywhere } from './network-ingress-from-anywhere';
import { namespaceDefaultDeny, networkPolicySelectsPods } from './network-policies';

export * from './namespaces';
export * from './network-policies';
export * from './network-ingress-from-anywhere';
export * from './network-egress-metadata';

/** Namespace rules: every workload in a declared namespace that enforces Pod Security. */
export const NAMESPACE_RULES: readonly Rule[] = [namespacePodSecurity, workloadNamespaceHardened];

/** Network rules: default deny everywhere, no allow-all peers, no metadata egress, no policy that misses its pods. */
export const NETWORK_RULES: readonly Rule[] = [namespaceDefaultDeny, networkIngressFromAnywhere, networkEgressMetadata, networkPolicySelectsPods];
