/**
 * The shapes of the Kubernetes API's built-in kinds, as the API server decodes them, and one
 * walk that compares an object with a shape. The data is `kubernetes-1.37.json`,
 * generated from what kube-apiserver v1.37 serves at /openapi/v3
 * (scripts/generate-kubernetes-schema.ts); this file only reads it. Custom resources' shapes
 * are compiled from their CRDs by `crd-shapes.ts` into the same nodes.
 */
import { RuleFinding } from '../model';
import SCHEMA from './kubernetes-1.37.json';

/** What a field holds. Numbers rather than strings: the walk switches on them for every field. */
export const ANY = 0; // any value (RawExtension, JSON)
export const MAPPING = 1; // any mapping, fields unchecked
export const STRING = 2;
const BYTES = 3; // base64 text ([]byte)
const DATE_TIME = 4; // metav1.Time: RFC 3339 text
export const INTEGER = 5; // int64
export const INT32 = 6;
export const NUMBER = 7;
export const BOOLEAN = 8;
const INT_OR_STRING = 9; // intstr.IntOrString: an int32 or a string
const QUANTITY = 10; // resource.Quantity: a number, or text in its syntax
export const LIST = 11;
export const MAP = 12; // map[string]T
export const STRUCT = 13; // a definition: known fields only
// The formats a CRD's schema validator checks (kube-openapi's strfmt), stricter than the built-in decoders.
export const SCHEMA_BYTES = 14; // format: byte, base64 without line breaks
export const SCHEMA_DATE_TIME = 15; // format: date-time, strfmt.IsDateTime
export const INTEGER_OR_STRING = 16; // x-kubernetes-int-or-string: any integer or a string

/** One node of the compiled schema. Definitions refer to each other, themselves included. */
export interface Shape {
  readonly tag: number;
  /** How the API describes it, for messages: `a list of core.v1.Container`. */
  readonly expected: string;
  /** The element of a LIST, the value of a MAP. */
  readonly element?: Shape;
  /** A STRUCT's definition name (`core.v1.Container`) and fields. */
  readonly definition?: string;
  readonly fields?: ReadonlyMap<string, Shape>;
  // What only CRD schemas say (the built-in decoders know none of it):
  /** A STRUCT whose other fields are kept unchecked (`x-kubernetes-preserve-unknown-fields`). */
  readonly preservesUnknown?: boolean;
  /** A STRUCT's fields that must be there (those without a default, which the server would fill in). */
  readonly required?: readonly string[];
  /** `nullable: true`: null is kept, and counts as given. */
  readonly nullable?: boolean;
  /** A LIST whose null items the server refuses (a null field is dropped, a null item is not). */
  readonly refusesNullItems?: boolean;
  readonly limits?: ValueLimits;
}

/** The value validations of a CRD schema that are cheap to judge exactly as the server does. */
export interface ValueLimits {
  readonly enum?: readonly unknown[];
  readonly minimum?: number;
  readonly maximum?: number;
  readonly exclusiveMinimum?: boolean;
  readonly exclusiveMaximum?: boolean;
  /** In characters (Unicode code points), as Go counts runes. */
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly minItems?: number;
  readonly maxItems?: number;
  readonly minProperties?: number;
  readonly maxProperties?: number;
}

const PRIMITIVES: Record<string, Shape> = {
  any: { tag: ANY, expected: 'any value' },
  object: { tag: MAPPING, expected: 'a mapping' },
  string: { tag: STRING, expected: 'a string' },
  byte: { tag: BYTES, expected: 'a base64 string' },
  'date-time': { tag: DATE_TIME, expected: 'an RFC 3339 date-time string (2026-01-31T12:00:00Z)' },
  integer: { tag: INTEGER, expected: 'an integer' },
  int32: { tag: INT32, expected: 'a 32-bit integer' },
  number: { tag: NUMBER, expected: 'a number' },
  boolean: { tag: BOOLEAN, expected: 'a boolean (true or false)' },
  'int-or-string': { tag: INT_OR_STRING, expected: 'an integer or a string' },
  quantity: { tag: QUANTITY, expected: 'a quantity (a number, or a string such as 250m, 128Mi or 1.5)' },
};

