import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ENGINE_RULES } from '../../lib/review/exceptions';
import { ALL_RULES, PACKS } from '../../lib/review/packs';
import { API_DOCS, generateApiReference, renderRulesReference, ruleDescriptions, RULES_DOC } from '../../scripts/generate-docs';

const STALE = 'is not what scripts/generate-docs.ts writes now: run npm run docs and commit the result.';

/** Every file below `folder`, relative to it, sorted. */
function filesBelow(folder: string): string[] {
  return (fs.readdirSync(folder, { recursive: true, withFileTypes: true }) as fs.Dirent[])
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(folder, path.join(entry.parentPath, entry.name)))
    .sort();
}

describe('docs/rules.md', () => {
  const generated = renderRulesReference();

  test('is what the generator writes from the rule catalog now', () => {
    const committed = fs.readFileSync(RULES_DOC, 'utf8');
    if (committed !== generated) throw new Error(`docs/rules.md ${STALE}`);
  });

  test('is the same text on every run (deterministic)', () => {
    expect(renderRulesReference()).toBe(generated);
  });

  test('has a section for every rule, engine findings included, and lists every pack', () => {
    for (const rule of [...ALL_RULES, ...ENGINE_RULES]) expect(generated).toContain(`\n### \`${rule.id}\`\n`);
    for (const pack of PACKS) expect(generated).toContain(`| \`${pack.id}\` | ${pack.title} | ${pack.rules.length} |`);
  });

  test("takes each rule's description from its TSDoc, and its fix, references and scanner checks from its data", () => {
    const section = generated.slice(generated.indexOf('\n### `no-privilege-escalation`'), generated.indexOf('\n### `run-as-non-root`'));
    expect(section).toContain('Windows pods are exempt');
    expect(section).toContain('| Fix | Set securityContext.allowPrivilegeEscalation: false on the container. |');
    expect(section).toContain('Pod Security Standards `restricted/allowPrivilegeEscalation`');
    expect(section).toContain('Checkov `CKV_K8S_20`');
    expect(section).toContain('| Packs | `pss-restricted` |');
  });

  test("adds the construct's sentence where the synth gate adds one", () => {
    const section = generated.slice(generated.indexOf('\n### `namespace-default-deny`'));
    expect(section).toMatch(/\| Fix on this library's objects \| HardenedNamespace adds this policy/);
  });

  test('finds the TSDoc of rules made by a factory or with a computed id', () => {
    const descriptions = ruleDescriptions();
    expect(descriptions.get('cluster-apiserver-settings')).toMatch(/^kube-apiserver flags meet the CIS Kubernetes Benchmark/);
    expect(descriptions.get('rbac-no-cluster-takeover-powers')).toMatch(/^No role holds a power over the node/);
    expect(ALL_RULES.filter((rule) => !descriptions.has(rule.id)).map((rule) => rule.id)).toEqual([]);
  });
});

describe('docs/api/', () => {
  // typedoc compiles the library (about 15 s on two busy cores), so one run serves both tests.
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'api-docs-'));
  beforeAll(() => generateApiReference(out), 300_000);
  afterAll(() => fs.rmSync(out, { recursive: true, force: true }));

  test('is what typedoc writes from the TSDoc of lib/index.ts and templates/index.ts now', () => {
    const expected = filesBelow(out);
    const committed = fs.existsSync(API_DOCS) ? filesBelow(API_DOCS) : [];
    const missing = expected.filter((file) => !committed.includes(file));
    const extra = committed.filter((file) => !expected.includes(file));
    const changed = expected.filter(
      (file) =>
        committed.includes(file) && fs.readFileSync(path.join(out, file), 'utf8') !== fs.readFileSync(path.join(API_DOCS, file), 'utf8'),
    );
    if (missing.length || extra.length || changed.length) {
      const list = (label: string, files: string[]) =>
        files.length ? `\n  ${label}: ${files.slice(0, 10).join(', ')}${files.length > 10 ? ', ...' : ''}` : '';
      throw new Error(`docs/api/ ${STALE}${list('missing', missing)}${list('not generated', extra)}${list('changed', changed)}`);
    }
  });

  test('documents the constructs and the templates, each on its own page', () => {
    for (const page of ['lib/classes/HardenedDeployment.md', 'lib/classes/HardenedApp.md', 'templates/classes/WebService.md']) {
      expect(fs.existsSync(path.join(out, page))).toBe(true);
    }
    expect(fs.readFileSync(path.join(out, 'lib/classes/HardenedDeployment.md'), 'utf8')).toContain('# Class: HardenedDeployment');
  });
});
