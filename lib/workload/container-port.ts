import * as kplus from 'cdk8s-plus-27';
import { NetworkProtocol } from '../network/traffic-rules';
import { ExceptionPolicy } from '../policy/exception-policy';

/** A port a container serves on. */
export interface ContainerPort {
  /** The port number, 1 to 65535. */
  readonly number: number;

  /**
   * A name (an IANA service name, unique in the pod) that Services and NetworkPolicies can
   * refer to.
   *
   * @default - unnamed
   */
  readonly name?: string;

  /**
   * @default NetworkProtocol.TCP
   */
  readonly protocol?: NetworkProtocol;

  /**
   * A port of the node bound to this port. Needs an exception to `no-host-ports`: it bypasses
   * NetworkPolicies.
   *
   * @default - none
   */
  readonly hostPort?: number;

  /**
   * The node's address `hostPort` binds.
   *
   * @default - every address of the node
   */
  readonly hostIp?: string;
}

const PROTOCOLS: Record<NetworkProtocol, kplus.Protocol> = {
  [NetworkProtocol.TCP]: kplus.Protocol.TCP,
  [NetworkProtocol.UDP]: kplus.Protocol.UDP,
  [NetworkProtocol.SCTP]: kplus.Protocol.SCTP,
};

/** The cdk8s-plus-27 protocol of `protocol` (undefined stays undefined: TCP). */
export function plusProtocol(protocol: NetworkProtocol | undefined): kplus.Protocol | undefined {
  return protocol === undefined ? undefined : PROTOCOLS[protocol];
}

/** The cdk8s-plus ports of a container, refusing a host port without an exception. */
export function containerPorts(policy: ExceptionPolicy, field: string, ports: readonly ContainerPort[]): kplus.ContainerPort[] | undefined {
  ports.forEach((port, i) => {
    if (port.hostPort !== undefined) {
      policy.require(
        'no-host-ports',
        `${field}.ports[${i}].hostPort`,
        "a host port binds the node's network interface and bypasses NetworkPolicies.",
        'Expose the port through a Service.',
        String(port.hostPort),
      );
    }
  });
  return ports.length ? ports.map(plusPort) : undefined;
}

function plusPort(port: ContainerPort): kplus.ContainerPort {
  return {
    number: port.number,
    name: port.name,
    protocol: plusProtocol(port.protocol),
    hostPort: port.hostPort,
    hostIp: port.hostIp,
  };
}
