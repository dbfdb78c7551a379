import { KubeObject, Rule, RuleFinding } from '../../model';
import { finding, isRecord, list, quote } from '../../walkers';
import { CONTROL_PLANE_FILE } from './synth-time';

/**
 * The API server's `EncryptionConfiguration`: Secrets encrypted at rest in etcd, with the
 * key outside the file.
 *
 * @see https://kubernetes.io/docs/tasks/administer-cluster/encrypt-data/
 */

/** Whether the object is an encryption configuration. */
export function isEncryptionConfiguration(obj: KubeObject): boolean {
  return obj.kind === 'EncryptionConfiguration' && /^apiserver\.(config\.)?k8s\.io\//.test(obj.apiVersion);
}

/** Whether a `resources` list names Secrets (directly or through a wildcard). */
const coversSecrets = (names: readonly unknown[]): boolean => names.some((n) => n === 'secrets' || n === '*.' || n === '*.*');

/** The name of a provider entry (`kms`, `secretbox`, `identity`, ...) and its settings. */
function providerOf(entry: unknown): { name: string; settings: Record<string, unknown> } | undefined {
  if (!isRecord(entry)) return undefined;
  const name = Object.keys(entry)[0];
  return name === undefined ? undefined : { name, settings: isRecord(entry[name]) ? (entry[name] as Record<string, unknown>) : {} };
}

/**
 * Secrets are encrypted when written: the first provider of the entry that covers Secrets
 * encrypts (KMS v2, secretbox, aescbc or aesgcm), rather than `identity` (plain text) or the
 * deprecated KMS v1.
 */
export const encryptionSecretsEncrypted: Rule = {
  id: 'encryption-secrets-encrypted',
  title: 'Secrets are encrypted at rest with KMS v2 or a strong local provider',
  severity: 'error',
  kinds: ['EncryptionConfiguration'],
  references: { cis: ['1.2.27', '1.2.28'], nsa: 'Encryption at rest' },
  remediation:
    'Cover secrets with a first provider that encrypts: kms with apiVersion v2 (preferred), or secretbox; keep identity only last, to read data written before encryption.',
  synthTimeOnly: CONTROL_PLANE_FILE,
  check: (obj) => {
    if (!isEncryptionConfiguration(obj)) return [];
    const resources = list<unknown>(obj.resources);
    const index = resources.findIndex((entry) => isRecord(entry) && coversSecrets(list(entry.resources)));
    if (index < 0) return [finding('resources', 'no entry covers secrets, so they are stored in plain text')];
    const first = providerOf(list<unknown>((resources[index] as Record<string, unknown>).providers)[0]);
    const path = `resources[${index}].providers[0]`;
    if (!first) return [finding(`resources[${index}].providers`, 'the entry for secrets has no provider')];
    if (first.name === 'identity') return [finding(path, 'the first provider for secrets is identity, so they are written in plain text')];
    if (first.name === 'kms' && first.settings.apiVersion !== 'v2') {
      return [
        finding(`${path}.kms.apiVersion`, 'the first provider for secrets is KMS v1, deprecated and off by default since Kubernetes 1.29'),
      ];
    }
    if (!['kms', 'secretbox', 'aescbc', 'aesgcm'].includes(first.name)) {
      return [finding(path, `the first provider for secrets is ${quote(first.name)}, not one that encrypts`)];
    }
    return [];
  },
};

/**
 * No encryption key in reviewed output: a file holding a `secretbox`, `aescbc` or `aesgcm`
 * key gives etcd's plaintext to anyone who reads the repository or `dist/`. With KMS v2 the
 * file holds only the plugin's socket.
 */
export const encryptionKeyNotInManifests: Rule = {
  id: 'encryption-key-not-in-manifests',
  title: 'Encryption configurations in the output hold no key',
  severity: 'error',
  kinds: ['EncryptionConfiguration'],
  references: {},
  remediation:
    'Use a KMS v2 provider, whose configuration holds no key; keep a file with a local key out of the manifests and copy it to the control plane nodes only.',
  synthTimeOnly: CONTROL_PLANE_FILE,
  check: (obj) => {
    if (!isEncryptionConfiguration(obj)) return [];
    const found: RuleFinding[] = [];
    list<unknown>(obj.resources).forEach((entry, r) => {
      if (!isRecord(entry)) return;
      list<unknown>(entry.providers).forEach((provider, p) => {
        const parsed = providerOf(provider);
        list<unknown>(parsed?.settings.keys).forEach((key, k) => {
          if (isRecord(key) && typeof key.secret === 'string' && key.secret !== '') {
            found.push(
              finding(
                `resources[${r}].providers[${p}].${parsed!.name}.keys[${k}].secret`,
                `the ${parsed!.name} key ${quote(key.name)} is in the file`,
              ),
            );
          }
        });
      });
    });
    return found;
  },
};

/** The encryption configuration rules. */
export const ENCRYPTION_RULES: readonly Rule[] = [encryptionSecretsEncrypted, encryptionKeyNotInManifests];