interface SchemaFile {
  readonly kinds: Readonly<Record<string, Readonly<Record<string, string>>>>;
  readonly definitions: Readonly<Record<string, Readonly<Record<string, string>>>>;
}

/** The compiled schema: kinds by apiVersion, and the API groups it serves. Built on first use. */
interface Compiled {
  readonly kinds: ReadonlyMap<string, ReadonlyMap<string, Shape>>;
  readonly groups: ReadonlySet<string>;
  /** meta.v1.ObjectMeta, which custom resources' metadata is too. */
  readonly objectMeta: Shape;
}

let compiled: Compiled | undefined;

function compile(file: SchemaFile): Compiled {
  const structs = new Map<string, { tag: number; expected: string; definition: string; fields: Map<string, Shape> }>();
  const byType = new Map<string, Shape>();
  const shapeOf = (type: string): Shape => {
    const text = type.endsWith('!') ? type.slice(0, -1) : type; // `!`: required, not judged here
    let shape = byType.get(text) ?? PRIMITIVES[text];
    if (shape) return shape;
    if (text.startsWith('[]') || text.startsWith('{}')) {
      const element = shapeOf(text.slice(2));
      const noun = element.definition ?? text.slice(2);
      shape = text.startsWith('[]')
        ? { tag: LIST, expected: `a list (of ${noun})`, element }
        : { tag: MAP, expected: `a mapping (of ${noun} values)`, element };
    } else {
      const struct = structs.get(text);
      if (!struct) throw new Error(`kubernetes schema: unknown type '${text}'`);
      shape = struct;
    }
    byType.set(text, shape);
    return shape;
  };
  for (const name of Object.keys(file.definitions)) {
    structs.set(name, { tag: STRUCT, expected: `a mapping (${name})`, definition: name, fields: new Map() });
  }
  for (const [name, fields] of Object.entries(file.definitions)) {
    for (const [field, type] of Object.entries(fields)) structs.get(name)!.fields.set(field, shapeOf(type));
  }
  const kinds = new Map<string, Map<string, Shape>>();
  for (const [apiVersion, byKind] of Object.entries(file.kinds)) {
    kinds.set(apiVersion, new Map(Object.entries(byKind).map(([kind, definition]) => [kind, shapeOf(definition)])));
  }
  return { kinds, groups: new Set([...kinds.keys()].map(groupOf)), objectMeta: shapeOf('meta.v1.ObjectMeta') };
}

function schema(): Compiled {
  return (compiled ??= compile(SCHEMA as SchemaFile));
}

/** The shape of every object's `metadata` (meta.v1.ObjectMeta). */
export function objectMetaShape(): Shape {
  return schema().objectMeta;
}

/** The API group of an apiVersion: `''` for `v1`, `apps` for `apps/v1`. */
function groupOf(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}

/**
 * Whether objects of this API group are the API server's own: a group it serves, or a group
 * without a dot (`extensions`, `apps`: a CustomResourceDefinition's group must have one).
 * Other groups are custom resources, judged against their CRDs or not at all.
 */
export function isBuiltInGroup(group: string): boolean {
  return !group.includes('.') || schema().groups.has(group);
}

/** The kinds served in `apiVersion` (empty when it is not served). */
export function kindsServedIn(apiVersion: string): string[] {
  return [...(schema().kinds.get(apiVersion)?.keys() ?? [])];
}

/**
 * The served kind `kind` most likely means, with the apiVersions serving it (sorted): the
 * same name, else the same letters in another case; `undefined` when none is served.
 */
