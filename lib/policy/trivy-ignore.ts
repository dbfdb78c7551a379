/**
 * Trivy's share of the scanner skips. Trivy reads no annotation on a Kubernetes object (its
 * inline `#trivy:ignore` comments are read for Terraform, CloudFormation, Helm and Dockerfiles
 * only, in v0.74.0), so the skips reach it as an ignore file in its YAML format
 * (`trivy config --ignorefile FILE`), whose entries name a check and the files it is ignored
 * in, with a statement. `cdk8s-hardened review DIR --trivy-ignore FILE` writes it once the
 * review passes, from what the review accepted; it belongs outside DIR, where kubectl, Argo CD
 * and the review itself would read it as a manifest.
 *
 * A file is Trivy's smallest scope, so an entry names a file only when every object in it
 * skips the check: exact with one object per file (cdk8s' `FOLDER_PER_CHART_FILE_PER_RESOURCE`
 * layout, as the reference platform uses); with several, a skip that does not hold for all of
 * them is left out, and Trivy reports the finding.
 */
import { stringify } from 'yaml';
import { compareText } from '../core/compare-text';
import {
  checksForRule,
  notApplicableChecks,
  OBJECT_SKIPS,
  rulesForCheck,
  SCANNER_ANNOTATIONS,
  TRIVY_KIND_SCOPED_CHECKS,
} from './scanner-map';

/** An exception the review accepted on an object. */
export interface AcceptedException {
  readonly rule: string;
  readonly reason: string;
  readonly expires?: string;
}

/** `our exception to <rule><where>: <reason> (expires <date>)`: the statement of a skip an exception makes, here and in the scan's report. */
export function exceptionStatement(e: AcceptedException, where = ''): string {
  return `our exception to ${e.rule}${where}: ${e.reason}${e.expires ? ` (expires ${e.expires})` : ''}`;
}

/** What the ignore file needs of one object. */
export interface TrivySubject {
  readonly kind: string;
  readonly annotations?: Readonly<Record<string, unknown>>;
  /** The exceptions the review accepted on it. */
  readonly accepted: readonly AcceptedException[];
  /**
   * The rules with a finding on it that no exception accepted (an exception accepts some
   * values; Trivy's skip would cover the check whole): no check mapped to one of them is skipped.
   */
  readonly openRules: ReadonlySet<string>;
  /**
   * Whether its `trivy.hardened.cdk8s.io/ignore` annotation counts: for objects our own
   * constructs wrote (`--trust-annotations`), as for their exception annotations.
   */
  readonly trustAnnotations: boolean;
}

/** One entry of the ignore file. */
export interface TrivyIgnoreEntry {
  readonly id: string;
  /** Files relative to the scanned folder, `/`-separated; none: every file. */
  readonly paths?: readonly string[];
  readonly statement: string;
}

/**
 * The Trivy checks skipped on `subject`, each with why: those mapped to the rules of its
 * accepted exceptions, the object skips the map lists for Trivy that its annotation names
 * (when trusted, on the kinds the skip is for: the annotation alone grants nothing), and the
 * kind-scoped checks on other kinds; never a check mapped to a rule with an open finding there.
 */
export function trivySkipsOf(subject: TrivySubject): Map<string, string> {
  const skips = new Map<string, string>();
  const open = (check: string) => rulesForCheck('trivy', check).some((rule) => subject.openRules.has(rule));
  for (const e of [...subject.accepted].sort((a, b) => compareText(a.rule, b.rule))) {
    const reason = exceptionStatement(e);
    for (const check of checksForRule(e.rule, subject.kind).trivy) if (!skips.has(check) && !open(check)) skips.set(check, reason);
  }
  if (subject.trustAnnotations) {
    const listed = String(subject.annotations?.[SCANNER_ANNOTATIONS.trivy] ?? '').split(',');
    for (const check of listed.map((c) => c.trim())) {
      const skip = OBJECT_SKIPS.find(
        (s) => s.scanner === 'trivy' && s.check === check && (s.kinds ?? [subject.kind]).includes(subject.kind),
      );
      if (skip && !skips.has(check) && !open(check)) skips.set(check, skip.reason);
    }
  }
  for (const scoped of TRIVY_KIND_SCOPED_CHECKS) {
    if (scoped.kind !== subject.kind && !skips.has(scoped.check)) skips.set(scoped.check, scoped.reason);
  }
  return skips;
}

/**
 * Characters Trivy reads as a pattern in `paths` (doublestar: `*`, `?`, `[...]`, `{a,b}`, and
 * `\` escaping): a file named `shop/*.yaml` would stand for every file of the folder.
 */
const GLOB_CHARACTERS = /[*?[\]{}\\]/;

/** The ignore file's entries, and the files left out of them because Trivy would read their names as patterns. */
export interface TrivyIgnore {
  readonly entries: readonly TrivyIgnoreEntry[];
  readonly leftOut: readonly string[];
}

/**
 * The entries for `files` (each file's objects, by its path relative to the scanned folder):
 * the checks that do not apply, for every file; then, per check and statement, the files
 * where every object skips it. A file whose name Trivy would read as a pattern is left out
 * (its findings stay reported). Sorted, so the same objects give the same file.
 */
export function trivyIgnoreEntries(files: ReadonlyMap<string, readonly TrivySubject[]>): TrivyIgnore {
  const byCheck = new Map<string, Map<string, string[]>>();
  const leftOut: string[] = [];
  for (const [file, subjects] of [...files.entries()].sort(([a], [b]) => compareText(a, b))) {
    if (!subjects.length) continue;
    if (GLOB_CHARACTERS.test(file)) {
      leftOut.push(file);
      continue;
    }
    const skipsOf = subjects.map(trivySkipsOf);
    for (const [check, statement] of skipsOf[0]) {
      if (!skipsOf.every((s) => s.has(check))) continue;
      const statements = byCheck.get(check) ?? new Map<string, string[]>();
      statements.set(statement, [...(statements.get(statement) ?? []), file]);
      byCheck.set(check, statements);
    }
  }
  const everywhere = notApplicableChecks('trivy').map((c) => ({ id: c.check, statement: c.reason ?? '' }));
  const scoped = [...byCheck.entries()]
    .sort(([a], [b]) => compareText(a, b))
    .flatMap(([id, statements]) =>
      [...statements.entries()].sort(([a], [b]) => compareText(a, b)).map(([statement, paths]) => ({ id, paths, statement })),
    );
  return { entries: [...everywhere, ...scoped], leftOut };
}

/** The ignore file's text: `trivy config --ignorefile FILE DIR`. */
export function trivyIgnoreYaml(entries: readonly TrivyIgnoreEntry[]): string {
  const header =
    '# Written by cdk8s-hardened review --trivy-ignore: the Trivy checks the review accepted, and those that do not apply, with why.\n' +
    '# Paths are relative to the folder reviewed: trivy config --ignorefile <this file> <that folder>\n';
  return header + stringify({ misconfigurations: entries.map((e) => (e.paths ? { ...e, paths: [...e.paths] } : e)) }, { lineWidth: 0 });
}
