import { ADMISSION_KINDS } from '../../admission/admission-kinds';
import { celList, celString } from '../../admission/cel';
import { JUDGED_ALONE } from '../../admission/judged-alone';
import { ANY_KIND, KubeObject, ReviewContext, Rule, RuleFinding } from '../../model';
import { isServed } from '../../schema/shapes';
import { apiGroupOf, finding, podTemplateKindOf } from '../../walkers';

/**
 * Built-in kinds that have no namespace, by API group (`kubectl api-resources --namespaced=false`,
 * Kubernetes 1.37). Any other built-in kind is namespaced.
 */
const CLUSTER_SCOPED: ReadonlySet<string> = new Set([
  '/ComponentStatus',
  '/Namespace',
  '/Node',
  '/PersistentVolume',
  'admissionregistration.k8s.io/MutatingAdmissionPolicy',
  'admissionregistration.k8s.io/MutatingAdmissionPolicyBinding',
  'admissionregistration.k8s.io/MutatingWebhookConfiguration',
  'admissionregistration.k8s.io/ValidatingAdmissionPolicy',
  'admissionregistration.k8s.io/ValidatingAdmissionPolicyBinding',
  'admissionregistration.k8s.io/ValidatingWebhookConfiguration',
  'apiextensions.k8s.io/CustomResourceDefinition',
  'apiregistration.k8s.io/APIService',
  'authentication.k8s.io/SelfSubjectReview',
  'authentication.k8s.io/TokenReview',
  'authorization.k8s.io/SelfSubjectAccessReview',
  'authorization.k8s.io/SelfSubjectRulesReview',
  'authorization.k8s.io/SubjectAccessReview',
  'certificates.k8s.io/CertificateSigningRequest',
  'certificates.k8s.io/ClusterTrustBundle',
  'flowcontrol.apiserver.k8s.io/FlowSchema',
  'flowcontrol.apiserver.k8s.io/PriorityLevelConfiguration',
  'internal.apiserver.k8s.io/StorageVersion',
  'networking.k8s.io/IngressClass',
  'networking.k8s.io/IPAddress',
  'networking.k8s.io/ServiceCIDR',
  'node.k8s.io/RuntimeClass',
  'rbac.authorization.k8s.io/ClusterRole',
  'rbac.authorization.k8s.io/ClusterRoleBinding',
  'resource.k8s.io/DeviceClass',
  'resource.k8s.io/ResourceSlice',
  'scheduling.k8s.io/PriorityClass',
  'storage.k8s.io/CSIDriver',
  'storage.k8s.io/CSINode',
  'storage.k8s.io/StorageClass',
  'storage.k8s.io/VolumeAttachment',
  'storage.k8s.io/VolumeAttributesClass',
  'storagemigration.k8s.io/StorageVersionMigration',
]);

/**
 * What the cluster itself keeps in `default`, found in any export of it: the API server's
 * Service and its endpoints, the CA bundle and the default ServiceAccount every namespace gets,
 * and events.
 */
const PLATFORM_OWNED: ReadonlySet<string> = new Set([
  'Service/kubernetes',
  'Endpoints/kubernetes',
  'EndpointSlice/kubernetes',
  'ConfigMap/kube-root-ca.crt',
  'ServiceAccount/default',
]);

/**
 * Whether objects of the object's group and kind have no namespace: a built-in cluster-scoped
 * kind, or a kind one of `definitions` (CustomResourceDefinitions) declares with scope Cluster.
 * Any other kind is taken as namespaced, as kubectl takes a kind it finds namespaced.
 */
export function isClusterScoped(obj: KubeObject, scopes: CustomResourceScopes): boolean {
  return CLUSTER_SCOPED.has(`${apiGroupOf(obj.apiVersion)}/${obj.kind}`) || isDeclaredWithScope(obj, scopes, 'Cluster');
}

/** The scopes CustomResourceDefinitions declare, by `<group>/<kind>` (two definitions of one kind may disagree). */
export type CustomResourceScopes = ReadonlyMap<string, ReadonlySet<unknown>>;

/** The scopes `definitions` (CustomResourceDefinitions) declare: built once, asked for every object. */
export function customResourceScopes(definitions: readonly KubeObject[]): CustomResourceScopes {
  const scopes = new Map<string, Set<unknown>>();
  for (const crd of definitions) {
    if (crd.kind !== 'CustomResourceDefinition') continue;
    const spec = crd.spec as { group?: unknown; scope?: unknown; names?: { kind?: unknown } } | undefined;
    if (typeof spec?.group !== 'string' || typeof spec.names?.kind !== 'string') continue;
    const key = `${spec.group}/${spec.names.kind}`;
    scopes.set(key, (scopes.get(key) ?? new Set()).add(spec.scope));
  }
  return scopes;
}

/** Whether a CustomResourceDefinition declares the object's group and kind with `scope`. */
function isDeclaredWithScope(obj: KubeObject, scopes: CustomResourceScopes, scope: 'Cluster' | 'Namespaced'): boolean {
  return scopes.get(`${apiGroupOf(obj.apiVersion)}/${obj.kind}`)?.has(scope) ?? false;
}

