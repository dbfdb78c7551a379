import { ANY_KIND, KubeObject, Rule, RuleFinding } from '../../model';
import { apiGroupOf, finding, isRecord, keyStep, podTemplateKindOf, quote } from '../../walkers';

/** How deep the search goes, in mappings and lists: a pod spec of a JobSet sits at depth 6. */
export const POD_SHAPE_MAX_DEPTH = 16;
/** How many mappings and lists the search visits per object, at most: a 10 MB object costs no more than a small one. */
export const POD_SHAPE_MAX_NODES = 10_000;

/**
 * Whether a custom resource could hold a pod spec the review does not know: its group is
 * not a Kubernetes one. Built-in groups (`v1`, `apps`, `rbac.authorization.k8s.io`, ...) have
 * no dot or end in `.k8s.io`, and their pods are found by kind (`POD_TEMPLATE_LOCATIONS`); so
 * a ConfigMap or Secret is never searched.
 */
function isCustomGroup(group: string): boolean {
  return group.includes('.') && !group.endsWith('.k8s.io');
}

/** A mapping that looks like a pod spec: a `containers` list of mappings, one at least with an `image`. */
function looksLikePodSpec(value: Record<string, unknown>): boolean {
  const containers = value.containers;
  return (
    Array.isArray(containers) &&
    containers.length > 0 &&
    containers.every(isRecord) &&
    containers.some((c) => typeof (c as Record<string, unknown>).image === 'string')
  );
}

/** JSON path of a mapping key under `path`, as `podSpecsOf` writes them. */
function step(path: string, key: string): string {
  const part = keyStep(key);
  return path || !part.startsWith('.') ? path + part : part.slice(1);
}

/**
 * The JSON paths of the mappings in `obj` that look like a pod spec, outside `metadata` and
 * `status`, breadth first up to `POD_SHAPE_MAX_DEPTH` levels and `POD_SHAPE_MAX_NODES`
 * mappings and lists; `truncated` when the bounds stopped the search. Strings are never parsed.
 */
export function podSpecShapes(obj: KubeObject): { readonly paths: readonly string[]; readonly truncated: boolean } {
  const paths: string[] = [];
  const isNode = (value: unknown): value is object => typeof value === 'object' && value !== null;
  let queue: { value: object; path: string }[] = Object.entries(obj)
    .filter(([key, value]) => key !== 'metadata' && key !== 'status' && isNode(value))
    .map(([key, value]) => ({ value: value as object, path: step('', key) }));
  let visited = 0;
  for (let depth = 1; queue.length; depth++) {
    if (depth > POD_SHAPE_MAX_DEPTH) return { paths, truncated: true };
    const next: { value: object; path: string }[] = [];
    for (const { value, path } of queue) {
      if (++visited > POD_SHAPE_MAX_NODES) return { paths, truncated: true };
      if (Array.isArray(value)) {
        value.forEach((item, i) => {
          if (isNode(item)) next.push({ value: item, path: `${path}[${i}]` });
        });
      } else if (looksLikePodSpec(value as Record<string, unknown>)) {
        paths.push(path);
      } else {
        for (const [key, item] of Object.entries(value)) if (isNode(item)) next.push({ value: item, path: step(path, key) });
      }
    }
    queue = next;
  }
  return { paths, truncated: false };
}

/**
 * A custom resource whose kind the review does not know, yet which carries a pod spec (a
 * `containers` list of mappings with an `image`), is reported: the pod rules judged none of
 * its pods, and the controller of that kind will run them. Kinds the review knows, by API
 * group and kind, are listed in `POD_TEMPLATE_LOCATIONS`; a `kind: Deployment` of another
 * group is not an apps/v1 Deployment, so it is searched too.
 */
export const unjudgedPodTemplate: Rule = {
  id: 'unjudged-pod-template',
  title: 'Pod templates are in kinds the review knows, so the pod rules judge them',
  severity: 'warning',
  kinds: [ANY_KIND],
  references: {},
  remediation:
    'This kind is not known to the review, so the pod rules did not judge this pod template: ask for the kind to be added to POD_TEMPLATE_LOCATIONS (lib/policy/pod-template-locations.ts) with where it keeps its pod template, or, if its pods are judged elsewhere, add an exception (exception.hardened.cdk8s.io/unjudged-pod-template) that says where.',
  synthTimeOnly:
    "It warns about custom resources whose pod templates the review cannot judge; the policies match built-in kinds only, and the Pods those resources' controllers create are judged at admission.",
  check: (obj) => {
    const group = apiGroupOf(obj.apiVersion);
    if (!isCustomGroup(group) || podTemplateKindOf(obj)) return [];
    const { paths, truncated } = podSpecShapes(obj);
    const what = `kind ${obj.kind} of API group ${quote(group)} is not known to the review`;
    const found: RuleFinding[] = paths.map((path) => finding(path, `${what}, so the pod rules did not judge the pod spec at ${path}`));
    if (truncated) {
      found.push(
        finding(
          '',
          `${what} and is too large to search whole (over ${POD_SHAPE_MAX_DEPTH} levels or ${POD_SHAPE_MAX_NODES} mappings and lists), so a pod spec in it may not have been judged`,
        ),
      );
    }
    return found;
  },
};
