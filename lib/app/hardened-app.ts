import * as fs from 'node:fs';
import * as path from 'node:path';
import { reviewSectionsOf } from '../core/review-sections';
import { ApiObject, App, AppProps, Include } from 'cdk8s';
import { IConstruct } from 'constructs';
import { HardeningError } from '../core/hardening-error';
import { badRegistryEntry } from '../policy/image-registry';
import { DEFAULT_EXEMPT_NAMESPACES, nonSystemNamespace } from '../policy/control-plane';
import { appendTo } from '../core/append-to';
import { REPORT_FILES } from '../review/reports';
import { createFile } from '../core/files';
import { createStagingDir, discardDir, listFiles, publishDir, PublishLayout, whyNotPublishable } from './publish';
import { CONSTRUCT_METADATA_FILE, ReviewInputs, SynthesizedObject, copyForCli } from '../core/published-copy';
import { _pruneSealingCaches, _saveSealingCachesOnPublish } from '../secrets/sealing-cache';
import { reviewStagedOutput } from './review-gate';
import { installErrorPrinter, isCommandLineApp } from './error-printer';
import { recordWrites } from './written-manifests';
import { synthChartsOnce, withOutdir } from './cdk8s-compat';
import { ExceptionEntry } from '../review/exceptions';
import { ExceptionsFileError, readExceptionsFile } from '../review/exceptions-file';
import { PLATFORM_CONTRACT_FILE, PlatformContractError, PlatformContractSource, readPlatformContract } from '../review/platform-contract';

/** Props of a `HardenedApp`. */
export interface HardenedAppProps extends AppProps {
  /**
   * Folder that receives the reviewed manifests and the review reports. It is replaced as a
   * whole, and only when the review passes, as `publishLayout` says (by default a plain
   * folder). It must not exist, be empty, or be an earlier synth's output; the project
   * folder, a folder holding it or `.git`, and a folder of other files are refused.
   *
   * @default 'dist'
   */
  readonly outdir?: string;

  /**
   * Review packs to apply.
   *
   * @default - every pack
   */
  readonly reviewPacks?: string[];

  /**
   * The day (`YYYY-MM-DD`, UTC) against which exception expiry dates are checked.
   *
   * @default - today
   */
  readonly reviewDate?: string;

  /**
   * How the output folder is published. `PublishLayout.FOLDER` keeps a plain folder, replaced
   * by two renames (a synth that dies between them leaves the previous output beside it, and
   * the next synth puts it back). `PublishLayout.LINK` makes the output folder a symbolic link
   * to a version folder, replaced in one rename, for readers that must never see it missing;
   * name it `dist/` (with the slash) to kubectl and kubeconform, and do not commit it.
   *
   * @default PublishLayout.FOLDER
   */
  readonly publishLayout?: PublishLayout;

  /**
   * The platform team's exceptions file (YAML or JSON, see README "Exceptions: who may grant
   * them"; a path relative to the folder synth runs in), for app teams whose exceptions the
   * platform team grants: its entries accept the
   * findings they name, as `cdk8s-hardened review --exceptions` does. Read and checked when
   * the app is created; a bad entry fails synth with its line.
   *
   * @default - no exceptions file: only the exceptions the app's constructs were given
   */
  readonly exceptionsFile?: string;

  /**
   * Publish this output's platform contract, `platform.json`, beside the manifests: every
   * Namespace it declares with what the review reads of it (Pod Security labels, default-deny
   * isolation, Service quotas). Apps deployed from other repositories into those namespaces
   * point `platformFile` at it. Written only when the review passes, like the manifests.
   *
   * @default false
   */
  readonly publishPlatformContract?: boolean;

  /**
   * The platform contract (`platform.json`) published by the synth of the platform that owns
   * this app's namespaces (a path relative to the folder synth runs in). Its namespaces count
   * as declared, with the facts it records, so workloads in them pass without exceptions; a
   * namespace declared both there and in this app is refused. Read and checked when the app is
   * created; REVIEW.md names it and its SHA-256.
   *
   * @default - no contract: workloads must run in namespaces this app declares
   */
  readonly platformFile?: string;

  /**
   * Print an error that ends the process as one line (`Error: [path] field: fix`) instead of a
   * stack trace, and exit 1. The handler is process-wide (`uncaughtException`), so by default
   * it is installed only for an app run from the command line: under `cdk8s synth`, or when the
   * process's entry script is the file that creates the app. A test, a server or a tool that
   * imports the library keeps its own error handling; set `false` to keep yours in an app too.
   *
   * @default - true for an app run from the command line, false when the library is imported
   */
  readonly printErrors?: boolean;

