/**
 * Reads what each scanner reports (its JSON output) and judges it against our scanner map:
 * a failure of a check that does not apply is dropped (and listed as off), every other
 * failure counts, and every skip is listed with its reason, ours where the skip comes from
 * one of our exceptions. Pure functions, so they are tested without the scanners.
 */
import { exceptionsFromAnnotations } from '../lib/core/exceptions';
import { KubeObject } from '../lib/review/model';
import {
  boundRoleRules,
  notApplicableChecks,
  OBJECT_SKIPS,
  rulesForCheck,
  Scanner,
  TRIVY_KIND_SCOPED_CHECKS,
} from '../lib/policy/scanner-map';
import { exceptionStatement, TrivyIgnoreEntry, trivySkipsOf, TrivySubject } from '../lib/policy/trivy-ignore';

/** One scanner finding or skip, on one object. */
export interface ScanEntry {
  readonly check: string;
  /** `Kind namespace/name`, or the scanner's own resource id when it names no object. */
  readonly object: string;
  readonly text: string;
}

/** What one scanner made of one output folder. */
export interface ScannerReport {
  readonly scanner: Scanner;
  readonly version: string;
  /** How many objects the scanner judged. */
  readonly objects: number;
  /** Objects it has no checks for, counted by kind (they are not failures). */
  readonly notJudged: Readonly<Record<string, number>>;
  readonly failures: readonly ScanEntry[];
  readonly skips: readonly ScanEntry[];
  /** Checks turned off because they do not apply, with the reason (from the scanner map). */
  readonly off: readonly { readonly check: string; readonly reason: string }[];
}

/** The objects of one output folder, by `Kind namespace/name`. */
export class ScannedObjects {
  private readonly byRef = new Map<string, KubeObject>();
  constructor(public readonly all: readonly KubeObject[]) {
    for (const o of all) this.byRef.set(refOf(o.kind, o.metadata?.namespace, o.metadata?.name), o);
  }

  get(ref: string): KubeObject | undefined {
    return this.byRef.get(ref);
  }

  /** The objects whose kinds are not in `kinds`, counted by kind. */
  countOutside(kinds: ReadonlySet<string>): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const o of this.all) if (!kinds.has(o.kind)) counts[o.kind] = (counts[o.kind] ?? 0) + 1;
    return Object.fromEntries(Object.entries(counts).sort(([a], [b]) => (a < b ? -1 : 1)));
  }

  /**
   * Why `check` of `scanner` is skipped on `ref`, when one of our exceptions is the reason:
   * `our exception to <rule>: <reason>`.
   */
  exceptionReason(scanner: Scanner, check: string, ref: string): string | undefined {
    return ourException(this.get(ref), rulesForCheck(scanner, check));
  }

  /**
   * Why `check` of `scanner`, reported on the binding `ref`, is accepted through the role it
   * binds (`ScannerCheck.boundRole`): `our exception to <rule> on <Kind name>: <reason>`.
   */
  boundRoleReason(scanner: Scanner, check: string, ref: string): string | undefined {
    const binding = this.get(ref);
    const rules = boundRoleRules(scanner, check);
    if (!binding || !rules.length || !BINDING_KINDS.includes(binding.kind)) return undefined;
    const roleRef = (binding.roleRef ?? {}) as { readonly kind?: string; readonly name?: string };
    const role = refOf(roleRef.kind ?? '', roleRef.kind === 'Role' ? binding.metadata?.namespace : undefined, roleRef.name);
    return ourException(this.get(role), rules, ` on ${role}`);
  }
}

const BINDING_KINDS = ['RoleBinding', 'ClusterRoleBinding'];

/** `our exception to <rule><where>: <reason>` for the first exception `object` records to one of `rules`. */
function ourException(object: KubeObject | undefined, rules: readonly string[], where = ''): string | undefined {
  const exception = exceptionsFromAnnotations(object?.metadata?.annotations).find((e) => rules.includes(e.rule));
  if (!exception) return undefined;
  return exceptionStatement(exception, where);
}

