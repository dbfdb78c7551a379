/**
 * Writes the generated references (`npm run docs`):
 *
 * - `docs/rules.md` from the rule catalog: the packs (lib/review/packs.ts), each rule's data
 *   (id, title, severity, kinds, references), the summary of its TSDoc in lib/review/rules/**,
 *   its fix and the sentence the synth gate adds on our constructs' objects
 *   (lib/review/remediations.ts), the scanner checks mapped to it (lib/policy/scanner-map.ts),
 *   and the engine's own findings (lib/review/exceptions.ts);
 * - `docs/api/` from the TSDoc of lib/index.ts and templates/index.ts, through typedoc and
 *   typedoc-plugin-markdown (typedoc.json).
 *
 * Both are deterministic: test/scripts/generate-docs.test.ts regenerates them and fails when the
 * committed files differ. `--rules` writes only docs/rules.md (typedoc takes seconds).
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import ts from 'typescript';
import { compareText } from '../lib/core/compare-text';
import { Rule, RuleInfo, RuleReferences } from '../lib/review/model';
import { ENGINE_RULES } from '../lib/review/exceptions';
import { PACKS, packsOfRule } from '../lib/review/packs';
import { CONSTRUCT_HINTS } from '../lib/review/remediations';
import { SCANNER_CHECKS, SCANNERS, Scanner } from '../lib/policy/scanner-map';
import { LONG_RUNNING_KINDS, POD_TEMPLATE_KINDS } from '../lib/review/walkers';
import { SCHEMA_RULES } from '../lib/review/rules/schema';
import { POD_RULES } from '../lib/review/rules/pod';
import { NAMESPACE_RULES, NETWORK_RULES } from '../lib/review/rules/network';
import { RBAC_RULES } from '../lib/review/rules/rbac';
import { SECRET_RULES } from '../lib/review/rules/secrets';
import { CLUSTER_RULES } from '../lib/review/rules/cluster';

const ROOT = path.resolve(__dirname, '..');
export const RULES_DOC = path.join(ROOT, 'docs/rules.md');
export const API_DOCS = path.join(ROOT, 'docs/api');
const RULES_SOURCE = path.join(ROOT, 'lib/review/rules');

/** The rule areas, in the order of `ALL_RULES`, each a section of the reference. */
const AREAS: readonly { readonly title: string; readonly rules: readonly Rule[] }[] = [
  { title: 'Object shapes', rules: SCHEMA_RULES },
  { title: 'Pods', rules: POD_RULES },
  { title: 'Namespaces', rules: NAMESPACE_RULES },
  { title: 'Network', rules: NETWORK_RULES },
  { title: 'RBAC', rules: RBAC_RULES },
  { title: 'Secrets', rules: SECRET_RULES },
  { title: 'Cluster configuration', rules: CLUSTER_RULES },
];

const SCANNER_NAMES: Record<Scanner, string> = {
  checkov: 'Checkov',
  'kube-score': 'kube-score',
  'kube-linter': 'kube-linter',
  polaris: 'Polaris',
  trivy: 'Trivy',
};

/** Standards a rule's `references` may name (the scanners come from the scanner map instead). */
const STANDARDS: readonly { readonly key: keyof RuleReferences; readonly label: string }[] = [
  { key: 'pss', label: 'Pod Security Standards' },
  { key: 'nsa', label: 'NSA/CISA hardening guidance' },
  { key: 'cis', label: 'CIS Kubernetes Benchmark' },
];

/**
 * The summary of the TSDoc comment on each rule's declaration, by rule id: what it checks, in
 * prose. Declarations are matched to rules through the modules' exports, so rules made by a
 * factory or with a computed id are found too.
 */
