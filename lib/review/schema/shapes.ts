/**
 * The shapes of the Kubernetes API's built-in kinds, as the API server decodes them, and one
 * walk that compares an object with its kind's shape. The data is `kubernetes-1.37.json`,
 * generated from what kube-apiserver v1.37 serves at /openapi/v3
 * (scripts/generate-kubernetes-schema.ts); this file only reads it.
 */
import { RuleFinding } from '../model';
import SCHEMA from './kubernetes-1.37.json';

/** What a field holds. Numbers rather than strings: the walk switches on them for every field. */
const ANY = 0; // any value (RawExtension, JSON)
const MAPPING = 1; // any mapping, fields unchecked
const STRING = 2;
const BYTES = 3; // base64 text ([]byte)
const DATE_TIME = 4; // metav1.Time: RFC 3339 text
const INTEGER = 5; // int64
const INT32 = 6;
const NUMBER = 7;
const BOOLEAN = 8;
const INT_OR_STRING = 9; // intstr.IntOrString: an int32 or a string
const QUANTITY = 10; // resource.Quantity: a number, or text in its syntax
const LIST = 11;
const MAP = 12; // map[string]T
const STRUCT = 13; // a definition: known fields only

/** One node of the compiled schema. Definitions refer to each other, themselves included. */
interface Shape {
  readonly tag: number;
  /** How the API describes it, for messages: `a list of core.v1.Container`. */
  readonly expected: string;
  /** The element of a LIST, the value of a MAP. */
  readonly element?: Shape;
  /** A STRUCT's definition name (`core.v1.Container`) and fields. */
  readonly definition?: string;
  readonly fields?: ReadonlyMap<string, Shape>;
}

const PRIMITIVES: Record<string, Shape> = {
  'any': { tag: ANY, expected: 'any value' },
  'object': { tag: MAPPING, expected: 'a mapping' },
  'string': { tag: STRING, expected: 'a string' },
  'byte': { tag: BYTES, expected: 'a base64 string' },
  'date-time': { tag: DATE_TIME, expected: 'an RFC 3339 date-time string (2026-01-31T12:00:00Z)' },
  'integer': { tag: INTEGER, expected: 'an integer' },
  'int32': { tag: INT32, expected: 'a 32-bit integer' },
  'number': { tag: NUMBER, expected: 'a number' },
  'boolean': { tag: BOOLEAN, expected: 'a boolean (true or false)' },
  'int-or-string': { tag: INT_OR_STRING, expected: 'an integer or a string' },
  'quantity': { tag: QUANTITY, expected: 'a quantity (a number, or a string such as 250m, 128Mi or 1.5)' },
};

interface SchemaFile {
  readonly kinds: Readonly<Record<string, Readonly<Record<string, string>>>>;
  readonly definitions: Readonly<Record<string, Readonly<Record<string, string>>>>;
}

/** The compiled schema: kinds by apiVersion, and the API groups it serves. Built on first use. */
interface Compiled {
  readonly kinds: ReadonlyMap<string, ReadonlyMap<string, Shape>>;
  readonly groups: ReadonlySet<string>;
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
  return { kinds, groups: new Set([...kinds.keys()].map(groupOf)) };
}

function schema(): Compiled {
  return (compiled ??= compile(SCHEMA as SchemaFile));
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
    const matches = [...schema().kinds].flatMap(([apiVersion, byKind]) => [...byKind.keys()]
      .filter((served) => (sameLetters ? served.toLowerCase() === kind.toLowerCase() : served === kind)).map((served) => ({ served, apiVersion })));
    if (matches.length) return { kind: matches[0].served, apiVersions: matches.filter((m) => m.served === matches[0].served).map((m) => m.apiVersion).sort() };
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
  if (!shape) return [];
  const walk = new ShapeWalk();
  walk.visit(obj, shape);
  return walk.problems;
}

class ShapeWalk {
  readonly problems: RuleFinding[] = [];
  /** The path of the value being visited: field names and list indexes. */
  private readonly segments: (string | number)[] = [];

