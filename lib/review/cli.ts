import * as fs from 'node:fs';
import { parseArgs } from 'node:util';
import * as path from 'node:path';
import { compareText } from '../core/compare-text';
import { isIsoDate } from '../core/exceptions';
import { createFile, MARKER_FILE } from '../core/files';
import { folderEntries, someEntries } from '../core/folder-entries';
import { badRegistryEntry } from '../policy/image-registry';
import { DEFAULT_EXEMPT_NAMESPACES, nonSystemNamespace } from '../policy/control-plane';
import { admissionPolicyFiles } from './admission/admission-report';
import { clusterPolicies } from './admission/cluster-policies';
import { trivyIgnoreFor } from './trivy-ignore-file';
import { trivyIgnoreYaml } from '../policy/trivy-ignore';
import { printable, printableLines } from '../core/printable';
import { readCustomResourceDefinitions } from './crd-files';
import { passesAt, review } from './engine';
import { LoadedManifest, ManifestLoadError, parseManifests } from './load';
import { decodeManifest, readManifests, SkippedPath, unreadable } from './manifest-files';
import { KubeObject, ReviewResult, SEVERITIES, Severity } from './model';
import { inNamespace, namespaceNameProblem } from './namespace-param';
import { PlatformContractError, readPlatformContract } from './platform-contract';
import { ExceptionsFileError, readExceptionsFile } from './exceptions-file';
import { PACKS, packById } from './packs';
import { reviewJson, reviewSarif } from './reports';
import { reviewTextReport } from './text-report';

/**
 * `cdk8s-hardened review`: the review engine as a command, for any YAML (Helm output,
 * kustomize builds, our own `dist/`). `bin/cdk8s-hardened.js` calls `main`; tests call it
 * in-process with their own output streams.
 */

/** Where the command writes, and where `-` reads from. `process` fits. */
export interface CliIo {
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { write(text: string): unknown };
  /** The whole of standard input, for the path `-`. @default - file descriptor 0, read to its end */
  readonly readStdin?: () => string;
}

/** The name `-` gets in origins and messages. */
export const STDIN_NAME = '<stdin>';

/** The exit codes of `cdk8s-hardened`. */
export const EXIT_CODES = {
  /** No error-level finding without an exception (warnings may remain). */
  passed: 0,
  /** At least one error-level finding without an exception. */
  failed: 1,
  /** Bad usage, or input that could not be read: nothing was reviewed. */
  unusable: 2,
} as const;

/** The output formats of `review`. */
export const FORMATS = ['text', 'json', 'sarif'] as const;
type Format = (typeof FORMATS)[number];

const NAME = 'cdk8s-hardened';

