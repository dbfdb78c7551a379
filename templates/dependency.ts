import { HardenedWorkload, NetworkProtocol } from '../lib';

/** A workload a template's workload connects to, and on which port. */
export interface Dependency {
  /** The workload connected to (it must expose the port). */
  readonly workload: HardenedWorkload;
  /** Its port. */
  readonly port: number;
  /**
   * @default NetworkProtocol.TCP
   */
  readonly protocol?: NetworkProtocol;
}

/** An address block outside the cluster a template's workload connects to. */
export interface ExternalDependency {
  /** The block, for example `203.0.113.0/24`. */
  readonly cidr: string;
  /** The port. */
  readonly port: number;
}

/** Opens egress from `source` to each dependency (and the matching ingress on each). */
export function connect(
  source: HardenedWorkload,
  dependencies: readonly Dependency[] = [],
  external: readonly ExternalDependency[] = [],
): void {
  for (const dependency of dependencies) source.allowTo(dependency.workload, { port: dependency.port, protocol: dependency.protocol });
  for (const block of external) source.allowEgressTo({ cidr: block.cidr, port: block.port });
}
