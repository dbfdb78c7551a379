import * as kplus from 'cdk8s-plus-27';
import { Cron, Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { HardenedWorkload, HardenedWorkloadProps } from './hardened-workload';
import { validateBackoffLimit } from './hardened-job';
import { ConcurrencyPolicy } from './concurrency-policy';

const CONCURRENCY_POLICIES: Record<ConcurrencyPolicy, kplus.ConcurrencyPolicy> = {
  [ConcurrencyPolicy.FORBID]: kplus.ConcurrencyPolicy.FORBID,
  [ConcurrencyPolicy.ALLOW]: kplus.ConcurrencyPolicy.ALLOW,
  [ConcurrencyPolicy.REPLACE]: kplus.ConcurrencyPolicy.REPLACE,
};

/** Props of a `HardenedCronJob`. */
export interface HardenedCronJobProps extends HardenedWorkloadProps {
  /** When to run, for example `Cron.daily()` or `Cron.schedule({ minute: '0', hour: '2' })`. */
  readonly schedule: Cron;

  /**
   * Time zone of the schedule (an IANA name).
   *
   * @default 'Etc/UTC'
   */
  readonly timeZone?: string;

  /**
   * What to do when a run is due while the previous one still runs.
   *
   * @default ConcurrencyPolicy.FORBID
   */
  readonly concurrencyPolicy?: ConcurrencyPolicy;

  /**
   * How late a missed run may still start.
   *
   * @default Duration.minutes(5)
   */
  readonly startingDeadline?: Duration;

  /**
   * Retries of each run before it is marked failed.
   *
   * @default 3
   */
  readonly backoffLimit?: number;

  /**
   * How long one run may take before it is stopped.
   *
   * @default - no limit
   */
  readonly activeDeadline?: Duration;

  /**
   * Successful runs kept for inspection.
   *
   * @default 3
   */
  readonly successfulJobsRetained?: number;

  /**
   * Failed runs kept for inspection.
   *
   * @default 3
   */
  readonly failedJobsRetained?: number;
}

/**
 * A scheduled run-to-completion workload, hardened like `HardenedJob`; overlapping runs are
 * forbidden by default.
 *
 * @see https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/
 */
export class HardenedCronJob extends HardenedWorkload {
  /** The underlying cdk8s-plus CronJob. */
  public readonly cronJob: kplus.CronJob;

  constructor(scope: Construct, id: string, props: HardenedCronJobProps) {
    super(scope, id, props);
    this.cronJob = this.assemble(props, {
      create: (pod) =>
        new kplus.CronJob(this, 'Resource', {
          ...pod,
          schedule: props.schedule,
          timeZone: props.timeZone ?? 'Etc/UTC',
          concurrencyPolicy: CONCURRENCY_POLICIES[props.concurrencyPolicy ?? ConcurrencyPolicy.FORBID],
          startingDeadline: props.startingDeadline ?? Duration.minutes(5),
          backoffLimit: validateBackoffLimit(this, props.backoffLimit ?? 3),
          activeDeadline: props.activeDeadline,
          successfulJobsRetained: props.successfulJobsRetained ?? 3,
          failedJobsRetained: props.failedJobsRetained ?? 3,
        }),
      longRunning: false,
    });
  }

  protected override get podSpecPath(): string {
    return '/spec/jobTemplate/spec/template/spec';
  }
}