/**
 * Whether objects of the object's kind surely have a namespace: a built-in kind the API server
 * serves and keeps in namespaces, or a custom kind a CustomResourceDefinition declares
 * Namespaced. A custom kind without its definition is unknown: it may be cluster-scoped.
 */
function isSurelyNamespaced(obj: KubeObject, scopes: CustomResourceScopes): boolean {
  if (isClusterScoped(obj, scopes)) return false;
  return isServed(obj.apiVersion, obj.kind) || isDeclaredWithScope(obj, scopes, 'Namespaced');
}

const SCOPES_OF_REVIEW = {};

/** The scopes declared by the CustomResourceDefinitions of the input and those given beside it, once per review. */
function scopesOf(context: ReviewContext): CustomResourceScopes {
  return context.memo(SCOPES_OF_REVIEW, (c) =>
    customResourceScopes([...c.byKind('CustomResourceDefinition'), ...(c.customResourceDefinitions ?? [])]),
  );
}

/** The finding on a namespaced object that names no namespace: it goes wherever kubectl is pointed. */
function missingNamespace(obj: KubeObject, context: ReviewContext): RuleFinding[] {
  if (obj.kind === 'Event' || !isSurelyNamespaced(obj, scopesOf(context))) return [];
  return [
    finding(
      'metadata.namespace',
      `${obj.kind} ${JSON.stringify(obj.metadata?.name ?? '')} has no namespace, so it goes to the namespace of kubectl's context (often "default"), not beside the workloads that use it`,
    ),
  ];
}

/**
 * Nothing is put in `default`, which every cluster has and nobody hardens (no Pod Security
 * labels, no default-deny policy): not only workloads (`workload-namespace-hardened` judges
 * those) but the Services, ConfigMaps, Secrets, Roles and policies around them. Nor is a
 * namespaced object left without a namespace: it goes wherever kubectl's context points, as
 * bad as `default`, and away from the workloads that use it (`review --namespace` fills the
 * namespace first, as `kubectl apply -n` does). Cluster-scoped kinds have none; a custom
 * kind counts as namespaced only when its CustomResourceDefinition says so.
 *
 * @see https://kubernetes.io/docs/concepts/security/multi-tenancy/
 */
export const noDefaultNamespace: Rule = {
  id: 'no-default-namespace',
  title: 'Objects are not put in the default namespace',
  severity: 'error',
  kinds: [ANY_KIND],
  references: { trivy: 'KSV-0110', kubeLinter: 'use-namespace' },
  remediation:
    'Put the object in the namespace of the application it belongs to, one that enforces Pod Security and denies traffic by default, and write that namespace in its metadata.namespace.',
  check: (obj, context) => {
    if (podTemplateKindOf(obj)) return [];
    const namespace = obj.metadata?.namespace;
    if (namespace === undefined) return missingNamespace(obj, context);
    if (namespace !== 'default') return [];
    const group = apiGroupOf(obj.apiVersion);
    if (isClusterScoped(obj, scopesOf(context))) return [];
    if (
      obj.kind === 'Event' ||
      ((group === '' || group === 'discovery.k8s.io') && PLATFORM_OWNED.has(`${obj.kind}/${String(obj.metadata?.name)}`))
    )
      return [];
    return [
      finding('metadata.namespace', `${obj.kind} ${JSON.stringify(obj.metadata?.name ?? '')} is in the "default" namespace`, 'default'),
    ];
  },
  admission: (s) => {
    const { judged, platformOwned } = judgedInDefault();
    // Workloads (workload-namespace-hardened's, at synth) and cluster-scoped kinds: nothing to judge here.
    if (!s.kinds.some((kind) => judged.includes(kind))) return [];
    const o = s.object;
    return [
      {
        expression: `!(${o}.kind in ${celList(judged)}) || ${o}.metadata.?namespace.orValue("") != "default" || ${o}.kind + "/" + ${o}.metadata.?name.orValue("") in ${celList(platformOwned)} || ${s.accepts(celString('default'))}`,
        message: 'The object is in the "default" namespace.',
      },
    ];
  },
};

/**
 * The admission kinds the check judges in `default` (not workloads, which
 * workload-namespace-hardened judges, nor cluster-scoped ones) and the `<kind>/<name>` of the
 * cluster's own objects it leaves there, asked of the check itself on probe objects.
 */
function judgedInDefault(): { judged: string[]; platformOwned: string[] } {
  const probe = (kind: (typeof ADMISSION_KINDS)[number], name: string) =>
    noDefaultNamespace.check(
      {
        apiVersion: kind.group ? `${kind.group}/${kind.version}` : kind.version,
        kind: kind.kind,
        metadata: { name, namespace: 'default' },
      },
      JUDGED_ALONE,
    ).length > 0;
  const judged = ADMISSION_KINDS.filter((kind) => probe(kind, 'probe'));
  const platformOwned = [...PLATFORM_OWNED].filter((entry) => {
    const [kindName, name] = entry.split('/');
    return judged.some((kind) => kind.kind === kindName && !probe(kind, name));
  });
  return { judged: judged.map((kind) => kind.kind), platformOwned };
}
