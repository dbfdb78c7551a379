/**
 * The shapes of custom resources, compiled from the `schema.openAPIV3Schema` of each served
 * version of their CustomResourceDefinition (apiextensions.k8s.io/v1, whose schemas are
 * structural) into the nodes `shapes.ts` walks. The server prunes the fields a schema does not
 * have, and refuses them under strict field validation: so do these shapes.
 *
 * Judged: types (object, array, string, integer, number, boolean), properties, items,
 * additionalProperties, `x-kubernetes-preserve-unknown-fields`, `x-kubernetes-int-or-string`,
 * `x-kubernetes-embedded-resource`, `nullable`, `required` (unless defaulted), the formats
 * int32, byte and date-time, and enum, minimum/maximum, min/maxLength, min/maxItems and
 * min/maxProperties. Left out, as not cheap to judge exactly: `pattern` (RE2, not JavaScript's
 * regular expressions), other formats, `multipleOf`, anyOf/allOf/oneOf/not (beyond
 * int-or-string), `x-kubernetes-list-type` uniqueness and CEL `x-kubernetes-validations`.
 *
 * @see https://kubernetes.io/docs/tasks/extend-kubernetes/custom-resources/custom-resource-definitions/#specifying-a-structural-schema
 */
import { KubeObject } from '../model';
import {
  ANY,
  BOOLEAN,
  INT32,
  INTEGER,
  INTEGER_OR_STRING,
  isMapping,
  LIST,
  MAP,
  MAPPING,
  NUMBER,
  objectMetaShape,
  SCHEMA_BYTES,
  SCHEMA_DATE_TIME,
  Shape,
  STRING,
  STRUCT,
  ValueLimits,
} from './shapes';

/** The kind a CustomResourceDefinition defines, and the shape of each version it serves. */
export interface CustomResourceShapes {
  /** The CRD's name: `sealedsecrets.bitnami.com`. */
  readonly crd: string;
  readonly group: string;
  readonly kind: string;
  /** Served versions by name; unserved ones are absent. */
  readonly versions: ReadonlyMap<string, Shape>;
}

/** The apiVersion of the CRDs compiled (v1beta1 was removed in Kubernetes 1.22). */
export const CRD_API_VERSION = 'apiextensions.k8s.io/v1';

/**
 * The shapes a CustomResourceDefinition gives its kind; `undefined` when `crd` is not a v1
 * CRD with a group and a kind (the `object-schema` rule judges the CRD itself). Compiled on
 * each call: the rule keeps them for the review (`ReviewContext.memo`).
 */
export function customResourceShapes(crd: KubeObject): CustomResourceShapes | undefined {
  return compileCrd(crd);
}

function compileCrd(crd: KubeObject): CustomResourceShapes | undefined {
  if (crd.apiVersion !== CRD_API_VERSION || crd.kind !== 'CustomResourceDefinition' || !isMapping(crd.spec)) return undefined;
  const { group, names, versions } = crd.spec;
  const kind = isMapping(names) ? names.kind : undefined;
  if (typeof group !== 'string' || typeof kind !== 'string' || !Array.isArray(versions)) return undefined;
  const served = new Map<string, Shape>();
  for (const version of versions) {
    if (!isMapping(version) || version.served !== true || typeof version.name !== 'string') continue;
    const schema = isMapping(version.schema) ? version.schema.openAPIV3Schema : undefined;
    served.set(version.name, compileNode(schema, { kind, path: '', resource: true }));
  }
  return { crd: typeof crd.metadata?.name === 'string' ? crd.metadata.name : `${kind}.${group}`, group, kind, versions: served };
}

/** Where a schema node is: the kind, its path (`spec.parts[*]`), whether it is a whole resource (the root, or embedded). */
interface Place {
  readonly kind: string;
  readonly path: string;
  readonly resource: boolean;
}

const STRINGS: Shape = { tag: STRING, expected: 'a string' };

