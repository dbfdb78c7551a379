import { k8s } from 'cdk8s-plus-27';
import { ALLOWED_REGISTRIES_ANNOTATION, badRegistryEntry } from '../policy/image-registry';
import { Construct } from 'constructs';
import { ExceptionPolicy } from '../policy/exception-policy';
import { writeExceptions, writeScannerSkips } from '../policy/exception-routing';
import { HardeningException } from '../core/exceptions';
import { HardeningError } from '../core/hardening-error';
import { clusterScoped, INamespaceScope, markNamespaceScope } from '../core/namespace-scope';
import { requireDns1123Label } from '../core/names';
import { LIMIT_RANGE_SKIPS, NAMESPACE_WIDE_POLICY_SKIPS } from '../policy/scanner-map';

/** Pod Security Standards levels. */
export enum PodSecurityLevel {
  /** Hardened: what every workload of this library meets. */
  RESTRICTED = 'restricted',
  /** Prevents known privilege escalations only. */
  BASELINE = 'baseline',
  /** Unrestricted. */
  PRIVILEGED = 'privileged',
}

/** Where the namespace's pods may resolve names. */
export interface DnsAllowance {
  /**
   * Namespace of the cluster DNS pods.
   *
   * @default 'kube-system'
   */
  readonly namespace?: string;

  /**
   * Labels of the cluster DNS pods (CoreDNS and kube-dns both use `k8s-app: kube-dns`).
   *
   * @default { 'k8s-app': 'kube-dns' }
   */
  readonly podLabels?: { [key: string]: string };

  /**
   * Address of NodeLocal DNSCache on each node, also allowed when set.
   *
   * @default - none
   */
  readonly nodeLocalAddress?: string;
}

/** Defaults and bounds a LimitRange sets for each container of the namespace. */
export interface ContainerLimits {
  /**
   * Limits for containers that set none.
   *
   * @default { cpu: '500m', memory: '256Mi', 'ephemeral-storage': '256Mi' }
   */
  readonly default?: { [resource: string]: string };

  /**
   * Requests for containers that set none.
   *
   * @default { cpu: '100m', memory: '128Mi', 'ephemeral-storage': '64Mi' }
   */
  readonly defaultRequest?: { [resource: string]: string };

  /**
   * The most one container may ask for.
   *
   * @default { cpu: '4', memory: '8Gi' }
   */
  readonly max?: { [resource: string]: string };
}

/** Props of a `HardenedNamespace`. */
export interface HardenedNamespaceProps {
  /**
   * Name of the namespace, a DNS-1123 label.
   *
   * @default - the construct id
   */
  readonly name?: string;

  /**
   * The Pod Security level enforced. Anything below `restricted` needs an exception to
   * `namespace-pod-security`; `audit` and `warn` stay at `restricted` either way, so the
   * gap stays visible.
   *
   * @default PodSecurityLevel.RESTRICTED
   */
  readonly podSecurity?: PodSecurityLevel;

  /**
   * Pod Security policy version (`latest` or `v1.N`).
   *
   * @default 'latest'
   */
  readonly podSecurityVersion?: string;

  /**
   * Extra labels on the Namespace.
   *
   * @default - only the Pod Security labels
   */
  readonly labels?: { [key: string]: string };

  /**
   * The DNS servers the namespace's pods may reach (UDP and TCP 53 only).
   *
   * @default - the cluster DNS pods in kube-system
   */
  readonly dns?: DnsAllowance;

  /**
   * ResourceQuota entries, merged over the defaults (set an entry to override it).
   *
   * @default { 'requests.cpu': '4', 'requests.memory': '8Gi', 'limits.cpu': '8', 'limits.memory': '16Gi',
   *   'requests.ephemeral-storage': '10Gi', 'limits.ephemeral-storage': '20Gi', 'requests.storage': '100Gi',
   *   pods: '50', services: '20', 'services.loadbalancers': '0', 'services.nodeports': '0',
   *   persistentvolumeclaims: '10', configmaps: '50', secrets: '50' }
   */
  readonly quota?: { [resource: string]: string };

  /**
   * Container defaults and bounds (LimitRange), merged over the defaults.
   *
   * @default - see `ContainerLimits`
   */
  readonly containerLimits?: ContainerLimits;

  /**
   * Deliberate departures from hardening rules, each with a reason, recorded on the Namespace.
   *
   * @default - none
   */
  readonly exceptions?: HardeningException[];