/** The text `--help` prints. */
export function usage(): string {
  return [
    `Usage: ${NAME} review PATH... [--format text|json|sarif] [--pack NAME]... [--today YYYY-MM-DD]`,
    '                              [--fail-on LEVEL] [--exclude GLOB]... [--skip-non-k8s]',
    '                              [--exceptions FILE]... [--trust-annotations] [--crd PATH]...',
    '                              [--platform FILE] [--namespace NAME] [--allowed-registry ENTRY]...',
    '                              [--admission-policies DIR [--admission-exempt NS]...]',
    '                              [--trivy-ignore FILE]',
    `       ${NAME} init [DIR]   (a new cdk8s project using the library; see README)`,
    '',
    'Reviews Kubernetes manifests against the cdk8s-hardened rules. PATH is a file or a folder',
    '(read recursively: .yaml, .yml, .json), or - for standard input; multi-document files and',
    'List objects are split into their objects. Works on any YAML: Helm or kustomize output,',
    'kubectl exports, dist/. For example: helm template my-chart | cdk8s-hardened review -',
    'Only regular files are read (a FIFO or a device is refused: pipe it to - instead).',
    '',
    'Options:',
    '  --format FORMAT    text (one line per open finding, then a summary), json or sarif',
    '                     (the review.json and review.sarif reports). Default: text.',
    '  --pack NAME        a pack to apply; repeat it, or separate names with commas.',
    '                     Default: every pack. The packs:',
    ...PACKS.map((p) => `                       ${p.id.padEnd(20)}${p.title}`),
    '  --today DATE       the day (YYYY-MM-DD, UTC) exception expiry dates are checked',
    '                     against. Default: the current UTC date.',
    '  --fail-on LEVEL    exit 1 on an open finding of this severity or a more serious one:',
    '                     error, warning or info. Default: error.',
    '  --exclude GLOB     do not read the files and folders below a PATH folder that match',
    '                     GLOB, matched against their path relative to that folder with /',
    '                     separators (*, **, ?, [abc], {a,b}; dot files match too), for',
    "                     example --exclude '.github/**' --exclude 'charts/**/values.yaml'.",
    '                     Repeatable. A file given as PATH is always read.',
    '  --skip-non-k8s     skip files in which no document has both apiVersion and kind (CI',
    '                     workflows, Helm values.yaml, docker-compose.yml) instead of',
    '                     refusing them. A file that is not valid YAML is still refused.',
    '                     Skipped and excluded paths are listed (text: "skipped [PATH] ...",',
    '                     json and sarif: "skipped").',
    '  --exceptions FILE  the exceptions the platform team grants (YAML or JSON: rule, kind,',
    '                     namespace, name, accepts, reason, expires; see the README section',
    '                     "Exceptions: who may grant them"). Repeatable. A file with a bad',
    '                     entry is refused with one error per problem (exit 2).',
    '  --trust-annotations  accept exception annotations (exception.hardened.cdk8s.io/RULE)',
    '                     on the objects. Without it they are claims anyone could write: they',
    '                     accept nothing and are listed as exception-not-trusted warnings.',
    '                     Give it only for output your own cdk8s app synthesized.',
    '  --crd PATH         CustomResourceDefinitions (a file or a folder of YAML) of the cluster',
    '                     the objects go to: custom resources of their groups are judged against',
    '                     them (object-schema), as against CRDs among the objects. Repeatable;',
    '                     anything but a CRD there is refused (exit 2).',
    "  --platform FILE    the platform contract (platform.json) a platform's synth published",
    '                     (HardenedApp publishPlatformContract): the namespaces it declares',
    '                     count as declared, with its Pod Security, default-deny and quota',
    '                     facts. A Namespace both in it and in PATH is refused (exit 2).',
    '  --namespace NAME   read the objects as kubectl apply -n NAME would: namespaced objects',
    '                     without a namespace get NAME; one with another namespace is refused',
    '                     as kubectl refuses it (exit 2); cluster-scoped kinds keep none.',
    '  --allowed-registry ENTRY  a registry images may come from (image-registry-allowed):',
    '                     a host (with a dot or a port, or localhost) and optionally a path',
    '                     prefix, such as ghcr.io/example or docker.io/library. Repeat it, or',
    '                     separate entries with commas. Default: any registry.',
    '  --admission-policies DIR  when the review passes (exit 0), write the',
    '                     ValidatingAdmissionPolicies generated from it into DIR, one file per',
    '                     policy: the rules of the packs it ran, the exceptions it applied (an',
    '                     untrusted annotation grants nothing), bound by name in the Namespaces',
    '                     among the objects and by a second binding everywhere else. DIR must',
    '                     not exist or be empty (exit 2); nothing is written when the review fails.',
    '  --admission-exempt NS  a namespace the policies do not judge: a system namespace',
    '                     (kube-system, kube-*, *-system). Repeatable. Default: kube-system.',
    "  --trivy-ignore FILE  when the review passes (exit 0), write Trivy's ignore file (its YAML",
    '                     format) to FILE: the Trivy checks of each exception the review applied,',
    '                     on the files of the objects it applied to, with its reason, and the',
    '                     checks that do not apply; with --trust-annotations, also the object',
    '                     skips our constructs write (trivy.hardened.cdk8s.io/ignore). Needs',
    '                     one folder as PATH (paths are relative to it) and a FILE outside it',
    '                     ending .yaml or .yml. Then: trivy config --ignorefile FILE PATH',
    '  -h, --help         print this text.',
    '',
    'Exit codes: 0 no error finding without an exception (warnings may remain);',
    '            1 at least one error finding without an exception (with --fail-on,',
    '              one of that severity or a more serious one);',
    '            2 bad usage or unreadable input (nothing was reviewed).',
    '',
  ].join('\n');
}

