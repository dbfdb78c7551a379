/**
 * A small CustomResourceDefinition that uses every schema feature the `object-schema` rule
 * compiles (types, maps, lists, formats, int-or-string, nullable, preserve-unknown-fields, an
 * embedded resource, enum and bounds), and custom resources of it, malformed and not: the
 * always-run cases of test/review/object-schema-crd.test.ts and the table the API server
 * judges in test/review/object-schema-crd-server.test.ts.
 */
import { KubeObject } from '../../lib/review/model';

export const WIDGET_CRD: KubeObject = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: 'widgets.example.com' },
  spec: {
    group: 'example.com',
    names: { kind: 'Widget', listKind: 'WidgetList', plural: 'widgets', singular: 'widget' },
    scope: 'Namespaced',
    versions: [
      {
        name: 'v1alpha1',
        served: false,
        storage: false,
        schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } },
      },
      {
        name: 'v1',
        served: true,
        storage: true,
        schema: {
          openAPIV3Schema: {
            type: 'object',
            properties: {
              apiVersion: { type: 'string' },
              kind: { type: 'string' },
              metadata: { type: 'object' },
              spec: {
                type: 'object',
                properties: {
                  size: { type: 'integer', format: 'int32', minimum: 1, maximum: 100 },
                  ratio: { type: 'number' },
                  enabled: { type: 'boolean' },
                  color: { type: 'string', enum: ['red', 'green'] },
                  name: { type: 'string', minLength: 2, maxLength: 5 },
                  port: { 'x-kubernetes-int-or-string': true, anyOf: [{ type: 'integer' }, { type: 'string' }] },
                  since: { type: 'string', format: 'date-time' },
                  payload: { type: 'string', format: 'byte' },
                  tags: { type: 'array', items: { type: 'string' }, maxItems: 3 },
                  labels: { type: 'object', additionalProperties: { type: 'string' } },
                  note: { type: 'string', nullable: true },
                  extra: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
                  template: { type: 'object', 'x-kubernetes-embedded-resource': true, 'x-kubernetes-preserve-unknown-fields': true },
                  parts: {
                    type: 'array',
                    items: { type: 'object', required: ['id'], properties: { id: { type: 'string' }, count: { type: 'integer' } } },
                  },
                },
              },
            },
          },
        },
      },
    ],
  },
};

/** A valid Widget whose spec is `spec`. */
export function widget(spec: Record<string, unknown>, apiVersion = 'example.com/v1'): KubeObject {
  return { apiVersion, kind: 'Widget', metadata: { name: 'w', namespace: 'shop' }, spec };
}

/** The reference platform's custom resources, as `npx cdk8s synth` writes them (apps/platform.ts). */
export const SEALED_SECRET: KubeObject = {
  apiVersion: 'bitnami.com/v1alpha1',
  kind: 'SealedSecret',
  metadata: { name: 'database-credentials', namespace: 'shop' },
  spec: {
    encryptedData: { password: 'AgBAKChpi7qtn6VTjLp0vEA8DMCRycNUlRwxhr' },
    template: { metadata: { name: 'database-credentials', namespace: 'shop' }, type: 'Opaque' },
  },
};
export const EXTERNAL_SECRET: KubeObject = {
  apiVersion: 'external-secrets.io/v1',
  kind: 'ExternalSecret',
  metadata: { name: 'payment-provider', namespace: 'shop' },
  spec: {
    data: [{ remoteRef: { key: 'shop/payment-provider', property: 'api-key' }, secretKey: 'api-key' }],
    refreshInterval: '1h',
    secretStoreRef: { kind: 'ClusterSecretStore', name: 'cloud-secrets' },
    target: { creationPolicy: 'Owner', name: 'payment-provider' },
  },
};
export const APPLICATION: KubeObject = {
  apiVersion: 'argoproj.io/v1alpha1',
  kind: 'Application',
  metadata: { name: 'shop', namespace: 'argocd' },
  spec: {
    destination: { namespace: 'shop', server: 'https://kubernetes.default.svc' },
    project: 'shop',
    source: { path: 'dist/shop', repoURL: 'https://github.com/example/platform.git', targetRevision: 'main' },
    syncPolicy: { automated: { prune: true, selfHeal: true }, syncOptions: ['ServerSideApply=true'] },
  },
};

/** A copy of `object` changed by `change`. */
function changed(object: KubeObject, change: (copy: any) => void): KubeObject {
  const copy = structuredClone(object);
  change(copy);
  return copy;
}

/** A custom resource, and what `object-schema` finds in it: [path, part of the message]. */
export interface CustomResourceCase {
  readonly name: string;
  readonly object: KubeObject;
  readonly expected: readonly (readonly [string, string])[];
  /** Whether its CRD is one of the vendored add-on releases (vendor/addons) (else WIDGET_CRD). */
  readonly upstream: boolean;
}

