import { ManifestLoadError } from './load-error';
import { isRecord } from './walkers';

/**
 * What `kubectl create -f` makes of one decoded document: the objects it sends, or its
 * refusal. Each step is kubectl's, in its order (k8s.io/cli-runtime and k8s.io/kubectl v0.37):
 *
 * 1. strict validation's `getObjectKind`: `apiVersion` and `kind` set and strings, and the
 *    apiVersion a group/version (at most one `/`);
 * 2. the unstructured decoder: any object with an `items` field is a list, whatever its kind;
 *    its items must be a list of objects (or null: no items), and an item with neither kind
 *    nor apiVersion takes the list's kind without `List` and the list's apiVersion;
 * 3. `metadataValidatingDecoder`: the document's `metadata` must decode into ObjectMeta
 *    (a label that is `true`, not `"true"`, is refused);
 * 4. list flattening: an item that is a list itself is refused; each item needs a kind and a
 *    version.
 *
 * Where kubectl would send an object the review cannot judge as it is (an item that is
 * `null`, sent as an object with only a kind; an empty apiVersion), the document is refused.
 */
export function objectsOf(value: unknown, file: string, line: number): Record<string, unknown>[] {
  if (value === null || value === undefined) return [];
  const refuse = (detail: string): never => {
    throw new ManifestLoadError(file, line, detail);
  };
  if (!isRecord(value)) return refuse(`expected a Kubernetes object (a mapping with apiVersion and kind), found ${describe(value)}`);
  checkTypeMeta(value, '', refuse);
  const problem = objectMetaProblem(value.metadata);
  if (problem) refuse(`metadata${problem}, which kubectl refuses (metadata must read as Kubernetes ObjectMeta)`);
  if (!Object.prototype.hasOwnProperty.call(value, 'items')) return [asObject(value, '', refuse)];
  const { items, kind, apiVersion } = value as { items: unknown; kind: string; apiVersion: string };
  if (kind === '') refuse('kind is empty, which kubectl refuses (a list needs its kind too)');
  if (items === null) return [];
  if (!Array.isArray(items)) {
    return refuse(
      `items is ${describe(items)}: kubectl reads every object with an items field as a list, and refuses items that are not a list; rename the field or make it a list of objects`,
    );
  }
  const itemKind = kind.endsWith('List') ? kind.slice(0, -'List'.length) : kind;
  return items.map((item, i) => {
    const which = `items[${i}] `;
    if (!isRecord(item)) {
      return refuse(
        `${which}is ${describe(item)}, not an object${item === null ? ' (kubectl would send an object with nothing but a kind)' : ''}; remove it`,
      );
    }
    if (Array.isArray(item.items))
      refuse(`${which}is itself a list (it has items), which kubectl refuses; list its objects in the outer list`);
    // kubectl's "hacky" inheritance, for typed lists printed without each item's kind
    // (a kind or apiVersion that is not a string counts as missing there).
    const inherits = !nonEmptyString(item.kind) && !nonEmptyString(item.apiVersion);
    return asObject(inherits ? { ...item, kind: itemKind, apiVersion } : item, which, refuse);
  });
}

/** strict validation's `getObjectKind`: what kubectl checks of every document before decoding it. */
function checkTypeMeta(object: Record<string, unknown>, which: string, refuse: (detail: string) => never): void {
  const { apiVersion, kind } = object;
  if (apiVersion === undefined || apiVersion === null) refuse(`${which}apiVersion not set, which kubectl refuses`);
  if (typeof apiVersion !== 'string') refuse(`${which}apiVersion is ${describe(apiVersion)}, not a string, which kubectl refuses`);
  if (!isGroupVersion(apiVersion as string))
    refuse(`${which}apiVersion "${(apiVersion as string).slice(0, 60)}" is not GROUP/VERSION or VERSION, which kubectl refuses`);
  if (kind === undefined || kind === null) refuse(`${which}kind not set, which kubectl refuses`);
  if (typeof kind !== 'string') refuse(`${which}kind is ${describe(kind)}, not a string, which kubectl refuses`);
}

/** apimachinery's `ParseGroupVersion` accepts it: at most one `/`. */
function isGroupVersion(apiVersion: string): boolean {
  return apiVersion.indexOf('/') === apiVersion.lastIndexOf('/');
}

/**
 * The object as kubectl sends it, once it has a kind and a version (the typer's check for list
 * items; for documents kubectl requires a kind, and a version to find the resource). An empty
 * apiVersion, which kubectl passes locally, is refused too.
 */
function asObject(object: Record<string, unknown>, which: string, refuse: (detail: string) => never): Record<string, unknown> {
  if (which !== '') checkTypeMeta(object, which, refuse);
  const { kind, apiVersion } = object as { kind: string; apiVersion: string };
  if (kind === '') refuse(`${which}kind is empty, which kubectl refuses`);
  const version = apiVersion.slice(apiVersion.indexOf('/') + 1);
  if (version === '') refuse(`${which}apiVersion "${apiVersion.slice(0, 60)}" has no version, which kubectl refuses`);
  return withoutEmptyNamespace(object);
}

