import { IConstruct } from 'constructs';
import { isReasonLongEnough, MIN_REASON_LENGTH } from '../core/exceptions';
import { HardeningError } from '../core/hardening-error';
import { SYSTEM_NAMESPACE } from '../policy/control-plane';
import { functionScope } from './scope';

/**
 * The API server's `AdmissionConfiguration` (`--admission-control-config-file`):
 * - PodSecurity: enforce, audit and warn `restricted` for every namespace that sets no level of
 *   its own, so a namespace created by hand cannot run privileged pods; exempt only named system
 *   namespaces, each with a reason (written next to it in the file);
 * - EventRateLimit (CIS 1.2.9): bounds the events per namespace and per user.
 *
 * @see https://kubernetes.io/docs/tasks/configure-pod-container/enforce-standards-admission-controller/
 * @see https://kubernetes.io/docs/reference/access-authn-authz/admission-controllers/#eventratelimit
 */

/** One namespace exempt from Pod Security, and why. */
export interface PodSecurityExemption {
  /** A system namespace: `kube-system`, `kube-*` or `*-system`. */
  readonly namespace: string;
  /** Why its pods need more than `restricted`, in at least 10 visible characters. */
  readonly reason: string;
}

/** Options of the admission configuration. */
export interface AdmissionOptions {
  /**
   * Namespaces exempt from Pod Security. Only system namespaces, each with a reason. Exempting
   * users or runtime classes is not offered: either would open every namespace.
   *
   * @default - kube-system only (kube-proxy and CNI DaemonSets need the host network and privileges)
   */
  readonly podSecurityExemptions?: readonly PodSecurityExemption[];
}

/** The exemption every kubeadm cluster needs. */
export const DEFAULT_POD_SECURITY_EXEMPTIONS: readonly PodSecurityExemption[] = [
  { namespace: 'kube-system', reason: 'kube-proxy, CNI and CSI node DaemonSets need the host network, host paths and privileges' },
];

/** The exemptions, checked: system namespaces only, each once, each with a reason. */
export function podSecurityExemptions(
  options: AdmissionOptions = {},
  scope: IConstruct = functionScope('admissionConfiguration'),
): readonly PodSecurityExemption[] {
  const exemptions = options.podSecurityExemptions ?? DEFAULT_POD_SECURITY_EXEMPTIONS;
  const seen = new Set<string>();
  exemptions.forEach((exemption, i) => {
    const field = `podSecurityExemptions[${i}]`;
    if (typeof exemption.namespace !== 'string' || !SYSTEM_NAMESPACE.test(exemption.namespace)) {
      throw new HardeningError(
        scope,
        `'${field}.namespace' must be a system namespace (kube-system, kube-*, *-system; got '${exemption.namespace}'). ` +
          'Other namespaces set their own level with a HardenedNamespace and an exception.',
      );
    }
    if (seen.has(exemption.namespace))
      throw new HardeningError(scope, `'${field}.namespace' '${exemption.namespace}' is listed twice. List each namespace once.`);
    seen.add(exemption.namespace);
    if (!isReasonLongEnough(exemption.reason)) {
      throw new HardeningError(
        scope,
        `'${field}.reason' must say why '${exemption.namespace}' needs more than restricted, in at least ${MIN_REASON_LENGTH} visible characters (got '${exemption.reason}').`,
      );
    }
  });
  return exemptions;
}

/** The admission configuration object (`apiserver.config.k8s.io/v1`). */
export function admissionConfiguration(
  options: AdmissionOptions = {},
  scope: IConstruct = functionScope('admissionConfiguration'),
): Record<string, unknown> {
  const exemptions = podSecurityExemptions(options, scope);
  return {
    apiVersion: 'apiserver.config.k8s.io/v1',
    kind: 'AdmissionConfiguration',
    plugins: [
      {
        name: 'PodSecurity',
        configuration: {
          apiVersion: 'pod-security.admission.config.k8s.io/v1',
          kind: 'PodSecurityConfiguration',
          defaults: {
            enforce: 'restricted',
            'enforce-version': 'latest',
            audit: 'restricted',
            'audit-version': 'latest',
            warn: 'restricted',
            'warn-version': 'latest',
          },
          exemptions: { usernames: [], runtimeClasses: [], namespaces: exemptions.map((e) => e.namespace) },
        },
      },
      {
        name: 'EventRateLimit',
        configuration: {
          apiVersion: 'eventratelimit.admission.k8s.io/v1alpha1',
          kind: 'Configuration',
          limits: [
            { type: 'Namespace', qps: 50, burst: 100, cacheSize: 2000 },
            { type: 'User', qps: 10, burst: 50 },
          ],
        },
      },
    ],
  };
}

/** The reasons, as comments on the exempt namespaces of `admissionConfiguration()`. */
export function admissionComments(options: AdmissionOptions = {}): { path: (string | number)[]; comment: string }[] {
  return podSecurityExemptions(options).map((e, i) => ({
    path: ['plugins', 0, 'configuration', 'exemptions', 'namespaces', i],
    comment: e.reason,
  }));
}
