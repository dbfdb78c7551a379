/**
 * The check of one folder of vendor/addons/: its SOURCE.json is well-formed, and the folder holds
 * exactly the files it lists, each with the sha256 it records. Pure apart from reading the folder;
 * it returns every problem found, each naming the file (vendor/addons/<name>/<path>) and the fix.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

/** SOURCE.json's keys, in the order every SOURCE.json writes them (`rendered` only for a chart). */
const KEYS = ['name', 'repository', 'tag', 'commit', 'licence', 'files', 'omitted', 'rendered', 'images'];
const FILE_KEYS = ['path', 'upstreamPath', 'sha256'];
const RENDERED_KEYS = ['file', 'sha256', 'values', 'release', 'namespace', 'tool'];
const IMAGE_KEYS = ['image', 'digest', 'source'];

const SHA256 = /^[0-9a-f]{64}$/;
const COMMIT = /^[0-9a-f]{40}$/;
const REPOSITORY = /^https:\/\/github\.com\/[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/;
const DIGEST = /^sha256:[0-9a-f]{64}$/;

/** Whether `value` is a relative path that stays inside the folder, with forward slashes. */
const isInsidePath = (value: unknown): value is string =>
  typeof value === 'string' &&
  !value.startsWith('/') &&
  !value.includes('\\') &&
  value.split('/').every((part) => part !== '' && part !== '.' && part !== '..');

export function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Every file below `dir`, relative to it with forward slashes, sorted. */
function filesBelow(dir: string, prefix = ''): string[] {
  return fs
    .readdirSync(path.join(dir, prefix), { withFileTypes: true })
    .flatMap((entry) => {
      const relative = prefix === '' ? entry.name : `${prefix}/${entry.name}`;
      return entry.isDirectory() ? filesBelow(dir, relative) : [relative];
    })
    .sort();
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const isText = (value: unknown): value is string => typeof value === 'string' && value.length > 0;

/** The keys of `value` that are not exactly `expected` (optional ones may be absent), in order. */
function keyProblem(value: Record<string, unknown>, expected: readonly string[], optional: readonly string[] = []): string | undefined {
  const wanted = expected.filter((key) => key in value || !optional.includes(key));
  const actual = Object.keys(value);
  return actual.join(',') === wanted.join(',') ? undefined : `keys ${actual.join(', ')}; expected ${wanted.join(', ')} in this order`;
}

/**
 * The problems of the vendored add-on in `folder` (its basename is the add-on's name), or none.
 * `shown` is how messages name the folder (vendor/addons/<name> by default).
 */
export function checkVendoredFolder(folder: string, shown = `vendor/addons/${path.basename(folder)}`): string[] {
  const problems: string[] = [];
  const where = (file: string) => `${shown}/${file}`;
  const sourceFile = path.join(folder, 'SOURCE.json');
  if (!fs.existsSync(sourceFile)) return [`${where('SOURCE.json')} is missing: every vendored add-on records its provenance there.`];
  let source: unknown;
  try {
    source = JSON.parse(fs.readFileSync(sourceFile, 'utf8'));
  } catch (e) {
    return [`${where('SOURCE.json')} is not JSON: ${(e as Error).message}`];
  }
  if (!isObject(source)) return [`${where('SOURCE.json')} is not a JSON object.`];
  const bad = (field: string, what: string) => problems.push(`${where('SOURCE.json')}: ${field} ${what}`);

  const keys = keyProblem(source, KEYS, ['rendered']);
  if (keys) bad('has', keys);
  if (source.name !== path.basename(folder))
    bad('name', `is ${JSON.stringify(source.name)}; it must be the folder's name, ${path.basename(folder)}.`);
  if (typeof source.repository !== 'string' || !REPOSITORY.test(source.repository))
    bad('repository', `is ${JSON.stringify(source.repository)}; expected https://github.com/<owner>/<repo>.`);
  if (!isText(source.tag)) bad('tag', 'must name the upstream tag the files come from.');
  if (typeof source.commit !== 'string' || !COMMIT.test(source.commit))
    bad('commit', `is ${JSON.stringify(source.commit)}; expected the tag's commit as 40 lowercase hex digits.`);

  // The files, each listed once, sorted, present and unchanged.
  const listed = new Set<string>();
  const files = Array.isArray(source.files) ? source.files : [];
  if (!Array.isArray(source.files) || files.length === 0) bad('files', 'must list every vendored upstream file.');
  let previous = '';
  for (const [index, file] of files.entries()) {
    const fileKeys = isObject(file) ? keyProblem(file, FILE_KEYS) : 'no object';
    if (!isObject(file) || fileKeys) {
      bad(`files[${index}]`, `has ${fileKeys}.`);
      continue;
    }
    const { path: local, upstreamPath, sha256: recorded } = file;
    if (!isInsidePath(local)) {
      bad(`files[${index}].path`, `${JSON.stringify(local)} must be a relative path inside the folder.`);
      continue;
    }
    if (!isText(upstreamPath)) bad(`files[${index}].upstreamPath`, 'must be the path in the upstream repository at the tag.');
    if (typeof recorded !== 'string' || !SHA256.test(recorded)) bad(`files[${index}].sha256`, 'must be 64 lowercase hex digits.');
    if (listed.has(local)) bad('files', `lists ${local} twice.`);
    else if (local < previous) bad('files', `are not sorted by path: ${local} comes after ${previous}.`);
    listed.add(local);
    previous = local;
    checkHash(local, recorded);
  }

  function checkHash(local: string, recorded: unknown): void {
    const file = path.join(folder, local);
    if (!fs.existsSync(file)) {
      problems.push(`${where(local)} is listed in SOURCE.json but missing. Restore it from the upstream release.`);
      return;
    }
    const actual = sha256(fs.readFileSync(file));
    if (actual !== recorded)
      problems.push(
        `${where(local)} was changed: its sha256 is ${actual}, SOURCE.json records ${String(recorded)}. Restore the upstream file (vendored files stay byte-for-byte unchanged).`,
      );
  }

  // The licence: a file of the release, listed like the others.
  if (
    !isObject(source.licence) ||
    keyProblem(source.licence, ['spdx', 'file']) ||
    !isText(source.licence.spdx) ||
    !isText(source.licence.file)
  )
    bad('licence', 'must be { "spdx": "<SPDX id>", "file": "LICENSE" }.');
  else if (!listed.has(source.licence.file))
    bad('licence.file', `${source.licence.file} is not among the files: vendor the repository's licence file at the tag.`);
  if (!listed.has('LICENSE'))
    problems.push(`${where('LICENSE')} is not vendored: copy the repository's licence file at the tag, unchanged.`);

  if (!Array.isArray(source.omitted) || !source.omitted.every(isText))
    bad('omitted', 'must be an array of upstream paths (possibly empty).');

  // A chart's rendering: recorded, and unchanged since.
  const ours = new Set(['SOURCE.json']);
  const isChart = listed.has('chart/Chart.yaml');
  if (source.rendered !== undefined || isChart) {
    const rendered = source.rendered;
    if (!isObject(rendered)) bad('rendered', 'must record how the chart was rendered (file, sha256, values, release, namespace, tool).');
    else {
      const renderedKeys = keyProblem(rendered, RENDERED_KEYS);
      if (renderedKeys) bad('rendered', `has ${renderedKeys}.`);
      for (const key of ['file', 'values'] as const) {
        const value = rendered[key];
        if (!isInsidePath(value)) bad(`rendered.${key}`, 'must be a relative path inside the folder.');
        else if (listed.has(value)) bad(`rendered.${key}`, `${value} is ours, not an upstream file: it must not be among the files.`);
        else {
          ours.add(value);
          if (!fs.existsSync(path.join(folder, value)))
            problems.push(`${where(value)} is named by SOURCE.json rendered.${key} but missing.`);
          else if (key === 'file') checkRendered(value, rendered.sha256);
        }
      }
      for (const key of ['release', 'namespace', 'tool'] as const) if (!isText(rendered[key])) bad(`rendered.${key}`, 'must be set.');
    }
  }

  function checkRendered(file: string, recorded: unknown): void {
    const actual = sha256(fs.readFileSync(path.join(folder, file)));
    if (actual !== recorded)
      problems.push(
        `${where(file)} was changed: its sha256 is ${actual}, SOURCE.json rendered.sha256 records ${String(recorded)}. Render the chart again with test/peers/helm-render and record the new hash.`,
      );
  }

  if (!Array.isArray(source.images)) bad('images', 'must be an array (empty until the digests are pinned).');
  else
    for (const [index, image] of (source.images as unknown[]).entries()) {
      if (!isObject(image) || keyProblem(image, IMAGE_KEYS) || !isText(image.image) || !isText(image.source))
        bad(`images[${index}]`, 'must be { "image", "digest", "source" }.');
      else if (typeof image.digest !== 'string' || !DIGEST.test(image.digest)) bad(`images[${index}].digest`, 'must be sha256:<64 hex>.');
    }

  // Nothing else in the folder: an unlisted file would ship unverified.
  for (const file of filesBelow(folder))
    if (!listed.has(file) && !ours.has(file))
      problems.push(`${where(file)} is not listed in SOURCE.json. List it with its upstream path and sha256, or remove it.`);
  return problems;
}