  visit(value: unknown, shape: Shape): void {
    if (value === null || value === undefined) return;
    switch (shape.tag) {
      case ANY:
        return;
      case MAPPING:
        if (!isMapping(value)) this.mismatch(value, shape);
        return;
      case STRING:
        if (typeof value !== 'string') this.mismatch(value, shape);
        return;
      case BYTES:
        if (typeof value !== 'string' || !BASE64.test(value.replace(/[\r\n]/g, ''))) this.mismatch(value, shape);
        return;
      case DATE_TIME:
        if (typeof value !== 'string' || !RFC3339.test(value)) this.mismatch(value, shape);
        return;
      case INTEGER:
        if (!isIntegerIn(value, 2 ** 63)) this.mismatch(value, shape);
        return;
      case INT32:
        if (!isIntegerIn(value, 2 ** 31)) this.mismatch(value, shape);
        return;
      case NUMBER:
        if (typeof value !== 'number') this.mismatch(value, shape);
        return;
      case BOOLEAN:
        if (typeof value !== 'boolean') this.mismatch(value, shape);
        return;
      case INT_OR_STRING:
        if (typeof value !== 'string' && !isIntegerIn(value, 2 ** 31)) this.mismatch(value, shape);
        return;
      case QUANTITY:
        if (typeof value !== 'number' && !(typeof value === 'string' && isQuantity(value))) this.mismatch(value, shape);
        return;
      case LIST:
        if (!Array.isArray(value)) {
          this.mismatch(value, shape);
          return;
        }
        for (let i = 0; i < value.length; i++) {
          this.segments.push(i);
          this.visit(value[i], shape.element!);
          this.segments.pop();
        }
        return;
      case MAP:
        if (!isMapping(value)) {
          this.mismatch(value, shape);
          return;
        }
        for (const key in value) {
          this.segments.push(key);
          this.visit(value[key], shape.element!);
          this.segments.pop();
        }
        return;
      default: // STRUCT
        if (!isMapping(value)) {
          this.mismatch(value, shape);
          return;
        }
        for (const key in value) {
          const field = shape.fields!.get(key);
          this.segments.push(key);
          if (field) this.visit(value[key], field);
          else this.unknownField(key, shape);
          this.segments.pop();
        }
    }
  }

  private mismatch(value: unknown, shape: Shape): void {
    this.problems.push({ path: this.path(), message: `${this.label()} is ${describe(value)}; the API server expects ${shape.expected}` });
  }

  private unknownField(key: string, shape: Shape): void {
    const suggestion = closestField(key, shape.fields!);
    this.problems.push({
      path: this.path(),
      message: `unknown field ${JSON.stringify(key)}: ${shape.definition} has no such field${suggestion ? ` (did you mean ${JSON.stringify(suggestion)}?)` : ''}; `
        + 'kubectl --validate=strict refuses it, and without strict validation the API server silently drops it',
    });
  }

  /** The JSON path of the value being visited, as the rules write paths: `spec.containers[0]`, `metadata.labels["app.kubernetes.io/name"]`. */
  private path(): string {
    let text = '';
    for (const segment of this.segments) {
      text += typeof segment === 'number' ? `[${segment}]` : IDENTIFIER.test(segment) ? `${text ? '.' : ''}${segment}` : `[${JSON.stringify(segment)}]`;
    }
    return text;
  }

  /** The field being visited, for messages: its name, with the index of a list item. */
  private label(): string {
    let start = this.segments.length - 1;
    while (start > 0 && typeof this.segments[start] === 'number') start--;
    const name = this.segments[start];
    const indexes = this.segments.slice(start + 1).map((i) => `[${i}]`).join('');
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

function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** An integer Go decodes into an integer type of this many values each side of 0. */
function isIntegerIn(value: unknown, bound: number): boolean {
  return typeof value === 'number' && Number.isInteger(value) && value >= -bound && value < bound;
}

/** A value as a message names it: `a mapping`, `the string "true"`, `the number 1.5`. */
function describe(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
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