  /**
   * Write the review's rules as ValidatingAdmissionPolicies (with their bindings) into
   * `admission-policies/` of the output, so the cluster refuses what the review refuses, for
   * anything applied by anyone: one policy per kind of object and severity, the exceptions this
   * review applied written in (an annotation on an object grants nothing there), bound in the
   * namespaces this output declares and in every other namespace but the exempt ones. Policies
   * are cluster-wide: let one app per cluster, the platform's, write them. REVIEW.md lists what
   * each rule becomes in the cluster, and why some stay synth-time only.
   *
   * @default false
   */
  readonly admissionPolicies?: boolean;

  /**
   * The namespaces the admission policies leave alone: system namespaces only (`kube-system`,
   * `kube-*`, `*-system`), as the Pod Security admission configuration exempts them.
   *
   * @default ['kube-system']
   */
  readonly admissionExemptNamespaces?: string[];

  /**
   * The registries (or repository prefixes) images may come from, for the
   * `image-registry-allowed` rule and its admission policy: `ghcr.io/example`,
   * `registry.internal:5000`, `docker.io/library` (Docker Hub's official images). A
   * namespace's `allowedRegistries` narrows it there.
   *
   * @default - any registry
   */
  readonly allowedRegistries?: string[];
}

/** Options of `HardenedApp.addFile`. */
export interface AddFileOptions {
  /**
   * Trust the exception annotations (`exception.hardened.cdk8s.io/<rule-id>`) of the file's
   * objects. A file added with `addFile` holds YAML the constructs did not write, so by
   * default its annotations are claims: reported, never applied. Set it only for a file
   * whose content the app team reviews like code.
   *
   * @default false
   */
  readonly trustExceptionAnnotations?: boolean;
}

/**
 * A cdk8s `App` whose synth is gated by the review: the manifests are written to a staging
 * folder, every object is reviewed, the reports are written next to them, and only then is
 * the staging folder moved into place. An error-level finding without an exception fails
 * synth and leaves the previous output untouched.
 *
 * When run by the cdk8s CLI, the reviewed manifests are also copied to the CLI's output
 * folder (`CDK8S_OUTDIR`) so `cdk8s synth --validate` and its listing see them.
 */
export class HardenedApp extends App {
  /** Where reviewed output is published. */
  public readonly publishDir: string;
  private readonly reviewPacks?: string[];
  private readonly reviewDate?: string;
  private readonly publishLayout: PublishLayout;
  private readonly extraFiles = new Map<string, string>();
  private readonly trustedFiles = new Set<string>();
  private readonly trustedScopes = new Set<IConstruct>();
  private readonly exceptions: readonly ExceptionEntry[];
  private readonly platform?: PlatformContractSource;
  private readonly publishPlatformContract: boolean;
  private readonly allowedRegistries?: readonly string[];
  private readonly admissionExemptNamespaces?: readonly string[];
  /** What the validation plugin needs to review the CLI's copies as the gate did. */
  private readonly reviewInputs: ReviewInputs;

  constructor(props: HardenedAppProps = {}) {
    const publishTo = props.outdir ?? 'dist';
    super({ ...props, outdir: publishTo });
    this.publishDir = publishTo;
    this.publishLayout = props.publishLayout ?? PublishLayout.FOLDER;
    this.reviewPacks = props.reviewPacks;
    this.reviewDate = props.reviewDate;
    if (props.printErrors ?? isCommandLineApp(process.env, process.argv[1], new Error().stack ?? '')) installErrorPrinter();
    this.exceptions = readAppExceptionsFile(this, props.exceptionsFile);
    this.platform = readAppPlatformContract(this, props.platformFile);
    this.publishPlatformContract = props.publishPlatformContract ?? false;
    this.allowedRegistries = checkedRegistries(this, props.allowedRegistries);
    this.admissionExemptNamespaces = checkedAdmissionExemptions(this, props);
    this.reviewInputs = {
      ...(props.platformFile === undefined ? {} : { platformFile: path.resolve(props.platformFile) }),
      ...(props.exceptionsFile === undefined ? {} : { exceptionsFile: path.resolve(props.exceptionsFile) }),
      ...(props.reviewPacks === undefined ? {} : { packs: [...props.reviewPacks] }),
      ...(props.reviewDate === undefined ? {} : { today: props.reviewDate }),
      ...(props.allowedRegistries === undefined ? {} : { allowedRegistries: [...props.allowedRegistries] }),
    };
    this.checkOutdir();
    // The sealing cache (committed) is written when the output is published, never by a failed review.
    _saveSealingCachesOnPublish(this);
  }