/** Thrown for a mistake on the command line: printed with the usage text. */
class UsageError extends Error {}

interface ReviewCommand {
  readonly paths: readonly string[];
  readonly format: Format;
  readonly packs?: readonly string[];
  readonly today?: string;
  /** The least serious open finding that fails the review. */
  readonly failOn: Severity;
  readonly exclude: readonly string[];
  readonly skipNonObjects: boolean;
  /** The exceptions files given with --exceptions. */
  readonly exceptionsFiles: readonly string[];
  readonly trustAnnotations: boolean;
  /** The files and folders of CRDs given with --crd. */
  readonly crdPaths: readonly string[];
  /** The platform contract given with --platform. */
  readonly platformFile?: string;
  /** The namespace given with --namespace. */
  readonly namespace?: string;
  /** The registry allowlist given with --allowed-registry, each entry checked. */
  readonly allowedRegistries?: readonly string[];
  /** Where --admission-policies writes the policies once the review passes, and the namespaces they leave alone. */
  readonly admission?: { readonly dir: string; readonly exemptNamespaces: readonly string[] };
  /** Where --trivy-ignore writes Trivy's ignore file once the review passes. */
  readonly trivyIgnore?: string;
}

/**
 * Runs `cdk8s-hardened` with `argv` (the arguments after the program name) and returns the
 * exit code (see `EXIT_CODES`). Reports and findings go to `io.stdout`; problems with the
 * command line or the input go to `io.stderr`.
 */
export function main(argv: readonly string[], io: CliIo): number {
  try {
    if (argv.length === 1 && ['-h', '--help', 'help'].includes(argv[0])) {
      io.stdout.write(usage());
      return EXIT_CODES.passed;
    }
    if (argv.length === 0) throw new UsageError("missing command: 'review' or 'init'.");
    if (argv[0] !== 'review') throw new UsageError(`unknown command '${argv[0]}': the commands are 'review' and 'init'.`);
    const command = parseReviewArgs(argv.slice(1));
    if (command === 'help') {
      io.stdout.write(usage());
      return EXIT_CODES.passed;
    }
    return runReview(command, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr.write(`${NAME}: ${printable(error.message)}\n\n${usage()}`);
    } else if (error instanceof ManifestLoadError) {
      io.stderr.write(`${NAME}: cannot review: ${printable(error.message)}\n`);
    } else if (error instanceof PlatformContractError) {
      io.stderr.write(`${NAME}: cannot review: ${printable(error.message)}\n`);
    } else if (error instanceof AdmissionOutputError) {
      io.stderr.write(`${NAME}: ${printable(error.message)}\n`);
    } else if (error instanceof ExceptionsFileError) {
      io.stderr.write(`${NAME}: cannot review: ${printableLines(error.message)}\n`);
    } else {
      // A bug of ours, not the input's: one line saying so; the stack only when asked for.
      const detail = process.env.CDK8S_HARDENED_DEBUG
        ? ((error as { stack?: string }).stack ?? String(error))
        : printable(error instanceof Error ? error.message : String(error));
      io.stderr.write(
        `${NAME}: unexpected error (a bug in ${NAME}: please report it with the input; CDK8S_HARDENED_DEBUG=1 prints its stack): ${detail}\n`,
      );
    }
    return EXIT_CODES.unusable;
  }
}

