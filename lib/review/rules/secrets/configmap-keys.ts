import { Rule, RuleFinding } from '../../model';
import { finding, isRecord } from '../../walkers';
import { describeSecret, findSecret } from './secret-formats';
import { keyPath, secretWordIn } from './secret-names';

/** A `binaryData` value as text, for the formats to search (keys and tokens are ASCII). */
const decodeBase64 = (value: string): string => Buffer.from(value, 'base64').toString('latin1');

/**
 * ConfigMaps hold configuration, not secrets: they are not encrypted at rest by default,
 * are readable by more roles than Secrets, and end up in logs and dashboards. A key that
 * looks secret (password, token, api key, a vendor's credential such as `SLACK_WEBHOOK_URL`)
 * or a value holding a private key or a vendor token (`SECRET_FORMATS`, in `data` and in
 * decoded `binaryData`) belongs in a Secret.
 *
 * @see https://kubernetes.io/docs/concepts/configuration/configmap/
 */
export const configMapNoSecretKeys: Rule = {
  id: 'configmap-no-secret-keys',
  title: 'ConfigMaps hold no secret-looking keys, private keys or vendor tokens',
  severity: 'error',
  kinds: ['ConfigMap'],
  references: { polaris: 'sensitiveConfigmapContent' },
  remediation:
    'Move the value into a SealedSecret or ExternalSecret and mount or reference that Secret; keep only non-secret configuration in the ConfigMap.',
  synthTimeOnly:
    'binaryData values are bytes, which CEL reads only as UTF-8 text (a binary value would fail the policy, where the review reads it as Latin-1), and a private key is recognised by an END line matching its BEGIN line, a back-reference the RE2 expressions of CEL lack.',
  check: (obj) => {
    const found: RuleFinding[] = [];
    for (const field of ['data', 'binaryData'] as const) {
      const values = obj[field];
      if (!isRecord(values)) continue;
      for (const [key, value] of Object.entries(values)) {
        const word = secretWordIn(key);
        if (word !== undefined) {
          found.push(finding(keyPath(field, key), `ConfigMap key ${JSON.stringify(key)} looks like ${word}`));
          continue;
        }
        const secret = typeof value === 'string' ? findSecret(field === 'data' ? value : decodeBase64(value)) : undefined;
        if (secret) {
          found.push(
            finding(keyPath(field, key), `ConfigMap key ${JSON.stringify(key)} holds ${describeSecret(secret)}`, secret.format.id),
          );
        }
      }
    }
    return found;
  },
};
