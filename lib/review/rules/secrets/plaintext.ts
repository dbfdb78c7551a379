import { Rule, RuleFinding } from '../../model';
import { finding, isRecord } from '../../walkers';
import { keyPath } from './secret-names';

/**
 * No Secret in the output carries its values: base64 in `data` is an encoding, not
 * encryption, so whoever reads the repository, the CI logs or the rendered manifests reads the
 * secret. Values reach the cluster sealed (SealedSecret) or fetched from a store
 * (ExternalSecret) instead.
 *
 * @see https://kubernetes.io/docs/concepts/security/secrets-good-practices/
 */
export const secretNoPlaintext: Rule = {
  id: 'secret-no-plaintext',
  title: 'Secrets do not carry their values in the manifests',
  severity: 'error',
  kinds: ['Secret'],
  references: { cis: '5.4.2' },
  remediation:
    "Seal the values with SealedSecret (only the cluster's controller can decrypt them) or fetch them with ExternalSecret, and remove the Secret from the output.",
  synthTimeOnly:
    'In the cluster, Secrets are rightly written with their values by the Sealed Secrets and External Secrets controllers (and the token controller, Helm), which a policy cannot tell from a Secret applied from the repository; the rule judges the manifests.',
  check: (obj) => {
    const found: RuleFinding[] = [];
    for (const [field, how] of [
      ['data', 'base64-encoded, not encrypted'],
      ['stringData', 'in plain text'],
    ] as const) {
      const values = obj[field];
      if (!isRecord(values)) continue;
      for (const key of Object.keys(values)) {
        found.push(finding(keyPath(field, key), `Secret carries the value of ${JSON.stringify(key)} ${how}`));
      }
    }
    return found;
  },
};
