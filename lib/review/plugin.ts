import * as path from 'node:path';
import type { Validation, ValidationContext, ValidationViolatingResource } from 'cdk8s-cli/plugins';
import { isIsoDate } from '../core/exceptions';
import { badRegistryEntry } from '../policy/image-registry';
import { appendTo } from '../core/append-to';
import { printable } from '../core/printable';
import { PublishedPath, ReviewInputs, constructMetadataKey, publishedPathLookup } from '../core/published-copy';
import { readCustomResourceDefinitions } from './crd-files';
import { passesAt, review } from './engine';
import { LoadedManifest, ManifestLoadError } from './load';
import { loadManifests } from './manifest-files';
import { Finding, KubeObject, SEVERITIES, Severity } from './model';
import { ExceptionEntry } from './exceptions';
import { readExceptionsFile } from './exceptions-file';
import { PACKS, packById } from './packs';
import { PlatformContractSource, readPlatformContract } from './platform-contract';
import { objectLabel } from './reports';

/**
 * The review engine as a cdk8s CLI validation plugin, so `cdk8s synth` reviews the
 * manifests of any cdk8s app (not only a `HardenedApp`) and prints the findings in the CLI's
 * validation report. Declared in `cdk8s.yaml`:
 *
 * ```yaml
 * validations:
 *   - package: ./plugin          # plugin/index.js: a local plugin must be JavaScript
 *     version: 0.1.0             # exact, even for a local plugin
 *     class: HardenedReviewPlugin
 *     properties:                # optional, see HardenedReviewPluginProps
 *       packs: [pss-restricted, workload-hardening]
 *       exceptionsFile: platform/exceptions.yaml
 * ```
 *
 * @see https://cdk8s.io/docs/latest/cli/synth/#validation-plugins
 */

/**
 * Properties of the plugin, from `properties:` of its entry in `cdk8s.yaml`. When the app is a
 * `HardenedApp`, the settings of its review (`platformFile`, `exceptionsFile`, `reviewPacks`,
 * `reviewDate`) apply where these properties do not set `platformFile`, `exceptionsFile`, `packs`
 * or `today`, so the plugin reviews the way the app's gate did; where both set one and differ,
 * these win and the report's summary says so.
 */
export interface HardenedReviewPluginProps {
  /**
   * Ids of the packs to apply.
   *
   * @default - every pack
   */
  readonly packs?: readonly string[];
  /**
   * The day (`YYYY-MM-DD`, UTC) against which exception expiry dates are checked.
   *
   * @default - the current UTC date
   */
  readonly today?: string;
  /**
   * The least serious open finding that fails the report: `error`, `warning` or `info`.
   *
   * @default 'error'
   */
  readonly failOn?: string;
  /**
   * Whether exception annotations on the objects count. The plugin reviews what `cdk8s synth`
   * of this app wrote, whose annotations the app's own constructs wrote (as
   * `cdk8s-hardened review --trust-annotations`), so they do by default. Set `false` when the
   * app includes YAML it did not write (an `Include` or `Helm` chart, whose annotations the
   * plugin cannot tell from the app's own): annotations are then claims, listed and never
   * applied, and exceptions come from `exceptionsFile` only.
   *
   * @default true
   */
  readonly trustAnnotations?: boolean;
  /**
   * The platform team's exceptions file (see README "Exceptions: who may grant them"),
   * relative to the folder `cdk8s synth` runs in.
   *
   * @default - none
   */
  readonly exceptionsFile?: string;
  /**
   * CustomResourceDefinitions of the cluster the app deploys to (files or folders of CRD YAML,
   * relative to the folder `cdk8s synth` runs in): custom resources are judged against them
   * (`object-schema`), as by `cdk8s-hardened review --crd`.
   *
   * @default - none: custom resources are judged only against CRDs the app writes itself
   */
  readonly crds?: readonly string[];
  /**
   * The platform contract (`platform.json`) published by the synth of the platform that owns the
   * namespaces this app deploys into, relative to the folder `cdk8s synth` runs in: its
   * namespaces count as declared with the facts it records, as with `review --platform`.
   *
   * @default - none: every namespace must be declared in the app's own output
   */
  readonly platformFile?: string;
  /**
   * The registries images may come from (as `HardenedApp` `allowedRegistries` and
   * `cdk8s-hardened review --allowed-registry`).
   *
   * @default - the app's allowedRegistries; none: any registry
   */
  readonly allowedRegistries?: readonly string[];
}

