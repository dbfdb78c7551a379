import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { ExceptionPolicy } from '../policy/exception-policy';
import { recordExceptions } from '../policy/exception-routing';
import { ExposedPort, ITrafficEndpoint, markTrafficEndpoint, TrafficRules } from '../network/traffic-rules';

/**
 * One workload of an add-on (a controller, a webhook, a Job) as an endpoint of traffic rules:
 * its own `<name>-traffic` NetworkPolicy holds exactly the flows the add-on declares for it, and
 * the tenants' rules can select it like any workload of the app.
 */
export class AddOnComponent extends Construct implements ITrafficEndpoint {
  public readonly name: string;
  public readonly namespace: string;
  public readonly selectorLabels: { [key: string]: string };
  public readonly podLabels: { [key: string]: string };
  public readonly exposedPorts: ExposedPort[];
  /** Its traffic rules: each call adds a flow to its NetworkPolicy. */
  public readonly traffic: TrafficRules;

  constructor(
    scope: Construct,
    id: string,
    endpoint: Omit<ITrafficEndpoint, 'node' | 'with'>,
    /** The add-on's exceptions: those to network rules land on this component's policy. */
    policy: ExceptionPolicy,
  ) {
    super(scope, id);
    this.name = endpoint.name;
    this.namespace = endpoint.namespace;
    this.selectorLabels = { ...endpoint.selectorLabels };
    this.podLabels = { ...endpoint.podLabels };
    this.exposedPorts = [...endpoint.exposedPorts];
    this.traffic = new TrafficRules(this, policy, (networkPolicy) => recordExceptions(ApiObject.of(networkPolicy), policy));
    markTrafficEndpoint(this);
  }
}

/** The traffic rules of an add-on's component, which its add-on exposes as a plain `ITrafficEndpoint`. */
export function trafficOf(endpoint: ITrafficEndpoint): TrafficRules {
  if (!(endpoint instanceof AddOnComponent)) throw new Error(`${endpoint.name} is not a component of an add-on`);
  return endpoint.traffic;
}