  /**
   * The registries (or repository prefixes) this namespace's images may come from, within the
   * app's `allowedRegistries`: written as the `hardened.cdk8s.io/allowed-registries` annotation,
   * which the review and the admission policies read. It narrows the app's list, never widens
   * it: an image must be covered by both.
   *
   * @default - the app's list alone
   */
  readonly allowedRegistries?: string[];
}

/** The allowlist as its annotation's value; a wrong entry is an error naming it. */
function checkedRegistries(scope: Construct, entries: readonly string[]): string {
  const bad = badRegistryEntry(entries);
  if (bad) {
    throw new HardeningError(
      scope,
      `'allowedRegistries[${bad.index}]' ${JSON.stringify(bad.entry)} is not a registry entry: ${bad.problem}. For example 'ghcr.io/example'.`,
    );
  }
  return entries.join(', ');
}

/** The namespace label Kubernetes sets automatically on every namespace. */
export const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';
const PSA_PREFIX = 'pod-security.kubernetes.io';
const VERSION = /^(latest|v1\.\d+)$/;
const QUANTITY = /^[0-9]+(\.[0-9]+)?(m|k|Ki|Mi|Gi|Ti|Pi|Ei|M|G|T|P|E)?$/;

/** ResourceQuota defaults: room for a typical team, no NodePort or LoadBalancer Services. */
export const DEFAULT_QUOTA: Readonly<Record<string, string>> = {
  'requests.cpu': '4',
  'requests.memory': '8Gi',
  'limits.cpu': '8',
  'limits.memory': '16Gi',
  'requests.ephemeral-storage': '10Gi',
  'limits.ephemeral-storage': '20Gi',
  'requests.storage': '100Gi',
  pods: '50',
  services: '20',
  'services.loadbalancers': '0',
  'services.nodeports': '0',
  persistentvolumeclaims: '10',
  configmaps: '50',
  secrets: '50',
};

const DEFAULT_CONTAINER_LIMITS = {
  default: { cpu: '500m', memory: '256Mi', 'ephemeral-storage': '256Mi' },
  defaultRequest: { cpu: '100m', memory: '128Mi', 'ephemeral-storage': '64Mi' },
  max: { cpu: '4', memory: '8Gi' },
};

/**
 * A namespace that isolates by default: Pod Security `restricted` enforced, all traffic in
 * and out denied except DNS, and a quota and limit range so one tenant cannot starve the
 * cluster. Workloads created inside it (as its children) land in it; open traffic with
 * `allowFrom` and friends on the workloads.
 *
 * @see https://kubernetes.io/docs/concepts/security/pod-security-admission/
 * @see https://kubernetes.io/docs/concepts/services-networking/network-policies/#default-policies
 */
export class HardenedNamespace extends Construct implements INamespaceScope {
  /** The Kubernetes name of the namespace. */
  public readonly namespaceName: string;
  /** The enforced Pod Security level. */
  public readonly podSecurity: PodSecurityLevel;
  /** The Namespace object. */
  public readonly namespace: k8s.KubeNamespace;
  /** Denies all ingress and egress of every pod in the namespace. */
  public readonly defaultDeny: k8s.KubeNetworkPolicy;
  /** Lets every pod of the namespace query the cluster DNS. */
  public readonly dnsAllowance: k8s.KubeNetworkPolicy;

