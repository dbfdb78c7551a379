import * as crypto from 'node:crypto';
import {
  CLUSTER_WIDE_ANNOTATION,
  encryptionLabel,
  hybridEncrypt,
  NAMESPACE_WIDE_ANNOTATION,
  scopeAnnotations,
  scopeFromAnnotations,
  sealValue,
  SealingScope,
} from '../../lib/secrets/seal';
import { hybridDecrypt, unsealSealedSecret, unsealValue } from '../../lib/secrets/unseal';
import { testKeys } from './support';

const keys = testKeys();
// The controller's keys are 4096 bits; generating one can take seconds, so not inside a test.
beforeAll(() => testKeys('big', 4096), 120_000);
const publicKey = () => new crypto.X509Certificate(keys.certificatePem).publicKey;

describe('the sealing format (upstream pkg/crypto HybridEncrypt)', () => {
  const plaintext = Buffer.from('correct horse battery staple');
  const label = Buffer.from('shop/db');
  const sealed = hybridEncrypt(publicKey(), plaintext, label);

  test('starts with the RSA ciphertext length as 2 bytes big-endian: 256 for a 2048-bit key', () => {
    expect(sealed.readUInt16BE(0)).toBe(256);
  });

  test('is length prefix + RSA ciphertext + AES-GCM ciphertext of the same length as the plaintext + 16-byte tag', () => {
    expect(sealed.length).toBe(2 + 256 + plaintext.length + 16);
  });

  test('the RSA part is RSA-OAEP SHA-256 with the label, holding a 32-byte AES key', () => {
    const sessionKey = crypto.privateDecrypt(
      { key: keys.privateKeyPem, padding: crypto.constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256', oaepLabel: label },
      sealed.subarray(2, 258),
    );
    expect(sessionKey.length).toBe(32);
    // ... which opens the rest as AES-256-GCM with an all-zero 12-byte nonce and no AAD.
    const decipher = crypto.createDecipheriv('aes-256-gcm', sessionKey, Buffer.alloc(12));
    decipher.setAuthTag(sealed.subarray(sealed.length - 16));
    expect(Buffer.concat([decipher.update(sealed.subarray(258, sealed.length - 16)), decipher.final()])).toEqual(plaintext);
  });

  test('is randomized: a fresh session key every time', () => {
    expect(hybridEncrypt(publicKey(), plaintext, label).equals(sealed)).toBe(false);
  });

  test('round-trips, also for an empty value and binary data', () => {
    expect(hybridDecrypt(keys.privateKeyPem, sealed, label)).toEqual(plaintext);
    for (const value of [Buffer.alloc(0), crypto.randomBytes(4096)]) {
      expect(hybridDecrypt(keys.privateKeyPem, hybridEncrypt(publicKey(), value, label), label)).toEqual(value);
    }
  });

  test('does not open under another label, another key, or with a flipped byte', () => {
    expect(() => hybridDecrypt(keys.privateKeyPem, sealed, Buffer.from('shop/other'))).toThrow();
    expect(() => hybridDecrypt(testKeys('other').privateKeyPem, sealed, label)).toThrow();
    const tampered = Buffer.from(sealed);
    tampered[tampered.length - 20] ^= 1;
    expect(() => hybridDecrypt(keys.privateKeyPem, tampered, label)).toThrow();
    expect(() => hybridDecrypt(keys.privateKeyPem, sealed.subarray(0, 100), label)).toThrow('too short');
  });

  test('works with the 4096-bit keys the controller makes (512-byte RSA part)', () => {
    const big = testKeys('big', 4096);
    const value = hybridEncrypt(new crypto.X509Certificate(big.certificatePem).publicKey, plaintext, label);
    expect(value.readUInt16BE(0)).toBe(512);
    expect(hybridDecrypt(big.privateKeyPem, value, label)).toEqual(plaintext);
  });
});

describe('labels and scope annotations (upstream EncryptionLabel, SecretScope, UpdateScopeAnnotations)', () => {
  test.each([
    [SealingScope.STRICT, 'shop/db'],
    [SealingScope.NAMESPACE_WIDE, 'shop'],
    [SealingScope.CLUSTER_WIDE, ''],
  ])('%s seals with the label %j', (scope, label) => {
    expect(encryptionLabel(scope, 'shop', 'db')).toBe(label);
    const value = sealValue(publicKey(), Buffer.from('v'), scope, 'shop', 'db');
    expect(value).toMatch(/^[A-Za-z0-9+/]+=*$/); // standard base64
    expect(unsealValue(keys.privateKeyPem, value, label).toString()).toBe('v');
  });

  test("annotations are exactly upstream's, none for strict", () => {
    expect(scopeAnnotations(SealingScope.STRICT)).toEqual({});
    expect(scopeAnnotations(SealingScope.NAMESPACE_WIDE)).toEqual({ 'sealedsecrets.bitnami.com/namespace-wide': 'true' });
    expect(scopeAnnotations(SealingScope.CLUSTER_WIDE)).toEqual({ 'sealedsecrets.bitnami.com/cluster-wide': 'true' });
  });

  test('reading the scope back: cluster-wide wins, only the string "true" counts', () => {
    expect(scopeFromAnnotations({ [CLUSTER_WIDE_ANNOTATION]: 'true', [NAMESPACE_WIDE_ANNOTATION]: 'true' })).toBe(
      SealingScope.CLUSTER_WIDE,
    );
    expect(scopeFromAnnotations({ [NAMESPACE_WIDE_ANNOTATION]: 'true' })).toBe(SealingScope.NAMESPACE_WIDE);
    expect(scopeFromAnnotations({ [CLUSTER_WIDE_ANNOTATION]: 'yes' })).toBe(SealingScope.STRICT);
    expect(scopeFromAnnotations(undefined)).toBe(SealingScope.STRICT);
  });

  test("unsealSealedSecret takes the label from the object's own metadata, as the controller does", () => {
    const sealed = {
      metadata: { name: 'db', namespace: 'shop', annotations: { [NAMESPACE_WIDE_ANNOTATION]: 'true' } },
      spec: { encryptedData: { password: sealValue(publicKey(), Buffer.from('pw'), SealingScope.NAMESPACE_WIDE, 'shop', 'ignored') } },
    };
    expect(unsealSealedSecret(sealed, keys.privateKeyPem)).toEqual({ password: Buffer.from('pw') });
    // Moved to another namespace, it no longer opens.
    expect(() => unsealSealedSecret({ ...sealed, metadata: { ...sealed.metadata, namespace: 'other' } }, keys.privateKeyPem)).toThrow();
  });
});