export const CUSTOM_RESOURCE_CASES: readonly CustomResourceCase[] = [
  { name: 'SealedSecret as the platform writes it', upstream: true, object: SEALED_SECRET, expected: [] },
  {
    name: 'SealedSecret, a misspelt template field',
    upstream: true,
    object: changed(SEALED_SECRET, (o) => {
      o.spec.template.typ = 'Opaque';
    }),
    expected: [['spec.template.typ', 'unknown field "typ": SealedSecret spec.template has no such field (did you mean "type"?)']],
  },
  {
    name: 'SealedSecret, immutable as a string',
    upstream: true,
    object: changed(SEALED_SECRET, (o) => {
      o.spec.template.immutable = 'true';
    }),
    expected: [['spec.template.immutable', 'is the string "true"; the API server expects a boolean']],
  },
  {
    name: 'SealedSecret, anything in its preserve-unknown-fields template metadata',
    upstream: true,
    object: changed(SEALED_SECRET, (o) => {
      o.spec.template.metadata.anything = { goes: [1, 'x'] };
    }),
    expected: [],
  },
  { name: 'ExternalSecret as the platform writes it', upstream: true, object: EXTERNAL_SECRET, expected: [] },
  {
    name: 'ExternalSecret, a misspelt store reference field',
    upstream: true,
    object: changed(EXTERNAL_SECRET, (o) => {
      o.spec.secretStoreRef.names = 'x';
    }),
    expected: [['spec.secretStoreRef.names', 'did you mean "name"?']],
  },
  {
    name: 'ExternalSecret, data as a string',
    upstream: true,
    object: changed(EXTERNAL_SECRET, (o) => {
      o.spec.data = 'api-key';
    }),
    expected: [['spec.data', 'is the string "api-key"; the API server expects a list']],
  },
  {
    name: 'ExternalSecret, a creation policy outside its enum',
    upstream: true,
    object: changed(EXTERNAL_SECRET, (o) => {
      o.spec.target.creationPolicy = 'Always';
    }),
    expected: [['spec.target.creationPolicy', 'the CRD allows only "Owner", "Orphan", "Merge", "None"']],
  },
  { name: 'Application as the platform writes it', upstream: true, object: APPLICATION, expected: [] },
  {
    name: 'Application, a misspelt destination field',
    upstream: true,
    object: changed(APPLICATION, (o) => {
      o.spec.destination.nmespace = 'shop';
    }),
    expected: [['spec.destination.nmespace', 'did you mean "namespace"?']],
  },
  {
    name: 'Application, prune as a string',
    upstream: true,
    object: changed(APPLICATION, (o) => {
      o.spec.syncPolicy.automated.prune = 'yes';
    }),
    expected: [['spec.syncPolicy.automated.prune', 'is the string "yes"; the API server expects a boolean']],
  },
  {
    name: 'Application, any Helm values object (preserve-unknown-fields)',
    upstream: true,
    object: changed(APPLICATION, (o) => {
      o.spec.source.helm = { valuesObject: { replicas: 2, image: { tag: 'x' }, list: [null, 1] } };
    }),
    expected: [],
  },
  {
    name: 'Application, a version Argo CD does not serve',
    upstream: true,
    object: changed(APPLICATION, (o) => {
      o.apiVersion = 'argoproj.io/v1';
    }),
    expected: [['apiVersion', 'the CRD applications.argoproj.io does not serve Application in "v1": it serves argoproj.io/v1alpha1']],
  },
  {
    name: 'Widget with null, a lower-case date-time, an integral number, an embedded resource',
    upstream: false,
    object: widget({
      note: null,
      ratio: 2,
      since: '2026-01-01t10:00:00z',
      template: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a' }, data: { x: 'y' } },
    }),
    expected: [],
  },
  {
    name: 'Widget, a null list item',
    upstream: false,
    object: widget({ tags: ['a', null] }),
    expected: [['spec.tags[1]', '"tags"[1] is null; the API server expects a string']],
  },
  {
    name: 'Widget, an int32 out of range',
    upstream: false,
    object: widget({ size: 3000000000 }),
    expected: [['spec.size', 'expects a 32-bit integer']],
  },
  {
    name: 'Widget, base64 with a line break',
    upstream: false,
    object: widget({ payload: 'YW\nJj' }),
    expected: [['spec.payload', 'expects a base64 string']],
  },
  {
    name: "Widget, a misspelt field in the embedded resource's metadata",
    upstream: false,
    object: widget({ template: { metadata: { nam: 'x' } } }),
    expected: [['spec.template.metadata.nam', 'unknown field "nam": meta.v1.ObjectMeta has no such field (did you mean "name"?)']],
  },
  {
    name: 'Widget, a misspelt metadata field',
    upstream: false,
    object: { ...widget({}), metadata: { name: 'w', namespace: 'shop', lables: { a: 'b' } } },
    expected: [['metadata.lables', 'did you mean "labels"?']],
  },
  {
    name: 'Widget, a list item without its required field',
    upstream: false,
    object: widget({ parts: [{ count: 1 }] }),
    expected: [['spec.parts[0].id', 'required field "id" is missing']],
  },
  {
    name: 'Widget, a status its schema does not have',
    upstream: false,
    object: { ...widget({}), status: { ready: true } },
    expected: [['status', 'unknown field "status"']],
  },
  {
    name: 'Widget, a version its CRD has but does not serve',
    upstream: false,
    object: widget({}, 'example.com/v1alpha1'),
    expected: [['apiVersion', 'the CRD widgets.example.com does not serve Widget in "v1alpha1": it serves example.com/v1']],
  },
  {
    name: 'Widget, too long a name',
    upstream: false,
    object: widget({ name: 'abcdef' }),
    expected: [['spec.name', '"name" has 6 characters; the CRD allows at most 5']],
  },
];
