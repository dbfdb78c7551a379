import * as kplus from 'cdk8s-plus-27';
import { Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { HardeningError } from '../core/hardening-error';
import { HardenedWorkload, HardenedWorkloadProps } from './hardened-workload';

/** Props of a `HardenedJob`. */
export interface HardenedJobProps extends HardenedWorkloadProps {
  /**
   * Retries before the Job is marked failed.
   *
   * @default 3
   */
  readonly backoffLimit?: number;

  /**
   * How long the Job may run before it is stopped.
   *
   * @default - no limit
   */
  readonly activeDeadline?: Duration;

  /**
   * How long a finished Job (and its pods and logs) is kept before it is deleted.
   *
   * @default Duration.days(1)
   */
  readonly ttlAfterFinished?: Duration;
}

/**
 * A run-to-completion workload, hardened like `HardenedDeployment` (probes are not required).
 *
 * @see https://kubernetes.io/docs/concepts/workloads/controllers/job/
 */
export class HardenedJob extends HardenedWorkload {
  /** The underlying cdk8s-plus Job. */
  public readonly job: kplus.Job;

  constructor(scope: Construct, id: string, props: HardenedJobProps) {
    super(scope, id, props);
    this.job = this.assemble(props, {
      create: (pod) =>
        new kplus.Job(this, 'Resource', {
          ...pod,
          backoffLimit: validateBackoffLimit(this, props.backoffLimit ?? 3),
          activeDeadline: props.activeDeadline,
          ttlAfterFinished: props.ttlAfterFinished ?? Duration.days(1),
        }),
      longRunning: false,
    });
  }
}

/** Checks a retry count: a whole number, zero or more. */
export function validateBackoffLimit(scope: Construct, backoffLimit: number): number {
  if (!Number.isInteger(backoffLimit) || backoffLimit < 0) {
    throw new HardeningError(scope, `'backoffLimit' must be a whole number, 0 or more (got ${backoffLimit}). For example 3.`);
  }
  return backoffLimit;
}
