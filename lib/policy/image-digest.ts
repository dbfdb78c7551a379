/**
 * What a good image digest is, shared by the `image-digest` rule (which names the problem in its
 * finding) and the containers (which refuse the image at construction).
 */

const SHA256_HEX = /^[0-9a-f]{64}$/;

/**
 * What is wrong with the digest of an image that has one (`repo@<digest>`), to follow "its" or
 * "whose": a digest cut short or mistyped would otherwise read like no digest at all.
 * `undefined` when the image has no digest, or a good one (`sha256:` and 64 lowercase hex).
 */
export function digestProblem(image: string): string | undefined {
  const at = image.lastIndexOf('@');
  if (at === -1) return undefined;
  const digest = image.slice(at + 1);
  const rule = 'digest must be sha256: followed by 64 lowercase hex characters';
  if (!digest.startsWith('sha256:')) return `${rule}, and ${JSON.stringify(digest.split(':')[0])} is not sha256`;
  const hex = digest.slice('sha256:'.length);
  if (SHA256_HEX.test(hex)) return undefined;
  const notHex = /^[0-9a-f]*$/.test(hex) ? '' : hex.toLowerCase() === hex ? ', not all hex' : ', not all lowercase';
  return `${rule}; it has ${hex.length}${notHex}`;
}
