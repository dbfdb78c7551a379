import { Construct } from 'constructs';
import { HardeningError } from '../core/hardening-error';

/**
 * An add-on's replica count prop, checked: a whole number of at least 1, else an error naming
 * `field` (and, with `advice`, why more than one is worth it).
 */
export function replicaCount(scope: Construct, field: string, value: number, advice?: string): number {
  if (!Number.isInteger(value) || value < 1) {
    throw new HardeningError(scope, `'${field}' must be a whole number of at least 1 (got ${value}).${advice ? ` ${advice}` : ''}`);
  }
  return value;
}
