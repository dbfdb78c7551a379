import { ANY_KIND, KubeObject, Rule } from '../../model';
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
export function isClusterScoped(obj: KubeObject, definitions: readonly KubeObject[]): boolean {
  const group = apiGroupOf(obj.apiVersion);
  if (CLUSTER_SCOPED.has(`${group}/${obj.kind}`)) return true;
  return definitions.some((crd) => {
    const spec = crd.spec as { group?: unknown; scope?: unknown; names?: { kind?: unknown } } | undefined;
    return crd.kind === 'CustomResourceDefinition' && spec?.group === group && spec.names?.kind === obj.kind && spec.scope === 'Cluster';
  });
}

/**
 * Nothing is put in `default`, which every cluster has and nobody hardens (no Pod Security
 * labels, no default-deny policy): not only workloads (`workload-namespace-hardened` judges
 * those) but the Services, ConfigMaps, Secrets, Roles and policies around them. Only an
 * explicit `metadata.namespace: default`: an object without a namespace goes wherever
 * kubectl is told, and cluster-scoped kinds have none.
 *
 * @see https://kubernetes.io/docs/concepts/security/multi-tenancy/
 */
export const noDefaultNamespace: Rule = {
  id: 'no-default-namespace',
  title: 'Objects are not put in the default namespace',
  severity: 'error',
  kinds: [ANY_KIND],
  references: {},
  remediation:
    'Put the object in the namespace of the application it belongs to, one that enforces Pod Security and denies traffic by default.',
  check: (obj, context) => {
    if (obj.metadata?.namespace !== 'default' || podTemplateKindOf(obj)) return [];
    const group = apiGroupOf(obj.apiVersion);
    if (isClusterScoped(obj, context.byKind('CustomResourceDefinition'))) return [];
    if (
      obj.kind === 'Event' ||
      ((group === '' || group === 'discovery.k8s.io') && PLATFORM_OWNED.has(`${obj.kind}/${String(obj.metadata.name)}`))
    )
      return [];
    return [
      finding('metadata.namespace', `${obj.kind} ${JSON.stringify(obj.metadata.name ?? '')} is in the "default" namespace`, 'default'),
    ];
  },
};
