/**
 * What a CronJob does when a run is due while the previous one still runs.
 *
 * @see https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/#concurrency-policy
 */
export enum ConcurrencyPolicy {
  /** Skip the new run. */
  FORBID = 'Forbid',
  /** Start the new run next to the old one. */
  ALLOW = 'Allow',
  /** Stop the old run and start the new one. */
  REPLACE = 'Replace',
}
