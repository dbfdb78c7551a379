/**
 * Image references as the API server reads them when it defaults `imagePullPolicy`: the
 * kubelet's `ParseImageName` over distribution/reference v0.6.0's `ParseNormalizedNamed` and
 * go-digest v1.0.0. Only the tag and digest matter here; a reference they refuse has neither.
 *
 * @see https://github.com/kubernetes/kubernetes/blob/v1.37.2/pkg/util/parsers/parsers.go
 * @see https://github.com/distribution/reference/blob/v0.6.0/regexp.go
 */

const ALPHANUMERIC = '[a-z0-9]+';
const SEPARATOR = '(?:[._]|__|[-]+)';
const DOMAIN_NAME_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const DOMAIN_AND_PORT = `(?:${DOMAIN_NAME_COMPONENT}(?:\\.${DOMAIN_NAME_COMPONENT})*|\\[(?:[a-fA-F0-9:]+)\\])(?::[0-9]+)?`;
const PATH_COMPONENT = `${ALPHANUMERIC}(?:${SEPARATOR}${ALPHANUMERIC})*`;
const REMOTE_NAME = `${PATH_COMPONENT}(?:/${PATH_COMPONENT})*`;
const TAG = '[\\w][\\w.-]{0,127}';
const DIGEST = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*[:][0-9A-Fa-f]{32,}';

const REFERENCE = new RegExp(`^((?:${DOMAIN_AND_PORT}/)?${REMOTE_NAME})(?::(${TAG}))?(?:@(${DIGEST}))?$`);
const ANCHORED_NAME = new RegExp(`^(?:(${DOMAIN_AND_PORT})/)?(${REMOTE_NAME})$`);
const IDENTIFIER = /^[a-f0-9]{64}$/;
const REPOSITORY_NAME_MAX = 255;
/** The digests go-digest can check, with their lowercase hex length. */
const DIGEST_HEX_LENGTHS: Readonly<Record<string, number>> = { sha256: 64, sha384: 96, sha512: 128 };

const DEFAULT_DOMAIN = 'docker.io';
const LEGACY_DEFAULT_DOMAIN = 'index.docker.io';
const OFFICIAL_REPO_PREFIX = 'library/';

/** The tag the API server reads as "pull every time" when it defaults the pull policy. */
export const LATEST_TAG = 'latest';

/** distribution/reference's `splitDockerDomain`. */
function splitDockerDomain(name: string): [string, string] {
  const slash = name.indexOf('/');
  if (slash === -1) return [DEFAULT_DOMAIN, OFFICIAL_REPO_PREFIX + name];
  const maybeDomain = name.slice(0, slash);
  const maybeRemote = name.slice(slash + 1);
  let [domain, remote] = [DEFAULT_DOMAIN, name];
  if (maybeDomain === LEGACY_DEFAULT_DOMAIN) [domain, remote] = [DEFAULT_DOMAIN, maybeRemote];
  else if (maybeDomain === 'localhost' || /[.:]/.test(maybeDomain) || maybeDomain.toLowerCase() !== maybeDomain) {
    [domain, remote] = [maybeDomain, maybeRemote];
  }
  if (domain === DEFAULT_DOMAIN && !remote.includes('/')) remote = OFFICIAL_REPO_PREFIX + remote;
  return [domain, remote];
}

/** go-digest's `Digest.Validate`: an algorithm it knows and lowercase hex of its length. */
function validDigest(digest: string): boolean {
  const colon = digest.indexOf(':');
  const length = DIGEST_HEX_LENGTHS[digest.slice(0, colon)];
  const hex = digest.slice(colon + 1);
  return length !== undefined && hex.length === length && /^[a-f0-9]*$/.test(hex);
}

/** The tag and digest of a reference (`''` when it has none), or `undefined` when `ParseNormalizedNamed` refuses it. */
function parseNormalizedNamed(image: string): { tag: string; digest: string } | undefined {
  if (IDENTIFIER.test(image)) return undefined;
  const [domain, remainder] = splitDockerDomain(image);
  const colon = remainder.indexOf(':');
  const remote = colon === -1 ? remainder : remainder.slice(0, colon);
  if (remote.toLowerCase() !== remote) return undefined;
  const match = REFERENCE.exec(`${domain}/${remainder}`);
  if (!match) return undefined;
  const name = ANCHORED_NAME.exec(match[1]);
  if ((name ? name[2] : match[1]).length > REPOSITORY_NAME_MAX) return undefined;
  const digest = match[3] ?? '';
  if (digest && !validDigest(digest)) return undefined;
  return { tag: match[2] ?? '', digest };
}

/**
 * Whether the API server sets `imagePullPolicy: Always` on a container that sets none: when
 * the image parses with the tag `latest`, or with neither tag nor digest. Anything else (a
 * version tag, a digest alone, a reference it cannot parse, no image) gets `IfNotPresent`.
 *
 * @see https://kubernetes.io/docs/concepts/containers/images/#imagepullpolicy-defaulting
 */
export function defaultsToAlways(image: unknown): boolean {
  if (typeof image !== 'string') return false;
  const reference = parseNormalizedNamed(image);
  if (!reference) return false;
  return reference.tag === LATEST_TAG || (reference.tag === '' && reference.digest === '');
}