  constructor(scope: Construct, id: string, props: HardenedNamespaceProps = {}) {
    super(scope, id);
    markNamespaceScope(this);
    this.namespaceName = requireDns1123Label(this, 'name', props.name ?? id);
    const policy = new ExceptionPolicy(this, props.exceptions);
    this.podSecurity = props.podSecurity ?? PodSecurityLevel.RESTRICTED;
    if (this.podSecurity !== PodSecurityLevel.RESTRICTED) {
      policy.require(
        'namespace-pod-security',
        'podSecurity',
        `enforces '${this.podSecurity}', which lets pods run with weaker settings than restricted.`,
        'Keep the default (restricted) and except the one workload that needs more.',
      );
    }
    const version = props.podSecurityVersion ?? 'latest';
    if (!VERSION.test(version)) {
      throw new HardeningError(this, `'podSecurityVersion' must be 'latest' or 'v1.N' (got '${version}'). For example 'v1.33'.`);
    }

    this.namespace = new k8s.KubeNamespace(this, 'Resource', {
      metadata: {
        name: this.namespaceName,
        ...(props.allowedRegistries
          ? { annotations: { [ALLOWED_REGISTRIES_ANNOTATION]: checkedRegistries(this, props.allowedRegistries) } }
          : {}),
        labels: {
          ...props.labels,
          [`${PSA_PREFIX}/enforce`]: this.podSecurity,
          [`${PSA_PREFIX}/enforce-version`]: version,
          [`${PSA_PREFIX}/audit`]: PodSecurityLevel.RESTRICTED,
          [`${PSA_PREFIX}/audit-version`]: version,
          [`${PSA_PREFIX}/warn`]: PodSecurityLevel.RESTRICTED,
          [`${PSA_PREFIX}/warn-version`]: version,
        },
      },
    });
    // Ours and the scanners' skip annotations, each with the reason.
    writeExceptions(this.namespace, policy.list());
    clusterScoped(this.namespace);

    this.defaultDeny = new k8s.KubeNetworkPolicy(this, 'DefaultDeny', {
      metadata: { name: 'default-deny', namespace: this.namespaceName },
      spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] },
    });
    this.dnsAllowance = new k8s.KubeNetworkPolicy(this, 'AllowDns', {
      metadata: { name: 'allow-dns', namespace: this.namespaceName },
      spec: { podSelector: {}, policyTypes: ['Egress'], egress: this.dnsRules(props.dns ?? {}) },
    });
    // Both select every pod of the namespace, those to come too: kube-score's "targets no pod" does not apply.
    writeScannerSkips(this.defaultDeny, NAMESPACE_WIDE_POLICY_SKIPS);
    writeScannerSkips(this.dnsAllowance, NAMESPACE_WIDE_POLICY_SKIPS);

    new k8s.KubeResourceQuota(this, 'Quota', {
      metadata: { name: 'default-quota', namespace: this.namespaceName },
      spec: { hard: this.quantities('quota', { ...DEFAULT_QUOTA, ...props.quota }) },
    });
    const limits = props.containerLimits ?? {};
    const limitRange = new k8s.KubeLimitRange(this, 'Limits', {
      metadata: { name: 'default-limits', namespace: this.namespaceName },
      spec: {
        limits: [
          {
            type: 'Container',
            default: this.quantities('containerLimits.default', { ...DEFAULT_CONTAINER_LIMITS.default, ...limits.default }),
            defaultRequest: this.quantities('containerLimits.defaultRequest', {
              ...DEFAULT_CONTAINER_LIMITS.defaultRequest,
              ...limits.defaultRequest,
            }),
            max: this.quantities('containerLimits.max', { ...DEFAULT_CONTAINER_LIMITS.max, ...limits.max }),
          },
        ],
      },
    });
    writeScannerSkips(limitRange, LIMIT_RANGE_SKIPS);
  }

  private dnsRules(dns: DnsAllowance): k8s.NetworkPolicyEgressRule[] {
    const ports = [
      { protocol: 'UDP', port: k8s.IntOrString.fromNumber(53) },
      { protocol: 'TCP', port: k8s.IntOrString.fromNumber(53) },
    ];
    const dnsNamespace = requireDns1123Label(this, 'dns.namespace', dns.namespace ?? 'kube-system');
    const rules: k8s.NetworkPolicyEgressRule[] = [
      {
        // One peer with both selectors: the DNS pods AND in the DNS namespace, nothing wider.
        to: [
          {
            namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: dnsNamespace } },
            podSelector: { matchLabels: { ...(dns.podLabels ?? { 'k8s-app': 'kube-dns' }) } },
          },
        ],
        ports,
      },
    ];
    if (dns.nodeLocalAddress !== undefined) {
      if (!/^\d{1,3}(\.\d{1,3}){3}$/.test(dns.nodeLocalAddress)) {
        throw new HardeningError(
          this,
          `'dns.nodeLocalAddress' must be an IPv4 address (got '${dns.nodeLocalAddress}'). NodeLocal DNSCache usually listens on 169.254.20.10.`,
        );
      }
      rules.push({ to: [{ ipBlock: { cidr: `${dns.nodeLocalAddress}/32` } }], ports });
    }
    return rules;
  }

  private quantities(field: string, values: Record<string, string>): Record<string, k8s.Quantity> {
    const result: Record<string, k8s.Quantity> = {};
    for (const key of Object.keys(values).sort()) {
      const value = values[key];
      if (!QUANTITY.test(value)) {
        throw new HardeningError(this, `'${field}.${key}' must be a Kubernetes quantity such as '500m', '2' or '4Gi' (got '${value}').`);
      }
      result[key] = k8s.Quantity.fromString(value);
    }
    return result;
  }
}
