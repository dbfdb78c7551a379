import { digestProblem } from '../../../policy/image-digest';
import { celString } from '../../admission/cel';
import { Rule } from '../../model';
import { celImageVolumeReferences, eachContainer, eachImageVolume, finding, findingValue, POD_TEMPLATE_KINDS, quote } from '../../walkers';
import { defaultsToAlways, LATEST_TAG } from './image-reference';

/**
 * What JavaScript's `\s` matches, written out: RE2's `\s` (CEL `matches`) is ASCII only, and the
 * API server lets an image hold any other whitespace but at its ends.
 */
const WHITESPACE = '\t\n\v\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff';

/** `repo[:tag]@sha256:<64 lowercase hex>`: the image content is fixed. RE2 reads it as JavaScript does. */
const PINNED_PATTERN = `^[^@${WHITESPACE}]+@sha256:[0-9a-f]{64}$`;
const PINNED = new RegExp(PINNED_PATTERN);

/** The tag of an image reference, or `undefined` when it has none (a `:` in the registry host is not a tag). */
export function imageTag(image: string): string | undefined {
  const withoutDigest = image.split('@')[0];
  const lastPart = withoutDigest.slice(withoutDigest.lastIndexOf('/') + 1);
  const colon = lastPart.indexOf(':');
  return colon === -1 ? undefined : lastPart.slice(colon + 1);
}

/** CEL: the image `image` (a string) has no tag or the latest tag, as `imageTag` reads it (the part after the last `/`, from its first `:`). */
function celFloatsOnLatest(image: string): string {
  const lastPart = `${image}.substring(${image}.lastIndexOf("/") + 1)`;
  return `(!${lastPart}.contains(":") || ${lastPart}.substring(${lastPart}.indexOf(":") + 1) == ${celString(LATEST_TAG)})`;
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
  check: (obj) => [
    ...eachContainer(obj)
      .filter((c) => typeof c.container.image !== 'string' || !PINNED.test(c.container.image))
      .map((c) =>
        finding(
          `${c.path}.image`,
          typeof c.container.image === 'string' ? unpinnedImage(c.label, c.container.image) : `${c.label} has no image`,
          findingValue(c.container.image),
        ),
      ),
    ...eachImageVolume(obj)
      .filter((v) => !PINNED.test(v.reference))
      .map((v) => finding(v.path, unpinnedImage(v.label, v.reference), v.reference)),
  ],
  admission: (s) => [
    {
      expression: `${s.containers}.all(c, has(c.image) ? c.image.matches(${celString(PINNED_PATTERN)}) || ${s.accepts('c.image')} : ${s.acceptsValueless})`,
      message: 'A container image is not pinned by sha256 digest.',
    },
    {
      expression: `${celImageVolumeReferences(s.pod)}.all(r, r.matches(${celString(PINNED_PATTERN)}) || ${s.accepts('r')})`,
      message: 'An image volume is not pinned by sha256 digest.',
    },
  ],
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
  references: {
    trivy: 'KSV-0013',
    kubeScore: 'container-image-tag',
    kubeLinter: 'latest-tag',
    polaris: 'tagNotSpecified',
    checkov: 'CKV_K8S_14',
  },
  remediation: 'Refer to the image by digest, or at least by a fixed version tag.',
  check: (obj) =>
    [
      ...eachContainer(obj).map((c) => ({ path: `${c.path}.image`, label: c.label, image: c.container.image })),
      ...eachImageVolume(obj).map((v) => ({ path: v.path, label: v.label, image: v.reference as unknown })),
    ].flatMap(({ path, label, image }) => {
      if (typeof image !== 'string' || image.includes('@')) return [];
      const tag = imageTag(image);
      if (tag !== undefined && tag !== LATEST_TAG) return [];
      return [
        finding(
          path,
          tag === LATEST_TAG
            ? `${label} uses image ${quote(image)} with the latest tag`
            : `${label} uses image ${quote(image)} without a tag, which means latest`,
          image,
        ),
      ];
    }),
  admission: (s) => [
    {
      expression: `${s.containers}.all(c, !has(c.image) || c.image.contains("@") || !${celFloatsOnLatest('c.image')} || ${s.accepts('c.image')})`,
      message: 'A container image uses the latest tag, written or implied.',
    },
    {
      expression: `${celImageVolumeReferences(s.pod)}.all(r, r.contains("@") || !${celFloatsOnLatest('r')} || ${s.accepts('r')})`,
      message: 'An image volume uses the latest tag, written or implied.',
    },
  ],
};

/** The pull policy the rule asks for. */
const ALWAYS = 'Always';

/**
 * Images are pulled on every start, so a node cannot start a cached image without the
 * registry checking the pod's pull credentials. A warning: with digests the content is
 * fixed either way. An unset (or empty) policy complies when the API server defaults it to
 * `Always`: on an image it parses with the `latest` tag, or with neither tag nor digest
 * (`no-latest-tag` judges the tag). The cluster sees the defaulted policy.
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
      .filter((c) => c.container.imagePullPolicy !== ALWAYS && !(!c.container.imagePullPolicy && defaultsToAlways(c.container.image)))
      .map((c) =>
        finding(
          `${c.path}.imagePullPolicy`,
          !c.container.imagePullPolicy
            ? `${c.label} does not set imagePullPolicy: Always`
            : `${c.label} has imagePullPolicy ${quote(c.container.imagePullPolicy)}, not Always`,
        ),
      ),
  // The API server has defaulted an unset policy from the image before admission.
  admission: (s) => [
    {
      expression: `${s.containers}.all(c, c.?imagePullPolicy.orValue("") == ${celString(ALWAYS)}) || ${s.acceptsValueless}`,
      message: 'A container does not pull its image on every start.',
    },
  ],
};
