import * as path from 'node:path';
import { reviewInContext } from '../review/engine';
import { PLATFORM_CONTRACT_FILE, platformContractJson, platformContractOf, PlatformContractSource } from '../review/platform-contract';
import { createFile } from '../core/files';
import { parseManifests } from '../review/load';
import {
  analyzePermissions,
  analyzeReachability,
  permissionsJson,
  permissionsMarkdown,
  ReachabilityError,
  reachabilityJson,
  reachabilityMarkdown,
} from '../review/analyses';
import { Finding, KubeObject, ReviewContext, ReviewResult } from '../review/model';
import { withConstructFixes } from '../review/remediations';
import { AnalysisOutput, writeReports } from '../review/reports';
import { CLUSTER_SETTINGS_FILE, clusterSettingsReport } from '../review/rules/cluster/settings-report';
import { listFiles, MARKER_FILE } from './publish';
import * as fs from 'node:fs';
import { UserFacingError } from './error-printer';
import { printable } from '../core/printable';
import { compareText } from '../core/compare-text';
import { manifestsOf, WrittenFile } from './written-manifests';
import { ExceptionEntry } from '../review/exceptions';
import { GeneratedPolicy } from '../review/admission/admission-policies';
import { ADMISSION_POLICY_FOLDER, admissionPolicyFiles } from '../review/admission/admission-report';
import { clusterPolicies } from '../review/admission/cluster-policies';

/** How the gate reviews one staged synth. */
export interface ReviewGateOptions {
  /** Extension of the manifest files cdk8s wrote (`.k8s.yaml`). */
  readonly extension: string;
  /**
   * The construct paths of the app's objects with the API version, kind, namespace and name of
   * `object`, in the order the app defines them (more than one: the output defines it twice);
   * `[]` or `undefined` when no construct of the app wrote it. (A single path names one construct.)
   */
  readonly originOf: (object: Record<string, unknown>) => string | readonly string[] | undefined;
  /**
   * Whether the exception annotations of a manifest object are trusted: those the app's own
   * constructs wrote are; those of an `Include` (or `Helm`) are not unless the app trusts
   * it. An object the app does not know is not.
   *
   * @default - none is trusted
   */
  readonly annotationsTrusted?: (object: Record<string, unknown>) => boolean;
  /**
   * The platform team's exceptions (`HardenedApp` `exceptionsFile`).
   *
   * @default - none
   */
  readonly exceptions?: readonly ExceptionEntry[];
  /**
   * The `extraFiles` whose exception annotations the app trusts (`addFile` with
   * `trustExceptionAnnotations`); the others' are claims, as in any YAML given to the review.
   *
   * @default - none
   */
  readonly trustedExtraFiles?: ReadonlySet<string>;
  readonly packs?: string[];
  readonly today?: string;
  /**
   * The documents cdk8s serialized into each file (see `recordWrites`), reviewed instead of
   * parsing those files back.
   *
   * @default - every file is parsed
   */
  readonly written?: ReadonlyMap<string, WrittenFile>;
  /**
   * Files added to the output besides the charts' manifests (`HardenedApp.addFile`), relative
   * to the staging folder: parsed and reviewed like the manifests, with `file:line` origins.
   *
   * @default - none
   */
  readonly extraFiles?: readonly string[];
  /**
   * Files the library itself adds unreviewed (its install notes), relative to the staging
   * folder with `/` separators: published as they are. Any other file that is not a manifest
   * or in `extraFiles` fails synth.
   *
   * @default - none
   */
  readonly unreviewedFiles?: readonly string[];
  /**
   * The platform contract of namespaces another output declares (`HardenedApp` `platformFile`).
   *
   * @default - none
   */
  readonly platform?: PlatformContractSource;
  /**
   * Whether to write this output's own platform contract (`platform.json`) into the staging
   * folder once the review passes, so it is published with the manifests it describes.
   *
   * @default false
   */
  readonly writePlatformContract?: boolean;
  /**
   * The registries images may come from (`HardenedApp` `allowedRegistries`).
   *
   * @default - any registry
   */
  readonly allowedRegistries?: readonly string[];
  /**
   * Write the admission policies generated from this review into the staging folder
   * (`admission-policies/`) once the review passes, and say in REVIEW.md what they enforce.
   *
   * @default - none are written
   */
  readonly admissionPolicies?: { readonly exemptNamespaces: readonly string[] };
  /**
   * Sections the constructs add to REVIEW.md (each add-on's changes from upstream), after the
   * review's own.
   *
   * @default - none
   */
  readonly reviewSections?: readonly string[];
}

