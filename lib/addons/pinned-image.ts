import { Construct } from 'constructs';
import { HardeningError } from '../core/hardening-error';
import { digestProblem } from '../policy/image-digest';
import { imageRepository } from '../policy/image-registry';

/**
 * Checks an add-on's `image` prop: the upstream image (or a mirror of it) pinned by the digest
 * its user read from their registry, for releases whose digest no two public records agree on.
 * The tag, when given, must be the reviewed one: another version runs code the hardening was
 * not reviewed for. Returns the image and the repository its namespace may pull from.
 */
export function pinnedImage(
  scope: Construct,
  field: string,
  image: string,
  reviewedTag: string,
): { readonly image: string; readonly repository: string } {
  const example = `docker.io/example/app:${reviewedTag}@sha256:<64 hex>`;
  if (!image.includes('@')) {
    throw new HardeningError(
      scope,
      `'${field}' ${JSON.stringify(image)} has no digest. Give the image pinned by the digest your registry reports for tag ${reviewedTag} (crane digest, docker buildx imagetools inspect): ${example}.`,
    );
  }
  const problem = digestProblem(image);
  if (problem) throw new HardeningError(scope, `'${field}' ${JSON.stringify(image)}: its ${problem}. For example ${example}.`);
  const reference = image.slice(0, image.lastIndexOf('@'));
  const repository = imageRepository(image);
  const tagAt = reference.lastIndexOf(':');
  const tag = tagAt > reference.lastIndexOf('/') ? reference.slice(tagAt + 1) : undefined;
  if (tag !== undefined && tag !== reviewedTag) {
    throw new HardeningError(
      scope,
      `'${field}' ${JSON.stringify(image)} is tag ${tag}, but the add-on was reviewed for ${reviewedTag}. Pin the digest of ${repository}:${reviewedTag}.`,
    );
  }
  return { image, repository };
}
