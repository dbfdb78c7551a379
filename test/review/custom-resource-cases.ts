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
      { name: 'v1alpha1', served: false, storage: false, schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } },
      {
        name: 'v1', served: true, storage: true,
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
                  port: { 'x-kubernetes-int-or-string': true, 'anyOf': [{ type: 'integer' }, { type: 'string' }] },
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