/**
 * What the plugin uses of the CLI's `ValidationContext`: the manifest files, and the report
 * to fill and submit. (Tests pass a fake of this.)
 */
export interface ReviewPluginContext {
  readonly manifests: ValidationContext['manifests'];
  readonly report: Pick<ValidationContext['report'], 'addViolation' | 'submit'>;
}

const PROPERTIES: readonly string[] = [
  'packs',
  'today',
  'failOn',
  'trustAnnotations',
  'exceptionsFile',
  'crds',
  'platformFile',
  'allowedRegistries',
];

/**
 * Reviews the synthesized manifests. Every finding no exception accepts becomes a violation
 * of its rule, listing each object with the field and the problem; the report fails when
 * one of them is an error, as the review does (or a warning or info, with `failOn`); the
 * others are listed but do not fail it. Findings accepted by an exception are only counted
 * (in the summary's metadata).
 */
export class HardenedReviewPlugin implements Validation {
  private readonly packs?: readonly string[];
  private readonly today?: string;
  private readonly failOn: Severity;
  private readonly trustAnnotations: boolean;
  private readonly exceptions?: readonly ExceptionEntry[];
  private readonly customResourceDefinitions: readonly KubeObject[];
  private readonly platform?: PlatformContractSource;
  private readonly allowedRegistries?: readonly string[];
  /** The settings these properties give, to compare with the app's (paths absolute). */
  private readonly own: ReviewInputs;

  /** @throws Error naming the property when `properties` in `cdk8s.yaml` is not valid. */
  constructor(props: HardenedReviewPluginProps = {}) {
    const where = 'HardenedReviewPlugin (cdk8s.yaml validations[].properties)';
    const unknown = Object.keys(props ?? {}).filter((key) => !PROPERTIES.includes(key));
    if (unknown.length) {
      throw new Error(
        `${where}: unknown propert${unknown.length > 1 ? 'ies' : 'y'} ${unknown.map((k) => `'${k}'`).join(', ')}. Known: ${PROPERTIES.join(', ')}.`,
      );
    }
    const { packs, today, failOn, trustAnnotations, exceptionsFile, crds, platformFile, allowedRegistries } = props ?? {};
    if (packs !== undefined) {
      if (!Array.isArray(packs) || packs.some((id) => typeof id !== 'string'))
        throw new Error(`${where}: 'packs' must be a list of pack ids.`);
      const unknownPacks = packs.filter((id) => !packById(id));
      if (unknownPacks.length) {
        throw new Error(
          `${where}: unknown pack${unknownPacks.length > 1 ? 's' : ''} ${unknownPacks.map((id) => `'${id}'`).join(', ')} in 'packs'. ` +
            `Known packs: ${PACKS.map((p) => p.id).join(', ')}.`,
        );
      }
    }
    if (today !== undefined && (typeof today !== 'string' || !isIsoDate(today))) {
      throw new Error(`${where}: 'today' must be a date written YYYY-MM-DD (got '${String(today)}'). Quote it in YAML.`);
    }
    if (failOn !== undefined && !(SEVERITIES as readonly unknown[]).includes(failOn)) {
      throw new Error(`${where}: 'failOn' must be one of ${SEVERITIES.join(', ')} (got '${String(failOn)}').`);
    }
    if (trustAnnotations !== undefined && typeof trustAnnotations !== 'boolean') {
      throw new Error(`${where}: 'trustAnnotations' must be true or false (got '${String(trustAnnotations)}').`);
    }
    if (exceptionsFile !== undefined && (typeof exceptionsFile !== 'string' || exceptionsFile === '')) {
      throw new Error(`${where}: 'exceptionsFile' must be the path of the exceptions file (got '${String(exceptionsFile)}').`);
    }
    if (crds !== undefined && (!Array.isArray(crds) || crds.some((p) => typeof p !== 'string' || p === ''))) {
      throw new Error(`${where}: 'crds' must be a list of CRD files or folders (got '${String(crds)}').`);
    }
    if (allowedRegistries !== undefined) {
      if (!Array.isArray(allowedRegistries) || allowedRegistries.some((e) => typeof e !== 'string'))
        throw new Error(`${where}: 'allowedRegistries' must be a list of registries (got '${String(allowedRegistries)}').`);
      const bad = badRegistryEntry(allowedRegistries);
      if (bad)
        throw new Error(
          `${where}: 'allowedRegistries[${bad.index}]' ${JSON.stringify(bad.entry)} is not a registry entry: ${bad.problem}.`,
        );
    }
    // Read now: a refused file stops synth with its problems, before anything is reviewed.
    if (platformFile !== undefined && (typeof platformFile !== 'string' || platformFile === '')) {
      throw new Error(`${where}: 'platformFile' must be the path of a platform.json (got '${String(platformFile)}').`);
    }
    this.platform = platformFile === undefined ? undefined : readPlatformContract(platformFile);
    this.exceptions = exceptionsFile === undefined ? undefined : readExceptionsFile(exceptionsFile);
    this.own = {
      ...(platformFile === undefined ? {} : { platformFile: path.resolve(platformFile) }),
      ...(exceptionsFile === undefined ? {} : { exceptionsFile: path.resolve(exceptionsFile) }),
      ...(packs === undefined ? {} : { packs }),
      ...(today === undefined ? {} : { today }),
      ...(allowedRegistries === undefined ? {} : { allowedRegistries }),
    };
    this.allowedRegistries = allowedRegistries;
    this.customResourceDefinitions = readCustomResourceDefinitions(crds ?? []);
    this.trustAnnotations = trustAnnotations ?? true;
    this.packs = packs;
    this.today = today;
    this.failOn = (failOn ?? 'error') as Severity;
  }

