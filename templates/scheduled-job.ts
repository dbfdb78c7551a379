import { Cron, Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { ConcurrencyPolicy, HardenedCronJob, HardeningException } from '../lib';
import { connect, Dependency, ExternalDependency } from './dependency';
import { templateContainer, TemplateContainerOptions } from './shared/template-container';

/** Props of a `ScheduledJob`. */
export interface ScheduledJobProps extends TemplateContainerOptions {
  /** When to run. */
  readonly schedule: Cron;
  /** @default 'Etc/UTC' */
  readonly timeZone?: string;
  /** @default ConcurrencyPolicy.FORBID */
  readonly concurrencyPolicy?: ConcurrencyPolicy;
  /**
   * How long one run may take before it is stopped.
   *
   * @default Duration.hours(1)
   */
  readonly activeDeadline?: Duration;
  /** @default Duration.minutes(5) */
  readonly startingDeadline?: Duration;
  /** @default 3 */
  readonly successfulJobsRetained?: number;
  /** @default 3 */
  readonly failedJobsRetained?: number;
  /** @default - none */
  readonly dependencies?: Dependency[];
  /** @default - none */
  readonly externalDependencies?: ExternalDependency[];
  /** @default - none */
  readonly exceptions?: HardeningException[];
}

/**
 * A scheduled task: a hardened CronJob that never overlaps itself, is stopped when it runs
 * too long, keeps a short history, and connects only to the services it declares.
 */
export class ScheduledJob extends Construct {
  /** The hardened CronJob. */
  public readonly workload: HardenedCronJob;

  constructor(scope: Construct, id: string, props: ScheduledJobProps) {
    super(scope, id);
    this.workload = new HardenedCronJob(this, id, {
      schedule: props.schedule,
      timeZone: props.timeZone,
      concurrencyPolicy: props.concurrencyPolicy,
      activeDeadline: props.activeDeadline ?? Duration.hours(1),
      startingDeadline: props.startingDeadline,
      successfulJobsRetained: props.successfulJobsRetained,
      failedJobsRetained: props.failedJobsRetained,
      exceptions: props.exceptions,
      containers: [templateContainer(props, { writablePaths: ['/tmp'] })],
    });
    connect(this.workload, props.dependencies, props.externalDependencies);
  }
}
