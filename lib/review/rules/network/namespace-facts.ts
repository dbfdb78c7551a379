/**
 * What the rules know of a namespace, from one place: the Namespace object and the policies and
 * quotas of this output, or the platform contract (`platform.json`) when another repository's
 * output declares it. The rules look namespaces up here only, and the contract is written from
 * here, so a namespace reads the same whichever output declares it.
 */
import { appendTo } from '../../../core/append-to';
import { compareText } from '../../../core/compare-text';
import type { PlatformNamespace, PodSecurityLabels, ServiceQuotaLimit } from '../../platform-contract';
import { KubeObject, ReviewContext } from '../../model';
import { isRecord } from '../../walkers';
import { namespaceOf } from '../pod-labels';
import { isEmptySelector, PolicySpec, specOf } from './policy-spec';

/** The Pod Security labels of a namespace, by their suffix (`enforce`, `enforce-version`, ...). */
const POD_SECURITY_PREFIX = 'pod-security.kubernetes.io/';
export const POD_SECURITY_KEYS = ['enforce', 'enforce-version', 'audit', 'audit-version', 'warn', 'warn-version'] as const;

/** The quota entries each Service type counts against; a zero one refuses the type. */
export const SERVICE_QUOTA_ENTRIES = ['services.loadbalancers', 'services.nodeports'] as const;

/** A namespace as the rules see it, and who declares it. */
export interface NamespaceFacts extends PlatformNamespace {
  /** `output` when the reviewed objects hold its Namespace, else the platform contract file that declares it. */
  readonly declaredBy: 'output' | { readonly contractFile: string };
}

/**
 * The facts of `name`: from this output's Namespace object, else from the platform contract
 * (`ReviewContext.platform`), else `undefined` (nobody the review knows declares it). Quotas of
 * this output in a namespace of the contract add to the contract's.
 */
export function namespaceFacts(context: ReviewContext, name: string): NamespaceFacts | undefined {
  const declared = context.find('v1', 'Namespace', undefined, name);
  if (declared) return { ...factsInOutput(context, name, declared), declaredBy: 'output' };
  const fromContract = context.platform?.contract.namespaces.find((n) => n.name === name);
  if (!fromContract) return undefined;
  const serviceQuota = sortedLimits([...fromContract.serviceQuota, ...serviceQuotaLimitsInOutput(context, name)]);
  return { ...fromContract, serviceQuota, declaredBy: { contractFile: context.platform!.file } };
}

/** The facts of a namespace this output declares: what the platform contract records of it. */
export function factsInOutput(context: ReviewContext, name: string, namespace: KubeObject): PlatformNamespace {
  const isolated = isolatedDirections(context, name);
  return {
    name,
    podSecurity: podSecurityLabelsOf(namespace),
    defaultDeny: { ingress: isolated.has('Ingress'), egress: isolated.has('Egress') },
    serviceQuota: serviceQuotaLimitsInOutput(context, name),
  };
}

/** The Pod Security labels a Namespace carries, as strings. */
function podSecurityLabelsOf(namespace: KubeObject): PodSecurityLabels {
  const labels: Record<string, string> = {};
  for (const key of POD_SECURITY_KEYS) {
    const value = namespace.metadata?.labels?.[POD_SECURITY_PREFIX + key];
    if (value !== undefined && value !== null) labels[key] = String(value);
  }
  return labels;
}

/** The directions (`Ingress`, `Egress`) that policies selecting every pod of the namespace isolate. */
export function isolatedDirections(context: ReviewContext, namespace: string): ReadonlySet<string> {
  const isolated = new Set<string>();
  for (const policy of policiesIn(context, namespace)) {
    const spec = specOf(policy);
    if (isEmptySelector(spec.podSelector ?? {})) policyTypesOf(spec).forEach((t) => isolated.add(t));
  }
  return isolated;
}

/** The directions a policy isolates, with upstream's defaulting when policyTypes is absent. */
export function policyTypesOf(spec: PolicySpec): string[] {
  if (spec.policyTypes?.length) return spec.policyTypes;
  return spec.egress !== undefined ? ['Ingress', 'Egress'] : ['Ingress'];
}

/** The NetworkPolicies whose `namespaceOf` is `namespace` (strict equality, as a loop with `!==` would test). */
function policiesIn(context: ReviewContext, namespace: unknown): readonly KubeObject[] {
  if (Number.isNaN(namespace)) return [];
  return context.memo(policiesByNamespace, policiesByNamespace).get(namespace) ?? [];
}

/** NetworkPolicies by namespace: one pass over them per review instead of one per Namespace. */
function policiesByNamespace(context: ReviewContext): Map<unknown, KubeObject[]> {
  const index = new Map<unknown, KubeObject[]>();
  for (const policy of context.byKind('NetworkPolicy')) appendTo(index, namespaceOf(policy), policy);
  return index;
}

/** Whether a quota quantity is zero (`0`, `"0"`, `"0k"`). */
function isZero(value: unknown): boolean {
  return (typeof value === 'number' || typeof value === 'string') && Number.parseFloat(String(value)) === 0;
}

/**
 * The Service quota entries set to zero by the namespace's ResourceQuotas in this output (only
 * unscoped quotas count Services: scoped ones track pods), each with its quota's name.
 */
export function serviceQuotaLimitsInOutput(context: ReviewContext, namespace: string): ServiceQuotaLimit[] {
  const limits: ServiceQuotaLimit[] = [];
  for (const quota of context.byKind('ResourceQuota')) {
    if (quota.apiVersion !== 'v1' || namespaceOf(quota) !== namespace || !isRecord(quota.spec)) continue;
    if (quota.spec.scopes !== undefined || quota.spec.scopeSelector !== undefined) continue;
    const hard = isRecord(quota.spec.hard) ? quota.spec.hard : {};
    for (const entry of SERVICE_QUOTA_ENTRIES) {
      if (isZero(hard[entry])) limits.push({ quota: String(quota.metadata?.name ?? ''), zero: entry });
    }
  }
  return sortedLimits(limits);
}

function sortedLimits(limits: readonly ServiceQuotaLimit[]): ServiceQuotaLimit[] {
  return [...limits].sort((a, b) => compareText(a.quota, b.quota) || compareText(a.zero, b.zero));
}
