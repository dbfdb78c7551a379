import { compareText } from '../core/compare-text';
import { printable } from '../core/printable';
import { Finding, ReviewResult, SEVERITIES } from './model';
import { objectLabel } from './reports';

/**
 * The review as text for people: the open findings grouped by object (a header line
 * `Kind namespace/name (origin)`, then one line per finding: severity, rule id, message),
 * then each rule's fix once ("How to fix"), then the verdict. Findings on the same field of
 * the same object (`runAsUser: 0` breaks no-root-user and high-user-group-ids) share one
 * line naming every rule: one cause, one line. Machine formats (JSON, SARIF) and the exit
 * code keep every finding.
 */

/** Lines longer than this are wrapped in the fixes section; finding lines are as long as their message. */
const WIDTH = 120;

/** One line of the text report: findings of one object on the same field, most serious first. */
interface FindingLine {
  readonly findings: readonly Finding[];
}

/**
 * The grouped text report of the findings no exception accepts, without the verdict (the
 * caller words it). Control characters in names are escaped, so no name can add a line.
 */
export function findingsText(findings: readonly Finding[]): string[] {
  const open = findings.filter((f) => !f.exception);
  if (open.length === 0) return [];
  const byObject = new Map<string, Finding[]>();
  for (const finding of open) {
    const key = objectKey(finding);
    byObject.set(key, [...(byObject.get(key) ?? []), finding]);
  }
  const lines: string[] = [];
  for (const group of [...byObject.values()].sort((a, b) => compareObjects(a[0], b[0]))) {
    const first = group[0];
    lines.push(first.origin ? `${objectLabel(first.object)} (${first.origin})` : objectLabel(first.object));
    lines.push(...findingLines(group).map(lineText));
    lines.push('');
  }
  lines.push('How to fix:', ...fixLines(open));
  return lines.map(printable);
}

/** The whole text report: findings by object, the fixes, then `summary` as the last line. */
export function reviewTextReport(result: ReviewResult, summary: string, before: readonly string[] = []): string {
  const body = findingsText(result.findings);
  return [...before.map(printable), ...body, ...(body.length ? [''] : []), printable(summary)].join('\n') + '\n';
}

function objectKey(finding: Finding): string {
  const { apiVersion, kind, namespace, name } = finding.object;
  return [apiVersion, kind, namespace ?? '', name, finding.origin].join('\u0000');
}

function compareObjects(a: Finding, b: Finding): number {
  return (
    compareText(a.object.kind, b.object.kind) ||
    compareText(a.object.namespace ?? '', b.object.namespace ?? '') ||
    compareText(a.object.name, b.object.name) ||
    compareText(a.object.apiVersion, b.object.apiVersion) ||
    compareText(a.origin, b.origin)
  );
}

const rank = (finding: Finding): number => SEVERITIES.indexOf(finding.severity);

/** Most serious first, then by rule id, path and message. */
function compareFindings(a: Finding, b: Finding): number {
  return rank(a) - rank(b) || compareText(a.ruleId, b.ruleId) || compareText(a.path, b.path) || compareText(a.message, b.message);
}

/**
 * One line per finding, except that findings at the same path of the object share a line:
 * the same field at fault, so one cause and one edit (`runAsUser: 0` on the pod breaks
 * no-root-user and high-user-group-ids, for each container). Findings without a path (about
 * the whole object) stay apart.
 */
function findingLines(findings: readonly Finding[]): FindingLine[] {
  const byPath = new Map<string, Finding[]>();
  const lines: FindingLine[] = [];
  for (const finding of [...findings].sort(compareFindings)) {
    const same = finding.path === '' ? undefined : byPath.get(finding.path);
    if (same) {
      same.push(finding);
    } else {
      const group = [finding];
      if (finding.path !== '') byPath.set(finding.path, group);
      lines.push({ findings: group });
    }
  }
  return lines;
}

/** `  error   high-user-group-ids, no-root-user: <the first finding's message> (+1 more on this field)` */
function lineText(line: FindingLine): string {
  const [first] = line.findings;
  const rules = [...new Set(line.findings.map((f) => f.ruleId))].join(', ');
  const more = new Set(line.findings.map((f) => f.message)).size - 1;
  return `  ${first.severity.padEnd(7)} ${rules}: ${first.message}${more > 0 ? ` (+${more} more on this field)` : ''}`;
}

/** Each rule's fix once, by rule id; a rule whose findings are worded two ways (construct and file) lists both. */
function fixLines(open: readonly Finding[]): string[] {
  const fixes = new Map<string, Set<string>>();
  for (const finding of open) fixes.set(finding.ruleId, (fixes.get(finding.ruleId) ?? new Set()).add(finding.remediation));
  return [...fixes.keys()]
    .sort(compareText)
    .flatMap((ruleId) => [...fixes.get(ruleId)!].sort(compareText).flatMap((fix) => wrap(`  ${ruleId}:`, fix, '      ')));
}

/** `lead` then the words of `text`, broken at spaces so lines stay within `WIDTH`; a longer word stays whole. */
function wrap(lead: string, text: string, indent: string): string[] {
  const lines: string[] = [];
  let line = lead;
  for (const word of text.split(' ')) {
    if (line.length + 1 + word.length > WIDTH && line.length > indent.length) {
      lines.push(line);
      line = indent + word;
    } else {
      line = `${line} ${word}`;
    }
  }
  lines.push(line);
  return lines;
}
