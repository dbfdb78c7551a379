/**
 * The API server's `EncryptionConfiguration` (encryption of Secrets at rest in etcd), for
 * control planes you run yourself (managed clusters configure this through their provider).
 *
 * Key handling, the one thing that matters here:
 * - A KMS v2 provider keeps the key in an external KMS; the file holds only the plugin's
 *   socket, so it can be written anywhere, `dist/` included.
 * - A local key (`secretbox`, `aescbc`) is read at generation time from an environment
 *   variable or a git-ignored file (`SecretValue`), never from code. A file holding it is
 *   written only to a folder you name OUTSIDE the project (so never into `dist/`, which is
 *   published and reviewed output), git-ignored if inside any git work tree, with mode 0600,
 *   and a warning tells you to copy it to the control plane nodes and delete it.
 *
 * @see https://kubernetes.io/docs/tasks/administer-cluster/encrypt-data/
 * @see https://kubernetes.io/docs/tasks/administer-cluster/kms-provider/
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Duration } from 'cdk8s';
import { IConstruct } from 'constructs';
import * as YAML from 'yaml';
import { openNewFile, replaceFile } from '../core/files';
import { HardeningError } from '../core/hardening-error';
import { goDuration } from './external-secret';
import { isInside, whyNotGitIgnored } from './git-ignored';
import { SecretValue } from './secret-value';

/** A local encryption provider, used when no KMS is available. */
export enum LocalEncryption {
  /** XSalsa20-Poly1305 with a 32-byte key: authenticated, the stronger of the two. */
  SECRETBOX = 'secretbox',
  /** AES-CBC with PKCS#7 padding: not authenticated; Kubernetes recommends others over it. */
  AESCBC = 'aescbc',
}

/** A KMS v2 plugin: the data keys are encrypted by an external KMS, which holds the key. */
export interface KmsV2Encryption {
  /** Name of the provider, unique in the configuration (no ':'). */
  readonly name: string;
  /** The plugin's gRPC socket: `unix:///var/run/kmsplugin/socket.sock`. */
  readonly endpoint: string;
  /**
   * How long the API server waits for the plugin.
   *
   * @default Duration.seconds(3)
   */
  readonly timeout?: Duration;
}

/** One local key. */
export interface LocalEncryptionKey {
  /** Name of the key, unique in its provider, for example `key-2026-01`. */
  readonly name: string;
  /**
   * The key: 32 random bytes in base64, from an environment variable or a git-ignored file
   * (generate one with `node scripts/generate-encryption-key.js`).
   */
  readonly secret: SecretValue;
}

/** A local-key provider. */
export interface LocalKeyEncryption {
  /**
   * The algorithm.
   *
   * @default LocalEncryption.SECRETBOX
   */
  readonly provider?: LocalEncryption;
  /** The keys: the first encrypts, all decrypt (list the new key first when rotating). */
  readonly keys: LocalEncryptionKey[];
}

/** Options of an `EncryptionConfiguration`. */
export interface EncryptionConfigurationOptions {
  /**
   * KMS v2 provider: when set, it comes first and encrypts all new writes.
   *
   * @default - no KMS; `localKey` is then required
   */
  readonly kms?: KmsV2Encryption;

  /**
   * Local-key provider: after the KMS provider if there is one (to read data written before
   * the move to KMS), else it encrypts new writes.
   *
   * @default - none; `kms` is then required
   */
  readonly localKey?: LocalKeyEncryption;

  /**
   * Also encrypt ConfigMaps (Secrets always are).
   *
   * @default false
   */
  readonly encryptConfigMaps?: boolean;

  /**
   * Keep `identity: {}` as the last provider, so data written before encryption was turned on
   * can still be read. It never encrypts anything. Set `false` once every Secret has been
   * rewritten (`kubectl get secrets -A -o json | kubectl replace -f -`).
   *
   * @default true
   */
  readonly readUnencrypted?: boolean;
}