export function servedKindLike(kind: string): { readonly kind: string; readonly apiVersions: readonly string[] } | undefined {
  for (const sameLetters of [false, true]) {
    const matches = [...schema().kinds].flatMap(([apiVersion, byKind]) =>
      [...byKind.keys()]
        .filter((served) => (sameLetters ? served.toLowerCase() === kind.toLowerCase() : served === kind))
        .map((served) => ({ served, apiVersion })),
    );
    if (matches.length)
      return {
        kind: matches[0].served,
        apiVersions: matches
          .filter((m) => m.served === matches[0].served)
          .map((m) => m.apiVersion)
          .sort(),
      };
  }
  return undefined;
}

/** Whether the API server serves `kind` in `apiVersion`: matched exactly, as the server matches it. */
export function isServed(apiVersion: string, kind: string): boolean {
  return schema().kinds.get(apiVersion)?.has(kind) ?? false;
}

/**
 * Compares `obj` with the shape of its kind and returns every difference the API server's
 * strict decoding refuses: a value of the wrong type, a field its type does not have. `null`
 * is accepted anywhere (the decoder leaves the field unset). `[]` when the kind is not served.
 * One pass over the object; paths are built only for the problems found.
 */
export function shapeProblems(obj: Readonly<Record<string, unknown>>, apiVersion: string, kind: string): RuleFinding[] {
  const shape = schema().kinds.get(apiVersion)?.get(kind);
  return shape ? problemsAgainst(obj, shape) : [];
}

/**
 * Compares `value` with `shape` (see `shapeProblems`); `source`, when given, ends every
 * message, to say where the shape comes from: `(CRD widgets.example.com, version v1)`.
 */
export function problemsAgainst(value: unknown, shape: Shape, source?: string): RuleFinding[] {
  const walk = new ShapeWalk();
  walk.visit(value, shape);
  return source ? walk.problems.map((p) => ({ ...p, message: `${p.message} (${source})` })) : walk.problems;
}

class ShapeWalk {
  readonly problems: RuleFinding[] = [];
  /** The path of the value being visited: field names and list indexes. */
  private readonly segments: (string | number)[] = [];

  visit(value: unknown, shape: Shape): void {
    if (value === null || value === undefined) return;
    if (this.visitType(value, shape) && shape.limits) {
      for (const problem of limitProblems(value, shape.limits))
        this.problems.push({ path: this.path(), message: `${this.label()} ${problem}` });
    }
  }

  /** Reports what differs from `shape` in `value` and below; false when `value` itself is not of its type. */
  private visitType(value: unknown, shape: Shape): boolean {
    switch (shape.tag) {
      case ANY:
        return true;
      case MAPPING:
        return isMapping(value) || this.mismatch(value, shape);
      case STRING:
        return typeof value === 'string' || this.mismatch(value, shape);
      case BYTES:
        return (typeof value === 'string' && BASE64.test(value.replace(/[\r\n]/g, ''))) || this.mismatch(value, shape);
      case SCHEMA_BYTES:
        return (typeof value === 'string' && BASE64.test(value)) || this.mismatch(value, shape);
      case DATE_TIME:
        return (typeof value === 'string' && RFC3339.test(value)) || this.mismatch(value, shape);
      case SCHEMA_DATE_TIME:
        return (typeof value === 'string' && isSchemaDateTime(value)) || this.mismatch(value, shape);
      case INTEGER:
        return isIntegerIn(value, 2 ** 63) || this.mismatch(value, shape);
      case INT32:
        return isIntegerIn(value, 2 ** 31) || this.mismatch(value, shape);
      case NUMBER:
        return typeof value === 'number' || this.mismatch(value, shape);
      case BOOLEAN:
        return typeof value === 'boolean' || this.mismatch(value, shape);
      case INT_OR_STRING:
        return typeof value === 'string' || isIntegerIn(value, 2 ** 31) || this.mismatch(value, shape);
      case INTEGER_OR_STRING:
        return typeof value === 'string' || isIntegerIn(value, 2 ** 63) || this.mismatch(value, shape);
      case QUANTITY:
        return typeof value === 'number' || (typeof value === 'string' && isQuantity(value)) || this.mismatch(value, shape);
      case LIST:
        if (!Array.isArray(value)) return this.mismatch(value, shape);
        for (let i = 0; i < value.length; i++) {
          this.segments.push(i);
          if (value[i] === null && shape.refusesNullItems) this.mismatch(null, shape.element!);
          else this.visit(value[i], shape.element!);
          this.segments.pop();
        }
        return true;
      case MAP:
        if (!isMapping(value)) return this.mismatch(value, shape);
        for (const key in value) {
          this.segments.push(key);
          this.visit(value[key], shape.element!);
          this.segments.pop();
        }
        return true;
      default: // STRUCT
        if (!isMapping(value)) return this.mismatch(value, shape);
        for (const key in value) {
          const field = shape.fields!.get(key);
          this.segments.push(key);
          if (field) this.visit(value[key], field);
          else if (!shape.preservesUnknown) this.unknownField(key, shape);
          this.segments.pop();
        }
        for (const key of shape.required ?? []) {
          // A null the schema does not allow is dropped before validation: as good as missing.
          if (value[key] === undefined || (value[key] === null && !shape.fields!.get(key)?.nullable)) this.missingField(key, shape);
        }
        return true;
    }
  }

