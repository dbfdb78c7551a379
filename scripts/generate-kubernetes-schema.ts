/**
 * Generates lib/review/schema/kubernetes-1.37.json, the shapes of every built-in kind as the
 * API server decodes them, from what the api-server test peer (kube-apiserver of
 * k8s.io/kubernetes v1.37.2) serves at /openapi/v3:
 *
 *   node --import tsx scripts/generate-kubernetes-schema.ts          (writes the file)
 *   node --import tsx scripts/generate-kubernetes-schema.ts --check  (exit 1 if it differs)
 *
 * Needs the peer (`bash scripts/install-peers.sh`). test/review/kubernetes-schema.test.ts
 * regenerates it the same way and fails on any drift.
 *
 * The reduction keeps, per group/version, the kinds that can be created (a `post` on a
 * collection, not a subresource) and, per definition reachable from them, each field's type as
 * a short string (see lib/review/schema/kubernetes-schema.ts for the grammar). Descriptions,
 * defaults, enums and list/patch strategies are dropped: the review checks shapes, not values.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '..');
/** The file the review loads. */
export const SCHEMA_FILE = path.join(ROOT, 'lib/review/schema/kubernetes-1.37.json');
const PEER = path.join(ROOT, '.tools/bin/api-server');
const GENERATOR = 'node --import tsx scripts/generate-kubernetes-schema.ts';

// OpenAPI documents are read as the server wrote them; the generator walks them without a full type.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type OpenApiSchema = Record<string, any>;
interface OpenApiDocument {
  readonly paths: Record<string, Record<string, OpenApiSchema>>;
  readonly components: { readonly schemas: Record<string, OpenApiSchema> };
}

