import { KubeObject, Rule } from '../../model';
import { finding, isRecord } from '../../walkers';
import { podLabelsIn } from '../pod-labels';
import { namespaceOf } from './namespaces';

/** The selector of a core Service, as `key=value` pairs; `undefined` when it has none (its endpoints are managed by hand, or it is an ExternalName). */
export function serviceSelector(obj: KubeObject): Readonly<Record<string, string>> | undefined {
  if (obj.apiVersion !== 'v1' || !isRecord(obj.spec) || obj.spec.type === 'ExternalName' || !isRecord(obj.spec.selector)) return undefined;
  const entries = Object.entries(obj.spec.selector).map(([key, value]) => [key, String(value)] as const);
  return entries.length ? Object.fromEntries(entries) : undefined;
}

/**
 * A Service selects the pods it was written for: one whose selector matches no pod template
 * of its namespace reaches nothing (most often a mistyped label, or cdk8s-plus selecting the
 * `cdk8s.io/metadata.addr` label a hardened pod no longer carries). A warning, and only where
 * the input holds workloads of that namespace at all: the pods may be deployed from elsewhere
 * (another chart, another repository), which a review of part of a cluster cannot see.
 *
 * @see https://kubernetes.io/docs/concepts/services-networking/service/#defining-a-service
 */
export const serviceSelectsPods: Rule = {
  id: 'service-selects-pods',
  title: 'Services select the pods of a workload',
  severity: 'warning',
  kinds: ['Service'],
  references: {},
  remediation:
    "Make spec.selector equal to labels the pod template carries (compare with the workload's spec.template.metadata.labels), or remove the Service.",
  synthTimeOnly: 'It needs the pod templates of the namespace, other objects, which may be created after the Service.',
  check: (obj, context) => {
    const selector = serviceSelector(obj);
    if (!selector) return [];
    const namespace = namespaceOf(obj);
    const pods = podLabelsIn(context, namespace);
    if (pods.length === 0) return [];
    if (pods.some((labels) => Object.entries(selector).every(([key, value]) => labels.get(key) === value))) return [];
    const text = Object.entries(selector)
      .map(([key, value]) => `${key}=${value}`)
      .join(',');
    return [
      finding(
        'spec.selector',
        `selector ${text} matches no pod template of namespace "${namespace}" in this input, so the Service reaches nothing`,
        text,
      ),
    ];
  },
};