  /** Reports `value` as not of `shape`'s type; returns false, for `visitType`. */
  private mismatch(value: unknown, shape: Shape): false {
    this.problems.push({ path: this.path(), message: `${this.label()} is ${describe(value)}; the API server expects ${shape.expected}` });
    return false;
  }

  private missingField(key: string, shape: Shape): void {
    this.segments.push(key);
    this.problems.push({
      path: this.path(),
      message: `required field ${JSON.stringify(key)} is missing: ${shape.definition} must have it, and the API server refuses the object without it`,
    });
    this.segments.pop();
  }

  private unknownField(key: string, shape: Shape): void {
    const suggestion = closestField(key, shape.fields!);
    this.problems.push({
      path: this.path(),
      message:
        `unknown field ${JSON.stringify(key)}: ${shape.definition} has no such field${suggestion ? ` (did you mean ${JSON.stringify(suggestion)}?)` : ''}; ` +
        'kubectl --validate=strict refuses it, and without strict validation the API server silently drops it',
    });
  }

  /** The JSON path of the value being visited, as the rules write paths: `spec.containers[0]`, `metadata.labels["app.kubernetes.io/name"]`. */
  private path(): string {
    let text = '';
    for (const segment of this.segments) {
      text +=
        typeof segment === 'number'
          ? `[${segment}]`
          : IDENTIFIER.test(segment)
            ? `${text ? '.' : ''}${segment}`
            : `[${JSON.stringify(segment)}]`;
    }
    return text;
  }

  /** The field being visited, for messages: its name, with the index of a list item. */
  private label(): string {
    let start = this.segments.length - 1;
    while (start > 0 && typeof this.segments[start] === 'number') start--;
    const name = this.segments[start];
    const indexes = this.segments
      .slice(start + 1)
      .map((i) => `[${i}]`)
      .join('');
    return name === undefined ? 'the object' : `${typeof name === 'number' ? `[${name}]` : JSON.stringify(name)}${indexes}`;
  }
}

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;
/** What Go's base64.StdEncoding decodes (padding required; line breaks ignored). */
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
/** RFC 3339, as metav1.Time parses it (time.RFC3339). */
const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[Zz]|[+-]\d{2}:\d{2})$/;
/**
 * resource.ParseQuantity's syntax (apimachinery pkg/api/resource/quantity.go): a sign, digits
 * with an optional fraction, then nothing, a decimal SI suffix (n u m k M G T P E), a binary one
 * (Ki Mi Gi Ti Pi Ei) or a decimal exponent (e3, E-2). UnmarshalJSON trims spaces first.
 */
const QUANTITY_SYNTAX = /^[+-]?[0-9]*(?:\.[0-9]*)?(?:[numkMGTPE]|[KMGTPE]i|[eE][+-]?[0-9]+)?$/;

function isQuantity(text: string): boolean {
  const trimmed = text.trim();
  return trimmed !== '' && QUANTITY_SYNTAX.test(trimmed);
}

