import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { ExceptionPolicy } from '../policy/exception-policy';
import { HardeningError } from '../core/hardening-error';
import { digestProblem } from '../policy/image-digest';
import { isPinnedByDigest, usesLatestTag } from './image';
import { ImagePullPolicy } from './image-pull-policy';

const PULL_POLICIES: Record<ImagePullPolicy, kplus.ImagePullPolicy> = {
  [ImagePullPolicy.ALWAYS]: kplus.ImagePullPolicy.ALWAYS,
  [ImagePullPolicy.IF_NOT_PRESENT]: kplus.ImagePullPolicy.IF_NOT_PRESENT,
  [ImagePullPolicy.NEVER]: kplus.ImagePullPolicy.NEVER,
};

/** The cdk8s-plus pull policy: `Always` unless the container says otherwise. */
export function pullPolicy(policy: ImagePullPolicy | undefined): kplus.ImagePullPolicy {
  return PULL_POLICIES[policy ?? ImagePullPolicy.ALWAYS];
}

/** Refuses a mistyped digest, and an unpinned or `latest` image without an exception. */
export function checkImage(scope: Construct, policy: ExceptionPolicy, field: string, image: string): void {
  if (isPinnedByDigest(image)) return;
  const problem = digestProblem(image);
  if (problem && image.includes('@sha256:')) {
    // A mistyped digest is not an unpinned image: no exception makes it pullable.
    throw new HardeningError(scope, `'${field}.image': '${image}': its ${problem}. Copy the whole digest from \`crane digest <image>\`.`);
  }
  policy.require(
    'image-digest',
    `${field}.image`,
    problem ? `'${image}': its ${problem}.` : `'${image}' is not pinned by digest, so the image that runs may not be the image reviewed.`,
    'Pin it as repo@sha256:<digest> (see `docker buildx imagetools inspect <image>`).',
    image,
  );
  if (usesLatestTag(image)) {
    policy.require(
      'no-latest-tag',
      `${field}.image`,
      `'${image}' uses the mutable 'latest' tag.`,
      'Pin a digest, or at least a version tag.',
      image,
    );
  }
}
