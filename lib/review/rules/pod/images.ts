import { digestProblem } from '../../../policy/image-digest';
import { Rule } from '../../model';
import { eachContainer, finding, findingValue, POD_TEMPLATE_KINDS, quote } from '../../walkers';

/** `repo[:tag]@sha256:<64 lowercase hex>`: the image content is fixed. */
const PINNED = /^[^@\s]+@sha256:[0-9a-f]{64}$/;

/** The tag of an image reference, or `undefined` when it has none (a `:` in the registry host is not a tag). */
export function imageTag(image: string): string | undefined {
  const withoutDigest = image.split('@')[0];
  const lastPart = withoutDigest.slice(withoutDigest.lastIndexOf('/') + 1);
  const colon = lastPart.indexOf(':');
  return colon === -1 ? undefined : lastPart.slice(colon + 1);
}

/** Why the image of the container `label` is not pinned: a digest that is wrong, or none. */
function unpinnedImage(label: string, image: string): string {
  const problem = digestProblem(image);
  return `${label} uses image ${quote(image)}, ${problem ? `whose ${problem}` : 'which is not pinned by sha256 digest'}`;
}

/**
 * Every image is pinned by digest, so what runs is exactly what was reviewed and scanned,
 * whatever happens to tags in the registry.
 *
 * @see https://kubernetes.io/docs/concepts/containers/images/#image-names
 */
export const imageDigest: Rule = {
  id: 'image-digest',
  title: 'Images are pinned by sha256 digest',
  severity: 'error',
  kinds: POD_TEMPLATE_KINDS,
  references: { checkov: 'CKV_K8S_43' },
  remediation: 'Refer to the image as repository@sha256:<digest> (for example from `crane digest` or `docker buildx imagetools inspect`).',
  check: (obj) =>
    eachContainer(obj)
      .filter((c) => typeof c.container.image !== 'string' || !PINNED.test(c.container.image))
      .map((c) =>
        finding(
          `${c.path}.image`,
          typeof c.container.image === 'string' ? unpinnedImage(c.label, c.container.image) : `${c.label} has no image`,
          findingValue(c.container.image),
        ),
      ),
};

/**
 * No image floats on `latest`, written or implied (no tag and no digest), so deployments
 * are repeatable. An image pinned by digest complies whatever its tag.
 *
 * @see https://kubernetes.io/docs/concepts/containers/images/#image-names
 */
export const noLatestTag: Rule = {
  id: 'no-latest-tag',
  title: 'Images do not use the latest tag',
  severity: 'error',
  kinds: POD_TEMPLATE_KINDS,
  references: { kubeScore: 'container-image-tag', kubeLinter: 'latest-tag', polaris: 'tagNotSpecified', checkov: 'CKV_K8S_14' },
  remediation: 'Refer to the image by digest, or at least by a fixed version tag.',
  check: (obj) =>
    eachContainer(obj).flatMap((c) => {
      const image = c.container.image;
      if (typeof image !== 'string' || image.includes('@')) return [];
      const tag = imageTag(image);
      if (tag !== undefined && tag !== 'latest') return [];
      return [
        finding(
          `${c.path}.image`,
          tag === 'latest'
            ? `${c.label} uses image ${quote(image)} with the latest tag`
            : `${c.label} uses image ${quote(image)} without a tag, which means latest`,
          image,
        ),
      ];
    }),
};

/**
 * Whether the API server sets `imagePullPolicy: Always` on a container that sets none: when
 * its image has the `latest` tag or no tag, and no digest.
 *
 * @see https://kubernetes.io/docs/concepts/containers/images/#imagepullpolicy-defaulting
 */
function defaultsToAlways(image: unknown): boolean {
  if (typeof image !== 'string' || image.includes('@')) return false;
  const tag = imageTag(image);
  return tag === undefined || tag === 'latest';
}

/**
 * Images are pulled on every start, so a node cannot start a cached image without the
 * registry checking the pod's pull credentials. A warning: with digests the content is
 * fixed either way. An unset policy on a `latest` or untagged image complies: the API server
 * defaults it to `Always` (`no-latest-tag` judges the tag).
 *
 * @see https://kubernetes.io/docs/concepts/containers/images/#image-pull-policy
 */
export const imagePullAlways: Rule = {
  id: 'image-pull-always',
  title: 'Images are pulled on every container start',
  severity: 'warning',
  kinds: POD_TEMPLATE_KINDS,
  references: { kubeScore: 'container-image-pull-policy', polaris: 'pullPolicyNotAlways', checkov: 'CKV_K8S_15' },
  remediation: 'Set imagePullPolicy: Always on the container.',
  check: (obj) =>
    eachContainer(obj)
      .filter(
        (c) =>
          c.container.imagePullPolicy !== 'Always' && !(c.container.imagePullPolicy === undefined && defaultsToAlways(c.container.image)),
      )
      .map((c) =>
        finding(
          `${c.path}.imagePullPolicy`,
          c.container.imagePullPolicy === undefined
            ? `${c.label} does not set imagePullPolicy: Always`
            : `${c.label} has imagePullPolicy ${quote(c.container.imagePullPolicy)}, not Always`,
        ),
      ),
};
