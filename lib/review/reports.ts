import { createHash } from 'node:crypto';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { exceptionAnnotationValue } from '../core/exceptions';
import { createFile } from '../core/files';
import { ExceptionRecord, Finding, ObjectRef, ReviewResult, RuleInfo, Severity, SEVERITIES } from './model';
import { PACKS } from './packs';
import { table } from '../core/markdown';
import { fileLocationOf, FileLocation } from './origin';
import { toolVersion } from './tool-version';

/**
 * The review reports, as strings: pure and deterministic (no timestamps, stable order), so
 * the same manifests always give byte-identical reports that diff well in pull requests.
 */

/** The file names `writeReports` uses. */
/** An analysis written next to the review: its own JSON file and a section of REVIEW.md. */
export interface AnalysisOutput {
  /**
   * File name, for example `reachability.json`.
   *
   * @default - no file: only the section
   */
  readonly file?: string;
  /** @default - no file: only the section */
  readonly json?: string;
  /** A Markdown section (starting with `## `) appended to REVIEW.md. */
  readonly markdown: string;
}

export const REPORT_FILES = { json: 'review.json', sarif: 'review.sarif', markdown: 'REVIEW.md' } as const;

const TOOL_NAME = 'cdk8s-hardened';
const SARIF_LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = { error: 'error', warning: 'warning', info: 'note' };

/** `Kind namespace/name` (or `Kind name` for cluster-scoped objects). */
export function objectLabel(object: ObjectRef): string {
  return `${object.kind} ${object.namespace ? `${object.namespace}/` : ''}${object.name}`;
}

/**
 * `review.json`: the whole result (every finding, suppressed ones with their exception, and
 * every exception annotation with what became of it), with 2-space indentation. Each finding
 * and exception keeps its `origin` as given (a construct path or `file:line`) and, for a file,
 * adds `location: { file, line }` so tools need not parse it.
 */
export function reviewJson(result: ReviewResult): string {
  // No review date in any report: reports are committed and diffed, and must not churn daily.
  return (
    JSON.stringify(
      {
        tool: TOOL_NAME,
        version: toolVersion(),
        passed: result.passed,
        packs: result.packs,
        counts: result.counts,
        findings: result.findings.map(withLocation),
        exceptions: result.exceptions.map(withLocation),
        ...(result.platform ? { platform: result.platform } : {}),
      },
      null,
      2,
    ) + '\n'
  );
}

/** The entry with `location` after its `origin` when the origin is `file:line`. */
function withLocation<T extends { readonly origin: string }>(entry: T): T & { readonly location?: FileLocation } {
  const location = fileLocationOf(entry.origin);
  if (!location) return entry;
  // Rebuilt so that `location` follows `origin` in the JSON, where a reader looks for it.
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(entry)) {
    out[key] = value;
    if (key === 'origin') out.location = location;
  }
  return out as T & { readonly location?: FileLocation };
}

/** A `file:line` origin of a manifest file as a SARIF physical location; construct paths and standard input have none. */
function physicalLocation(origin: string): object | undefined {
  const location = fileLocationOf(origin);
  return location && /\.(?:ya?ml|json)$/.test(location.file)
    ? { artifactLocation: { uri: fileUri(location.file) }, region: { startLine: location.line } }
    : undefined;
}

/**
 * A file path as a URI reference (RFC 3986): a relative path stays relative, with `/`
 * separators and each segment percent-encoded (spaces, `#`, `%`, non-ASCII letters); an
 * absolute path becomes a `file://` URI.
 */
function fileUri(file: string): string {
  if (path.isAbsolute(file)) return pathToFileURL(file).href;
  return file.split(path.sep).map(encodeURIComponent).join('/');
}

function fingerprint(finding: Finding): string {
  const { kind, namespace, name } = finding.object;
  return createHash('sha256')
    .update([finding.ruleId, kind, namespace ?? '', name, finding.path].join('\u0000'))
    .digest('hex');
}

function sarifRule(rule: RuleInfo, packs: readonly string[]): object {
  return {
    id: rule.id,
    shortDescription: { text: rule.title },
    help: { text: rule.remediation },
    defaultConfiguration: { level: SARIF_LEVEL[rule.severity] },
    properties: { tags: packs, references: rule.references },
  };
}

/**
 * `review.sarif`: SARIF 2.1.0 with one run, its tool's version from package.json. Rules carry their title, remediation and
 * default level; each finding is a result located by logical locations (the object, the
 * field, and the origin it was declared at) plus a physical location when the origin is
 * `file:line`. Excepted findings carry an accepted in-source suppression with the reason.
 *
 * @see https://docs.oasis-open.org/sarif/sarif/v2.1.0/sarif-v2.1.0.html
 */
