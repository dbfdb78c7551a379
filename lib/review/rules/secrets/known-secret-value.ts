import { ANY_KIND, Rule } from '../../model';
import { secretFindings } from './scanned-text';
import { findSecret } from './secret-formats';

/**
 * No private key or vendor token sits in an annotation, an environment value, a command or
 * its arguments, whatever the field is called: `CONFIG: -----BEGIN RSA PRIVATE KEY-----...`
 * escapes every check by name. Recognised by content only (`SECRET_FORMATS`: PEM blocks, and
 * tokens with a fixed prefix and length), so a random-looking string is never guessed at.
 * ConfigMap values are judged by `configmap-no-secret-keys`, with the same formats.
 *
 * @see https://kubernetes.io/docs/concepts/security/secrets-good-practices/
 */
export const valueNoKnownSecret: Rule = {
  id: 'value-no-known-secret',
  title: 'No private key or vendor token in annotations, environment values, commands or arguments',
  severity: 'error',
  kinds: [ANY_KIND],
  references: {},
  remediation:
    'Revoke the key or token (it was in the manifests), put a new one in a Secret delivered sealed or from a store, and read it with valueFrom.secretKeyRef or a secret volume.',
  synthTimeOnly:
    'It searches every string of the object, at any depth, for private keys and vendor tokens: CEL has no recursion to walk an object of any shape, nor the back-reference the private key format uses.',
  check: (obj, context) => secretFindings(obj, { configMapData: false, context }, findSecret),
};