/** API version and kind of the file. */
export const ENCRYPTION_CONFIGURATION_API_VERSION = 'apiserver.config.k8s.io/v1';
/** Name of the file `writeEncryptionConfiguration` writes. */
export const ENCRYPTION_CONFIGURATION_FILE = 'encryption-configuration.yaml';

const KEY_BYTES = 32;
const SCOPE_NAME = 'EncryptionConfiguration';

/** 32 random bytes in base64: a key for `secretbox` or `aescbc`. Print it; never commit it. */
export function generateEncryptionKey(): string {
  return crypto.randomBytes(KEY_BYTES).toString('base64');
}

/**
 * The configuration as YAML text: providers in order KMS v2, local key, `identity`.
 * The text holds the local key when there is one: do not log it or write it into the project.
 */
export function encryptionConfiguration(options: EncryptionConfigurationOptions): string {
  return YAML.stringify(buildConfiguration(options));
}

/**
 * Writes `encryption-configuration.yaml` into `folder` and returns its path.
 *
 * A configuration with a local key is refused inside the project (`projectDir`, the current
 * directory by default), so it never lands in `dist/` or in Git; elsewhere it is written
 * with mode 0600, must be git-ignored if in a git work tree, and a warning is printed.
 * A KMS-only configuration holds no key and may be written anywhere.
 */
export function writeEncryptionConfiguration(
  options: EncryptionConfigurationOptions,
  folder: string,
  projectDir: string = process.cwd(),
): string {
  const scope = functionScope();
  const text = encryptionConfiguration(options);
  const file = path.join(path.resolve(folder), ENCRYPTION_CONFIGURATION_FILE);
  if (!options.localKey) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    replaceFile(file, text);
    return file;
  }
  const project = path.resolve(projectDir);
  if (isInside(realParent(file), realParent(path.join(project, 'x')))) {
    throw new HardeningError(
      scope,
      `refuses to write a configuration holding the local key '${options.localKey.keys[0]?.name}' into '${path.dirname(file)}', inside the project ${project} (where dist/ and Git live). ` +
        'Write it outside the project, for example to a tmpfs folder, and copy it to the control plane nodes; or use a KMS v2 provider, whose configuration holds no key.',
    );
  }
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  // A new file (0600, created exclusively: a link planted at the path is removed, never followed),
  // created empty so git can be asked about it before the key is written through the same descriptor.
  fs.rmSync(file, { force: true });
  const fd = openNewFile(file, 0o600);
  try {
    const problem = whyNotGitIgnored(file, project);
    if (problem !== undefined) {
      fs.rmSync(file);
      throw new HardeningError(
        scope,
        `refuses to write a configuration holding a local key: ${problem}. Write it to a folder outside every git work tree, or an ignored one.`,
      );
    }
    fs.writeFileSync(fd, text);
  } finally {
    fs.closeSync(fd);
  }
  process.emitWarning(
    `${file} holds the at-rest encryption key '${options.localKey.keys[0].name}'. Copy it to each control plane node ` +
      "(for example /etc/kubernetes/enc/, mode 0600, owned by root), point kube-apiserver's --encryption-provider-config at it, then delete this copy.",
    { code: 'CDK8S_HARDENED_KEY_WRITTEN' },
  );
  return file;
}

