/**
 * The inverse of `seal.ts`, for tests only: decrypts what `SealedSecret` wrote with the
 * controller's private key, to check our format (and, in `test/secrets/kubeseal.test.ts`,
 * to decrypt what the real `kubeseal` sealed).
 *
 * Not exported from the package index on purpose: an app never needs the controller's
 * private key, and should never have it. Import it by path in tests:
 * `import { unsealSealedSecret } from 'cdk8s-hardened/lib/secrets/unseal'`.
 *
 * Mirrors upstream's `HybridDecrypt` (`pkg/crypto/crypto.go`) and `SealedSecret.Unseal`
 * (`pkg/apis/sealedsecrets/v1alpha1/sealedsecret_expansion.go`): the label comes from the
 * SealedSecret's own metadata (name, namespace and scope annotations), never the template.
 */
import * as crypto from 'node:crypto';
import { encryptionLabel, FORMAT, scopeFromAnnotations } from './seal';

/** Decrypts one `hybridEncrypt` result. Throws when the key or the label does not match. */
export function hybridDecrypt(privateKey: crypto.KeyObject | string, data: Uint8Array, label: Uint8Array): Buffer {
  const bytes = Buffer.from(data);
  if (bytes.length < 2) throw new Error('sealed value is too short');
  const rsaLength = bytes.readUInt16BE(0);
  if (bytes.length < 2 + rsaLength + FORMAT.GCM_TAG_BYTES) throw new Error('sealed value is too short');
  const sessionKey = crypto.privateDecrypt(
    {
      key: privateKey,
      padding: crypto.constants.RSA_PKCS1_OAEP_PADDING,
      oaepHash: 'sha256',
      oaepLabel: label,
    },
    bytes.subarray(2, 2 + rsaLength),
  );
  try {
    const gcm = bytes.subarray(2 + rsaLength);
    const decipher = crypto.createDecipheriv('aes-256-gcm', sessionKey, Buffer.alloc(FORMAT.GCM_NONCE_BYTES), {
      authTagLength: FORMAT.GCM_TAG_BYTES,
    });
    decipher.setAuthTag(gcm.subarray(gcm.length - FORMAT.GCM_TAG_BYTES));
    return Buffer.concat([decipher.update(gcm.subarray(0, gcm.length - FORMAT.GCM_TAG_BYTES)), decipher.final()]);
  } finally {
    sessionKey.fill(0);
  }
}

/** Decrypts one `spec.encryptedData` value sealed for `label`. */
export function unsealValue(privateKeyPem: string, sealedBase64: string, label: string): Buffer {
  return hybridDecrypt(privateKeyPem, Buffer.from(sealedBase64, 'base64'), Buffer.from(label, 'utf8'));
}

/**
 * Decrypts every value of a SealedSecret object (as parsed from YAML), the way the controller
 * does: the label from the object's namespace, name and scope annotations.
 */
export function unsealSealedSecret(sealedSecret: unknown, privateKeyPem: string): Record<string, Buffer> {
  const obj = sealedSecret as {
    metadata?: { name?: string; namespace?: string; annotations?: Record<string, string> };
    spec?: { encryptedData?: Record<string, string> };
  };
  const metadata = obj.metadata ?? {};
  const label = encryptionLabel(scopeFromAnnotations(metadata.annotations), metadata.namespace ?? '', metadata.name ?? '');
  const result: Record<string, Buffer> = {};
  for (const [key, value] of Object.entries(obj.spec?.encryptedData ?? {})) {
    result[key] = unsealValue(privateKeyPem, value, label);
  }
  return result;
}
