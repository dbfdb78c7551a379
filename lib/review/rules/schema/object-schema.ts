import { ANY_KIND, KubeObject, ReviewContext, Rule, RuleFinding } from '../../model';
import { CRD_API_VERSION, customResourceShapes, CustomResourceShapes } from '../../schema/crd-shapes';
import { isBuiltInGroup, isServed, kindsServedIn, problemsAgainst, servedKindLike, shapeProblems } from '../../schema/shapes';
import { apiGroupOf, finding, quote } from '../../walkers';

/**
 * Objects of the API server's own groups have exactly the shape the API gives their kind
 * (Kubernetes v1.37, `lib/review/schema/kubernetes-1.37.json`): a kind it serves in that
 * apiVersion, matched exactly as the server matches it; every field one its type has; every
 * value of the type the server decodes (an int-or-string takes both, an integer not 1.5, a
 * quantity a number or its own syntax; `null` anywhere, as the server drops it). What the server
 * would refuse, or silently drop, is an error: otherwise the other rules would judge an object
 * the cluster never gets. Custom resources (groups with a dot the server does not serve) are
 * judged the same way against their CustomResourceDefinition when one is given (in the input,
 * or `ReviewOptions.customResourceDefinitions`): a version it serves, the fields and types of
 * that version's schema (see `schema/crd-shapes.ts` for what is judged), ObjectMeta as
 * `metadata`. Custom resources without their CRD are not judged.
 *
 * @see https://kubernetes.io/docs/reference/using-api/api-concepts/#field-validation
 */
export const objectSchema: Rule = {
  id: 'object-schema',
  title: 'Objects have the shape the Kubernetes API gives their kind',
  severity: 'error',
  kinds: [ANY_KIND],
  references: {},
  remediation:
    'Give the field the type or value the message names, fix or remove the unknown field, or use a kind and apiVersion the API server ' +
    "(or the custom resource's CRD) serves, spelled exactly; `kubectl apply --dry-run=server --validate=strict` shows the same refusal.",
  synthTimeOnly: 'The API server itself refuses an object that does not match its schema, before any admission policy sees it.',
  check: (obj, context) => {
    const group = apiGroupOf(obj.apiVersion);
    if (!isBuiltInGroup(group)) return customResourceProblems(obj, group, context);
    if (NOT_API_OBJECTS.has(`${obj.apiVersion}/${obj.kind}`)) return [];
    return isServed(obj.apiVersion, obj.kind) ? shapeProblems(obj, obj.apiVersion, obj.kind) : [kindProblem(obj)];
  },
};

/** A custom resource against its CRD: the first given for its group and kind, the input's before `customResourceDefinitions`. */
function customResourceProblems(obj: KubeObject, group: string, context: ReviewContext): RuleFinding[] {
  const definition = definitionsIn(context).get(`${group}/${obj.kind}`);
  if (!definition) return [];
  const version = obj.apiVersion.slice(group.length + 1);
  const shape = definition.versions.get(version);
  if (shape) return problemsAgainst(obj, shape, `CRD ${definition.crd}, version ${version}`);
  const served = [...definition.versions.keys()];
  return [
    finding(
      'apiVersion',
      `the CRD ${definition.crd} does not serve ${definition.kind} in ${quote(version)}: ` +
        (served.length ? `it serves ${served.map((v) => `${group}/${v}`).join(', ')}` : 'it serves no version of it'),
    ),
  ];
}

/** The compiled CRDs of a review by `group/kind`, built once per review. */
function definitionsIn(context: ReviewContext): ReadonlyMap<string, CustomResourceShapes> {
  return context.memo(compileDefinitions, compileDefinitions);
}

function compileDefinitions(context: ReviewContext): Map<string, CustomResourceShapes> {
  const byKind = new Map<string, CustomResourceShapes>();
  const crds = [
    ...context.byKind('CustomResourceDefinition').filter((o) => o.apiVersion === CRD_API_VERSION),
    ...(context.customResourceDefinitions ?? []),
  ];
  for (const crd of crds) {
    const shapes = customResourceShapes(crd);
    const key = shapes && `${shapes.group}/${shapes.kind}`;
    if (key && !byKind.has(key)) byKind.set(key, shapes);
  }
  return byKind;
}

/**
 * Files of Kubernetes' own tools that share the core group's `v1` but are no API objects: the
 * review judges them (a control plane's files are reviewed too), the API server never sees them.
 */
const NOT_API_OBJECTS: ReadonlySet<string> = new Set([
  'v1/Config', // a kubeconfig (client-go tools/clientcmd/api/v1), such as the audit webhook's
]);

/** Why the API server has no such kind, and what it serves instead. */
function kindProblem(obj: KubeObject): RuleFinding {
  const kinds = kindsServedIn(obj.apiVersion);
  const inThisVersion = kinds.find((kind) => kind.toLowerCase() === obj.kind.toLowerCase());
  if (inThisVersion) {
    return finding(
      'kind',
      `the API server has no kind ${quote(obj.kind)} in ${obj.apiVersion}; did you mean ${quote(inThisVersion)}? Kinds are matched exactly`,
    );
  }
  const like = servedKindLike(obj.kind);
  const elsewhere = like ? `; it serves ${like.kind} in ${like.apiVersions.join(', ')}` : '';
  return kinds.length
    ? finding('kind', `the API server has no kind ${quote(obj.kind)} in ${obj.apiVersion}${elsewhere}`)
    : finding('apiVersion', `the API server (Kubernetes v1.37) serves no ${quote(obj.apiVersion)}: removed, or never built in${elsewhere}`);
}
