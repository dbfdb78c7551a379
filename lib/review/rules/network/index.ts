import { Rule } from '../../model';
import { namespacePodSecurity, workloadNamespaceHardened } from './namespaces';
import { noDefaultNamespace } from './no-default-namespace';
import { serviceSelectsPods } from './service-selects-pods';
import { serviceTypeAllowedByQuota } from './service-type-allowed-by-quota';
import { networkEgressMetadata } from './network-egress-metadata';
import { networkIngressFromAnywhere } from './network-ingress-from-anywhere';
import { namespaceDefaultDeny, networkPolicySelectsPods } from './network-policies';

export * from './namespaces';
export * from './network-policies';
export * from './network-ingress-from-anywhere';
export * from './network-egress-metadata';
export * from './no-default-namespace';
export * from './service-selects-pods';
export * from './service-type-allowed-by-quota';
export { namespaceFacts, NamespaceFacts } from './namespace-facts';

/** Namespace rules: every workload in a declared namespace that enforces Pod Security, nothing in `default`. */
export const NAMESPACE_RULES: readonly Rule[] = [namespacePodSecurity, workloadNamespaceHardened, noDefaultNamespace];

/**
 * Network rules: default deny everywhere, no allow-all peers, no metadata egress, no policy or
 * Service that misses its pods, no Service type the namespace quota refuses.
 */
export const NETWORK_RULES: readonly Rule[] = [
  namespaceDefaultDeny,
  networkIngressFromAnywhere,
  networkEgressMetadata,
  networkPolicySelectsPods,
  serviceSelectsPods,
  serviceTypeAllowedByQuota,
];