/**
 * Splits a scanner's findings into failures and the skips our exceptions make through a
 * binding's role (which the scanner cannot see: it reads skip annotations on the binding).
 */
function settle(scanner: Scanner, findings: readonly ScanEntry[], objects: ScannedObjects): { failures: ScanEntry[]; skips: ScanEntry[] } {
  const failures: ScanEntry[] = [];
  const skips: ScanEntry[] = [];
  for (const f of findings) {
    const reason = objects.boundRoleReason(scanner, f.check, f.object);
    if (reason) skips.push({ ...f, text: reason });
    else failures.push(f);
  }
  return { failures, skips };
}

/** `Kind namespace/name`, or `Kind name` for a cluster-scoped object. */
export function refOf(kind: string, namespace: string | undefined, name: string | undefined): string {
  return `${kind} ${namespace ? `${namespace}/` : ''}${name ?? ''}`;
}

function offChecks(scanner: Scanner) {
  return notApplicableChecks(scanner).map((c) => ({ check: c.check, reason: c.reason ?? '' }));
}

function isOff(scanner: Scanner, check: string): boolean {
  return notApplicableChecks(scanner).some((c) => c.check === check);
}

const byText = (a: ScanEntry, b: ScanEntry) => (a.check + a.object + a.text < b.check + b.object + b.text ? -1 : 1);

// ---------------------------------------------------------------- Checkov

interface CheckovResult {
  readonly check_id: string;
  readonly check_name?: string;
  readonly resource: string;
  readonly file_path?: string;
  readonly check_result?: { readonly suppress_comment?: string };
}
interface CheckovOutput {
  readonly summary: { readonly resource_count: number; readonly checkov_version?: string };
  readonly results: { readonly failed_checks: readonly CheckovResult[]; readonly skipped_checks: readonly CheckovResult[] };
}

/** Checkov names a resource `Kind.namespace.name`; graph checks add more after it. */
function checkovRef(resource: string): string {
  const [kind, namespace, name] = resource.split('.');
  return name === undefined ? refOf(kind, undefined, namespace) : refOf(kind, namespace, name);
}

/** Judges `checkov -o json` output (one framework: an object; several: a list, of which kubernetes counts). */
export function judgeCheckov(raw: unknown, version: string, objects: ScannedObjects): ScannerReport {
  const outputs = (Array.isArray(raw) ? raw : [raw]) as CheckovOutput[];
  const output = outputs.find((o) => o && o.results) ?? {
    summary: { resource_count: 0 },
    results: { failed_checks: [], skipped_checks: [] },
  };
  const failures = output.results.failed_checks
    .filter((r) => !isOff('checkov', r.check_id))
    .map((r) => ({ check: r.check_id, object: checkovRef(r.resource), text: `${r.check_name ?? ''} (${r.file_path ?? ''})` }));
  const skips = output.results.skipped_checks
    .filter((r) => !isOff('checkov', r.check_id))
    .map((r) => {
      const object = checkovRef(r.resource);
      return {
        check: r.check_id,
        object,
        text: objects.exceptionReason('checkov', r.check_id, object) ?? `checkov: ${r.check_result?.suppress_comment ?? 'no reason given'}`,
      };
    });
  return {
    scanner: 'checkov',
    version: output.summary.checkov_version ?? version,
    objects: output.summary.resource_count,
    notJudged: {},
    failures: failures.sort(byText),
    skips: skips.sort(byText),
    off: offChecks('checkov'),
  };
}

// ---------------------------------------------------------------- kube-score

interface KubeScoreCheck {
  readonly check: { readonly id: string; readonly optional?: boolean };
  readonly grade: number;
  readonly skipped: boolean;
  readonly comments?: readonly { readonly summary?: string; readonly description?: string; readonly path?: string }[] | null;
}
interface KubeScoreObject {
  readonly type_meta: { readonly kind: string };
  readonly object_meta: { readonly name?: string; readonly namespace?: string };
  readonly checks: readonly KubeScoreCheck[];
}

/** kube-score grades: 1 critical, 5 warning, 7 almost OK, 10 OK. A warning or worse fails. */
const KUBE_SCORE_PASS = 7;

