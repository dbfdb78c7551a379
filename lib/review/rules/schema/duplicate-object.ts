import { ANY_KIND, KubeObject, Rule } from '../../model';
import { finding } from '../../walkers';

/**
 * One output defines each object once: two with the same API group, kind, namespace and name
 * are the same object to the API server, and `kubectl apply` would apply the later over the
 * earlier without a word (two charts with the same id and namespace do it). Every copy is
 * reported, naming where the others are defined; the apiVersion does not tell them apart
 * (`apps/v1` and `apps/v1beta2` are one Deployment).
 */
export const duplicateObject: Rule = {
  id: 'duplicate-object',
  title: 'Each object is defined once in an output',
  severity: 'error',
  kinds: [ANY_KIND],
  references: {},
  remediation:
    'Define the object once: remove the copy, or give one of them another name or namespace (two charts with the same id in the same namespace write the same objects).',
  synthTimeOnly:
    'It compares the objects of one output with each other; in the cluster a second apply of the same object is an update, not a duplicate.',
  check: (obj, context) => {
    const others = context.namesakesOf(obj).filter((other) => other !== obj);
    if (!others.length) return [];
    const where = others.map((other) => context.originOf(other) || 'another document of the input').join(', ');
    return [
      finding(
        'metadata.name',
        `${describe(obj)} is defined more than once (also at ${where}): kubectl apply would apply one over the other`,
      ),
    ];
  },
};

function describe(obj: KubeObject): string {
  const name = obj.metadata?.name ?? '';
  return `${obj.kind} ${obj.metadata?.namespace ? `${obj.metadata.namespace}/${name}` : name}`;
}