function compileNode(node: unknown, place: Place): Shape {
  const schema = isMapping(node) ? node : {};
  const common = {
    ...(schema.nullable === true ? { nullable: true } : {}),
    ...limitsOf(schema),
  };
  const preserves = schema['x-kubernetes-preserve-unknown-fields'] === true;
  if (schema['x-kubernetes-int-or-string'] === true) return { tag: INTEGER_OR_STRING, expected: 'an integer or a string', ...common };
  switch (schema.type) {
    case 'object': {
      const resource = place.resource || schema['x-kubernetes-embedded-resource'] === true;
      const properties = isMapping(schema.properties) ? schema.properties : undefined;
      if (!properties && !resource) {
        if (isMapping(schema.additionalProperties)) {
          const element = compileNode(schema.additionalProperties, { ...place, path: `${place.path}[*]`, resource: false });
          return {
            tag: MAP,
            expected: `a mapping (of ${element.definition ?? element.expected.replace(/^an? /, '')} values)`,
            element,
            ...common,
          };
        }
        if (preserves || schema.additionalProperties === true) return { tag: MAPPING, expected: 'a mapping', ...common };
      }
      const definition = place.path ? `${place.kind} ${place.path}` : place.kind;
      const fields = new Map<string, Shape>();
      for (const [name, property] of Object.entries(properties ?? {})) {
        fields.set(name, compileNode(property, { kind: place.kind, path: place.path ? `${place.path}.${name}` : name, resource: false }));
      }
      // A resource's apiVersion, kind and metadata are never pruned; its metadata is ObjectMeta, as a built-in kind's.
      if (resource) {
        fields.set('apiVersion', STRINGS);
        fields.set('kind', STRINGS);
        fields.set('metadata', objectMetaShape());
      }
      const required = Array.isArray(schema.required)
        ? schema.required.filter(
            (name): name is string => typeof name === 'string' && !(isMapping(properties?.[name]) && 'default' in properties![name]),
          )
        : [];
      return {
        tag: STRUCT,
        expected: `a mapping (${definition})`,
        definition,
        fields,
        ...(preserves ? { preservesUnknown: true } : {}),
        ...(required.length ? { required } : {}),
        ...common,
      };
    }
    case 'array': {
      const items = isMapping(schema.items) ? schema.items : undefined;
      const element = compileNode(items, { ...place, path: `${place.path}[*]`, resource: false });
      return {
        tag: LIST,
        expected: `a list (of ${element.definition ?? element.expected.replace(/^an? /, '')})`,
        element,
        ...(items?.nullable === true ? {} : { refusesNullItems: true }),
        ...common,
      };
    }
    case 'string':
      if (schema.format === 'byte') return { tag: SCHEMA_BYTES, expected: 'a base64 string (no line breaks)', ...common };
      if (schema.format === 'date-time' || schema.format === 'datetime') {
        return { tag: SCHEMA_DATE_TIME, expected: 'a date-time string (2026-01-31T12:00:00Z)', ...common };
      }
      return { tag: STRING, expected: 'a string', ...common };
    case 'integer':
      return schema.format === 'int32'
        ? { tag: INT32, expected: 'a 32-bit integer', ...common }
        : { tag: INTEGER, expected: 'an integer', ...common };
    case 'number':
      return { tag: NUMBER, expected: 'a number', ...common };
    case 'boolean':
      return { tag: BOOLEAN, expected: 'a boolean (true or false)', ...common };
    default: // no type: only with preserve-unknown-fields in a structural schema
      return { tag: ANY, expected: 'any value', ...common };
  }
}

const LIMITS: readonly (keyof ValueLimits)[] = [
  'minimum',
  'maximum',
  'minLength',
  'maxLength',
  'minItems',
  'maxItems',
  'minProperties',
  'maxProperties',
];

/** The value validations of `schema` the walk judges, as `{ limits }`, or nothing. */
function limitsOf(schema: Readonly<Record<string, unknown>>): { limits?: ValueLimits } {
  const limits: Record<string, unknown> = {};
  for (const name of LIMITS) if (typeof schema[name] === 'number') limits[name] = schema[name];
  if (schema.exclusiveMinimum === true) limits.exclusiveMinimum = true;
  if (schema.exclusiveMaximum === true) limits.exclusiveMaximum = true;
  if (Array.isArray(schema.enum)) limits.enum = schema.enum;
  return Object.keys(limits).length ? { limits: limits as ValueLimits } : {};
}
