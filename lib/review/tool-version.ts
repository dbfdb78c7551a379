import { packageRoot } from '../core/package-root';

/** The version of cdk8s-hardened, from its package.json. */
export function toolVersion(): string {
  return packageRoot().version;
}
