import { IConstruct } from 'constructs';

/**
 * The scope errors of the plain generator functions are reported against: they are not
 * constructs, so an error is prefixed with the function's name, `[auditPolicy] ...`.
 * `ControlPlaneHardening` passes itself instead, so errors name its construct path.
 */
export function functionScope(name: string): IConstruct {
  return { node: { path: name } } as unknown as IConstruct;
}
