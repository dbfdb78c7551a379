import { IConstruct } from 'constructs';
import { HardeningError } from '../core/hardening-error';
import { chartNamespace, enclosingNamespaceScope } from '../core/namespace-scope';

export { requireDns1123Subdomain } from '../core/names';

const MAX_SUBDOMAIN_LENGTH = 253;
/** What Kubernetes allows as a key of a Secret's data. */
const SECRET_KEY = /^[-._a-zA-Z0-9]+$/;

/** Returns `key` if Kubernetes accepts it as a Secret data key, or throws. */
export function requireSecretKey(scope: IConstruct, field: string, key: string): string {
  if (SECRET_KEY.test(key) && key !== '.' && key !== '..' && key.length <= MAX_SUBDOMAIN_LENGTH) return key;
  throw new HardeningError(
    scope,
    `'${field}' has the key '${key}', which a Secret cannot hold: use letters, digits, '-', '_' and '.' (not '.' or '..' alone), for example 'db-password'.`,
  );
}

/**
 * The namespace a secret object goes to: the explicit one, else the enclosing
 * `HardenedNamespace`, else the chart's. Unlike `effectiveNamespace`, never falls back to
 * `default`: where a secret lands decides who can read it, so it is never guessed.
 */
export function declaredNamespace(scope: IConstruct, explicit: string | undefined): string | undefined {
  return explicit ?? enclosingNamespaceScope(scope)?.namespaceName ?? chartNamespace(scope);
}
