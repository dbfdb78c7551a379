import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { HardenedWorkload, HardenedWorkloadProps } from './hardened-workload';

/** Props of a `HardenedDaemonSet`. */
export interface HardenedDaemonSetProps extends HardenedWorkloadProps {}

/**
 * One hardened pod per node. Node agents often ask for host access: each such need is an
 * explicit exception with a reason, never a default.
 *
 * @see https://kubernetes.io/docs/concepts/workloads/controllers/daemonset/
 */
export class HardenedDaemonSet extends HardenedWorkload {
  /** The underlying cdk8s-plus DaemonSet. */
  public readonly daemonSet: kplus.DaemonSet;

  constructor(scope: Construct, id: string, props: HardenedDaemonSetProps) {
    super(scope, id, props);
    this.daemonSet = this.assemble(props, { create: (pod) => new kplus.DaemonSet(this, 'Resource', pod), longRunning: true });
  }
}
