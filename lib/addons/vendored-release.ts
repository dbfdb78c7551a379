import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { IConstruct } from 'constructs';
import { HardeningError } from '../core/hardening-error';
import { packageRoot } from '../core/package-root';
import { parseManifests } from '../review/load';
import { ManifestLoadError } from '../review/load-error';

/** One upstream file kept unchanged in `vendor/addons/<name>/`. */
export interface VendoredFile {
  /** Path in the add-on's folder. */
  readonly path: string;
  /** Path in the upstream repository at `tag`. */
  readonly upstreamPath: string;
  readonly sha256: string;
}

/** An image the release runs, and the digest we pin it to. */
export interface VendoredImage {
  /** As the upstream release names it (repository and tag). */
  readonly image: string;
  /** `sha256:<64 hex>` of the image index (all platforms). */
  readonly digest: string;
  /** Where the digest was read: the public records that agree on it. */
  readonly source: string;
}

/** A Helm chart rendered once, when it was vendored, by Helm's own engine (test/peers/helm-render proves it). */
export interface RenderedChart {
  readonly file: string;
  readonly sha256: string;
  readonly values: string;
  readonly release: string;
  readonly namespace: string;
  readonly tool: string;
}

/** `vendor/addons/<name>/SOURCE.json`: where the release comes from, and the hash of every file. */
export interface VendoredSource {
  readonly name: string;
  readonly repository: string;
  readonly tag: string;
  readonly commit: string;
  readonly licence: { readonly spdx: string; readonly file: string };
  readonly files: readonly VendoredFile[];
  readonly omitted?: readonly string[];
  readonly rendered?: RenderedChart;
  readonly images: readonly VendoredImage[];
}

/** A vendored release read and checked: its provenance and the objects of its manifest, as kubectl would send them. */
export interface VendoredRelease {
  readonly source: VendoredSource;
  /** `vendor/addons/<name>/<file>`, relative to the package. */
  readonly manifestPath: string;
  readonly manifestSha256: string;
  readonly objects: Record<string, unknown>[];
}

/** The folder of the vendored releases (shipped with the package). */
export function vendorFolder(): string {
  return path.join(packageRoot().root, 'vendor', 'addons');
}

/** A construct's error when a construct asked, a plain one otherwise (a test, a script). */
function fail(scope: IConstruct | undefined, message: string): Error {
  return scope ? new HardeningError(scope, message) : new Error(message);
}

function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * Reads the manifest of the vendored release `name` (`install.yaml`, or the chart's
 * `rendered.yaml`) and checks it twice: against its SOURCE.json (the file is what was
 * vendored) and against `reviewedSha256`, the hash the add-on's code was reviewed for. An
 * upgraded file therefore fails synth until someone reads what changed, adapts the add-on and
 * records the new hash: the hardening of a release is never applied blind to another one.
 * The objects are read by the review's own reader, exactly as `kubectl create -f` reads them.
 */
export function readVendoredRelease(
  scope: IConstruct | undefined,
  name: string,
  manifest: string,
  reviewedSha256: string,
): VendoredRelease {
  const folder = path.join(vendorFolder(), name);
  const relative = `vendor/addons/${name}/${manifest}`;
  const sourceFile = path.join(folder, 'SOURCE.json');
  if (!fs.existsSync(sourceFile)) {
    throw fail(
      scope,
      `the vendored release ${name} is missing: no vendor/addons/${name}/SOURCE.json in the package. Reinstall cdk8s-hardened.`,
    );
  }
  const source = JSON.parse(fs.readFileSync(sourceFile, 'utf8')) as VendoredSource;
  const recorded = source.rendered?.file === manifest ? source.rendered.sha256 : source.files.find((f) => f.path === manifest)?.sha256;
  if (recorded === undefined) {
    throw fail(scope, `vendor/addons/${name}/SOURCE.json lists no file '${manifest}'. Vendor it with its sha256.`);
  }
  const bytes = fs.readFileSync(path.join(folder, manifest));
  const actual = sha256(bytes);
  if (actual !== recorded) {
    throw fail(
      scope,
      `${relative} was changed after it was vendored: its sha256 is ${actual}, SOURCE.json records ${recorded}. Restore the upstream file, or vendor the new release with its own SOURCE.json.`,
    );
  }
  if (actual !== reviewedSha256) {
    throw fail(
      scope,
      `${relative} (sha256 ${actual}) is not the release this add-on was reviewed for (${reviewedSha256}). Read what changed upstream, adapt the add-on's hardening and exceptions to it, then set its reviewed sha256 to ${actual}.`,
    );
  }
  let objects: Record<string, unknown>[];
  try {
    objects = parseManifests(bytes.toString('utf8'), relative).map((m) => m.object);
  } catch (e) {
    if (e instanceof ManifestLoadError) throw fail(scope, `${relative} cannot be read as kubectl reads it: ${e.message}`);
    throw e;
  }
  return { source, manifestPath: relative, manifestSha256: actual, objects };
}