export function reviewSarif(result: ReviewResult): string {
  const packsOf = (ruleId: string) => PACKS.filter((p) => result.packs.includes(p.id) && p.rules.includes(ruleId)).map((p) => p.id);
  const rules = [...result.rules];
  for (const finding of result.findings) {
    // A finding always names a listed rule; keep the log valid even if a caller edited the result.
    if (!rules.some((r) => r.id === finding.ruleId)) {
      rules.push({
        id: finding.ruleId,
        title: finding.title,
        severity: finding.severity,
        references: {},
        remediation: finding.remediation,
      });
    }
  }
  const index = new Map(rules.map((rule, i) => [rule.id, i]));
  const results = result.findings.map((finding) => {
    const objectName = `${finding.object.kind}/${finding.object.namespace ?? ''}/${finding.object.name}`;
    const logicalLocations: object[] = [{ name: finding.object.name, fullyQualifiedName: objectName, kind: 'resource' }];
    if (finding.path) logicalLocations.push({ name: finding.path, fullyQualifiedName: `${objectName}:${finding.path}`, kind: 'property' });
    if (finding.origin) logicalLocations.push({ name: finding.origin, fullyQualifiedName: finding.origin, kind: 'declaration' });
    const physical = physicalLocation(finding.origin);
    return {
      ruleId: finding.ruleId,
      ruleIndex: index.get(finding.ruleId),
      level: SARIF_LEVEL[finding.severity],
      message: { text: `${objectLabel(finding.object)}: ${finding.message}.` },
      locations: [{ ...(physical ? { physicalLocation: physical } : {}), logicalLocations }],
      partialFingerprints: { 'cdk8sHardenedFinding/v1': fingerprint(finding) },
      ...(finding.exception
        ? {
            suppressions: [
              {
                // An annotation is in the source; an exceptions file entry is kept apart from it.
                kind: finding.exception.source === 'exceptions-file' ? 'external' : 'inSource',
                status: 'accepted',
                justification: exceptionAnnotationValue({ rule: finding.ruleId, ...finding.exception }),
              },
            ],
          }
        : {}),
    };
  });
  return (
    JSON.stringify(
      {
        $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
        version: '2.1.0',
        runs: [
          {
            tool: {
              driver: {
                name: TOOL_NAME,
                version: toolVersion(),
                semanticVersion: toolVersion(),
                rules: rules.map((rule) => sarifRule(rule, packsOf(rule.id))),
              },
            },
            results,
            properties: { packs: result.packs, passed: result.passed },
          },
        ],
      },
      null,
      2,
    ) + '\n'
  );
}

const EXCEPTION_STATUS_TEXT: Record<ExceptionRecord['status'], string> = {
  applied: 'applied',
  unused: 'unused (warning)',
  expired: 'expired (error)',
  'without-reason': 'refused: reason too short (error)',
  malformed: 'refused: not written as documented (error)',
  untrusted: 'claimed, not trusted (warning)',
  'not-evaluated': 'not evaluated (rule not run)',
  unmatched: 'names no reviewed object',
};

/**
 * `REVIEW.md`: the verdict, counts by pack and severity, a table of the findings no exception
 * accepts (errors first), and every exception with its reason and expiry.
 */
export function reviewMarkdown(result: ReviewResult): string {
  const { counts } = result;
  const severityCells = (c: Readonly<Record<Severity, number>>) => SEVERITIES.map((s) => String(c[s]));
  const open = SEVERITIES.flatMap((severity) => result.findings.filter((f) => !f.exception && f.severity === severity));
  const lines = [
    '# Review',
    '',
    `**${result.passed ? 'Passed' : 'Failed'}**: ${counts.bySeverity.error} error(s), ${counts.bySeverity.warning} warning(s), ${counts.bySeverity.info} info ` +
      `in ${counts.objects} object(s); ${counts.suppressed} finding(s) accepted by exceptions.`,
    '',
    ...(result.platform
      ? [
          `Platform contract: \`${result.platform.file}\` (sha256 \`${result.platform.sha256}\`), declaring ${result.platform.namespaces.length} namespace(s): ${result.platform.namespaces.join(', ') || '-'}.`,
          '',
        ]
      : []),
    '## Counts by pack',
    '',
    ...table(
      ['Pack', 'Errors', 'Warnings', 'Info'],
      [...result.packs.map((id) => [id, ...severityCells(counts.byPack[id])]), ['all findings', ...severityCells(counts.bySeverity)]],
    ),
    '',
    '## Findings',
    '',
    ...(open.length === 0
      ? ['No finding without an exception.']
      : table(
          ['Severity', 'Rule', 'Object', 'Origin', 'Path', 'Message', 'Fix'],
          open.map((f) => [f.severity, f.ruleId, objectLabel(f.object), f.origin || '-', f.path || '-', f.message, f.remediation]),
        )),
    '',
    '## Exceptions',
    '',
    ...(result.exceptions.length === 0
      ? ['No exceptions.']
      : table(
          ['Object', 'Rule', 'Accepts', 'Reason', 'Expires', 'From', 'Status', 'Findings accepted'],
          result.exceptions.map((e) => [
            objectLabel(e.object),
            e.ruleId,
            e.accepts?.join(', ') ?? '-',
            e.reason,
            e.expires ?? 'never',
            e.entry ?? 'annotation',
            EXCEPTION_STATUS_TEXT[e.status],
            String(e.findings),
          ]),
        )),
    '',
  ];
  return lines.join('\n');
}

/**
 * Writes `review.json`, `review.sarif` and `REVIEW.md` into `dir` (which must exist) and
 * returns the paths written.
 */
export function writeReports(dir: string, result: ReviewResult, analyses: readonly AnalysisOutput[] = []): string[] {
  const files: [string, string][] = [
    [REPORT_FILES.json, reviewJson(result)],
    [REPORT_FILES.sarif, reviewSarif(result)],
    [REPORT_FILES.markdown, [reviewMarkdown(result), ...analyses.map((a) => a.markdown)].join('\n')],
    ...analyses.flatMap((a): [string, string][] => (a.file !== undefined && a.json !== undefined ? [[a.file, a.json]] : [])),
  ];
  return files.map(([name, text]) => {
    const file = path.join(dir, name);
    // A new file in a folder synth made: never through a link planted at the name (see core/files).
    createFile(file, text);
    return file;
  });
}