/**
 * kubectl reads a namespace that is not a non-empty string (`""`, `null`, or in a list item
 * even `0`) as none: it drops the field and puts the object in the namespace it is given
 * (`kubectl -n`, or the context's). The review sees it namespace-less too.
 */
function withoutEmptyNamespace(object: Record<string, unknown>): Record<string, unknown> {
  const metadata = object.metadata;
  if (!isRecord(metadata) || !Object.prototype.hasOwnProperty.call(metadata, 'namespace') || nonEmptyString(metadata.namespace))
    return object;
  const { namespace: _dropped, ...rest } = metadata;
  return { ...object, metadata: rest };
}

/** The JSON type ObjectMeta's fields decode from, per field (utiljson: field names match exactly). */
const OBJECT_META_FIELDS: Readonly<Record<string, FieldType>> = {
  name: 'string',
  generateName: 'string',
  namespace: 'string',
  selfLink: 'string',
  uid: 'string',
  resourceVersion: 'string',
  generation: 'int64',
  creationTimestamp: 'time',
  deletionTimestamp: 'time',
  deletionGracePeriodSeconds: 'int64',
  labels: 'string map',
  annotations: 'string map',
  finalizers: 'string list',
  ownerReferences: {
    apiVersion: 'string',
    kind: 'string',
    name: 'string',
    uid: 'string',
    controller: 'boolean',
    blockOwnerDeletion: 'boolean',
  },
  managedFields: {
    manager: 'string',
    operation: 'string',
    apiVersion: 'string',
    time: 'time',
    fieldsType: 'string',
    fieldsV1: 'any',
    subresource: 'string',
  },
};

/** A field's type: a scalar, a map or list of strings, anything, or a list of objects with these fields. */
type FieldType = 'string' | 'int64' | 'boolean' | 'time' | 'string map' | 'string list' | 'any' | Readonly<Record<string, string>>;

/**
 * Why `metadata` does not decode into ObjectMeta (as ` (path) is ...`), or undefined. JSON
 * null decodes into anything; unknown fields are ignored, as Go's decoder ignores them.
 */
export function objectMetaProblem(metadata: unknown): string | undefined {
  if (metadata === null || metadata === undefined) return undefined;
  if (!isRecord(metadata)) return ` is ${describe(metadata)}, not a mapping`;
  // The object's few fields, not the table's (this runs for every object).
  for (const field in metadata) {
    const type = Object.prototype.hasOwnProperty.call(OBJECT_META_FIELDS, field) ? OBJECT_META_FIELDS[field] : undefined;
    const problem = type === undefined ? undefined : fieldProblem(metadata[field], type);
    if (problem) return `.${field}${problem}`;
  }
  return undefined;
}

function fieldProblem(value: unknown, type: FieldType): string | undefined {
  if (value === null || value === undefined || type === 'any') return undefined;
  switch (type) {
    case 'string':
      return typeof value === 'string' ? undefined : ` is ${describe(value)}, not a string`;
    case 'boolean':
      return typeof value === 'boolean' ? undefined : ` is ${describe(value)}, not true or false`;
    case 'int64':
      return Number.isSafeInteger(value) ? undefined : ` is ${describe(value)}, not an integer`;
    case 'time':
      return typeof value === 'string' && isRfc3339(value)
        ? undefined
        : ` is ${typeof value === 'string' ? `"${value.slice(0, 40)}"` : describe(value)}, not an RFC 3339 time`;
    case 'string map': {
      if (!isRecord(value)) return ` is ${describe(value)}, not a mapping`;
      const bad = Object.entries(value).find(([, v]) => v !== null && typeof v !== 'string');
      return bad ? `.${bad[0].slice(0, 60)} is ${describe(bad[1])}, not a string (quote it)` : undefined;
    }
    case 'string list': {
      if (!Array.isArray(value)) return ` is ${describe(value)}, not a list`;
      const at = value.findIndex((v) => v !== null && typeof v !== 'string');
      return at >= 0 ? `[${at}] is ${describe(value[at])}, not a string` : undefined;
    }
    default: {
      if (!Array.isArray(value)) return ` is ${describe(value)}, not a list`;
      for (const [i, entry] of value.entries()) {
        if (entry === null) continue;
        if (!isRecord(entry)) return `[${i}] is ${describe(entry)}, not a mapping`;
        for (const [field, fieldType] of Object.entries(type)) {
          const problem = fieldProblem(entry[field], fieldType as FieldType);
          if (problem) return `[${i}].${field}${problem}`;
        }
      }
      return undefined;
    }
  }
}

/** Go's `time.Parse(time.RFC3339, s)`: a date, `T`, a time with optional fraction, and `Z` or an offset; in range. */
function isRfc3339(text: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.\d+)?(?:Z|([+-])(\d{2}):(\d{2}))$/.exec(text);
  if (!m) return false;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number);
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  const offsetOk = m[7] === undefined || (Number(m[8]) < 24 && Number(m[9]) < 60);
  return month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth && hour < 24 && minute < 60 && second < 60 && offsetOk;
}

function nonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value !== '';
}

/** How a value that is not what was expected is named in messages. */
function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return 'a string';
  if (typeof value === 'number') return Number.isInteger(value) ? 'an integer' : 'a number';
  return `a ${typeof value}`;
}