/**
 * Judges `kube-score score -o json` output. Optional checks that were not turned on show up
 * as skipped "because they are ignored"; they are not listed.
 */
export function judgeKubeScore(raw: unknown, version: string, objects: ScannedObjects, enabledOptional: readonly string[]): ScannerReport {
  const scored = (Array.isArray(raw) ? raw : []) as KubeScoreObject[];
  const failures: ScanEntry[] = [];
  const skips: ScanEntry[] = [];
  for (const o of scored) {
    const ref = refOf(o.type_meta.kind, o.object_meta.namespace, o.object_meta.name);
    for (const c of o.checks) {
      const id = c.check.id;
      if (isOff('kube-score', id)) continue;
      const summary = (c.comments ?? []).map((x) => [x.path, x.summary].filter(Boolean).join(': ')).join('; ');
      if (c.skipped) {
        if (c.check.optional && !enabledOptional.includes(id)) continue;
        skips.push({
          check: id,
          object: ref,
          text: objects.exceptionReason('kube-score', id, ref) ?? `kube-score: ${summary || 'skipped'}`,
        });
      } else if (c.grade < KUBE_SCORE_PASS) {
        failures.push({ check: id, object: ref, text: `${c.grade <= 1 ? 'CRITICAL' : 'WARNING'} ${summary}` });
      }
    }
  }
  return {
    scanner: 'kube-score',
    version,
    objects: scored.length,
    notJudged: objects.countOutside(new Set(scored.map((o) => o.type_meta.kind))),
    failures: failures.sort(byText),
    skips: skips.sort(byText),
    off: offChecks('kube-score'),
  };
}

// ---------------------------------------------------------------- kube-linter

interface KubeLinterReport {
  readonly Check: string;
  readonly Diagnostic?: { readonly Message?: string };
  readonly Object?: {
    readonly K8sObject?: { readonly Namespace?: string; readonly Name?: string; readonly GroupVersionKind?: { readonly Kind?: string } };
  };
}

/**
 * Judges `kube-linter lint --format json` output. kube-linter does not report what its
 * ignore annotations skipped, so the skips listed are the ones our exceptions wrote.
 */
export function judgeKubeLinter(raw: unknown, version: string, objects: ScannedObjects): ScannerReport {
  const reports = (raw as { Reports?: KubeLinterReport[] | null } | null)?.Reports ?? [];
  const findings = reports
    .filter((r) => !isOff('kube-linter', r.Check))
    .map((r) => {
      const o = r.Object?.K8sObject;
      return { check: r.Check, object: refOf(o?.GroupVersionKind?.Kind ?? '?', o?.Namespace, o?.Name), text: r.Diagnostic?.Message ?? '' };
    });
  const { failures, skips } = settle('kube-linter', findings, objects);
  return {
    scanner: 'kube-linter',
    version,
    objects: objects.all.length,
    notJudged: {},
    failures: failures.sort(byText),
    skips: [...annotationSkips('kube-linter', objects, 'ignore-check.kube-linter.io/', ''), ...skips].sort(byText),
    off: offChecks('kube-linter'),
  };
}

// ---------------------------------------------------------------- Polaris

interface PolarisResult {
  readonly ID?: string;
  readonly Message?: string;
  readonly Success?: boolean;
  readonly Severity?: string;
}
type PolarisResults = Readonly<Record<string, PolarisResult>>;
interface PolarisObject {
  readonly Name: string;
  readonly Namespace?: string;
  readonly Kind: string;
  readonly Results?: PolarisResults | null;
  readonly PodResult?: {
    readonly Results?: PolarisResults | null;
    readonly ContainerResults?: readonly { readonly Name?: string; readonly Results?: PolarisResults | null }[] | null;
  } | null;
}

