import { Construct } from 'constructs';
import { HardeningError } from '../core/hardening-error';

/**
 * `value`, once it is known to be one of this library's own objects (it has `method`). Plain
 * JavaScript, or a cast, may still pass a cdk8s-plus object (a `Probe` for a `HealthCheck`),
 * which would otherwise fail deep inside cdk8s-plus without naming the field.
 */
export function requireOwnType<T extends object>(
  scope: Construct,
  field: string,
  value: T | undefined,
  method: keyof T,
  example: string,
): T | undefined {
  if (value === undefined) return undefined;
  if (value === null || typeof value !== 'object' || typeof value[method] !== 'function') {
    throw new HardeningError(
      scope,
      `'${field}' is not built by cdk8s-hardened (a cdk8s-plus object is not accepted here). Build it with ${example}.`,
    );
  }
  return value;
}
