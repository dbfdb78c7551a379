import { Rule, RuleFinding } from '../../model';
import { finding, isRecord } from '../../walkers';
import { keyPath, secretWordIn } from './secret-names';

/** A PEM private key (PKCS#1, PKCS#8, EC, OpenSSH, encrypted): secret whatever its key is called. */
const PEM_PRIVATE_KEY = /-----BEGIN ([A-Z0-9]+ )*PRIVATE KEY-----/;

/**
 * ConfigMaps hold configuration, not secrets: they are not encrypted at rest by default,
 * are readable by more roles than Secrets, and end up in logs and dashboards. A key that
 * looks secret (password, token, api key, ...) or a value holding a PEM private key belongs
 * in a Secret.
 *
 * @see https://kubernetes.io/docs/concepts/configuration/configmap/
 */
export const configMapNoSecretKeys: Rule = {
  id: 'configmap-no-secret-keys',
  title: 'ConfigMaps hold no secret-looking keys or private keys',
  severity: 'error',
  kinds: ['ConfigMap'],
  references: { polaris: 'sensitiveConfigmapContent' },
  remediation: 'Move the value into a SealedSecret or ExternalSecret and mount or reference that Secret; keep only non-secret configuration in the ConfigMap.',
  check: (obj) => {
    const found: RuleFinding[] = [];
    for (const field of ['data', 'binaryData'] as const) {
      const values = obj[field];
      if (!isRecord(values)) continue;
      for (const [key, value] of Object.entries(values)) {
        const word = secretWordIn(key);
        if (word !== undefined) {
          found.push(finding(keyPath(field, key), `ConfigMap key ${JSON.stringify(key)} looks like ${word}`));
        } else if (field === 'data' && typeof value === 'string' && PEM_PRIVATE_KEY.test(value)) {
          found.push(finding(keyPath(field, key), `ConfigMap key ${JSON.stringify(key)} holds a PEM private key`));
        }
      }
    }
    return found;
  },
};
