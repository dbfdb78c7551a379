import { Rule } from '../../model';
import { apiGroupOf, finding, isRecord, quote } from '../../walkers';
import { namespaceOf, podLabelsIn } from '../pod-labels';

/**
 * A HorizontalPodAutoscaler scales an object of the input: one whose scaleTargetRef names
 * no object of that kind and name in its namespace scales nothing (a renamed workload, a
 * typo), and the workload it was meant for runs at a fixed size. A warning, and only where the
 * input holds workloads of that namespace at all: the target may be deployed from elsewhere.
 *
 * @see https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/horizontal-pod-autoscaler-v2/
 */
export const hpaTargetExists: Rule = {
  id: 'hpa-target-exists',
  title: 'HorizontalPodAutoscalers scale an object that exists',
  severity: 'warning',
  kinds: ['HorizontalPodAutoscaler'],
  references: {},
  remediation: 'Make spec.scaleTargetRef name the workload (its apiVersion, kind and metadata.name), or remove the autoscaler.',
  synthTimeOnly: 'It needs the workload the HorizontalPodAutoscaler scales, another object, which may be created after it.',
  check: (obj, context) => {
    const ref = isRecord(obj.spec) && isRecord(obj.spec.scaleTargetRef) ? obj.spec.scaleTargetRef : undefined;
    if (apiGroupOf(obj.apiVersion) !== 'autoscaling' || !ref || typeof ref.kind !== 'string' || typeof ref.name !== 'string') return [];
    const namespace = namespaceOf(obj);
    if (podLabelsIn(context, namespace).length === 0) return [];
    const group = typeof ref.apiVersion === 'string' ? apiGroupOf(ref.apiVersion) : undefined;
    const target = context
      .byKind(ref.kind)
      .find(
        (o) => namespaceOf(o) === namespace && o.metadata?.name === ref.name && (group === undefined || apiGroupOf(o.apiVersion) === group),
      );
    if (target) return [];
    const text = `${ref.kind}/${ref.name}`;
    return [
      finding(
        'spec.scaleTargetRef',
        `scales ${quote(text)}${group === undefined ? '' : ` of API group ${quote(group)}`}, which namespace ${quote(namespace)} does not hold in this input, so it scales nothing`,
        text,
      ),
    ];
  },
};
