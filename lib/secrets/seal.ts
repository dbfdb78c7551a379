/**
 * Offline sealing in the exact format of Bitnami Sealed Secrets, so the real controller (and
 * `kubeseal --recovery-unseal`) decrypts what we write. Pure functions over `node:crypto`.
 *
 * The format, as implemented upstream by `HybridEncrypt` in `pkg/crypto/crypto.go` and the
 * label and scope helpers (`EncryptionLabel`, `SecretScope`, `UpdateScopeAnnotations`) in
 * `pkg/apis/sealedsecrets/v1alpha1/sealedsecret_expansion.go` (checked against v0.40.0):
 *
 * ```
 * value = base64std( uint16be(len(R)) || R || G )
 *   R = RSA-OAEP(SHA-256, MGF1-SHA-256, label)(sessionKey)   sessionKey = 32 random bytes
 *   G = AES-256-GCM(sessionKey, nonce = 12 zero bytes, no AAD)(plaintext) || 16-byte tag
 * label = "<namespace>/<name>" (strict) | "<namespace>" (namespace-wide) | "" (cluster-wide)
 * ```
 *
 * A zero nonce is safe because every value gets its own fresh session key, used once.
 */
import * as crypto from 'node:crypto';

/**
 * Where a sealed value may be unsealed: the controller decrypts it only for a Secret whose
 * namespace and name give the same label as when it was sealed.
 *
 * @see https://github.com/bitnami-labs/sealed-secrets#scopes
 */
export enum SealingScope {
  /** Only as this name in this namespace (upstream's default, and ours). */
  STRICT = 'strict',
  /** Under any name, but only in this namespace. */
  NAMESPACE_WIDE = 'namespace-wide',
  /** Under any name in any namespace: anyone who can create a SealedSecret anywhere can read it. */
  CLUSTER_WIDE = 'cluster-wide',
}

/** The annotation that marks a SealedSecret (and its Secret) namespace-wide, as upstream spells it. */
export const NAMESPACE_WIDE_ANNOTATION = 'sealedsecrets.bitnami.com/namespace-wide';
/** The annotation that marks a SealedSecret (and its Secret) cluster-wide, as upstream spells it. */
export const CLUSTER_WIDE_ANNOTATION = 'sealedsecrets.bitnami.com/cluster-wide';

/** API version of the SealedSecret custom resource. */
export const SEALED_SECRET_API_VERSION = 'bitnami.com/v1alpha1';
/** Kind of the SealedSecret custom resource. */
export const SEALED_SECRET_KIND = 'SealedSecret';

const SESSION_KEY_BYTES = 32;
const GCM_NONCE_BYTES = 12;
const GCM_TAG_BYTES = 16;

/** The RSA-OAEP label for a scope, exactly as upstream's `EncryptionLabel`. */
export function encryptionLabel(scope: SealingScope, namespace: string, name: string): string {
  switch (scope) {
    case SealingScope.CLUSTER_WIDE:
      return '';
    case SealingScope.NAMESPACE_WIDE:
      return namespace;
    default:
      return `${namespace}/${name}`;
  }
}

/** The scope annotations for a scope (none for strict), as upstream's `UpdateScopeAnnotations`. */
export function scopeAnnotations(scope: SealingScope): Record<string, string> {
  switch (scope) {
    case SealingScope.CLUSTER_WIDE:
      return { [CLUSTER_WIDE_ANNOTATION]: 'true' };
    case SealingScope.NAMESPACE_WIDE:
      return { [NAMESPACE_WIDE_ANNOTATION]: 'true' };
    default:
      return {};
  }
}

/** The scope that annotations select, as upstream's `SecretScope`: cluster-wide wins, then namespace-wide. */
export function scopeFromAnnotations(annotations: Readonly<Record<string, unknown>> | undefined): SealingScope {
  if (annotations?.[CLUSTER_WIDE_ANNOTATION] === 'true') return SealingScope.CLUSTER_WIDE;
  if (annotations?.[NAMESPACE_WIDE_ANNOTATION] === 'true') return SealingScope.NAMESPACE_WIDE;
  return SealingScope.STRICT;
}

/**
 * Encrypts `plaintext` for the holder of the private key of `publicKey`, bound to `label`:
 * upstream's `HybridEncrypt`. Randomized: two calls never give the same bytes.
 */
export function hybridEncrypt(publicKey: crypto.KeyObject, plaintext: Uint8Array, label: Uint8Array): Buffer {
  const sessionKey = crypto.randomBytes(SESSION_KEY_BYTES);
  try {
    const rsaCiphertext = crypto.publicEncrypt(
      {
        key: publicKey,
        padding: crypto.constants.RSA_PKCS1_OAEP_PADDING,
        oaepHash: 'sha256',
        oaepLabel: label,
      },
      sessionKey,
    );
    if (rsaCiphertext.length > 0xffff)
      throw new Error(`RSA ciphertext of ${rsaCiphertext.length} bytes does not fit the 2-byte length prefix`);
    const length = Buffer.alloc(2);
    length.writeUInt16BE(rsaCiphertext.length);
    const cipher = crypto.createCipheriv('aes-256-gcm', sessionKey, Buffer.alloc(GCM_NONCE_BYTES), { authTagLength: GCM_TAG_BYTES });
    const sealed = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    return Buffer.concat([length, rsaCiphertext, sealed, cipher.getAuthTag()]);
  } finally {
    sessionKey.fill(0);
  }
}

/** Seals one value as it appears in `spec.encryptedData`: `hybridEncrypt` in standard base64. */
export function sealValue(
  publicKey: crypto.KeyObject,
  plaintext: Uint8Array,
  scope: SealingScope,
  namespace: string,
  name: string,
): string {
  return hybridEncrypt(publicKey, plaintext, Buffer.from(encryptionLabel(scope, namespace, name), 'utf8')).toString('base64');
}

/** @internal Sizes of the format, shared with `unseal.ts`. */
export const FORMAT = { SESSION_KEY_BYTES, GCM_NONCE_BYTES, GCM_TAG_BYTES } as const;
