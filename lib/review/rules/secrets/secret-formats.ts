/**
 * Secrets recognised by their content, whatever the field holding them is called: private
 * keys and vendor tokens whose format has a fixed prefix and length. Shared by the secrets
 * rules; the table is data, one entry per format, each checked against its vendor's own
 * description of the format (cited on the entry).
 *
 * A match never travels in a finding: only the format's name and its fixed prefix
 * (`AKIA…`), which every token of that vendor shares.
 */

/** One recognisable secret format. */
export interface SecretFormat {
  /** Stable id, the finding's value (so an exception can name the format it accepts). */
  readonly id: string;
  /** What messages call it, for example `an AWS access key id`. */
  readonly name: string;
  /**
   * Finds the secret in a text. The named group `prefix`, when present, is the fixed part
   * shown in findings (`label`: a PEM block's label); without either, the finding shows no
   * character of the value.
   */
  readonly pattern: RegExp;
  /**
   * A second pattern the same text must hold (a key file is recognised by two of its fields).
   *
   * @default - the pattern alone decides
   */
  readonly alsoRequires?: RegExp;
  /**
   * Values the vendor publishes as examples in its documentation: they grant nothing, so a
   * finding on them would only teach people to ignore the rule.
   *
   * @default - none
   */
  readonly documentedExamples?: readonly string[];
}

/** Not preceded or followed by a token character: `AKIA…` inside a longer hash is no key. */
const START = '(?<![A-Za-z0-9_-])';
const END = '(?![A-Za-z0-9_-])';

/**
 * Private keys and tokens: an error wherever they appear outside a Secret. Ordered from
 * the most specific: a GCP key file holds a PEM key, and is reported as the key file.
 */