  /**
   * Adds a file that is not a chart's manifest (for example a control plane configuration)
   * to the output: it is written into the staging folder with the manifests and published
   * with them, as one output. It must be a `.yaml`, `.yml` or `.json` file (lower case: the names
   * kubectl reads from a folder) holding Kubernetes-style objects (`apiVersion` and `kind`),
   * and is reviewed like the manifests. Other names are refused: nothing unreviewed is
   * published (Argo CD, for one, renders `.jsonnet` files it finds).
   *
   * @param relativePath where in the output folder, with `/` separators: `control-plane/audit-policy.yaml`
   * @param content the file's text
   * @param options whether its exception annotations are trusted (by default they are not)
   */
  public addFile(relativePath: string, content: string, options: AddFileOptions = {}): void {
    this.add(relativePath, content, true);
    if (options.trustExceptionAnnotations) this.trustedFiles.add(relativePath);
  }

  /**
   * Trusts the exception annotations of the objects under `scope`, an `Include` or `Helm`
   * chart whose YAML the app team reviews like code. The objects of an `Include` come from
   * YAML the constructs did not write, so by default their annotations are claims: reported
   * (`exception-not-trusted`), never applied. Prefer the platform team's `exceptionsFile`.
   */
  public trustExceptionAnnotations(scope: IConstruct): void {
    this.trustedScopes.add(scope);
  }

  /**
   * Adds a `README.md` the library writes itself (ControlPlaneHardening's install notes) to
   * `folder` of the output. No Kubernetes tool reads Markdown from a folder, so it is
   * published unreviewed; users add reviewed files only (`addFile`).
   *
   * @internal
   */
  public _addReadme(folder: string, markdown: string): void {
    this.add(`${folder}/README.md`, markdown, false);
  }

  private add(relativePath: string, content: string, reviewed: boolean): void {
    const parts = relativePath.split('/');
    if (relativePath.startsWith('/') || relativePath.includes('\\') || parts.some((p) => p === '' || p === '.' || p === '..')) {
      throw new HardeningError(
        this,
        `addFile: '${relativePath}' must be a relative path inside the output folder, with '/' separators and no '.' or '..' parts. For example 'control-plane/audit-policy.yaml'.`,
      );
    }
    if (reviewed && !REVIEWED_FILE.test(relativePath)) {
      throw new HardeningError(
        this,
        `addFile: '${relativePath}' cannot be reviewed, so it is not published: only .yaml, .yml and .json files are (lower case, the names kubectl reads from a folder). Give it one of those extensions, or keep it out of the output folder.`,
      );
    }
    if (
      this.extraFiles.has(relativePath) ||
      (parts.length === 1 && [...Object.values(REPORT_FILES), PLATFORM_CONTRACT_FILE].includes(relativePath))
    ) {
      throw new HardeningError(this, `addFile: '${relativePath}' is already written by this app. Give each file its own path.`);
    }
    this.extraFiles.set(relativePath, content);
  }

  /** The paths added with `addFile`, in the order added. */
  public get addedFiles(): readonly string[] {
    return [...this.extraFiles.keys()];
  }

