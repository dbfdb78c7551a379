import { IConstruct } from 'constructs';
import { HardeningError } from './hardening-error';

/** A DNS-1123 label: what Kubernetes requires of most names and of label values used as names. */
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const MAX_LABEL_LENGTH = 63;

/** Whether `name` is a valid DNS-1123 label (lowercase alphanumerics and '-', at most 63). */
export function isDns1123Label(name: string): boolean {
  return name.length <= MAX_LABEL_LENGTH && DNS1123_LABEL.test(name);
}

/**
 * Returns `name` if it is a DNS-1123 label, or throws naming the construct, the field and a
 * corrected suggestion.
 */
export function requireDns1123Label(scope: IConstruct, field: string, name: string): string {
  if (isDns1123Label(name)) return name;
  const suggestion =
    name
      .toLowerCase()
      .replace(/[^a-z0-9-]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, MAX_LABEL_LENGTH) || 'app';
  throw new HardeningError(
    scope,
    `'${field}' must be a DNS-1123 label: lowercase letters, digits and '-', starting and ending with a letter or digit, at most ${MAX_LABEL_LENGTH} characters (got '${name}'). Use '${suggestion}'.`,
  );
}

/** A DNS-1123 subdomain: what Kubernetes requires of most object names (Secrets, ConfigMaps...). */
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const MAX_SUBDOMAIN_LENGTH = 253;

/** Returns `name` if it is a DNS-1123 subdomain, or throws naming the construct and the field. */
export function requireDns1123Subdomain(scope: IConstruct, field: string, name: string): string {
  if (name.length <= MAX_SUBDOMAIN_LENGTH && DNS1123_SUBDOMAIN.test(name)) return name;
  const suggestion =
    name
      .toLowerCase()
      .replace(/[^a-z0-9.-]+/g, '-')
      .replace(/^[-.]+|[-.]+$/g, '')
      .slice(0, MAX_SUBDOMAIN_LENGTH) || 'secret';
  throw new HardeningError(
    scope,
    `'${field}' must be a DNS-1123 subdomain: lowercase letters, digits, '-' and '.', starting and ending with a letter or digit, at most ${MAX_SUBDOMAIN_LENGTH} characters (got '${name}'). Use '${suggestion}'.`,
  );
}

/**
 * Whether `path` can be a mount point in a container: absolute, not `/` itself, and with no
 * `..` segment that would lead out of where it says.
 */
export function isMountPath(path: string): boolean {
  return path.startsWith('/') && path !== '/' && !path.split('/').includes('..');
}

/** A label key: an optional DNS-1123 subdomain prefix and '/', then a name of at most 63 characters. */
const LABEL_NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;

/** Returns `key` if it is a valid label key (`example.com/name` or `name`), or throws naming the construct and the field. */
export function requireLabelKey(scope: IConstruct, field: string, key: string): string {
  const slash = key.lastIndexOf('/');
  const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
  const name = key.slice(slash + 1);
  const prefixOk = prefix === undefined || (prefix.length <= MAX_SUBDOMAIN_LENGTH && DNS1123_SUBDOMAIN.test(prefix));
  if (typeof key === 'string' && prefixOk && name.length <= MAX_LABEL_LENGTH && LABEL_NAME.test(name)) return key;
  throw new HardeningError(
    scope,
    `'${field}' has the label key '${key}', which Kubernetes refuses: an optional DNS subdomain and '/', then at most ${MAX_LABEL_LENGTH} letters, digits, '-', '_' or '.', starting and ending with a letter or digit (for example 'node-role.kubernetes.io/control-plane').`,
  );
}

/** Returns `value` if it is a valid label value (empty, or at most 63 letters, digits, '-', '_', '.'), or throws naming the construct and the field. */
export function requireLabelValue(scope: IConstruct, field: string, value: string): string {
  if (typeof value === 'string' && (value === '' || (value.length <= MAX_LABEL_LENGTH && LABEL_NAME.test(value)))) return value;
  throw new HardeningError(
    scope,
    `'${field}' has the label value ${JSON.stringify(value)}, which Kubernetes refuses: empty, or at most ${MAX_LABEL_LENGTH} letters, digits, '-', '_' or '.', starting and ending with a letter or digit.`,
  );
}
