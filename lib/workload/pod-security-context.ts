import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { ExceptionPolicy } from '../policy/exception-policy';
import { HardeningError } from '../core/hardening-error';
import { MIN_HIGH_ID } from './container-security';

/** The UID/GID of the non-root user in distroless and Chainguard images. */
export const DEFAULT_RUN_AS_ID = 65532;

/** The pod-level user and groups a workload's props may set. */
export interface PodIdentityProps {
  readonly runAsUser?: number;
  readonly runAsGroup?: number;
  readonly fsGroup?: number;
}

/** The user and group every container runs as unless it says otherwise. */
export function podUserAndGroup(props: PodIdentityProps): { runAsUser: number; runAsGroup: number } {
  return { runAsUser: props.runAsUser ?? DEFAULT_RUN_AS_ID, runAsGroup: props.runAsGroup ?? DEFAULT_RUN_AS_ID };
}

/**
 * The pod's security context: non-root, the pod's user and group, and a volume group that
 * must be above the host's IDs unless excepted. (Seccomp is patched in: cdk8s-plus-27 cannot say it.)
 */
export function podSecurityContext(scope: Construct, policy: ExceptionPolicy, props: PodIdentityProps): kplus.PodSecurityContextProps {
  const { runAsUser, runAsGroup } = podUserAndGroup(props);
  const fsGroup = props.fsGroup ?? DEFAULT_RUN_AS_ID;
  if (!Number.isInteger(fsGroup) || fsGroup < 0) {
    throw new HardeningError(scope, `'fsGroup' must be a non-negative integer (got ${fsGroup}). Use 65532.`);
  }
  if (fsGroup <= MIN_HIGH_ID) {
    policy.require(
      'high-user-group-ids',
      'fsGroup',
      `GID ${fsGroup} may collide with groups of the host.`,
      'Use 65532 or another ID above 10000.',
    );
  }
  return {
    ensureNonRoot: true,
    user: runAsUser,
    group: runAsGroup,
    fsGroup,
    fsGroupChangePolicy: kplus.FsGroupChangePolicy.ON_ROOT_MISMATCH,
  };
}
