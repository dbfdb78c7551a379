import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { ExceptionPolicy } from '../policy/exception-policy';
import { HardeningError } from '../core/hardening-error';
import { BASELINE_CAPABILITIES } from '../policy/baseline-capabilities';

/**
 * Security settings of one container that may be loosened, each only together with an
 * exception to the matching rule. Everything else (seccomp, dropped capabilities, no host
 * access) is not a prop: change it with a JSON patch and the review will ask for an exception.
 */
export interface HardenedContainerSecurity {
  /**
   * Run the container privileged (full access to the host's devices). Needs an exception to
   * `no-privileged`, and `allowPrivilegeEscalation: true` as Kubernetes requires.
   *
   * @default false
   */
  readonly privileged?: boolean;

  /**
   * Let processes gain more privileges than their parent (setuid binaries). Needs an
   * exception to `no-privilege-escalation`.
   *
   * @default false
   */
  readonly allowPrivilegeEscalation?: boolean;

  /**
   * Mount the container's root filesystem read-only. Prefer `writablePaths` to turning this
   * off; `false` needs an exception to `read-only-root-filesystem`.
   *
   * @default true
   */
  readonly readOnlyRootFilesystem?: boolean;

  /**
   * Refuse to start the container as UID 0. `false` needs an exception to `run-as-non-root`.
   *
   * @default true
   */
  readonly runAsNonRoot?: boolean;

  /**
   * UID of the container's processes.
   *
   * @default - the workload's `runAsUser` (65532)
   */
  readonly runAsUser?: number;

  /**
   * GID of the container's processes.
   *
   * @default - the workload's `runAsGroup` (65532)
   */
  readonly runAsGroup?: number;

  /**
   * Linux capabilities added back after `drop: [ALL]`, without the `CAP_` prefix.
   * `NET_BIND_SERVICE` (bind ports below 1024) is allowed; any other needs an exception to
   * `drop-all-capabilities`, and one outside the Pod Security baseline set also to
   * `baseline-capabilities`.
   *
   * @default - none
   */
  readonly addCapabilities?: string[];
}

const RESTRICTED_ADDABLE = 'NET_BIND_SERVICE';
const CAPABILITY_NAME = /^[A-Z][A-Z0-9_]*$/;
/** Above this, kube-score and kubesec consider a UID/GID safely out of the host's range. */
export const MIN_HIGH_ID = 10000;

/** The container's security context and capabilities, refusing each weakening that has no exception. */
export function containerSecurity(
  scope: Construct,
  policy: ExceptionPolicy,
  field: string,
  security: HardenedContainerSecurity,
  pod: { readonly runAsUser: number; readonly runAsGroup: number },
): { securityContext: kplus.ContainerSecurityContextProps; capabilities: { drop: string[]; add?: string[] } } {
  const privileged = security.privileged ?? false;
  const allowPrivilegeEscalation = security.allowPrivilegeEscalation ?? false;
  const readOnlyRootFilesystem = security.readOnlyRootFilesystem ?? true;
  const runAsNonRoot = security.runAsNonRoot ?? true;
  const runAsUser = security.runAsUser ?? pod.runAsUser;
  const runAsGroup = security.runAsGroup ?? pod.runAsGroup;
  const sc = `${field}.securityContext`;

  if (privileged) {
    policy.require('no-privileged', `${sc}.privileged`, 'a privileged container has full access to the host.', 'Remove it.');
    if (!allowPrivilegeEscalation) {
      throw new HardeningError(
        scope,
        `'${sc}.allowPrivilegeEscalation' must be true when privileged is true (Kubernetes rejects the pair otherwise). Set it, with an exception to 'no-privilege-escalation'.`,
      );
    }
  }
  if (allowPrivilegeEscalation) {
    policy.require(
      'no-privilege-escalation',
      `${sc}.allowPrivilegeEscalation`,
      'lets processes gain more privileges than their parent.',
      'Remove it.',
    );
  }
  if (!readOnlyRootFilesystem) {
    policy.require(
      'read-only-root-filesystem',
      `${sc}.readOnlyRootFilesystem`,
      "a writable root filesystem lets an attacker change the container's binaries.",
      'List the paths that must be writable in writablePaths instead.',
    );
  }
  checkUserAndGroup(scope, policy, sc, runAsUser, runAsGroup, runAsNonRoot);
  const added = checkCapabilities(scope, policy, `${sc}.addCapabilities`, security.addCapabilities ?? [], allowPrivilegeEscalation);
  return {
    securityContext: {
      ensureNonRoot: runAsNonRoot,
      privileged,
      allowPrivilegeEscalation,
      readOnlyRootFilesystem,
      user: runAsUser,
      group: runAsGroup,
    },
    capabilities: added.length ? { drop: ['ALL'], add: added } : { drop: ['ALL'] },
  };
}