function buildConfiguration(options: EncryptionConfigurationOptions): Record<string, unknown> {
  const scope = functionScope();
  if (!options.kms && !options.localKey) {
    throw new HardeningError(
      scope,
      "needs a provider that encrypts: set 'kms' (a KMS v2 plugin, preferred) or 'localKey' (secretbox with a key from SecretValue.fromEnv or fromFile).",
    );
  }
  const providers: Record<string, unknown>[] = [];
  if (options.kms) providers.push({ kms: kmsProvider(scope, options.kms) });
  if (options.localKey) {
    const provider = options.localKey.provider ?? LocalEncryption.SECRETBOX;
    if (!Object.values(LocalEncryption).includes(provider)) {
      throw new HardeningError(scope, `'localKey.provider' must be a LocalEncryption (got '${provider}'). Use LocalEncryption.SECRETBOX.`);
    }
    providers.push({ [provider]: { keys: localKeys(scope, options.localKey.keys) } });
  }
  if (options.readUnencrypted ?? true) providers.push({ identity: {} });
  return {
    apiVersion: ENCRYPTION_CONFIGURATION_API_VERSION,
    kind: 'EncryptionConfiguration',
    resources: [{ resources: options.encryptConfigMaps ? ['secrets', 'configmaps'] : ['secrets'], providers }],
  };
}

function kmsProvider(scope: IConstruct, kms: KmsV2Encryption): Record<string, unknown> {
  if (!/^[A-Za-z0-9][-A-Za-z0-9_.]*$/.test(kms.name ?? '')) {
    throw new HardeningError(
      scope,
      `'kms.name' must be a name of letters, digits, '-', '_' and '.' (got '${kms.name}'). For example 'cloud-kms'.`,
    );
  }
  if (!/^unix:\/\/\/\S+$/.test(kms.endpoint ?? '')) {
    throw new HardeningError(scope, `'kms.endpoint' must be the plugin's unix socket, 'unix:///path/to/socket' (got '${kms.endpoint}').`);
  }
  const timeout = kms.timeout ?? Duration.seconds(3);
  if (timeout.toMilliseconds() <= 0) {
    throw new HardeningError(scope, "'kms.timeout' must be positive. Leave it out for the 3 second default.");
  }
  return { apiVersion: 'v2', name: kms.name, endpoint: kms.endpoint, timeout: goDuration(timeout) };
}

function localKeys(scope: IConstruct, keys: readonly LocalEncryptionKey[]): { name: string; secret: string }[] {
  if (!keys?.length) {
    throw new HardeningError(
      scope,
      "'localKey.keys' is empty. Give one key: keys: [{ name: 'key-1', secret: SecretValue.fromEnv('ETCD_ENCRYPTION_KEY') }].",
    );
  }
  const names = new Set<string>();
  return keys.map((key, i) => {
    const field = `localKey.keys[${i}]`;
    if (!/^[A-Za-z0-9][-A-Za-z0-9_.]*$/.test(key.name ?? '') || names.has(key.name)) {
      throw new HardeningError(scope, `'${field}.name' must be a unique name of letters, digits, '-', '_' and '.' (got '${key.name}').`);
    }
    names.add(key.name);
    const raw = key.secret._resolve(scope, `${field}.secret`);
    const text = raw.toString('utf8').trim();
    raw.fill(0);
    const bytes = Buffer.from(text, 'base64');
    const canonical = bytes.toString('base64') === text;
    const length = bytes.length;
    bytes.fill(0);
    if (!canonical || length !== KEY_BYTES) {
      throw new HardeningError(
        scope,
        `'${field}.secret' (${key.secret.describe()}) must be ${KEY_BYTES} random bytes in base64 (got ${canonical ? `${length} bytes` : 'text that is not base64'}). Generate one with: node scripts/generate-encryption-key.js.`,
      );
    }
    return { name: key.name, secret: text };
  });
}

/** These are functions, not constructs: errors are prefixed `[EncryptionConfiguration]`. */
function functionScope(): IConstruct {
  return { node: { path: SCOPE_NAME } } as unknown as IConstruct;
}

/** The real path of the folder `file` would be in (its nearest existing ancestor, resolved). */
function realParent(file: string): string {
  let dir = path.dirname(path.resolve(file));
  const rest: string[] = [];
  while (!fs.existsSync(dir) && path.dirname(dir) !== dir) {
    rest.unshift(path.basename(dir));
    dir = path.dirname(dir);
  }
  return path.join(fs.realpathSync(dir), ...rest);
}
