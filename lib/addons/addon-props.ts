import { Construct } from 'constructs';
import { HardeningError } from '../core/hardening-error';
import { trafficOf } from './addon-component';
import { ITrafficEndpoint } from '../network/traffic-rules';
import { ContainerBudget } from './pod-hardening';

/**
 * Where the Kubernetes API server is reached, seen from the pods' network: the add-ons'
 * controllers call it (egress) and it calls their admission webhooks (ingress). Give the
 * control-plane nodes' addresses (kubeadm: the nodes' subnet, port 6443; EKS: the subnets of
 * the cluster's control-plane network interfaces, port 443): network plugins apply policies
 * after the `kubernetes` Service's address is translated to them.
 */
export interface ApiServerAddress {
  /** The blocks the API server's addresses are in, for example `['10.0.0.0/28']`. */
  readonly cidrs: string[];

  /**
   * The port the API server listens on at those addresses.
   *
   * @default 443
   */
  readonly port?: number;
}

/** CPU and memory of one container of an add-on. */
export interface AddOnResources {
  /**
   * CPU request.
   *
   * @default - the add-on's default for that container
   */
  readonly cpu?: string;

  /**
   * CPU limit: generous, since a throttled controller misses its leader-election renewals.
   *
   * @default '1'
   */
  readonly cpuLimit?: string;

  /**
   * Memory request.
   *
   * @default - the add-on's default for that container
   */
  readonly memory?: string;

  /**
   * Memory limit.
   *
   * @default - the add-on's default for that container
   */
  readonly memoryLimit?: string;
}

/** `defaults` with the user's `resources` over them. */
export function budgetOf(defaults: ContainerBudget, resources: AddOnResources | undefined): ContainerBudget {
  return { ...defaults, ...Object.fromEntries(Object.entries(resources ?? {}).filter(([, v]) => v !== undefined)) };
}

/** Lets `component` call the API server and nothing else of the control plane. */
export function allowApiServer(scope: Construct, component: ITrafficEndpoint, apiServer: ApiServerAddress, field: string): void {
  if (!apiServer.cidrs.length) {
    throw new HardeningError(
      scope,
      `'${field}.cidrs' is empty. Give the blocks of the API server's addresses, for example ['10.0.0.0/28'].`,
    );
  }
  apiServer.cidrs.forEach((cidr, i) =>
    trafficOf(component).allowEgressToCidr(cidr, [], { port: apiServer.port ?? 443 }, `${field}.cidrs[${i}]`),
  );
}

/** Lets the API server call `component`'s admission webhook on `port`. */
export function allowWebhookCalls(component: ITrafficEndpoint, apiServer: ApiServerAddress, port: number, field: string): void {
  apiServer.cidrs.forEach((cidr, i) => trafficOf(component).allowFromCidr(cidr, [], { port }, `${field}.cidrs[${i}]`));
}