  public async validate(context: ReviewPluginContext): Promise<void> {
    const { report } = context;
    let manifests: LoadedManifest[];
    try {
      manifests = loadManifests(context.manifests);
    } catch (error) {
      if (!(error instanceof ManifestLoadError)) throw error;
      report.addViolation({
        ruleName: 'manifest-unreadable',
        recommendation: 'Every synthesized manifest can be read as Kubernetes objects.',
        fix: 'Fix the file at the line given; if the app wrote it, report the bug.',
        violatingResources: [
          { resourceName: printable(error.file), manifestPath: printable(error.file), locations: [printable(error.message)] },
        ],
      });
      report.submit('failure', { error: printable(error.message) });
      return;
    }
    const publishedPath = publishedPathLookup();
    const app = publishedCopyOf(context.manifests, publishedPath);
    const appInputs = app?.review ?? {};
    const platform = this.platform ?? (appInputs.platformFile === undefined ? undefined : readPlatformContract(appInputs.platformFile));
    const allowedRegistries = this.allowedRegistries ?? appInputs.allowedRegistries;
    const result = review(manifests, {
      packs: this.packs ?? appInputs.packs,
      today: this.today ?? appInputs.today,
      trustAnnotations: this.trustAnnotations,
      exceptions: this.exceptions ?? (appInputs.exceptionsFile === undefined ? [] : readExceptionsFile(appInputs.exceptionsFile)),
      customResourceDefinitions: this.customResourceDefinitions,
      ...(platform ? { platform } : {}),
      ...(allowedRegistries ? { allowedRegistries } : {}),
    });
    const open = SEVERITIES.flatMap((severity) => result.findings.filter((f) => !f.exception && f.severity === severity));
    const byRule = new Map<string, Finding[]>();
    for (const finding of open) appendTo(byRule, finding.ruleId, finding);
    const shared = sharedNames(manifests);
    for (const findings of byRule.values()) {
      const [first] = findings;
      report.addViolation({
        ruleName: first.ruleId,
        recommendation: `${first.title} (severity: ${first.severity}).`,
        fix: first.remediation,
        violatingResources: violatingResources(findings, app !== undefined, shared, publishedPath),
      });
    }
    const { bySeverity, objects, suppressed } = result.counts;
    const { fromApp, differing } = compareInputs(this.own, appInputs);
    report.submit(passesAt(result, this.failOn) ? 'success' : 'failure', {
      ...(app === undefined ? {} : { 'Published to': printable(app.folder) }),
      ...(fromApp.length ? { "The app's settings used": fromApp.join(', ') } : {}),
      ...(differing.length ? { "Not the app's settings (cdk8s.yaml wins)": printable(differing.join('; ')) } : {}),
      'Objects reviewed': String(objects),
      Packs: result.packs.join(', '),
      Errors: String(bySeverity.error),
      Warnings: String(bySeverity.warning),
      Info: String(bySeverity.info),
      'Accepted by exceptions': String(suppressed),
    });
  }
}

