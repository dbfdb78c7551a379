import { IConstruct } from 'constructs';

/**
 * A problem in the props of a cloud stack: the message is prefixed with the construct path,
 * like `HardeningError` on the cdk8s side (which lib/cloud does not import, so that the
 * cdktf code and the cdk8s code never load each other).
 */
export class CloudHardeningError extends Error {
  constructor(scope: IConstruct, message: string) {
    super(`[${scope.node.path || '<root>'}] ${message}`);
    this.name = 'CloudHardeningError';
    Object.setPrototypeOf(this, CloudHardeningError.prototype);
  }
}
