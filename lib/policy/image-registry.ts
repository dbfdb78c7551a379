/**
 * Which registries images may come from: the allowlist's entries, how an image reference names
 * its repository, and the annotation a namespace narrows the list with. Shared by the
 * `image-registry-allowed` rule (and its admission CEL) and the constructs that take a list.
 */

/** A namespace's own allowlist (comma-separated entries): it narrows the app's list, never widens it. */
export const ALLOWED_REGISTRIES_ANNOTATION = 'hardened.cdk8s.io/allowed-registries';

/**
 * An entry: a registry host (with a `.` or a port, or `localhost`), optionally followed by a
 * repository path prefix: `ghcr.io`, `ghcr.io/example`, `registry.internal:5000/team`.
 */
const ENTRY = /^(localhost|[a-z0-9-]+(\.[a-z0-9-]+)+|[a-z0-9-]+(\.[a-z0-9-]+)*:[0-9]{1,5})(\/[a-z0-9]+(([._]|__|-+)[a-z0-9]+)*)*$/;

/** Why `entry` is not a registry allowlist entry, or `undefined` when it is one. */
export function registryEntryProblem(entry: string): string | undefined {
  if (ENTRY.test(entry)) return undefined;
  if (/[@]|:[^/]*$/.test(entry) && !/^[^/]*:[0-9]+(\/|$)/.test(entry))
    return 'an entry names a registry or a repository prefix, without tag or digest';
  if (!entry.split('/')[0].includes('.') && !entry.includes(':') && !entry.startsWith('localhost'))
    return 'the first part must be a registry host (with a dot or a port, or localhost): write docker.io/library for official Docker Hub images';
  return 'lowercase host[:port] and path components only, no trailing slash';
}

/**
 * The repository an image reference names, with its registry written out as the container
 * runtime reads it: `nginx:1.27` → `docker.io/library/nginx`, `example/app` →
 * `docker.io/example/app`, `ghcr.io/example/app:1@sha256:…` → `ghcr.io/example/app`.
 */
export function imageRepository(image: string): string {
  const reference = image.split('@')[0];
  const tagAt = reference.lastIndexOf(':');
  const name = tagAt > reference.lastIndexOf('/') ? reference.slice(0, tagAt) : reference;
  if (!name.includes('/')) return `docker.io/library/${name}`;
  const first = name.split('/')[0];
  return first.includes('.') || first.includes(':') || first === 'localhost' ? name : `docker.io/${name}`;
}

/** Whether the repository is `entry` or lies under it (`ghcr.io/example` covers `ghcr.io/example/app`, not `ghcr.io/examples`). */
export function isUnder(repository: string, entry: string): boolean {
  return repository === entry || repository.startsWith(`${entry}/`);
}

/**
 * The first entry of an allowlist that is not a registry entry, with where it is and why (a
 * value that is not a string included: lists come from YAML and JSON too); `undefined` when
 * every entry is one. Each caller words the error for its own input.
 */
export function badRegistryEntry(entries: readonly unknown[]): { index: number; entry: unknown; problem: string } | undefined {
  for (const [index, entry] of entries.entries()) {
    const problem = typeof entry === 'string' ? registryEntryProblem(entry) : 'it must be a string';
    if (problem) return { index, entry, problem };
  }
  return undefined;
}

/** The entries of an annotation value: comma-separated, spaces around them ignored. */
export function registryList(text: string): readonly string[] {
  return text
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
}
