/**
 * The `object-schema` rule against kube-apiserver v1.37 (test/peers/api-server): every object
 * of the malformed table (malformed-objects.ts) is created with strict field validation, and
 * the rule must find an error exactly where the server refuses the object, at the field the
 * server names; objects the rule passes must be created.
 */
import { review } from '../../lib/review/engine';
import { API_SERVER_PEER, ApiServerReport, manifestFolder, onApiServer, SERVER_TIMEOUT } from '../api-server-peer';
import { removeTempDirs, withInstalledTool } from '../support';
import { MALFORMED_CASES } from './malformed-objects';

afterAll(removeTempDirs);

/** Each case's object under a name of its own (`case-7`), so that none replaces another on the server. */
const OBJECTS = MALFORMED_CASES.map((c, i) => {
  const object = structuredClone(c.object) as any;
  object.metadata.name = `case-${i}`;
  return object;
});
/** The Pods' service account, which the server's ServiceAccount admission looks up. */
const ACCOUNT = { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'web', namespace: 'shop' } };

withInstalledTool(API_SERVER_PEER, 'object-schema differential proof against kube-apiserver', 'scripts/install-peers.sh', () => {
  let report: ApiServerReport;
  beforeAll(async () => {
    report = await onApiServer([manifestFolder('object-schema-server-', [ACCOUNT, ...OBJECTS])], { crds: false });
  }, SERVER_TIMEOUT);

  test('the server refuses exactly the objects object-schema finds an error in', () => {
    const answers = new Map(report.objects.map((o) => [o.name, o]));
    const rows = OBJECTS.map((object, i) => {
      const server = answers.get(object.metadata.name);
      const found = review([{ object }], { packs: ['namespaces'], today: '2026-01-01' }).findings.filter(
        (f) => f.ruleId === 'object-schema',
      );
      return {
        name: MALFORMED_CASES[i].name,
        server: server?.outcome === 'created' ? 'created' : 'refused',
        rule: found.length ? 'error' : 'none',
        detail: server?.error ?? '',
      };
    });
    expect(rows.filter((r) => (r.server === 'refused') !== (r.rule === 'error'))).toEqual([]);
    expect(rows.filter((r) => r.server === 'created').length).toBeGreaterThanOrEqual(7);
  });

  test('each refusal is the problem the rule reports: the same field, the same kind of value', () => {
    const answers = new Map(report.objects.map((o) => [o.name, o]));
    const disagreements = OBJECTS.flatMap((object, i) => {
      const error = answers.get(object.metadata.name)?.error;
      if (!error) return [];
      const found = review([{ object }], { packs: ['namespaces'], today: '2026-01-01' }).findings.filter(
        (f) => f.ruleId === 'object-schema',
      );
      return found.some((f) => sameProblem(error, f.path, f.message))
        ? []
        : [`${MALFORMED_CASES[i].name}: the server says "${error}"; the rule ${found.map((f) => `${f.path}: ${f.message}`).join(' | ')}`];
    });
    expect(disagreements).toEqual([]);
  });
});

/** Whether the server's refusal (its first problem) and one finding of the rule are about the same thing. */
function sameProblem(error: string, path: string, message: string): boolean {
  const unknown = /strict decoding error: unknown field "([^"]+)"/.exec(error);
  if (unknown) return path === unknown[1] && message.startsWith('unknown field');
  // `Go struct field PodSpec.spec.template.spec.containers of type ...`: the path without list indexes; a map's values are named by the map.
  const typed = /Go struct field \w+\.(\S+) of type/.exec(error);
  if (typed) {
    const plain = path.replace(/\[\d+\]/g, '').replace(/\["[^"]*"\]/g, '.key');
    return (plain === typed[1] || plain.startsWith(`${typed[1]}.`)) && message.includes('the API server expects');
  }
  if (/^quantities must match|cannot be handled as a \w+: quantities must match/.test(error)) return message.includes('expects a quantity');
  if (/illegal base64 data/.test(error)) return message.includes('expects a base64 string');
  if (/parsing time/.test(error)) return message.includes('expects an RFC 3339 date-time');
  if (/no kind "[^"]+" is registered|no matches for kind/.test(error)) return path === 'kind' || path === 'apiVersion';
  return false;
}