/** Judges `polaris audit --format json` output: a check fails when it did not succeed at warning or danger severity. */
export function judgePolaris(raw: unknown, version: string, objects: ScannedObjects): ScannerReport {
  const results = (raw as { Results?: PolarisObject[] | null } | null)?.Results ?? [];
  const findings: ScanEntry[] = [];
  for (const o of results) {
    const ref = refOf(o.Kind, o.Namespace, o.Name);
    const all = [o.Results, o.PodResult?.Results, ...(o.PodResult?.ContainerResults ?? []).map((c) => c.Results)];
    for (const set of all) {
      for (const [id, r] of Object.entries(set ?? {})) {
        if (r.Success !== false || !['warning', 'danger'].includes(r.Severity ?? '') || isOff('polaris', id)) continue;
        findings.push({ check: id, object: ref, text: `${r.Severity} ${r.Message ?? ''}` });
      }
    }
  }
  const { failures, skips } = settle('polaris', findings, objects);
  return {
    scanner: 'polaris',
    version,
    objects: results.length,
    notJudged: {},
    failures: failures.sort(byText),
    skips: [...annotationSkips('polaris', objects, 'polaris.fairwinds.com/', '-exempt'), ...skips].sort(byText),
    off: offChecks('polaris'),
  };
}

/** The skips our exceptions wrote as `<prefix><check><suffix>` annotations, with our reason. */
function annotationSkips(scanner: Scanner, objects: ScannedObjects, prefix: string, suffix: string): ScanEntry[] {
  const skips: ScanEntry[] = [];
  for (const o of objects.all) {
    const ref = refOf(o.kind, o.metadata?.namespace, o.metadata?.name);
    for (const key of Object.keys(o.metadata?.annotations ?? {})) {
      if (!key.startsWith(prefix) || !key.endsWith(suffix)) continue;
      const check = key.slice(prefix.length, key.length - suffix.length);
      const objectSkip = OBJECT_SKIPS.find((k) => k.scanner === scanner && k.check === check);
      skips.push({
        check,
        object: ref,
        text:
          objects.exceptionReason(scanner, check, ref) ??
          (objectSkip ? `does not apply to ${objectSkip.objects}: ${objectSkip.reason}` : 'skip annotation without an exception of ours'),
      });
    }
  }
  return skips.sort(byText);
}

// ---------------------------------------------------------------- Trivy

interface TrivyMisconfiguration {
  readonly ID: string;
  readonly Title?: string;
  readonly Message?: string;
  readonly Status: string;
  readonly CauseMetadata?: { readonly StartLine?: number };
}
interface TrivyResult {
  readonly Target: string;
  readonly Class?: string;
  readonly Misconfigurations?: readonly TrivyMisconfiguration[] | null;
}

/** Finds the object a Trivy finding is on: its file (relative to the scanned folder) and the line the finding starts on. */
export type TrivyLocator = (target: string, line: number | undefined) => KubeObject | undefined;

/**
 * Judges `trivy config --format json` output. Trivy skips by file (the
 * ignore file the review writes): a finding it still reports is accepted here only where the
 * object carries the same skip (lib/policy/trivy-ignore.ts), which happens when its file holds
 * other objects that do not; the kind-scoped checks reported on another kind are dropped.
 */