/** Runs the peer with --dump-openapi; returns the documents by name (`api/v1`, `apis/apps/v1`, ...) and the server's version. */
export function dumpFromServer(): { server: string; documents: Map<string, string> } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'openapi-'));
  try {
    const run = spawnSync(PEER, ['--dump-openapi', dir], { encoding: 'utf8', timeout: 240_000 });
    if (run.status !== 0)
      throw new Error(`api-server --dump-openapi exited ${run.status}:\n${run.stderr.split('\n').slice(-10).join('\n')}`);
    const index = JSON.parse(fs.readFileSync(path.join(dir, 'index.json'), 'utf8')) as { server: string; documents: string[] };
    const documents = new Map(
      index.documents.map((name) => [name, fs.readFileSync(path.join(dir, `${name.replace(/\//g, '_')}.json`), 'utf8')]),
    );
    return { server: index.server, documents };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const REF_PREFIX = '#/components/schemas/';
/** Definitions whose Go type decodes any JSON value (a custom UnmarshalJSON that keeps the raw bytes). */
const RAW_JSON = new Set([
  'io.k8s.apimachinery.pkg.runtime.RawExtension',
  'io.k8s.apimachinery.pkg.apis.meta.v1.FieldsV1',
  'io.k8s.apimachinery.pkg.apis.meta.v1.Patch',
]);
/** resource.Quantity: a string in its own syntax, or a number (its UnmarshalJSON parses both). */
const QUANTITY = 'io.k8s.apimachinery.pkg.api.resource.Quantity';
/** Schema keys that say nothing about shape. */
const IGNORED = new Set([
  'description',
  'default',
  'enum',
  'x-kubernetes-list-type',
  'x-kubernetes-list-map-keys',
  'x-kubernetes-patch-merge-key',
  'x-kubernetes-patch-strategy',
  'x-kubernetes-map-type',
  'x-kubernetes-unions',
  'x-kubernetes-group-version-kind',
  'required',
  'example',
  'externalDocs',
]);

/** A definition's short name: its last three segments (`core.v1.Pod`, `meta.v1.ObjectMeta`). */
const shortName = (name: string): string => name.split('.').slice(-3).join('.');

/** Reduces the documents to the schema file's text. */
export function reduceOpenApi(server: string, documents: ReadonlyMap<string, string>): string {
  const hash = createHash('sha256');
  const schemas = new Map<string, OpenApiSchema>();
  const kinds: Record<string, Record<string, string>> = {};
  const pending: string[] = [];
  for (const name of [...documents.keys()].sort()) {
    const text = documents.get(name)!;
    hash.update(`${name}\n`).update(text).update('\n');
    const doc = JSON.parse(text) as OpenApiDocument;
    for (const [defName, schema] of Object.entries(doc.components?.schemas ?? {})) if (!schemas.has(defName)) schemas.set(defName, schema);
    const byGvk = new Map<string, string>();
    for (const [defName, schema] of Object.entries(doc.components?.schemas ?? {})) {
      for (const gvk of schema['x-kubernetes-group-version-kind'] ?? []) byGvk.set(`${gvk.group}/${gvk.version}/${gvk.kind}`, defName);
    }
    for (const [route, operations] of Object.entries(doc.paths ?? {})) {
      const post = operations.post;
      // A create on a collection; `.../{name}/<subresource>` posts (eviction, binding) are not objects one applies.
      if (!post || post['x-kubernetes-action'] !== 'post' || route.includes('{name}')) continue;
      const gvk = post['x-kubernetes-group-version-kind'];
      const defName = byGvk.get(`${gvk.group}/${gvk.version}/${gvk.kind}`);
      if (!defName) throw new Error(`${name}: no definition for ${JSON.stringify(gvk)} (${route})`);
      const apiVersion = gvk.group ? `${gvk.group}/${gvk.version}` : gvk.version;
      (kinds[apiVersion] ??= {})[gvk.kind] = shortName(defName);
      pending.push(defName);
    }
  }

  const shortNames = new Map<string, string>();
  for (const defName of schemas.keys()) {
    const short = shortName(defName);
    if (shortNames.has(short) && shortNames.get(short) !== defName)
      throw new Error(`two definitions shorten to ${short}: ${shortNames.get(short)}, ${defName}`);
    shortNames.set(short, defName);
  }

  const definitions: Record<string, Record<string, string>> = {};
  const refType = (ref: string, where: string): string => {
    if (!ref.startsWith(REF_PREFIX)) throw new Error(`${where}: unexpected $ref ${ref}`);
    const defName = ref.slice(REF_PREFIX.length);
    const target = schemas.get(defName);
    if (!target) throw new Error(`${where}: $ref to a missing definition ${defName}`);
    if (defName === QUANTITY) return 'quantity';
    if (RAW_JSON.has(defName)) return 'any';
    // Definitions without fields of their own (Time, IntOrString, JSON) are inlined as their type.
    if (!target.properties && !(target.type === 'object' && !target.additionalProperties)) return typeOf(target, defName);
    pending.push(defName);
    return shortName(defName);
  };
  const typeOf = (schema: OpenApiSchema, where: string): string => {
    const unknown = Object.keys(schema).filter(
      (key) =>
        !IGNORED.has(key) &&
        ![
          'type',
          'format',
          'items',
          'additionalProperties',
          '$ref',
          'allOf',
          'oneOf',
          'properties',
          'x-kubernetes-int-or-string',
          'x-kubernetes-preserve-unknown-fields',
        ].includes(key),
    );
    if (unknown.length) throw new Error(`${where}: schema keys this generator does not reduce: ${unknown.join(', ')}`);
    if (schema.$ref) return refType(schema.$ref, where);
    if (schema.allOf) {
      if (schema.allOf.length !== 1 || !schema.allOf[0].$ref) throw new Error(`${where}: allOf other than one $ref`);
      return refType(schema.allOf[0].$ref, where);
    }
    if (schema['x-kubernetes-int-or-string'] || schema.format === 'int-or-string') return 'int-or-string';
    if (schema.oneOf) throw new Error(`${where}: oneOf outside IntOrString and Quantity`);
    if (schema['x-kubernetes-preserve-unknown-fields'])
      return schema.type === 'object' && !schema.properties ? 'object' : fail(`${where}: preserve-unknown-fields with fields`);
    switch (schema.type) {
      case undefined:
        return 'any';
      case 'string':
        return schema.format === 'byte' ? 'byte' : schema.format === 'date-time' ? 'date-time' : 'string';
      case 'integer':
        return schema.format === 'int32' ? 'int32' : 'integer';
      case 'number':
      case 'boolean':
        return schema.type;
      case 'array':
        return `[]${typeOf(schema.items ?? {}, `${where}[]`)}`;
      case 'object':
        if (schema.properties) return fail(`${where}: inline object with fields`);
        if (schema.additionalProperties === undefined) return 'object';
        return `{}${typeOf(schema.additionalProperties === true ? {} : schema.additionalProperties, `${where}{}`)}`;
      default:
        return fail(`${where}: type ${schema.type}`);
    }
  };
  while (pending.length) {
    const defName = pending.pop()!;
    const short = shortName(defName);
    if (definitions[short]) continue;
    const schema = schemas.get(defName)!;
    definitions[short] = {}; // before its fields: definitions refer to themselves (JSONSchemaProps)
    const required = new Set<string>(schema.required ?? []);
    for (const [field, property] of Object.entries<OpenApiSchema>(schema.properties ?? {})) {
      definitions[short][field] = typeOf(property, `${defName}.${field}`) + (required.has(field) ? '!' : '');
    }
  }

  const header = {
    source: `kube-apiserver of k8s.io/kubernetes ${server} (test/peers/api-server), /openapi/v3: its ${documents.size} group-version documents`,
    generator: GENERATOR,
    inputSha256: hash.digest('hex'),
    license:
      'Apache-2.0: derived from the OpenAPI of Kubernetes, Copyright The Kubernetes Authors (https://github.com/kubernetes/kubernetes)',
    grammar:
      'field: type, `!` when required. Types: string, byte (base64), date-time, integer, int32, number, boolean, int-or-string, quantity, ' +
      'object (any mapping), any (any value), []T (list of T), {}T (map of T), or the name of a definition.',
  };
  const sortedKeys = <T>(record: Record<string, T>): [string, T][] =>
    Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const lines = [
    ...Object.entries(header).map(([key, value]) => `  ${JSON.stringify(key)}: ${JSON.stringify(value)},`),
    '  "kinds": {',
    sortedKeys(kinds)
      .map(([apiVersion, byKind]) => `    ${JSON.stringify(apiVersion)}: ${JSON.stringify(Object.fromEntries(sortedKeys(byKind)))}`)
      .join(',\n'),
    '  },',
    '  "definitions": {',
    sortedKeys(definitions)
      .map(([name, fields]) => `    ${JSON.stringify(name)}: ${JSON.stringify(Object.fromEntries(sortedKeys(fields)))}`)
      .join(',\n'),
    '  }',
  ];
  return `{\n${lines.join('\n')}\n}\n`;
}

function fail(message: string): never {
  throw new Error(message);
}

/** The schema file's text, regenerated from the peer. */
export function generateSchema(): string {
  const { server, documents } = dumpFromServer();
  return reduceOpenApi(server, documents);
}

if (require.main === module) {
  const text = generateSchema();
  if (process.argv.includes('--check')) {
    const same = fs.existsSync(SCHEMA_FILE) && fs.readFileSync(SCHEMA_FILE, 'utf8') === text;
    process.stdout.write(
      same
        ? `${path.relative(ROOT, SCHEMA_FILE)} is up to date\n`
        : `${path.relative(ROOT, SCHEMA_FILE)} differs from what the server serves: run ${GENERATOR}\n`,
    );
    process.exitCode = same ? 0 : 1;
  } else {
    fs.mkdirSync(path.dirname(SCHEMA_FILE), { recursive: true });
    fs.writeFileSync(SCHEMA_FILE, text);
    process.stdout.write(`wrote ${path.relative(ROOT, SCHEMA_FILE)} (${text.length} bytes)\n`);
  }
}
