/**
 * `object-schema` on custom resources against kube-apiserver v1.37 (test/peers/api-server):
 * the CRDs of Sealed Secrets, External Secrets and Argo CD (the vendored add-on releases) and the
 * test's Widget CRD are installed, every custom resource of the table (custom-resource-cases.ts)
 * is created with strict field validation, and the rule must find an error exactly where the
 * server refuses one, at the field the server names.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readCustomResourceDefinitions } from '../../lib/review/crd-files';
import { review } from '../../lib/review/engine';
import { vendoredCustomResourceDefinitions } from '../../lib/addons/vendored-crds';
import { API_SERVER_PEER, ApiServerReport, manifestFolder, onApiServer, SERVER_TIMEOUT } from '../api-server-peer';
import { removeTempDirs, tempDir, withInstalledTool } from '../support';
import { CUSTOM_RESOURCE_CASES, WIDGET_CRD } from './custom-resource-cases';

afterAll(removeTempDirs);

/** The cases whose CRD this machine has, each under a name of its own (`case-7`). */
const CASES = CUSTOM_RESOURCE_CASES.map((c, i) => {
  const object = structuredClone(c.object) as any;
  object.metadata.name = `case-${i}`;
  return { name: c.name, object };
});

withInstalledTool(
  API_SERVER_PEER,
  'object-schema on custom resources, differential proof against kube-apiserver',
  'scripts/install-peers.sh',
  () => {
    let report: ApiServerReport;
    let crdFolder: string;
    beforeAll(async () => {
      crdFolder = tempDir('object-schema-crds-');
      fs.writeFileSync(path.join(crdFolder, 'widget.yaml'), JSON.stringify(WIDGET_CRD));
      fs.writeFileSync(
        path.join(crdFolder, 'vendored.yaml'),
        vendoredCustomResourceDefinitions()
          .map((d) => JSON.stringify(d))
          .join('\n---\n'),
      );
      report = await onApiServer(
        [
          manifestFolder(
            'object-schema-crd-server-',
            CASES.map((c) => c.object),
          ),
        ],
        { crdFolder },
      );
    }, SERVER_TIMEOUT);

    /** Each case: the server's answer and the rule's findings, with the same CRDs. */
    const rows = () => {
      const crds = readCustomResourceDefinitions([crdFolder]);
      const answers = new Map(report.objects.map((o) => [o.name, o]));
      return CASES.map(({ name, object }) => ({
        name,
        server: answers.get(object.metadata.name),
        found: review([{ object }], { packs: ['namespaces'], today: '2026-01-01', customResourceDefinitions: crds }).findings.filter(
          (f) => f.ruleId === 'object-schema',
        ),
      }));
    };

    test('every CRD was installed, the upstream ones too', () => {
      expect(report.crds).toContain('widgets.example.com');
      expect(report.crds).toEqual(
        expect.arrayContaining(['applications.argoproj.io', 'externalsecrets.external-secrets.io', 'sealedsecrets.bitnami.com']),
      );
    });

    test('the server refuses exactly the custom resources object-schema finds an error in', () => {
      const table = rows().map((r) => ({
        name: r.name,
        server: r.server?.outcome === 'created' ? 'created' : 'refused',
        rule: r.found.length ? 'error' : 'none',
        detail: r.server?.error ?? '',
      }));
      expect(table.filter((r) => (r.server === 'refused') !== (r.rule === 'error'))).toEqual([]);
      expect(table.filter((r) => r.server === 'refused').length).toBeGreaterThanOrEqual(17);
      expect(table.filter((r) => r.server === 'created').length).toBeGreaterThanOrEqual(5);
    });

    test('each refusal names the field the rule reports', () => {
      const disagreements = rows().flatMap(({ name, server, found }) => {
        if (!server?.error) return [];
        const fields = fieldsNamed(server.error);
        return found.some((f) => fields.includes(f.path))
          ? []
          : [
              `${name}: the server says "${server.error}" (fields ${fields.join(', ')}); the rule ${found.map((f) => `${f.path}: ${f.message}`).join(' | ')}`,
            ];
      });
      expect(disagreements).toEqual([]);
    });
  },
);

/** The fields a refusal of a custom resource names: strict decoding's unknown field, a validation's path, ObjectMeta's field, or apiVersion when the version is not served. */
function fieldsNamed(error: string): string[] {
  const fields = [...error.matchAll(/unknown field "([^"]+)"/g)].map((m) => m[1]);
  fields.push(
    ...[...error.matchAll(/(?:^|[\s[:])((?:metadata|spec|status)(?:\.[\w-]+|\[\d+\])*): (?:Invalid|Required|Unsupported|Too)/g)].map(
      (m) => m[1],
    ),
  );
  fields.push(...[...error.matchAll(/Go struct field ObjectMeta\.(\w+)/g)].map((m) => `metadata.${m[1]}`));
  if (/no matches for kind/.test(error)) fields.push('apiVersion');
  return fields;
}