export function judgeTrivy(
  raw: unknown,
  version: string,
  locate: TrivyLocator,
  ignored: readonly TrivyIgnoreEntry[] = [],
  objectCount?: number,
): ScannerReport {
  const results = ((raw as { Results?: readonly TrivyResult[] } | null)?.Results ?? []).filter(
    (r) => r.Class === undefined || r.Class === 'config',
  );
  const failures: ScanEntry[] = [];
  const skips: ScanEntry[] = [];
  const refOfObject = (o: KubeObject | undefined, target: string) => (o ? refOf(o.kind, o.metadata?.namespace, o.metadata?.name) : target);
  // A kind-scoped check reported on another kind: Trivy's mistake, not a finding or a skip.
  const offOn = (check: string, object: KubeObject | undefined) =>
    object !== undefined && TRIVY_KIND_SCOPED_CHECKS.some((c) => c.check === check && c.kind !== object.kind);
  for (const r of results) {
    for (const m of r.Misconfigurations ?? []) {
      if (m.Status !== 'FAIL' || isOff('trivy', m.ID)) continue;
      const object = locate(r.Target, m.CauseMetadata?.StartLine);
      if (offOn(m.ID, object)) continue;
      const entry = { check: m.ID, object: refOfObject(object, r.Target), text: `${m.Message ?? m.Title ?? ''} (${r.Target})` };
      const skip = object ? trivySkipsOf(trustedSubject(object)).get(m.ID) : undefined;
      if (skip) skips.push({ ...entry, text: `${skip} (Trivy skips by file; this one holds other objects)` });
      else failures.push(entry);
    }
  }
  // What the ignore file skipped, file by file (its global entries are the checks turned off).
  for (const entry of ignored) {
    for (const file of entry.paths ?? []) {
      const object = locate(file, undefined);
      if (!offOn(entry.id, object)) skips.push({ check: entry.id, object: refOfObject(object, file), text: entry.statement });
    }
  }
  return {
    scanner: 'trivy',
    version,
    objects: objectCount ?? results.length,
    notJudged: {},
    // Trivy reports a check once per offending rule or container: once per object here.
    failures: unique(failures).sort(byText),
    skips: unique(skips).sort(byText),
    off: [
      ...offChecks('trivy'),
      ...TRIVY_KIND_SCOPED_CHECKS.map((c) => ({ check: `${c.check} on kinds other than ${c.kind}`, reason: c.reason })),
    ],
  };
}

/**
 * `object` as the ignore file sees it, its annotations trusted: the scan runs on our own
 * outputs, whose exceptions the review accepted before they were written.
 */
export function trustedSubject(object: KubeObject): TrivySubject {
  const annotations = object.metadata?.annotations ?? {};
  return {
    kind: object.kind,
    annotations,
    accepted: exceptionsFromAnnotations(annotations).map((e) => ({
      rule: e.rule,
      reason: e.reason,
      ...(e.expires ? { expires: e.expires } : {}),
    })),
    openRules: new Set(),
    trustAnnotations: true,
  };
}

function unique(entries: readonly ScanEntry[]): ScanEntry[] {
  const seen = new Set<string>();
  return entries.filter((e) => {
    const key = `${e.check}\u0000${e.object}\u0000${e.text}`;
    return seen.has(key) ? false : (seen.add(key), true);
  });
}

// ---------------------------------------------------------------- printing

/** The lines printed for one report: a summary, then each failure, skip and check turned off. */
export function formatReport(report: ScannerReport, folder: string): string[] {
  const notJudged = Object.entries(report.notJudged);
  const lines = [
    `${report.scanner} ${report.version} on ${folder}: ${report.objects} objects scanned, ${report.failures.length} failures, ${report.skips.length} skips` +
      (notJudged.length ? `; not judged (no checks for the kind): ${notJudged.map(([k, n]) => `${k} ${n}`).join(', ')}` : ''),
  ];
  for (const f of report.failures) {
    const rules = rulesForCheck(report.scanner, f.check);
    const hint = rules.length
      ? `our rule: ${rules.join(', ')}`
      : 'no rule of ours: add one to lib/review/rules, fix the output, or record why it does not apply in lib/policy/scanner-map.ts';
    lines.push(`  FAIL ${f.check} on ${f.object}: ${f.text.trim()} (${hint})`);
  }
  for (const s of groupSkips(report.skips)) lines.push(`  skip ${s.check} on ${s.objects}: ${s.text}`);
  for (const o of report.off) lines.push(`  off  ${o.check}: ${o.reason}`);
  return lines;
}

/** Skips of the same check for the same reason, on one line. */
function groupSkips(skips: readonly ScanEntry[]): { check: string; objects: string; text: string }[] {
  const groups = new Map<string, { check: string; objects: string[]; text: string }>();
  for (const s of skips) {
    const key = `${s.check}\u0000${s.text}`;
    const group = groups.get(key) ?? { check: s.check, objects: [], text: s.text };
    group.objects.push(s.object);
    groups.set(key, group);
  }
  return [...groups.values()].map((g) => ({ check: g.check, objects: g.objects.join(', '), text: g.text }));
}
