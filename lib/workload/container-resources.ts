import * as kplus from 'cdk8s-plus-27';
import { Size } from 'cdk8s';

/** An amount of CPU: `Cpu.millis(250)` is a quarter of a core. */
export class Cpu {
  /** Thousandths of a core, written `<n>m`. */
  public static millis(amount: number): Cpu {
    return new Cpu(kplus.Cpu.millis(amount));
  }

  /** Whole or fractional cores, written as the number. */
  public static cores(amount: number): Cpu {
    return new Cpu(kplus.Cpu.units(amount));
  }

  /** The Kubernetes quantity, for example `250m`. */
  public readonly amount: string;

  private constructor(private readonly plus: kplus.Cpu) {
    this.amount = plus.amount;
  }

  /**
   * The cdk8s-plus-27 amount the workloads are built with.
   *
   * @internal
   */
  public _toCpu(): kplus.Cpu {
    return this.plus;
  }
}

/** CPU a container is promised (request) and may not exceed (limit). */
export interface CpuResources {
  /** @default - see `HardenedContainerProps.resources` */
  readonly request?: Cpu;
  /** @default - see `HardenedContainerProps.resources` */
  readonly limit?: Cpu;
}

/** Memory, or ephemeral storage, a container is promised (request) and may not exceed (limit). */
export interface SizeResources {
  /** @default - see `HardenedContainerProps.resources` */
  readonly request?: Size;
  /** @default - see `HardenedContainerProps.resources` */
  readonly limit?: Size;
}

/**
 * Requests and limits of one container.
 *
 * @see https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/
 */
export interface ContainerResources {
  /** @default - see `HardenedContainerProps.resources` */
  readonly cpu?: CpuResources;
  /** @default - see `HardenedContainerProps.resources` */
  readonly memory?: SizeResources;
  /** @default - the size class's */
  readonly ephemeralStorage?: SizeResources;
}
