import { k8s } from 'cdk8s-plus-27';
import { ApiObject, JsonPatch, Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import { ExceptionPolicy } from '../policy/exception-policy';
import { writeExceptions } from '../policy/exception-routing';
import { bindRole } from '../rbac/role-binding';

/** What `grant()` needs of its workload. */
export interface WorkloadGrantTarget {
  readonly metadata: { name: string; namespace: string; labels: { [key: string]: string } };
  readonly serviceAccountName: string;
  readonly policy: ExceptionPolicy;
  /** The workload object whose pods get the token. */
  readonly workload: ApiObject;
  readonly podSpecPath: string;
}

/**
 * Creates the Role and RoleBinding of `grant()` in `scope`, its rules rendered lazily (later
 * grants reach the YAML), and mounts the ServiceAccount token into the workload's pods.
 */
export function bindWorkloadGrant(scope: Construct, target: WorkloadGrantTarget, rules: k8s.PolicyRule[]): void {
  const { name, namespace } = target.metadata;
  bindRole(scope, {
    ids: ['Role', 'RoleBinding'],
    metadata: target.metadata,
    rules: Lazy.any({ produce: () => rules.map((r) => ({ ...r })) }),
    subjects: [{ kind: 'ServiceAccount', name: target.serviceAccountName, namespace }],
    exceptions: target.policy,
  });
  target.workload.addJsonPatch(JsonPatch.replace(`${target.podSpecPath}/automountServiceAccountToken`, true));
  if (!target.policy.allows('no-service-account-token')) {
    // The grant is the reason; written for the reviewer, like any exception.
    writeExceptions(target.workload, [
      {
        rule: 'no-service-account-token',
        reason: `calls the Kubernetes API with the permissions of Role ${name} (workload.grant)`,
      },
    ]);
  }
}