function parseReviewArgs(args: readonly string[]): ReviewCommand | 'help' {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...args],
      allowPositionals: true,
      strict: true,
      options: {
        format: { type: 'string' },
        pack: { type: 'string', multiple: true },
        today: { type: 'string' },
        'fail-on': { type: 'string' },
        exclude: { type: 'string', multiple: true },
        'skip-non-k8s': { type: 'boolean' },
        exceptions: { type: 'string', multiple: true },
        'trust-annotations': { type: 'boolean' },
        crd: { type: 'string', multiple: true },
        platform: { type: 'string', multiple: true },
        namespace: { type: 'string', multiple: true },
        'allowed-registry': { type: 'string', multiple: true },
        'admission-policies': { type: 'string', multiple: true },
        'admission-exempt': { type: 'string', multiple: true },
        'trivy-ignore': { type: 'string', multiple: true },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    // util.parseArgs explains unknown options and missing values well; keep its words. (Its
    // errors come from node's own realm, so `instanceof Error` can be false, as under jest.)
    throw new UsageError(String((error as { message?: unknown }).message ?? error));
  }
  const { values, positionals } = parsed;
  if (values.help) return 'help';
  if (positionals.length === 0) throw new UsageError('review needs at least one file or folder to read.');

  const format = values.format ?? 'text';
  if (!(FORMATS as readonly string[]).includes(format)) {
    throw new UsageError(`unknown format '${format}': use ${FORMATS.join(', ')}.`);
  }
  const packs = commaSeparated(values.pack);
  if (values.pack && packs?.length === 0) throw new UsageError('--pack needs a pack name.');
  const unknown = (packs ?? []).filter((id) => !packById(id));
  if (unknown.length) {
    throw new UsageError(
      `unknown pack${unknown.length > 1 ? 's' : ''} ${unknown.map((id) => `'${id}'`).join(', ')}. ` +
        `Known packs: ${PACKS.map((p) => p.id).join(', ')}.`,
    );
  }
  if (values.today !== undefined && !isIsoDate(values.today)) {
    throw new UsageError(`--today must be a date written YYYY-MM-DD (got '${values.today}').`);
  }
  if (positionals.filter((p) => p === '-').length > 1) throw new UsageError('- (standard input) can be given once.');
  const failOn = values['fail-on'] ?? 'error';
  if (!(SEVERITIES as readonly string[]).includes(failOn)) {
    throw new UsageError(`--fail-on must be one of ${SEVERITIES.join(', ')} (got '${failOn}').`);
  }
  const exceptionsFiles = values.exceptions ?? [];
  if (exceptionsFiles.some((file) => file === '')) throw new UsageError('--exceptions needs a file, such as platform/exceptions.yaml.');
  const exclude = values.exclude ?? [];
  for (const glob of exclude) {
    if (glob === '') throw new UsageError("--exclude needs a glob, such as 'charts/**'.");
    if (glob.startsWith('/'))
      throw new UsageError(`--exclude globs match paths relative to the folder given (got '${glob}'): drop the leading /.`);
  }
  const platformFile = single(values.platform, '--platform', 'a platform.json file, such as ../platform/dist/platform.json');
  const namespace = single(values.namespace, '--namespace', 'a namespace name, such as shop');
  const namespaceProblem = namespace === undefined ? undefined : namespaceNameProblem(namespace);
  if (namespaceProblem) throw new UsageError(`--namespace ${namespaceProblem}.`);
  const allowedRegistries = checkedRegistries(values['allowed-registry']);
  const admission = admissionOutput(values['admission-policies'], values['admission-exempt']);
  const trivyIgnore = trivyIgnoreOutput(values['trivy-ignore'], positionals);
  return {
    paths: positionals,
    format: format as Format,
    packs,
    today: values.today,
    failOn: failOn as Severity,
    exclude,
    skipNonObjects: values['skip-non-k8s'] ?? false,
    exceptionsFiles,
    trustAnnotations: values['trust-annotations'] ?? false,
    crdPaths: values.crd ?? [],
    ...(platformFile !== undefined ? { platformFile } : {}),
    ...(namespace !== undefined ? { namespace } : {}),
    ...(allowedRegistries ? { allowedRegistries } : {}),
    ...(admission ? { admission } : {}),
    ...(trivyIgnore !== undefined ? { trivyIgnore } : {}),
  };
}