/**
 * A date-time as kube-openapi's strfmt.IsDateTime reads it: a real calendar date, `T` (any
 * case), a time with optional fraction, `Z` (any case) or an offset. Date-only text is refused.
 */
function isSchemaDateTime(text: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})[Tt]([01]\d|2[0-3]):[0-5]\d:(?:[0-5]\d|60)(?:\.\d+)?(?:[Zz]|[+-](?:[01]\d|2[0-3]):[0-5]\d)$/.exec(
    text,
  );
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  return month >= 1 && month <= 12 && day >= 1 && day <= new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** What a value breaks of a CRD's value validations, as the ends of sentences naming it. */
function limitProblems(value: unknown, limits: ValueLimits): string[] {
  const problems: string[] = [];
  if (limits.enum && !limits.enum.some((allowed) => sameValue(allowed, value))) {
    problems.push(`is ${describe(value)}; the CRD allows only ${limits.enum.map((v) => JSON.stringify(v)).join(', ')}`);
  }
  if (typeof value === 'number') {
    const { minimum, maximum } = limits;
    if (minimum !== undefined && (limits.exclusiveMinimum ? value <= minimum : value < minimum)) {
      problems.push(`is ${value}; the CRD allows ${limits.exclusiveMinimum ? 'more than' : 'at least'} ${minimum}`);
    }
    if (maximum !== undefined && (limits.exclusiveMaximum ? value >= maximum : value > maximum)) {
      problems.push(`is ${value}; the CRD allows ${limits.exclusiveMaximum ? 'less than' : 'at most'} ${maximum}`);
    }
  }
  const count = (size: number, noun: string, min: number | undefined, max: number | undefined) => {
    if (min !== undefined && size < min) problems.push(`has ${size} ${noun}; the CRD asks for at least ${min}`);
    if (max !== undefined && size > max) problems.push(`has ${size} ${noun}; the CRD allows at most ${max}`);
  };
  if (typeof value === 'string') count([...value].length, 'characters', limits.minLength, limits.maxLength);
  else if (Array.isArray(value)) count(value.length, 'items', limits.minItems, limits.maxItems);
  else if (isMapping(value)) count(Object.keys(value).length, 'fields', limits.minProperties, limits.maxProperties);
  return problems;
}

/** Equal as JSON values (for enums). */
function sameValue(a: unknown, b: unknown): boolean {
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return a === b;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const keys = Object.keys(a);
  return (
    keys.length === Object.keys(b).length &&
    keys.every((k) => k in b && sameValue((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]))
  );
}

/** A JSON object (not a list, not null). */
export function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** An integer Go decodes into an integer type of this many values each side of 0. */
function isIntegerIn(value: unknown, bound: number): boolean {
  return typeof value === 'number' && Number.isInteger(value) && value >= -bound && value < bound;
}

/** A value as a message names it: `a mapping`, `the string "true"`, `the number 1.5`. */
function describe(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  if (value === null) return 'null';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value)}`;
  if (typeof value === 'number') return `the ${Number.isInteger(value) ? 'integer' : 'number'} ${value}`;
  return `the ${typeof value} ${String(value)}`;
}

/** The field a misspelt key most likely meant: same letters in another case, or within two edits. */
function closestField(key: string, fields: ReadonlyMap<string, Shape>): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.min(2, Math.floor(key.length / 3)) + 1;
  for (const field of fields.keys()) {
    const distance = field.toLowerCase() === key.toLowerCase() ? 0 : editDistance(key, field, bestDistance);
    if (distance < bestDistance) {
      best = field;
      bestDistance = distance;
    }
  }
  return best;
}

/** Levenshtein distance, or `limit` once it cannot be below it. */
export function editDistance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) >= limit) return limit;
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
      rowMin = Math.min(rowMin, current[j]);
    }
    if (rowMin >= limit) return limit;
    previous = current;
  }
  return Math.min(previous[b.length], limit);
}