  /**
   * Synthesizes, reviews and publishes. Throws `ReviewFailedError` (and publishes nothing)
   * when an error-level finding has no exception.
   */
  public synth(): void {
    this.checkOutdir();
    const staging = createStagingDir(this.publishDir);
    let constructMetadata: string | undefined;
    let apiObjects: ApiObjectIndex | undefined;
    try {
      // cdk8s writes into `this.outdir`; point it at the staging folder for this one synth.
      // The review reads the documents cdk8s serialized, not the files parsed back (see recordWrites);
      // each chart is rendered without repeating the whole-app pass cdk8s makes (see synthChartsOnce).
      const rendered = new Map<ApiObject, unknown>();
      const written = withOutdir(this, staging, () => recordWrites(() => synthChartsOnce(() => super.synth(), rendered)));
      constructMetadata = takeFile(staging, CONSTRUCT_METADATA_FILE);
      apiObjects = indexApiObjects(this, this.trustedScopes, rendered);
      this.writeAddedFiles(staging);
      reviewStagedOutput(staging, this.publishDir, {
        extension: this.outputFileExtension,
        extraFiles: this.addedFiles.filter((file) => REVIEWED_FILE.test(file)),
        unreviewedFiles: this.addedFiles.filter((file) => !REVIEWED_FILE.test(file)),
        originOf: apiObjects.originOf,
        annotationsTrusted: apiObjects.annotationsTrusted,
        exceptions: this.exceptions,
        trustedExtraFiles: this.trustedFiles,
        packs: this.reviewPacks,
        today: this.reviewDate,
        written,
        platform: this.platform,
        writePlatformContract: this.publishPlatformContract,
        ...(this.allowedRegistries ? { allowedRegistries: this.allowedRegistries } : {}),
        ...(this.admissionExemptNamespaces ? { admissionPolicies: { exemptNamespaces: this.admissionExemptNamespaces } } : {}),
        reviewSections: reviewSectionsOf(this),
      });
    } catch (e) {
      discardDir(staging);
      throw e;
    }
    publishDir(staging, this.publishDir, this.publishLayout);
    // Only now is it certain which sealed values this app still has: the sealing cache is saved here.
    _pruneSealingCaches(this, this.publishDir);
    const cliOutdir = process.env.CDK8S_OUTDIR;
    if (cliOutdir && path.resolve(cliOutdir) !== path.resolve(this.publishDir)) {
      // Every file the review read, so the CLI's plugins see (and count) what REVIEW.md counts.
      const reviewed = listFiles(this.publishDir).filter(
        (file) => file.endsWith(this.outputFileExtension) || this.extraFiles.has(file.split(path.sep).join('/')),
      );
      copyForCli(
        this.publishDir,
        cliOutdir,
        reviewed.filter((file) => REVIEWED_FILE.test(file)),
        {
          review: this.reviewInputs,
          ...(constructMetadata === undefined ? {} : { constructMetadata: { text: constructMetadata, objects: apiObjects!.synthesized } }),
        },
      );
    }
  }

  /** Refuses an output folder whose replacement would destroy what synth did not write (see `whyNotPublishable`). */
  private checkOutdir(): void {
    const problem = whyNotPublishable(this.publishDir);
    if (problem !== undefined) throw new HardeningError(this, `HardenedApp 'outdir' '${this.publishDir}' ${problem}`);
  }

  /** Writes the files given to `addFile` into the staging folder; a clash with a manifest is an error. */
  private writeAddedFiles(staging: string): void {
    for (const [relative, content] of this.extraFiles) {
      const file = path.join(staging, ...relative.split('/'));
      fs.mkdirSync(path.dirname(file), { recursive: true });
      try {
        createFile(file, content);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        throw new HardeningError(this, `addFile: '${relative}' would replace a file the charts wrote. Give it another path.`);
      }
    }
  }
}

// cdk8s writes CONSTRUCT_METADATA_FILE when `CDK8S_RECORD_CONSTRUCT_METADATA=true` (set by
// `cdk8s synth` when `cdk8s.yaml` declares validations). It goes to the CLI's output folder only,
// never to the published folder, whose content must not depend on how synth was started.

/** The files `addFile` accepts: those kubectl reads from a folder, which the gate reviews. */
const REVIEWED_FILE = /\.(yaml|yml|json)$/;

/** Reads and removes `dir/name`; `undefined` when there is no such file. */
function takeFile(dir: string, name: string): string | undefined {
  const file = path.join(dir, name);
  if (!fs.existsSync(file)) return undefined;
  const text = fs.readFileSync(file, 'utf8');
  fs.rmSync(file);
  return text;
}

/** What the gate and the CLI need to know of the app's ApiObjects, found in one walk of the construct tree. */
interface ApiObjectIndex {
  /**
   * The construct paths of an object, by `apiVersion|kind|namespace|name` (two: it is defined
   * twice), so findings name the construct a user wrote rather than a file offset.
   */
  readonly originOf: (object: Record<string, unknown>) => readonly string[];
  /**
   * Whether the app trusts an object's exception annotations: it does for the objects its
   * constructs created, except those under an `Include` (a `Helm` chart is one) that the app
   * did not trust with `trustExceptionAnnotations`. One key on several objects is trusted only
   * if each is.
   */
  readonly annotationsTrusted: (object: Record<string, unknown>) => boolean;
  /** Every ApiObject of the app with its construct path, for the CLI's construct metadata. */
  readonly synthesized: readonly SynthesizedObject[];
}