/** --trivy-ignore FILE: one folder to review (Trivy names files relative to it), FILE outside it, in Trivy's YAML format. */
function trivyIgnoreOutput(files: readonly string[] | undefined, positionals: readonly string[]): string | undefined {
  const file = single(files, '--trivy-ignore', "a file to write Trivy's ignore file to, such as trivyignore.yaml");
  if (file === undefined) return undefined;
  if (!/\.ya?ml$/.test(file))
    throw new UsageError(`--trivy-ignore ${file}: Trivy reads its YAML format only from a file ending .yaml or .yml.`);
  const folder = positionals[0];
  if (positionals.length !== 1 || folder === '-' || !isFolder(folder)) {
    throw new UsageError(
      `--trivy-ignore needs exactly one folder as PATH (the ignore file names files relative to it; got ${positionals.join(' ')}).`,
    );
  }
  const relative = path.relative(path.resolve(folder), path.resolve(file));
  if (!relative.startsWith('..') && !path.isAbsolute(relative)) {
    throw new UsageError(
      `--trivy-ignore ${file} is inside ${folder}: write it outside, where kubectl, Argo CD and this review will not read it as a manifest.`,
    );
  }
  // Reviewing one chart's folder of dist/ must not put the file into dist/ beside it.
  const published = publishedFolderAround(path.dirname(path.resolve(file)));
  if (published) {
    throw new UsageError(
      `--trivy-ignore ${file} is inside ${published}, an output a synth published (it holds ${MARKER_FILE}): write it outside, where kubectl, Argo CD and this review will not read it as a manifest.`,
    );
  }
  return file;
}

/** The nearest folder at or above `dir` that holds a synth's marker file, if any. */
function publishedFolderAround(dir: string): string | undefined {
  for (let at = dir; ; at = path.dirname(at)) {
    if (fs.existsSync(path.join(at, MARKER_FILE))) return at;
    if (path.dirname(at) === at) return undefined;
  }
}

