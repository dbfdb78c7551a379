import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { ExceptionPolicy } from '../policy/exception-policy';
import { HardeningException, isReasonLongEnough, MIN_REASON_LENGTH } from '../core/exceptions';
import { HardeningError } from '../core/hardening-error';
import { requireDns1123Label } from '../core/names';
import { checkGrantRules, GrantRule } from './grant-rules';
import { checkSubject } from './namespace-access';
import { RbacSubject } from './rbac-subject';
import { bindRole } from './role-binding';

/** Props of a `ClusterGrant`. */
export interface ClusterGrantProps {
  /** Who gets the rules in every namespace. */
  readonly subjects: RbacSubject[];

  /** The permissions, checked like `workload.grant()`; reading Secrets cluster-wide needs an exception. */
  readonly rules: GrantRule[];

  /**
   * Why this must be cluster-wide rather than per namespace (at least 10 visible characters). It is
   * recorded as the exception to `rbac-cluster-scope` and shown in the review.
   */
  readonly reason: string;

  /**
   * Name of the ClusterRole and ClusterRoleBinding.
   *
   * @default - the construct id
   */
  readonly name?: string;

  /**
   * Further departures from RBAC rules, each with a reason.
   *
   * @default - none
   */
  readonly exceptions?: HardeningException[];
}

/**
 * The only way to grant cluster-wide: a ClusterRole and ClusterRoleBinding that always
 * carry a written reason. A ServiceAccount subject still needs its token mounted (its
 * workload's `grant()` or `automountServiceAccountToken` with an exception).
 *
 * @see https://kubernetes.io/docs/reference/access-authn-authz/rbac/#clusterrole-example
 */
export class ClusterGrant extends Construct {
  /** The ClusterRole holding the rules. */
  public readonly clusterRole: k8s.KubeClusterRole;
  /** The ClusterRoleBinding to the subjects. */
  public readonly binding: k8s.KubeClusterRoleBinding;

  constructor(scope: Construct, id: string, props: ClusterGrantProps) {
    super(scope, id);
    const name = requireDns1123Label(this, 'name', props.name ?? id);
    if (!isReasonLongEnough(props.reason)) {
      throw new HardeningError(
        this,
        `'reason' must say in at least ${MIN_REASON_LENGTH} visible characters why the grant must be cluster-wide (got '${props.reason}'). Prefer a Role per namespace.`,
      );
    }
    const policy = new ExceptionPolicy(this, [{ rule: 'rbac-cluster-scope', reason: props.reason }, ...(props.exceptions ?? [])]);
    if (!props.subjects.length) {
      throw new HardeningError(
        this,
        "'subjects' is empty. Name who gets the rules, for example RbacSubject.serviceAccount('monitoring', 'collector').",
      );
    }
    props.subjects.forEach((subject, i) => checkSubject(this, policy, `subjects[${i}]`, subject));
    const { role, binding } = bindRole(this, {
      clusterWide: true,
      ids: ['Role', 'Binding'],
      metadata: { name },
      rules: checkGrantRules(this, policy, 'rules', props.rules, true),
      subjects: props.subjects.map((s) => s.toSubject()),
      exceptions: policy.list(),
    });
    this.clusterRole = role;
    this.binding = binding;
  }
}