export const SECRET_FORMATS: readonly SecretFormat[] = [
  {
    // The key file `gcloud iam service-accounts keys create` writes: JSON with
    // "type": "service_account" and the private key in "private_key".
    // https://cloud.google.com/sdk/gcloud/reference/iam/service-accounts/keys/create
    id: 'gcp-service-account-key',
    name: 'a GCP service account key file',
    pattern: /"type"\s*:\s*"service_account"/,
    alsoRequires: /"private_key"\s*:\s*"-----BEGIN/,
  },
  {
    // PEM private keys (RFC 7468 `PRIVATE KEY`, `ENCRYPTED PRIVATE KEY`; OpenSSL's `RSA`,
    // `EC`, `DSA`; OpenSSH's `OPENSSH PRIVATE KEY`) and OpenPGP armor (RFC 4880 `PGP PRIVATE
    // KEY BLOCK`). The header alone can be prose or a grep pattern: a key also has its END
    // line or a base64 body. https://www.rfc-editor.org/rfc/rfc7468#section-10
    id: 'pem-private-key',
    name: 'a PEM private key',
    pattern:
      /-----BEGIN (?<label>(?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?)-----(?=[\s\S]*?-----END \k<label>-----|(?:\s|\\n|[A-Za-z-]+: [^\n\\]*)*[A-Za-z0-9+/]{40})/,
  },
  {
    // AKIA: long-term access key ids, ASIA: temporary (STS) ones; 20 characters, base32.
    // https://docs.aws.amazon.com/STS/latest/APIReference/API_GetAccessKeyInfo.html
    id: 'aws-access-key-id',
    name: 'an AWS access key id',
    pattern: new RegExp(`${START}(?<prefix>AKIA|ASIA)[A-Z2-7]{16}${END}`),
    documentedExamples: ['AKIAIOSFODNN7EXAMPLE'],
  },
  {
    // Fine-grained personal access tokens: github_pat_ + 22 + _ + 59 characters.
    // https://docs.github.com/en/authentication/keeping-your-account-and-data-secure/about-authentication-to-github#githubs-token-formats
    id: 'github-fine-grained-token',
    name: 'a GitHub fine-grained personal access token',
    pattern: new RegExp(`${START}(?<prefix>github_pat_)[A-Za-z0-9]{22}_[A-Za-z0-9]{59}${END}`),
  },
  {
    // ghp_ personal, gho_ OAuth, ghu_ user-to-server, ghs_ server-to-server, ghr_ refresh;
    // [A-Za-z0-9] with a checksum, 36 characters today, up to 255 announced.
    // https://github.blog/changelog/2021-03-31-authentication-token-format-updates-are-generally-available/
    id: 'github-token',
    name: 'a GitHub token',
    pattern: new RegExp(`${START}(?<prefix>gh[pousr]_)[A-Za-z0-9]{36,251}${END}`),
  },
  {
    // Personal, project and group access tokens: glpat- and at least 20 characters.
    // https://docs.gitlab.com/ee/security/tokens/#token-prefixes
    id: 'gitlab-token',
    name: 'a GitLab access token',
    pattern: new RegExp(`${START}(?<prefix>glpat-)[A-Za-z0-9_-]{20,}${END}`),
  },
  {
    // Bot (xoxb-), user (xoxp-), app (xoxa-) and refresh (xoxr-) tokens: the prefix, then
    // numeric ids and a random part separated by dashes. https://api.slack.com/authentication/token-types
    id: 'slack-token',
    name: 'a Slack token',
    pattern: new RegExp(`${START}(?<prefix>xox[abpr]-)[0-9]+-[0-9A-Za-z-]{10,}${END}`),
  },
  {
    // Live secret (sk_live_) and restricted (rk_live_) keys; test keys move no money.
    // https://docs.stripe.com/keys
    id: 'stripe-live-key',
    name: 'a Stripe live API key',
    pattern: new RegExp(`${START}(?<prefix>[sr]k_live_)[0-9A-Za-z]{24,}${END}`),
  },
  {
    // AIza and 35 characters. https://cloud.google.com/docs/authentication/api-keys
    id: 'google-api-key',
    name: 'a Google API key',
    pattern: new RegExp(`${START}(?<prefix>AIza)[0-9A-Za-z_-]{35}${END}`),
    documentedExamples: ['AIzaSyDaGmWKa4JsXZ-HjGw7ISLn_3namBGewQe'],
  },
  {
    // npm_ and 36 base62 characters, GitHub's token format.
    // https://github.blog/2021-09-23-announcing-npms-new-access-token-format/
    id: 'npm-token',
    name: 'an npm access token',
    pattern: new RegExp(`${START}(?<prefix>npm_)[A-Za-z0-9]{36}${END}`),
  },
];

/**
 * A JSON Web Token: three base64url parts (RFC 7519 compact serialization), the first a
 * JOSE header with `alg`. Often short-lived or public (an ID token in a test fixture), so a
 * warning; a service account token in a manifest is a real secret.
 *
 * @see https://www.rfc-editor.org/rfc/rfc7519#section-3
 */
export const JWT_FORMAT: SecretFormat = {
  id: 'jwt',
  name: 'a JSON Web Token',
  pattern: /(?<![A-Za-z0-9_.-])(?<header>[A-Za-z0-9_-]{10,})\.[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]*(?![A-Za-z0-9_.-])/g,
};

/** One secret found in a text, as findings may show it. */
export interface FoundSecret {
  readonly format: SecretFormat;
  /** The fixed part and an ellipsis (`AKIA…`), or a PEM block's label; never a character of the secret. */
  readonly shown: string;
}

/** The first secret of `SECRET_FORMATS` in `text` (the most specific), or `undefined`. */
export function findSecret(text: string): FoundSecret | undefined {
  for (const format of SECRET_FORMATS) {
    const found = firstMatch(format, text);
    if (found) return found;
  }
  return undefined;
}

function firstMatch(format: SecretFormat, text: string): FoundSecret | undefined {
  if (format.alsoRequires && !format.alsoRequires.test(text)) return undefined;
  // Scan every match: a documented example may come before a real key in the same text.
  const global = new RegExp(format.pattern.source, format.pattern.flags.includes('g') ? format.pattern.flags : `${format.pattern.flags}g`);
  for (const match of text.matchAll(global)) {
    if (format.documentedExamples?.includes(match[0])) continue;
    const { prefix, label } = match.groups ?? {};
    return { format, shown: label ?? (prefix === undefined ? '' : `${prefix}…`) };
  }
  return undefined;
}

/** Whether `text` holds a JWT: three base64url parts whose first decodes to a JSON object with a string `alg`. */
export function findJwt(text: string): FoundSecret | undefined {
  for (const match of text.matchAll(JWT_FORMAT.pattern)) {
    if (isJoseHeader(match.groups?.header ?? '')) return { format: JWT_FORMAT, shown: `${match[0].slice(0, 3)}…` };
  }
  return undefined;
}

function isJoseHeader(part: string): boolean {
  let header: unknown;
  try {
    header = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
  } catch {
    return false;
  }
  return typeof header === 'object' && header !== null && typeof (header as { alg?: unknown }).alg === 'string';
}

/** How a finding names what it found: `an AWS access key id (AKIA…)`. */
export function describeSecret(found: FoundSecret): string {
  return found.shown ? `${found.format.name} (${found.shown})` : found.format.name;
}