function checkUserAndGroup(
  scope: Construct,
  policy: ExceptionPolicy,
  sc: string,
  user: number,
  group: number,
  runAsNonRoot: boolean,
): void {
  for (const [key, id] of [
    ['runAsUser', user],
    ['runAsGroup', group],
  ] as const) {
    if (!Number.isInteger(id) || id < 0) {
      throw new HardeningError(
        scope,
        `'${sc}.${key}' must be a non-negative integer (got ${id}). Use 65532, the non-root user of distroless images.`,
      );
    }
  }
  if (user === 0) {
    policy.require('no-root-user', `${sc}.runAsUser`, 'UID 0 is root.', 'Use a non-root UID above 10000, such as 65532.');
    if (runAsNonRoot) {
      throw new HardeningError(
        scope,
        `'${sc}.runAsUser' is 0 but runAsNonRoot is true, so the kubelet would refuse to start the container. Set runAsNonRoot: false, with an exception to 'run-as-non-root'.`,
      );
    }
  }
  if (!runAsNonRoot) {
    policy.require('run-as-non-root', `${sc}.runAsNonRoot`, 'lets the container start as root.', 'Remove it.');
  }
  if ((user > 0 && user <= MIN_HIGH_ID) || group <= MIN_HIGH_ID) {
    policy.require(
      'high-user-group-ids',
      sc,
      `UID ${user} / GID ${group} may collide with users of the host (kube-score and kubesec want both above ${MIN_HIGH_ID}).`,
      'Use 65532 (the non-root user of distroless and Chainguard images) or another ID above 10000.',
    );
  }
}

function checkCapabilities(
  scope: Construct,
  policy: ExceptionPolicy,
  field: string,
  requested: readonly string[],
  allowPrivilegeEscalation: boolean,
): string[] {
  const seen = new Set<string>();
  for (const cap of requested) {
    if (cap.startsWith('CAP_')) {
      throw new HardeningError(
        scope,
        `'${field}' lists '${cap}': write capabilities without the CAP_ prefix ('${cap.slice(4)}'), as Pod Security and the scanners expect.`,
      );
    }
    if (!CAPABILITY_NAME.test(cap)) {
      throw new HardeningError(
        scope,
        `'${field}' lists '${cap}', which is not a capability name. Use an uppercase name such as 'NET_BIND_SERVICE'.`,
      );
    }
    if (cap === 'ALL') {
      throw new HardeningError(scope, `'${field}' cannot add 'ALL'. Name each capability the container needs.`);
    }
    if (seen.has(cap)) {
      throw new HardeningError(scope, `'${field}' lists '${cap}' twice. Keep one.`);
    }
    seen.add(cap);
    if (cap !== RESTRICTED_ADDABLE) {
      policy.require(
        'drop-all-capabilities',
        field,
        `adds '${cap}'; only NET_BIND_SERVICE is allowed by Pod Security restricted.`,
        `Remove '${cap}'.`,
        cap,
      );
    }
    if (!BASELINE_CAPABILITIES.includes(cap)) {
      policy.require('baseline-capabilities', field, `adds '${cap}', which even Pod Security baseline forbids.`, `Remove '${cap}'.`, cap);
    }
    if (cap === 'SYS_ADMIN' && !allowPrivilegeEscalation) {
      throw new HardeningError(
        scope,
        `'${field}' adds SYS_ADMIN, which Kubernetes only accepts with allowPrivilegeEscalation: true. Set it, with an exception to 'no-privilege-escalation'.`,
      );
    }
  }
  return [...seen].sort();
}