function isFolder(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/** The values of a repeatable option that also takes comma-separated lists (--pack a,b --pack c). */
function commaSeparated(values: readonly string[] | undefined): string[] | undefined {
  return values
    ?.flatMap((value) => value.split(','))
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

/** The --allowed-registry entries, each checked: a wrong one would allow nothing, or too much. */
function checkedRegistries(values: readonly string[] | undefined): readonly string[] | undefined {
  const entries = commaSeparated(values);
  if (entries?.length === 0) throw new UsageError('--allowed-registry needs a registry entry, such as ghcr.io/example.');
  const bad = badRegistryEntry(entries ?? []);
  if (bad) {
    throw new UsageError(
      `--allowed-registry '${String(bad.entry)}' is not a registry entry: ${bad.problem}. For example ghcr.io/example or docker.io/library.`,
    );
  }
  return entries && [...new Set(entries)];
}

/** --admission-policies DIR with its --admission-exempt namespaces (system namespaces only). */
function admissionOutput(
  dirs: readonly string[] | undefined,
  exempt: readonly string[] | undefined,
): ReviewCommand['admission'] | undefined {
  const dir = single(dirs, '--admission-policies', 'a folder to write the policies to, such as dist/admission-policies');
  if (dir === undefined) {
    if (exempt !== undefined)
      throw new UsageError('--admission-exempt is given without --admission-policies DIR: add it, or drop --admission-exempt.');
    return undefined;
  }
  const exemptNamespaces = exempt ?? DEFAULT_EXEMPT_NAMESPACES;
  const bad = nonSystemNamespace(exemptNamespaces);
  if (bad) {
    throw new UsageError(
      `--admission-exempt must name a system namespace (kube-system, kube-*, *-system; got '${String(bad.namespace)}'): the policies judge every other namespace.`,
    );
  }
  return { dir, exemptNamespaces: [...new Set(exemptNamespaces)] };
}

/** The one value of an option that may be given once, and not empty. */
function single(values: readonly string[] | undefined, option: string, example: string): string | undefined {
  if (values === undefined) return undefined;
  if (values.length > 1) throw new UsageError(`${option} can be given once (got ${values.length}).`);
  if (values[0] === '') throw new UsageError(`${option} needs ${example}.`);
  return values[0];
}

function readStdin(io: CliIo): string {
  if (io.readStdin) return io.readStdin();
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(0);
  } catch (error) {
    throw unreadable(STDIN_NAME, error);
  }
  return decodeManifest(bytes, STDIN_NAME);
}

function runReview(command: ReviewCommand, io: CliIo): number {
  // Before any work: a folder that holds files would mix the policies with what it holds.
  if (command.admission) refuseUsedFolder(command.admission.dir, 'Nothing was reviewed.');
  // Read first: a refused exceptions file must stop the review before anything is judged.
  const exceptions = command.exceptionsFiles.flatMap(readExceptionsFile);
  const customResourceDefinitions = readCustomResourceDefinitions(command.crdPaths);
  const platform = command.platformFile === undefined ? undefined : readPlatformContract(command.platformFile);
  let manifests: LoadedManifest[] = [];
  const skipped: SkippedPath[] = [];
  for (const p of command.paths) {
    if (p === '-') {
      manifests.push(...parseManifests(readStdin(io), STDIN_NAME));
    } else {
      const read = readManifests([p], { exclude: command.exclude, skipNonObjects: command.skipNonObjects });
      manifests.push(...read.manifests);
      skipped.push(...read.skipped);
    }
  }
  skipped.sort((a, b) => compareText(a.path, b.path));
  if (manifests.length === 0) {
    // An empty folder is almost always a wrong path or a failed build, never a pass.
    const where = command.paths.map((p) => (p === '-' ? STDIN_NAME : p)).join(' ');
    const looked = command.paths.every((p) => p === '-') ? '' : ' (looked for .yaml, .yml and .json files)';
    const notRead = skipped.length ? `; ${skipped.length} path(s) skipped by --exclude or --skip-non-k8s` : '';
    throw new ManifestLoadError(where, 0, `no Kubernetes objects found${looked}${notRead}.`);
  }
  // Where kubectl applies -n: to each object once read, before anything judges it.
  if (command.namespace !== undefined) manifests = inNamespace(manifests, command.namespace, customResourceDefinitions as KubeObject[]);
  const result = review(manifests, {
    packs: command.packs,
    today: command.today,
    exceptions,
    trustAnnotations: command.trustAnnotations,
    customResourceDefinitions,
    ...(platform ? { platform } : {}),
    ...(command.allowedRegistries ? { allowedRegistries: command.allowedRegistries } : {}),
  });
  const passed = passesAt(result, command.failOn);
  const admissionLine = command.admission
    ? writeAdmissionPolicies(
        command.admission,
        passed,
        manifests.map((m) => m.object as KubeObject),
        result,
        command.allowedRegistries,
      )
    : undefined;
  const trivyLine = command.trivyIgnore === undefined ? undefined : writeTrivyIgnore(command, passed, manifests, result);
  const extraLines = [admissionLine, trivyLine]
    .filter((l) => l !== undefined)
    .map((l) => `${l}\n`)
    .join('');
  switch (command.format) {
    // Control characters in names are JSON-escaped already, except DEL, C1, U+2028/2029 and
    // the bidi controls: escaped too, to the same values.
    case 'json':
      io.stdout.write(printableLines(reviewJsonWithSkipped(result, skipped)));
      break;
    case 'sarif':
      io.stdout.write(printableLines(reviewSarifWithSkipped(result, skipped)));
      break;
    case 'text':
      io.stdout.write(reviewText(result, passed, skipped) + extraLines);
      break;
  }
  return passed ? EXIT_CODES.passed : EXIT_CODES.failed;
}

/** --admission-policies DIR could not be used: named with why, before anything was reviewed or while writing. */
class AdmissionOutputError extends Error {}

/** Refuses a DIR that is not a folder, or a folder that holds anything; `when` says what became of the review. */
function refuseUsedFolder(dir: string, when: string): void {
  let entries: string[] | 'not-a-folder';
  try {
    entries = folderEntries(dir);
  } catch (error) {
    throw new AdmissionOutputError(`--admission-policies ${dir} cannot be read (${(error as Error).message}). ${when}`);
  }
  if (entries === 'not-a-folder')
    throw new AdmissionOutputError(`--admission-policies ${dir} is not a folder: give a new or empty folder. ${when}`);
  if (entries.length > 0) {
    throw new AdmissionOutputError(
      `--admission-policies ${dir} is not empty (${someEntries(entries)}): give a new or empty folder, so the policies are all it holds. ${when}`,
    );
  }
}

/**
 * Writes the policies of a passed review into DIR (see `clusterPolicies`, as HardenedApp does),
 * one file each; returns the text report's line saying what was written, or why nothing was.
 */
function writeAdmissionPolicies(
  admission: NonNullable<ReviewCommand['admission']>,
  passed: boolean,
  objects: readonly KubeObject[],
  result: ReviewResult,
  allowedRegistries: readonly string[] | undefined,
): string {
  if (!passed) return printable(`Admission policies: none written to ${admission.dir}: the review failed.`);
  const { policies } = clusterPolicies(objects, result, {
    exemptNamespaces: admission.exemptNamespaces,
    ...(allowedRegistries ? { allowedRegistries } : {}),
  });
  // Checked again: something may have written into DIR while the review ran.
  refuseUsedFolder(admission.dir, 'The review passed; no policy was written.');
  try {
    fs.mkdirSync(admission.dir, { recursive: true });
    for (const { file, text } of admissionPolicyFiles(policies)) createFile(path.join(admission.dir, file), text);
  } catch (error) {
    throw new AdmissionOutputError(`--admission-policies ${admission.dir}: cannot write the policies (${(error as Error).message}).`);
  }
  return printable(
    `Admission policies: ${policies.length} ValidatingAdmissionPolic${policies.length === 1 ? 'y' : 'ies'} written to ${admission.dir}, one file each (apply them before the workloads).`,
  );
}

/** Writes Trivy's ignore file for a passed review (lib/review/trivy-ignore-file.ts); returns the text report's line. */
function writeTrivyIgnore(command: ReviewCommand, passed: boolean, manifests: readonly LoadedManifest[], result: ReviewResult): string {
  const file = command.trivyIgnore!;
  if (!passed) return printable(`Trivy ignore file: not written to ${file}: the review failed.`);
  const ignore = trivyIgnoreFor(command.paths[0], manifests, result, command.trustAnnotations);
  const text = trivyIgnoreYaml(ignore.entries);
  try {
    // Replaced, never written through: a link planted at FILE is removed, not followed.
    fs.rmSync(file, { force: true });
    createFile(file, text);
  } catch (error) {
    throw new AdmissionOutputError(`--trivy-ignore ${file}: cannot write it (${(error as Error).message}).`);
  }
  const leftOut = ignore.leftOut.length
    ? ` Left out, as Trivy would read their names as patterns (rename them to skip there): ${ignore.leftOut.join(', ')}.`
    : '';
  return printable(`Trivy ignore file: written to ${file} (trivy config --ignorefile ${file} ${command.paths[0]}).${leftOut}`);
}

/** review.json with the paths found but not read as `skipped` (always there, so its shape does not vary). */
function reviewJsonWithSkipped(result: ReviewResult, skipped: readonly SkippedPath[]): string {
  return JSON.stringify({ ...JSON.parse(reviewJson(result)), skipped }, null, 2) + '\n';
}

/** review.sarif with the paths found but not read as `skipped` in its run's properties. */
function reviewSarifWithSkipped(result: ReviewResult, skipped: readonly SkippedPath[]): string {
  const sarif = JSON.parse(reviewSarif(result));
  sarif.runs[0].properties.skipped = skipped;
  return JSON.stringify(sarif, null, 2) + '\n';
}

/**
 * The text report: one line per path found but not read, then the findings no exception
 * accepts grouped by object (see `findingsText`), each rule's fix once, and a summary line
 * worded like REVIEW.md's verdict. Control characters in file and object names are escaped,
 * so no name can add a line.
 */
export function reviewText(result: ReviewResult, passed: boolean = result.passed, skipped: readonly SkippedPath[] = []): string {
  const { counts } = result;
  const summary =
    `${passed ? 'Passed' : 'Failed'}: ${counts.bySeverity.error} error(s), ${counts.bySeverity.warning} warning(s), ` +
    `${counts.bySeverity.info} info in ${counts.objects} object(s); ${counts.suppressed} finding(s) accepted by exceptions.` +
    (skipped.length ? ` ${skipped.length} path(s) skipped.` : '');
  const contract = result.platform ? [`platform contract ${result.platform.file} (sha256 ${result.platform.sha256})`] : [];
  return reviewTextReport(result, summary, [...contract, ...skipped.map(skippedLine)]);
}

/** `skipped [path] excluded: matches the exclude glob '...'` */
function skippedLine(skipped: SkippedPath): string {
  return `skipped [${skipped.path}] ${skipped.reason}: ${skipped.detail}`;
}