export function ruleDescriptions(folder: string = RULES_SOURCE): Map<string, string> {
  const descriptions = new Map<string, string>();
  for (const file of sourceFiles(folder)) {
    const source = ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, true);
    const docs = new Map<string, string>();
    for (const statement of source.statements) {
      const text = ts.isVariableStatement(statement) ? docSummary(statement) : undefined;
      if (text === undefined) continue;
      for (const declaration of (statement as ts.VariableStatement).declarationList.declarations)
        docs.set(declaration.name.getText(), text);
    }
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const exports = require(file) as Record<string, unknown>;
    for (const [name, value] of Object.entries(exports)) {
      const text = docs.get(name);
      if (text !== undefined && isRule(value) && !descriptions.has(value.id)) descriptions.set(value.id, text);
    }
  }
  return descriptions;
}

const isRule = (value: unknown): value is Rule =>
  typeof value === 'object' && value !== null && typeof (value as Rule).id === 'string' && typeof (value as Rule).check === 'function';

function sourceFiles(folder: string): string[] {
  return fs
    .readdirSync(folder, { withFileTypes: true })
    .sort((a, b) => compareText(a.name, b.name))
    .flatMap((entry) => {
      const full = path.join(folder, entry.name);
      if (entry.isDirectory()) return sourceFiles(full);
      return entry.name.endsWith('.ts') ? [full] : [];
    });
}

/** The comment's text before its first tag, lines joined: Markdown paragraphs stay paragraphs. */
function docSummary(node: ts.Node): string | undefined {
  const docs = ts.getJSDocCommentsAndTags(node).filter(ts.isJSDoc);
  const comment = docs.at(-1)?.comment;
  if (comment === undefined) return undefined;
  const text = typeof comment === 'string' ? comment : (ts.getTextOfJSDocComment(comment) ?? '');
  return text
    .split(/\n\s*\n/)
    .map((paragraph) => paragraph.replace(/\s*\n\s*/g, ' ').trim())
    .filter((paragraph) => paragraph !== '')
    .join('\n\n');
}

/** A table cell: one line, pipes escaped. */
const cell = (text: string): string => text.replace(/\r?\n/g, ' ').replace(/\|/g, '\\|');
const code = (text: string): string => `\`${text}\``;
const list = (value: string | readonly string[]): string[] => (typeof value === 'string' ? [value] : [...value]);

function kindsText(kinds: readonly string[]): string {
  if (kinds.includes('*')) return 'every kind';
  const same = (set: readonly string[]) => set.length === kinds.length && set.every((kind) => kinds.includes(kind));
  if (same(POD_TEMPLATE_KINDS)) return 'every kind that holds a pod template (see [Which pods it judges](review.md#which-pods-it-judges))';
  if (same(LONG_RUNNING_KINDS)) return 'the kinds whose pods run forever (see [Which pods it judges](review.md#which-pods-it-judges))';
  return kinds.map(code).join(', ');
}

function scannerChecks(ruleId: string): string[] {
  return SCANNERS.flatMap((scanner) => {
    const checks = [...new Set(SCANNER_CHECKS.filter((c) => c.scanner === scanner && c.rule === ruleId).map((c) => c.check))];
    return checks.length ? [`${SCANNER_NAMES[scanner]} ${checks.map(code).join(', ')}`] : [];
  });
}

function standards(references: RuleReferences): string[] {
  return STANDARDS.flatMap(({ key, label }) => {
    const value = references[key];
    return value === undefined ? [] : [`${label} ${list(value).map(code).join(', ')}`];
  });
}

function ruleSection(
  rule: RuleInfo & { kinds?: readonly string[]; overrides?: readonly string[] },
  description: string | undefined,
): string {
  const rows: [string, string][] = [['Severity', rule.severity]];
  const packs = packsOfRule(rule.id);
  if (packs.length) rows.push(['Packs', packs.map(code).join(', ')]);
  if (rule.kinds) rows.push(['Judges', kindsText(rule.kinds)]);
  if (rule.overrides?.length) rows.push(['Replaces', rule.overrides.map((id) => `[${code(id)}](#${id})`).join(', ')]);
  rows.push(['Fix', rule.remediation]);
  const hint = CONSTRUCT_HINTS[rule.id];
  if (hint) rows.push(["Fix on this library's objects", hint]);
  const refs = standards(rule.references);
  if (refs.length) rows.push(['References', refs.join('; ')]);
  const scanners = scannerChecks(rule.id);
  if (scanners.length) rows.push(['Scanner checks', scanners.join('; ')]);
  const lines = [`### ${code(rule.id)}`, '', `**${rule.title}${/[.!?]$/.test(rule.title) ? '' : '.'}**`, ''];
  if (description) lines.push(description, '');
  lines.push('| | |', '|---|---|', ...rows.map(([name, value]) => `| ${name} | ${cell(value)} |`), '');
  return lines.join('\n');
}