function indexApiObjects(
  root: IConstruct,
  trustedScopes: ReadonlySet<IConstruct>,
  rendered: ReadonlyMap<ApiObject, unknown>,
): ApiObjectIndex {
  const paths = new Map<string, string[]>();
  const trusted = new Map<string, boolean>();
  const synthesized: SynthesizedObject[] = [];
  for (const node of root.node.findAll()) {
    if (!ApiObject.isApiObject(node)) continue;
    const api = node as ApiObject;
    // From the rendered object, as the review reads it: patches may have moved what `metadata` holds
    // (clusterScoped() removes the namespace a chart gives every object). The synth rendered it already.
    const json = (rendered.get(api) ?? api.toJson()) as { metadata?: { namespace?: string; name?: string } };
    const namespace = json.metadata?.namespace;
    const key = objectKey(api.apiVersion, api.kind, namespace, json.metadata?.name ?? api.name);
    // `shop/web/Resource/Resource` is the Deployment of `shop/web`: name the construct the user wrote.
    appendTo(paths, key, node.node.path.replace(/(\/Resource)+$/, ''));
    const scopes = node.node.scopes;
    const fromInclude = scopes.some((scope) => scope instanceof Include) && !scopes.some((scope) => trustedScopes.has(scope));
    trusted.set(key, (trusted.get(key) ?? true) && !fromInclude);
    synthesized.push({ kind: api.kind, namespace, name: api.name, constructPath: node.node.path });
  }
  const keyOf = (object: Record<string, unknown>) => {
    const metadata = (object.metadata ?? {}) as { namespace?: string; name?: string };
    return objectKey(String(object.apiVersion), String(object.kind), metadata.namespace, metadata.name);
  };
  return {
    originOf: (object) => paths.get(keyOf(object)) ?? [],
    annotationsTrusted: (object) => trusted.get(keyOf(object)) ?? false,
    synthesized,
  };
}

/** The registry allowlist, each entry checked: a wrong one would allow nothing, or too much. */
function checkedRegistries(app: HardenedApp, entries: readonly string[] | undefined): readonly string[] | undefined {
  if (entries === undefined) return undefined;
  const bad = badRegistryEntry(entries);
  if (bad) {
    throw new HardeningError(
      app,
      `'allowedRegistries[${bad.index}]' ${JSON.stringify(bad.entry)} is not a registry entry: ${bad.problem}. For example 'ghcr.io/example' or 'docker.io/library'.`,
    );
  }
  return Object.freeze([...entries]);
}

/** The namespaces the admission policies exempt when they are written, checked; `undefined` when they are not written. */
function checkedAdmissionExemptions(app: HardenedApp, props: HardenedAppProps): readonly string[] | undefined {
  if (!props.admissionPolicies) {
    if (props.admissionExemptNamespaces !== undefined) {
      throw new HardeningError(
        app,
        `'admissionExemptNamespaces' is set but 'admissionPolicies' is not true. Set admissionPolicies: true, or remove admissionExemptNamespaces.`,
      );
    }
    return undefined;
  }
  const exempt = props.admissionExemptNamespaces ?? DEFAULT_EXEMPT_NAMESPACES;
  const bad = nonSystemNamespace(exempt);
  if (bad) {
    throw new HardeningError(
      app,
      `'admissionExemptNamespaces[${bad.index}]' must be a system namespace (kube-system, kube-*, *-system; got ${JSON.stringify(bad.namespace)}): the policies judge every other namespace.`,
    );
  }
  return Object.freeze([...new Set(exempt)]);
}

/** Reads the app's exceptions file; a refused one is a `HardeningError` listing its problems. */
function readAppExceptionsFile(app: HardenedApp, file: string | undefined): ExceptionEntry[] {
  if (file === undefined) return [];
  try {
    return readExceptionsFile(file);
  } catch (error) {
    if (error instanceof ExceptionsFileError) throw new HardeningError(app, `'exceptionsFile': ${error.message}`);
    throw error;
  }
}

/** Reads the app's platform contract; a refused one is a `HardeningError` naming the file, the field and the fix. */
function readAppPlatformContract(app: HardenedApp, file: string | undefined): PlatformContractSource | undefined {
  if (file === undefined) return undefined;
  try {
    return readPlatformContract(file);
  } catch (error) {
    if (error instanceof PlatformContractError) throw new HardeningError(app, `'platformFile': ${error.message}`);
    throw error;
  }
}

function objectKey(apiVersion: string, kind: string, namespace: string | undefined, name: string | undefined): string {
  return `${apiVersion}|${kind}|${namespace ?? ''}|${name ?? ''}`;
}
