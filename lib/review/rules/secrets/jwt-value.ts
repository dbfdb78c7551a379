import { ANY_KIND, Rule } from '../../model';
import { secretFindings } from './scanned-text';
import { findJwt } from './secret-formats';

/**
 * A JSON Web Token in an annotation, an environment value, a command, its arguments or a
 * ConfigMap is a bearer credential for as long as it is valid (a service account token, an
 * API token). A warning, not an error: many are expired samples or public test fixtures, and
 * only the reader knows which.
 *
 * @see https://www.rfc-editor.org/rfc/rfc7519
 */
export const valueNoJwt: Rule = {
  id: 'value-no-jwt',
  title: 'No JSON Web Token in annotations, environment values, commands, arguments or ConfigMaps',
  severity: 'warning',
  kinds: [ANY_KIND],
  references: {},
  remediation:
    'If the token is valid, revoke it and deliver a new one through a Secret (a projected service account token for the Kubernetes API); if it is a sample, replace it with a placeholder.',
  synthTimeOnly:
    'It searches every string of the object, at any depth, and decodes what looks like a token (base64url JSON): CEL has no recursion to walk an object of any shape, nor a base64 decoder.',
  check: (obj, context) => secretFindings(obj, { configMapData: true, context }, findJwt),
};
