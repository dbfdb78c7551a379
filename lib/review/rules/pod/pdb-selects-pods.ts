import { compileSelector, Selector, selectorMatches } from '../../analyses/selectors';
import { Rule } from '../../model';
import { finding, isRecord, quote } from '../../walkers';
import { namespaceOf, podLabelsIn } from '../pod-labels';

/**
 * A PodDisruptionBudget selects the pods it protects: one whose selector matches no pod
 * template of its namespace protects nothing, and a drain may take every replica of the
 * workload it was written for at once. A warning, and only where the input holds workloads of
 * that namespace at all: the pods may be deployed from elsewhere.
 *
 * @see https://kubernetes.io/docs/tasks/run-application/configure-pdb/
 */
export const pdbSelectsPods: Rule = {
  id: 'pdb-selects-pods',
  title: 'PodDisruptionBudgets select the pods of a workload',
  severity: 'warning',
  kinds: ['PodDisruptionBudget'],
  references: {},
  remediation:
    "Make spec.selector match the labels of the pod template it protects (compare with the workload's spec.template.metadata.labels), or remove the budget.",
  synthTimeOnly: 'It needs the pod templates of the namespace, other objects, which may be created after the PodDisruptionBudget.',
  check: (obj, context) => {
    const raw = isRecord(obj.spec) ? obj.spec.selector : undefined;
    if (!isRecord(raw)) return [];
    let selector: Selector;
    try {
      selector = compileSelector(raw, 'spec.selector');
    } catch {
      return []; // an invalid selector is object-schema's finding
    }
    const namespace = namespaceOf(obj);
    const pods = podLabelsIn(context, namespace);
    if (pods.length === 0 || pods.some((labels) => selectorMatches(selector, labels))) return [];
    return [finding('spec.selector', `selects no pod template of namespace ${quote(namespace)} in this input, so it protects nothing`)];
  },
};
