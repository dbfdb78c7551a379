import { IConstruct } from 'constructs';

/**
 * The one error type of this library: a problem in the props of a construct.
 *
 * The message is prefixed with the construct path so a user can find the line of their
 * app at fault, and says the prop, the value received, what is allowed and the fix.
 * `HardenedApp` prints it as a single line (no stack trace) and exits non-zero.
 */
export class HardeningError extends Error {
  /** The path of the construct whose props are wrong, for example `shop/web`. */
  public readonly constructPath: string;

  constructor(scope: IConstruct, message: string) {
    const constructPath = scope.node.path || '<root>';
    super(`[${constructPath}] ${message}`);
    this.name = 'HardeningError';
    this.constructPath = constructPath;
    Object.setPrototypeOf(this, HardeningError.prototype);
  }
}
