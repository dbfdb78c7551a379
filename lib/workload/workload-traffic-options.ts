import { ExposedPort, NetworkProtocol } from '../network/traffic-rules';
import type { HardenedContainerProps } from './hardened-container';

/** A port to open between two endpoints. */
export interface AllowTrafficOptions {
  /** Destination port (the first of a range when `endPort` is set). */
  readonly port: number;

  /**
   * @default NetworkProtocol.TCP
   */
  readonly protocol?: NetworkProtocol;

  /**
   * Last port of a range starting at `port`.
   *
   * @default - only `port`
   */
  readonly endPort?: number;
}

/** Traffic from an ingress controller's pods. */
export interface AllowFromIngressControllerOptions extends AllowTrafficOptions {
  /**
   * Namespace of the ingress controller.
   *
   * @default 'ingress-nginx'
   */
  readonly namespace?: string;

  /**
   * Labels of the ingress controller's pods.
   *
   * @default { 'app.kubernetes.io/name': 'ingress-nginx' }
   */
  readonly podLabels?: { [key: string]: string };
}

/** Traffic from pods chosen by labels. */
export interface AllowFromPodsOptions extends AllowTrafficOptions {
  /** Namespace of the pods. */
  readonly namespace: string;
  /** Labels the pods must all have (at least one). */
  readonly podLabels: { [key: string]: string };
}

/** Traffic from or to a block of addresses outside the cluster. */
export interface CidrTrafficOptions extends AllowTrafficOptions {
  /** The block, for example `203.0.113.0/24`. `0.0.0.0/0` for ingress needs an exception. */
  readonly cidr: string;

  /**
   * Blocks inside `cidr` to leave out. For egress, the cloud metadata address is always
   * left out of a block that contains it (unless `network-egress-metadata` is excepted).
   *
   * @default - none
   */
  readonly except?: string[];
}

/** The port of a traffic rule, from the options of `allowFrom()` and its siblings. */
export function trafficPort(options: AllowTrafficOptions) {
  return { port: options.port, protocol: options.protocol, endPort: options.endPort };
}

/** The ports the containers declare (`portNumber` and `ports`), TCP unless said otherwise. */
export function exposedPortsOf(containers: readonly HardenedContainerProps[]): ExposedPort[] {
  return containers.flatMap((c) => [
    ...(c.portNumber !== undefined ? [{ port: c.portNumber, protocol: 'TCP' }] : []),
    ...(c.ports ?? []).map((p) => ({ port: p.number, protocol: p.protocol ?? 'TCP', name: p.name })),
  ]);
}