/** Synth stopped because the review found errors that no exception accepts. */
export class ReviewFailedError extends Error implements UserFacingError {
  public readonly userFacing = true;
  constructor(
    public readonly result: ReviewResult,
    publishDir: string,
  ) {
    const blocking = blockingFindings(result);
    super(
      [
        `review failed: ${blocking.length} error finding${blocking.length === 1 ? '' : 's'} without an exception; ${publishDir}/ was left unchanged.`,
        ...blocking.map(formatFinding),
      ].join('\n'),
    );
    this.name = 'ReviewFailedError';
  }
}

/**
 * Reviews every manifest in the staging folder, writes the reports next to them, prints
 * warnings, and throws `ReviewFailedError` when an error-level finding has no exception.
 */
export function reviewStagedOutput(staging: string, publishDir: string, options: ReviewGateOptions): ReviewResult {
  refuseUnreviewedFiles(staging, options);
  const nextOrigin = constructPathsInTurn(options.originOf);
  const targets = listFiles(staging)
    .filter((file) => file.endsWith(options.extension))
    .flatMap((file) =>
      options.written
        ? manifestsOf(staging, file, options.written)
        : parseManifests(fs.readFileSync(path.join(staging, file), 'utf8'), file),
    )
    .map((manifest) => ({
      object: manifest.object,
      origin: nextOrigin(manifest.object) ?? manifest.origin,
      trustAnnotations: options.annotationsTrusted?.(manifest.object) ?? false,
    }));
  for (const file of options.extraFiles ?? []) {
    const trustAnnotations = options.trustedExtraFiles?.has(file) ?? false;
    targets.push(
      ...parseManifests(fs.readFileSync(path.join(staging, file), 'utf8'), file).map((m) => ({
        object: m.object,
        origin: m.origin,
        trustAnnotations,
      })),
    );
  }
  // Construct advice only where a construct of the app wrote the object; files keep the YAML fix.
  const reviewed = reviewInContext(targets, {
    packs: options.packs,
    today: options.today,
    exceptions: options.exceptions,
    platform: options.platform,
    ...(options.allowedRegistries ? { allowedRegistries: options.allowedRegistries } : {}),
  });
  const result = withConstructFixes(reviewed.result);
  const objects = targets.map((t) => t.object as KubeObject);
  // The analyses reuse the review's walks and indexes (the objects do not change in between).
  const analyses = analyzeUnlessReviewFailed(objects, reviewed.context, result, publishDir);
  const admission = options.admissionPolicies
    ? clusterPolicies(objects, result, {
        exemptNamespaces: options.admissionPolicies.exemptNamespaces,
        ...(options.allowedRegistries ? { allowedRegistries: options.allowedRegistries } : {}),
      })
    : undefined;
  const sections = (options.reviewSections ?? []).map((markdown) => ({ markdown }));
  writeReports(staging, result, [...analyses, ...(admission ? [{ markdown: admission.markdown }] : []), ...sections]);
  for (const warning of result.findings.filter((f) => f.severity === 'warning' && !f.exception)) {
    process.stderr.write(`Warning: ${formatFinding(warning).trimStart()}\n`);
  }
  if (!result.passed) throw new ReviewFailedError(result, publishDir);
  if (admission) writeAdmissionPolicies(staging, admission.policies);
  // Published only with the output it describes, and only once that output passed; built from
  // the review's own context (same objects and indexes; the contract reads no platform field).
  if (options.writePlatformContract) {
    const contract = platformContractOf(reviewed.context);
    createFile(path.join(staging, PLATFORM_CONTRACT_FILE), platformContractJson(contract));
  }
  return result;
}

/** Writes each policy with its bindings as one file of `admission-policies/`. */
function writeAdmissionPolicies(staging: string, policies: readonly GeneratedPolicy[]): void {
  const folder = path.join(staging, ADMISSION_POLICY_FOLDER);
  if (fs.existsSync(folder)) {
    throw new UnreviewedFilesError([
      `${ADMISSION_POLICY_FOLDER}/ (the admission policies' folder: rename the chart or files that wrote it)`,
    ]);
  }
  fs.mkdirSync(folder);
  for (const { file, text } of admissionPolicyFiles(policies)) createFile(path.join(folder, file), text);
}

/**
 * Every file in the staging folder is published, so every one must be what the gate reviews
 * (the charts' manifests, files added with `addFile`) or one it knows (the marker, the
 * library's own notes): a construct that writes into the output folder itself, or leaves a
 * link there, would otherwise publish what nobody reviewed (`kubectl apply -f dist/` applies
 * any .yaml in it, links followed).
 */
