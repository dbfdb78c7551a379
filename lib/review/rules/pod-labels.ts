/** The pod templates of the reviewed input, by namespace: what selectors of other objects (policies, Services, budgets) can match. */
import { appendTo } from '../../core/append-to';
import { Labels, readLabels } from '../analyses/selectors';
import { KubeObject, ReviewContext } from '../model';
import { podSpecsOf, POD_TEMPLATE_KINDS } from '../walkers';

/** The namespace of a namespaced object, `default` when it names none (where kubectl puts it without `--namespace`). */
export function namespaceOf(obj: KubeObject): string {
  return obj.metadata?.namespace || 'default';
}

/** The labels of the pod templates of `namespace` in the reviewed input (`[]`: the input holds no workload there). */
export function podLabelsIn(context: ReviewContext, namespace: string): readonly Labels[] {
  return context.memo(podLabelsByNamespace, podLabelsByNamespace).get(namespace) ?? [];
}

/** The labels of every pod template, by namespace: indexed once per review. */
function podLabelsByNamespace(context: ReviewContext): Map<string, Labels[]> {
  const index = new Map<string, Labels[]>();
  for (const kind of POD_TEMPLATE_KINDS) {
    for (const obj of context.byKind(kind)) {
      for (const pod of podSpecsOf(obj, context)) appendTo(index, namespaceOf(obj), readLabels(pod.metadata.labels));
    }
  }
  return index;
}
