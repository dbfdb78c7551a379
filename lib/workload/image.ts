/**
 * Image references: what it means for an image to be pinned.
 *
 * A digest (`repo@sha256:<64 hex>`) names exactly one image; a tag can be moved by anyone
 * who can push to the repository, so the image that runs may not be the image reviewed.
 */

const DIGEST = /@sha256:[a-f0-9]{64}$/;

/** Whether `image` is pinned by a sha256 digest. */
export function isPinnedByDigest(image: string): boolean {
  return DIGEST.test(image);
}

/** The tag of an image reference, `undefined` when it has none (which means `latest`). */
export function imageTag(image: string): string | undefined {
  const withoutDigest = image.split('@')[0];
  const lastSlash = withoutDigest.lastIndexOf('/');
  const lastColon = withoutDigest.lastIndexOf(':');
  // A colon before the last slash belongs to a registry port (registry:5000/app), not a tag.
  return lastColon > lastSlash ? withoutDigest.slice(lastColon + 1) : undefined;
}

/** Whether the image would resolve to the mutable `latest` tag (explicitly or by omission). */
export function usesLatestTag(image: string): boolean {
  if (isPinnedByDigest(image)) return false;
  const tag = imageTag(image);
  return tag === undefined || tag === 'latest';
}