function refuseUnreviewedFiles(staging: string, options: ReviewGateOptions): void {
  const known = new Set([...(options.extraFiles ?? []), ...(options.unreviewedFiles ?? []), MARKER_FILE]);
  const unexpected: string[] = [];
  const walk = (relative: string) => {
    for (const entry of fs.readdirSync(path.join(staging, relative), { withFileTypes: true })) {
      const child = relative === '' ? entry.name : `${relative}/${entry.name}`;
      if (entry.isDirectory()) walk(child);
      else if (!entry.isFile() || !(child.endsWith(options.extension) || known.has(child))) unexpected.push(child);
    }
  };
  walk('');
  if (unexpected.length > 0) throw new UnreviewedFilesError(unexpected.sort(compareText));
}

/** Synth wrote files into the output folder that the review does not read. */
export class UnreviewedFilesError extends Error implements UserFacingError {
  public readonly userFacing = true;
  constructor(files: readonly string[]) {
    super(
      printable(
        `synth wrote ${files.length === 1 ? 'a file' : `${files.length} files`} into the output folder that the review does not read, so nothing was published: ${files.join(', ')}. ` +
          'Add manifests with HardenedApp.addFile (they are reviewed), and let no construct write into the output folder itself.',
      ),
    );
    this.name = 'UnreviewedFilesError';
  }
}

/** The analyses written next to the review; an object they cannot read fails synth like a finding. */
/**
 * The analyses' reports. When they cannot read the output and the review failed too, the
 * review's error is thrown: it says what to fix (a workload defined twice, say, is a
 * `duplicate-object` finding naming both constructs).
 */
function analyzeUnlessReviewFailed(
  objects: KubeObject[],
  context: ReviewContext,
  result: ReviewResult,
  publishDir: string,
): AnalysisOutput[] {
  try {
    return analyze(objects, context);
  } catch (e) {
    if (e instanceof AnalysisFailedError && !result.passed) throw new ReviewFailedError(result, publishDir);
    throw e;
  }
}

function analyze(objects: KubeObject[], context: ReviewContext): AnalysisOutput[] {
  try {
    const reachability = analyzeReachability(objects, context);
    const permissions = analyzePermissions(objects, context);
    const clusterSettings = clusterSettingsReport(objects);
    return [
      { file: 'reachability.json', json: reachabilityJson(reachability), markdown: reachabilityMarkdown(reachability) },
      { file: 'permissions.json', json: permissionsJson(permissions), markdown: permissionsMarkdown(permissions) },
      ...(clusterSettings ? [{ file: CLUSTER_SETTINGS_FILE, ...clusterSettings }] : []),
    ];
  } catch (e) {
    if (e instanceof ReachabilityError) throw new AnalysisFailedError(e.message);
    throw e;
  }
}

/**
 * Hands out the construct paths of each object in turn: the first object with a key gets the
 * first construct's path, a second one (the same object defined twice) the second's, so a
 * `duplicate-object` finding names both constructs.
 */
function constructPathsInTurn(originOf: ReviewGateOptions['originOf']): (object: Record<string, unknown>) => string | undefined {
  const seen = new Map<string, number>();
  return (object) => {
    const found = originOf(object);
    const paths = typeof found === 'string' ? [found] : (found ?? []);
    if (!paths.length) return undefined;
    const key = paths.join('\u0000');
    const turn = seen.get(key) ?? 0;
    seen.set(key, turn + 1);
    return paths[Math.min(turn, paths.length - 1)];
  };
}

/** An object the analyses cannot read (for example a NetworkPolicy the API server would refuse). */
export class AnalysisFailedError extends Error implements UserFacingError {
  public readonly userFacing = true;
  constructor(detail: string) {
    super(`analysis failed: ${detail}`);
    this.name = 'AnalysisFailedError';
  }
}

function blockingFindings(result: ReviewResult): Finding[] {
  return result.findings.filter((f) => f.severity === 'error' && !f.exception);
}

/** One line: where (construct path or file), which rule, which field, what is wrong, the fix. */
export function formatFinding(finding: Finding): string {
  const where = finding.origin || `${finding.object.kind}/${finding.object.name}`;
  // Names, paths and messages carry text from the manifests: escaped, so none can forge a line.
  return printable(`  [${where}] ${finding.ruleId} at ${finding.path || '(object)'}: ${finding.message}. Fix: ${finding.remediation}`);
}
