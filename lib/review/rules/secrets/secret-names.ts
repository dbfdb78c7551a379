/**
 * Whether a name (an env var, a ConfigMap key) says it holds a secret. Shared by the secrets
 * rules so they agree on what "looks secret" means, in their checks and in their admission CEL.
 */
import { celList, celString } from '../../admission/cel';

/**
 * Words that mark a secret, matched in the name with separators and case removed, and what
 * messages call them.
 */
export const SECRET_WORDS: Readonly<Record<string, string>> = {
  password: 'a password',
  passwd: 'a password',
  secret: 'a secret',
  token: 'a token',
  apikey: 'an API key',
  privatekey: 'a private key',
  credential: 'a credential',
  accesskey: 'an access key',
};

/**
 * Last words that make a name point at a secret rather than hold one: `DB_PASSWORD_FILE`,
 * `TOKEN_URL`, `secretName`, `AWS_ACCESS_KEY_ID`.
 */
export const REFERENCE_SUFFIXES: readonly string[] = ['file', 'path', 'dir', 'url', 'uri', 'endpoint', 'host', 'name', 'ref', 'id'];

/** Character classes of name words: separators, and the humps of camelCase (a lower letter or digit, then an upper letter). */
const SEPARATORS = '-_.\\s';
const HUMP_BEFORE = 'a-z0-9';
const HUMP_AFTER = 'A-Z';
const HUMP = new RegExp(`([${HUMP_BEFORE}])([${HUMP_AFTER}])`, 'g');
const SEPARATOR_RUN = new RegExp(`[${SEPARATORS}]+`);

/** The words of a name: split at `-`, `_`, `.`, spaces and camelCase humps, lowercased. */
export function nameWords(name: string): string[] {
  return name
    .replace(HUMP, '$1 $2')
    .split(SEPARATOR_RUN)
    .map((word) => word.toLowerCase())
    .filter((word) => word !== '');
}

/**
 * RE2 for one word of `nameWords` before lowercasing: a run without separators in which no
 * hump letter follows a lower letter or digit (CEL `findAll` gives the words in order).
 */
const WORD = (() => {
  const other = `[^${SEPARATORS}${HUMP_BEFORE}${HUMP_AFTER}]`;
  const notLower = `[^${SEPARATORS}${HUMP_BEFORE}]`;
  return `${notLower}*(?:[${HUMP_BEFORE}]+${other}${notLower}*)*[${HUMP_BEFORE}]*`;
})();

/**
 * Names of vendors' credentials and of credential files that no word of `SECRET_WORDS`
 * gives away, matched as the last words of a name (`MY_SLACK_WEBHOOK_URL`): a Slack webhook
 * URL is itself the credential, whatever its `_URL` says.
 */
export const VENDOR_SECRET_NAMES: readonly { readonly words: readonly string[]; readonly holds: string }[] = [
  { words: ['slack', 'webhook', 'url'], holds: 'a Slack webhook URL (the URL is the credential)' },
  { words: ['gh', 'pat'], holds: 'a GitHub personal access token' },
  { words: ['github', 'pat'], holds: 'a GitHub personal access token' },
  { words: ['gitlab', 'pat'], holds: 'a GitLab personal access token' },
  { words: ['storage', 'connection', 'string'], holds: 'a storage connection string (with its account key)' },
  { words: ['dd', 'app', 'key'], holds: 'a Datadog application key' },
  { words: ['datadog', 'app', 'key'], holds: 'a Datadog application key' },
  { words: ['license', 'key'], holds: 'a license key' },
  { words: ['id', 'rsa'], holds: 'an SSH private key' },
  { words: ['id', 'dsa'], holds: 'an SSH private key' },
  { words: ['id', 'ecdsa'], holds: 'an SSH private key' },
  { words: ['id', 'ed25519'], holds: 'an SSH private key' },
  { words: ['pgpass'], holds: 'a PostgreSQL password file' },
  { words: ['netrc'], holds: 'a .netrc credentials file' },
  { words: ['dockerconfigjson'], holds: 'registry credentials' },
  { words: ['dockercfg'], holds: 'registry credentials' },
];

/** What a name says it holds (`DB_PASSWORD` → `a password`), or `undefined` when it looks harmless. */
export function secretWordIn(name: string): string | undefined {
  const words = nameWords(name);
  const vendor = VENDOR_SECRET_NAMES.find(
    (v) => v.words.length <= words.length && v.words.every((w, i) => words[words.length - v.words.length + i] === w),
  );
  if (vendor) return vendor.holds;
  if (words.length === 0 || REFERENCE_SUFFIXES.includes(words[words.length - 1])) return undefined;
  const joined = words.join('');
  const word = Object.keys(SECRET_WORDS).find((w) => joined.includes(w));
  return word === undefined ? undefined : SECRET_WORDS[word];
}

/** A JSON path to `key` under `field`: `data.password`, or `data["tls.key"]` when the key is not an identifier. */
export function keyPath(field: string, key: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(key) ? `${field}.${key}` : `${field}[${JSON.stringify(key)}]`;
}

/** CEL over `w`, the lowercased words of a name (CEL list of strings): `secretWordIn` finds something. */
function celSecretWords(w: string): string {
  const last = (k: number, i: number) => `${w}[size(${w}) - ${k - i}]`;
  const vendors = VENDOR_SECRET_NAMES.map(
    (v) =>
      `(size(${w}) >= ${v.words.length} && ${v.words.map((word, i) => `${last(v.words.length, i)} == ${celString(word)}`).join(' && ')})`,
  );
  const holds = `(size(${w}) > 0 && !(${last(1, 0)} in ${celList(REFERENCE_SUFFIXES)}) && ${celList(Object.keys(SECRET_WORDS))}.exists(s, ${w}.join("").contains(s)))`;
  return `(${[...vendors, holds].join(' || ')})`;
}

/** CEL: the name `name` (CEL string) looks secret, as `secretWordIn` judges it. */
export function celSecretName(name: string): string {
  return `[${name}.findAll(${celString(WORD)}).filter(x, x != "").map(x, x.lowerAscii())].all(w, ${celSecretWords('w')})`;
}