/** What `HardenedReviewPluginProps` names each setting of `ReviewInputs`, and the app's prop. */
const SETTINGS: readonly { key: keyof ReviewInputs; property: string; appProp: string }[] = [
  { key: 'platformFile', property: 'platformFile', appProp: 'platformFile' },
  { key: 'exceptionsFile', property: 'exceptionsFile', appProp: 'exceptionsFile' },
  { key: 'packs', property: 'packs', appProp: 'reviewPacks' },
  { key: 'today', property: 'today', appProp: 'reviewDate' },
  { key: 'allowedRegistries', property: 'allowedRegistries', appProp: 'allowedRegistries' },
];

/** Which of the app's settings the plugin took (its own property unset), and which its own property overrode with another value. */
function compareInputs(own: ReviewInputs, app: ReviewInputs): { fromApp: string[]; differing: string[] } {
  const fromApp: string[] = [];
  const differing: string[] = [];
  const shown = (value: string | readonly string[]) => (typeof value === 'string' ? value : value.join(', '));
  const same = (a: string | readonly string[], b: string | readonly string[]) =>
    typeof a === 'string' || typeof b === 'string' ? a === b : [...a].sort().join('\n') === [...b].sort().join('\n');
  for (const { key, property, appProp } of SETTINGS) {
    const mine = own[key];
    const theirs = app[key];
    if (theirs === undefined) continue;
    if (mine === undefined) fromApp.push(appProp);
    else if (!same(mine, theirs)) differing.push(`${property} '${shown(mine)}', the app's ${appProp} '${shown(theirs)}'`);
  }
  return { fromApp, differing };
}

/**
 * One resource per object, with one location per finding. The CLI looks construct paths up
 * by `resourceName` in construct-metadata.json, keyed by object name only: a HardenedApp adds a
 * key per object (`constructMetadataKey`), used for its copies; for another app the name is
 * used only when no other reviewed object shares it, otherwise the key, which the CLI does not
 * resolve ("N/A") rather than naming another object's construct. The path and locations, which
 * the CLI only prints, have their control characters escaped.
 */
function violatingResources(
  findings: readonly Finding[],
  keyedMetadata: boolean,
  shared: ReadonlySet<string>,
  publishedPath: (manifest: string) => PublishedPath | undefined,
): ValidationViolatingResource[] {
  const byObject = new Map<string, { resourceName: string; manifestPath: string; locations: string[] }>();
  for (const finding of findings) {
    const origin = /^(.*):\d+$/.exec(finding.origin)?.[1] ?? finding.origin;
    // A HardenedApp's copy for the CLI is named by the file it copies, in the published folder.
    const manifestPath = publishedPath(origin)?.file ?? origin;
    const key = `${manifestPath}\u0000${objectLabel(finding.object)}`;
    const { name } = finding.object;
    const resourceName = keyedMetadata || shared.has(name) ? constructMetadataKey(finding.object) : name;
    const resource = byObject.get(key) ?? { resourceName: printable(resourceName), manifestPath: printable(manifestPath), locations: [] };
    resource.locations.push(printable(`${objectLabel(finding.object)} at ${finding.path || '(object)'}: ${finding.message}`));
    byObject.set(key, resource);
  }
  return [...byObject.values()];
}

/** The names more than one reviewed object has. */
function sharedNames(manifests: readonly LoadedManifest[]): Set<string> {
  const seen = new Set<string>();
  const shared = new Set<string>();
  for (const { object } of manifests) {
    const name = String((object.metadata as { name?: unknown } | undefined)?.name ?? '');
    if (seen.has(name)) shared.add(name);
    seen.add(name);
  }
  return shared;
}

/** The published folder and the app's review settings, when the CLI's copies are a HardenedApp's. */
function publishedCopyOf(
  manifests: readonly string[],
  publishedPath: (manifest: string) => PublishedPath | undefined,
): { folder: string; review: ReviewInputs } | undefined {
  for (const manifest of manifests) {
    const published = publishedPath(manifest);
    if (published) return published;
  }
  return undefined;
}
