import { ANONYMOUS_PATHS } from '../policy/control-plane';

/**
 * The API server's structured `AuthenticationConfiguration` (`--authentication-config`,
 * Kubernetes 1.34+): anonymous requests only for the health endpoints that kubeadm's probes
 * and load balancers call, refused with 401 everywhere else. This is CIS 1.2.1's intent
 * without its side effect: `--anonymous-auth=false` makes kubeadm's own probes fail and the
 * API server restart in a loop.
 *
 * @see https://kubernetes.io/docs/reference/access-authn-authz/authentication/#anonymous-authenticator-configuration
 */

/** Options of the authentication configuration. */
export interface AuthenticationOptions {
  /**
   * Allow anonymous reads of `kube-public/cluster-info`, which `kubeadm join --discovery-token`
   * needs before it has credentials (it holds only the CA certificate and the API address,
   * signed with the bootstrap token). Turn it off when nodes join with `--discovery-file`.
   *
   * @default true
   */
  readonly anonymousJoinDiscovery?: boolean;
}

/** The authentication configuration object (`apiserver.config.k8s.io/v1beta1`). */
export function authenticationConfiguration(options: AuthenticationOptions = {}): Record<string, unknown> {
  const paths = ANONYMOUS_PATHS.filter((p) => (options.anonymousJoinDiscovery ?? true) || !p.includes('cluster-info'));
  return {
    apiVersion: 'apiserver.config.k8s.io/v1beta1',
    kind: 'AuthenticationConfiguration',
    anonymous: { enabled: true, conditions: paths.map((path) => ({ path })) },
  };
}