/** docs/rules.md, from the catalog as it is now. */
export function renderRulesReference(): string {
  const descriptions = ruleDescriptions();
  const count = AREAS.reduce((n, area) => n + area.rules.length, 0);
  const out: string[] = [
    '# Rules reference',
    '',
    '<!-- Generated by scripts/generate-docs.ts from lib/review: do not edit; run npm run docs. -->',
    '',
    `Every rule the review runs (${count}), grouped by what it judges, and the findings the engine`,
    'raises itself. Each rule is data plus one pure check (`lib/review/rules/`); this page is written',
    'from that data by `npm run docs`, and a test fails when it is out of date. How the review reads',
    'its input and which objects it judges: [review.md](review.md). How a finding is accepted: an',
    'exception naming the rule id, see [Exceptions: who may grant them](../README.md#exceptions-who-may-grant-them).',
    'Scanner checks listed beside a rule are skipped by the scanners wherever an exception accepts',
    'the rule (see [Checked by](proofs.md#checked-by)).',
    '',
    '## Packs',
    '',
    'A review runs every pack unless told otherwise (`--pack`, `ReviewOptions.packs`). Every pack',
    'starts with `object-schema`.',
    '',
    '| Pack | What | Rules |',
    '|---|---|---|',
    ...PACKS.map((pack) => `| ${code(pack.id)} | ${cell(pack.title)} | ${pack.rules.length} |`),
    '',
    '## Index',
    '',
    '| Rule | Severity | Packs | Requires |',
    '|---|---|---|---|',
    ...AREAS.flatMap((area) =>
      area.rules.map(
        (rule) => `| [${code(rule.id)}](#${rule.id}) | ${rule.severity} | ${packsOfRule(rule.id).join(', ')} | ${cell(rule.title)} |`,
      ),
    ),
    ...ENGINE_RULES.map((rule) => `| [${code(rule.id)}](#${rule.id}) | ${rule.severity} | (engine) | ${cell(rule.title)} |`),
    '',
  ];
  for (const area of AREAS) {
    out.push(`## ${area.title}`, '', ...area.rules.map((rule) => ruleSection(rule, descriptions.get(rule.id))));
  }
  out.push(
    '## Findings of the engine itself',
    '',
    'About exceptions and rules that fail; they belong to no pack and are raised whatever packs run.',
    '',
    ...ENGINE_RULES.map((rule) => ruleSection(rule, undefined)),
  );
  return `${out.join('\n').trimEnd()}\n`;
}

/**
 * Runs typedoc (typedoc.json) into `outDir`; throws with typedoc's messages when it fails, and
 * returns its warnings (a public type that references one lib/index.ts does not export).
 */
export function generateApiReference(outDir: string = API_DOCS): string {
  const typedoc = path.join(ROOT, 'node_modules/typedoc/bin/typedoc');
  const args = [typedoc, '--options', 'typedoc.json', '--out', outDir, '--logLevel', 'Warn'];
  const run = spawnSync(process.execPath, args, { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  if (run.status !== 0) throw new Error(`typedoc failed (exit ${run.status ?? run.signal}):\n${run.stdout}${run.stderr}`);
  return `${run.stdout}${run.stderr}`.trim();
}

if (require.main === module) {
  fs.writeFileSync(RULES_DOC, renderRulesReference());
  console.log(`wrote ${path.relative(ROOT, RULES_DOC)}`);
  if (!process.argv.includes('--rules')) {
    const warnings = generateApiReference();
    if (warnings) console.warn(warnings);
    console.log(`wrote ${path.relative(ROOT, API_DOCS)}/`);
  }
}
